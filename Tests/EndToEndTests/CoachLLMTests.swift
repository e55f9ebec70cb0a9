import Foundation
import Testing
import TestSupport

/// A fake OpenAI-compatible chat-completions server (Python http.server on 127.0.0.1, random port) started by the test.
/// Modes: `grounded` (answers with the first deterministic findings it was sent), `number` (an invented 97.3 %),
/// `player` (an invented "Marie Dupont"), `slow` (answers after 4 s). A wrong or missing key gets HTTP 401.
final class FakeChatServer {
  let port: Int
  let pid: Int32

  static let script = #"""
import os, signal, threading
os.closerange(3, 4096)  # drop descriptors inherited from concurrently spawned processes (their pipes must reach EOF)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
threading.Timer(300, lambda: os._exit(0)).start()  # never outlive the test run
import http.server, json, sys, time
mode, port_file, key = sys.argv[1], sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get('Content-Length', 0))
        body = json.loads(self.rfile.read(n) or b'{}')
        if self.headers.get('Authorization') != 'Bearer ' + key:
            self.send_response(401); self.send_header('Content-Length', '0'); self.end_headers(); return
        user = body.get('messages', [{}])[-1].get('content', '')
        if mode == 'grounded':
            lines = [l[2:] for l in user.split('\n') if l.startswith('- ')]
            text = ' '.join(lines[:2]) if lines else 'Solid game.'
        elif mode == 'number':
            text = 'The turnover rate reached 97.3 % in this game.'
        elif mode == 'player':
            text = 'Marie Dupont led the team with a strong game.'
        else:
            time.sleep(4); text = 'Too late.'
        out = json.dumps({'id': 'x', 'object': 'chat.completion', 'model': body.get('model', ''),
                          'choices': [{'index': 0, 'message': {'role': 'assistant', 'content': text}, 'finish_reason': 'stop'}]}).encode()
        try:
            self.send_response(200); self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(out))); self.end_headers(); self.wfile.write(out)
        except Exception:
            pass
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
with open(port_file + '.pid', 'w') as f: f.write(str(os.getpid()))
with open(port_file + '.tmp', 'w') as f: f.write(str(server.server_address[1]))
import os; os.rename(port_file + '.tmp', port_file)
server.serve_forever()
"""#

  /// Python 3 from PATH (or the `anchors` environment); nil (test skipped) when absent.
  static func python() throws -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/python3") {
      return URL(fileURLWithPath: "\(dir)/python3")
    }
    return try Oracles.python("anchors")
  }

  /// Starts the server detached (`sh -c '… &'`, standard streams on /dev/null): the test never waits on it through
  /// Foundation's `Process` (whose exit monitoring can hang with a long-lived child beside `runProcess` calls).
  init(mode: String, key: String, python: URL, folder: URL) throws {
    let scriptURL = folder.appendingPathComponent("fake_llm_server.py")
    try Self.script.write(to: scriptURL, atomically: true, encoding: .utf8)
    let portFile = folder.appendingPathComponent("port-\(mode)")
    func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    let command = [python.path, scriptURL.path, mode, portFile.path, key].map(quoted).joined(separator: " ")
      + " </dev/null >/dev/null 2>&1 &"
    _ = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", command])
    var port: Int?, pid: Int32?
    for _ in 0..<300 {
      if let text = try? String(contentsOf: portFile, encoding: .utf8), let p = Int(text) {
        port = p
        pid = (try? String(contentsOf: URL(fileURLWithPath: portFile.path + ".pid"), encoding: .utf8)).flatMap { Int32($0) }
        break
      }
      Thread.sleep(forTimeInterval: 0.05)
    }
    guard let port, let pid else { throw MissingResource("the fake LLM server did not start") }
    self.port = port
    self.pid = pid
  }

  /// Ends the server this test started, by its pid (it also exits by itself after 300 s).
  func stop() { kill(pid, SIGKILL) }
}

@Suite("coach cell with a language model", .serialized)
struct CoachLLMTests {
  static let key = "sk-test-WB-7f3c9e1d-SECRET"

  /// Runs a one-game coach workbook against the fake server in `mode`; returns the coach result and the run output.
  func run(mode: String, timeout: Double, key: String = CoachLLMTests.key) throws -> (result: [String: Any], output: ProcessOutput, project: Project)? {
    guard let python = try FakeChatServer.python() else { return nil }
    let p = try Project()
    let server = try FakeChatServer(mode: mode, key: CoachLLMTests.key, python: python, folder: try makeTemporaryDirectory("wb-llm"))
    defer { server.stop() }
    let repo = TestPaths.repositoryRoot
    try p.write("game.json", try String(contentsOf: repo.appendingPathComponent("datasets/fiba_game_sample.json"), encoding: .utf8))
    try p.write("llm.yaml", """
      workbook: llm
      cells:
        - id: game
          kind: load
          source: game.json
          format: fiba_livestats
        - id: report
          kind: coach
          input: game
          llm: {enabled: true, timeout_s: \(timeout)}
      """)
    let output = try p.workbench(["run", "llm.yaml"], environment: [
      "WORKBENCH_LLM_URL": "http://127.0.0.1:\(server.port)/v1",
      "WORKBENCH_LLM_MODEL": "fake-model",
      "WORKBENCH_LLM_API_KEY": key,
    ])
    #expect(output.status == 0, "stderr: \(output.stderr)")
    return (try CoachE2E.result(p, "llm", "report"), output, p)
  }

  /// No file under the project (outputs, cache, ledger, report) and no console output contains the key.
  func expectKeyAbsent(_ p: Project, _ output: ProcessOutput, key: String = CoachLLMTests.key) {
    #expect(!output.stdout.contains(key) && !output.stderr.contains(key))
    let enumerator = FileManager.default.enumerator(at: p.root, includingPropertiesForKeys: [.isRegularFileKey])
    var scanned = 0
    while let url = enumerator?.nextObject() as? URL {
      guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
            let data = try? Data(contentsOf: url) else { continue }
      scanned += 1
      #expect(data.range(of: Data(key.utf8)) == nil, "the API key leaked into \(url.path)")
      #expect(data.range(of: Data("127.0.0.1:".utf8)) == nil || url.lastPathComponent.hasSuffix(".yaml"), "endpoint written into \(url.path)")
    }
    #expect(scanned > 5)
  }

  @Test(.needsTool("python3", package: "python3")) func groundedAnswerIsAccepted() throws {
    let outcome = try #require(try run(mode: "grounded", timeout: 20))
    let (r, output, p) = outcome
    defer { p.remove() }
    let llm = try #require(r["llm"] as? [String: Any])
    #expect(llm["status"] as? String == "accepted", "llm: \(llm)")
    #expect(llm["text_source"] as? String == "language_model")
    let md = try String(contentsOf: CoachE2E.cellFile(p, "llm", "report", "report.md"), encoding: .utf8)
    #expect(md.contains("language model, checked against the facts"))
    expectKeyAbsent(p, output)
  }

  @Test(.needsTool("python3", package: "python3")) func inventedNumberIsRejected() throws {
    let outcome = try #require(try run(mode: "number", timeout: 20))
    let (r, output, p) = outcome
    defer { p.remove() }
    let llm = try #require(r["llm"] as? [String: Any])
    #expect(llm["status"] as? String == "fallback")
    #expect((llm["reason"] as? String)?.contains("97.3") == true, "llm: \(llm)")
    #expect(llm["text_source"] as? String == "deterministic")
    let md = try String(contentsOf: CoachE2E.cellFile(p, "llm", "report", "report.md"), encoding: .utf8)
    #expect(!md.contains("97.3"))
    expectKeyAbsent(p, output)
  }

  @Test(.needsTool("python3", package: "python3")) func inventedPlayerIsRejected() throws {
    let outcome = try #require(try run(mode: "player", timeout: 20))
    let (r, output, p) = outcome
    defer { p.remove() }
    let llm = try #require(r["llm"] as? [String: Any])
    #expect(llm["status"] as? String == "fallback")
    #expect((llm["reason"] as? String)?.contains("Dupont") == true, "llm: \(llm)")
    expectKeyAbsent(p, output)
  }

  @Test(.needsTool("python3", package: "python3")) func timeoutFallsBack() throws {
    let outcome = try #require(try run(mode: "slow", timeout: 1))
    let (r, output, p) = outcome
    defer { p.remove() }
    let llm = try #require(r["llm"] as? [String: Any])
    #expect(llm["status"] as? String == "fallback")
    #expect((llm["reason"] as? String)?.contains("timeout") == true, "llm: \(llm)")
    expectKeyAbsent(p, output)
  }

  @Test(.needsTool("python3", package: "python3")) func wrongKeyFallsBackWithoutLeakingIt() throws {
    let outcome = try #require(try run(mode: "grounded", timeout: 20, key: "sk-wrong-key-XYZ"))
    let (r, output, p) = outcome
    defer { p.remove() }
    let llm = try #require(r["llm"] as? [String: Any])
    #expect(llm["status"] as? String == "fallback")
    #expect((llm["reason"] as? String)?.contains("401") == true, "llm: \(llm)")
    expectKeyAbsent(p, output, key: "sk-wrong-key-XYZ")
  }
}
