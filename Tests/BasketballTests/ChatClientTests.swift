import Foundation
import Simulation
import Testing
import TestSupport
@testable import Basketball

/// A tiny OpenAI-compatible server on 127.0.0.1 (Python `http.server`), started and stopped by the test.
final class FakeChatServer {
  var process: ChildProcess.Spawned?
  let port: Int
  let folder: URL

  static let script = #"""
import http.server, json, sys, time
responses = json.load(open(sys.argv[1], encoding="utf-8"))
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        model = body.get("model", "")
        if self.headers.get("Authorization") != "Bearer sk-test-SECRET-123":
            self.send_response(401); self.end_headers(); self.wfile.write(b'{"error": "bad key sk-test-SECRET-123"}'); return
        if model == "slow":
            time.sleep(3)
        if model == "server-error":
            self.send_response(500); self.end_headers(); return
        text = responses.get(model, "")
        payload = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#

  /// nil when no python3 is installed.
  init?(responses: [String: String]) throws {
    let candidates = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]
    guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      print("skipped: no python3 for the fake chat server")
      return nil
    }
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("fake-chat-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let scriptURL = folder.appendingPathComponent("server.py"), responsesURL = folder.appendingPathComponent("responses.json")
    try Data(Self.script.utf8).write(to: scriptURL)
    try JSONSerialization.data(withJSONObject: responses).write(to: responsesURL)
    let log = folder.appendingPathComponent("server.log")
    let started = try startProcess(URL(fileURLWithPath: python), [scriptURL.path, responsesURL.path], logFile: log)
    process = started
    var found: Int?
    let deadline = Date().addingTimeInterval(30)
    while found == nil, Date() < deadline, started.isRunning {
      let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
      if let first = text.split(separator: "\n").first, text.contains("\n") { found = Int(first.trimmingCharacters(in: .whitespaces)) }
      if found == nil { Thread.sleep(forTimeInterval: 0.05) }
    }
    guard let found else {
      started.signalGroup(SIGKILL)
      started.wait()
      throw MissingPort()
    }
    port = found
  }

  struct MissingPort: Error {}

  /// SIGKILL: a child started from a test thread may inherit a signal mask that blocks SIGTERM.
  func stop() {
    if let process { process.signalGroup(SIGKILL); process.wait() }
    process = nil
    try? FileManager.default.removeItem(at: folder)
  }
}

@Suite struct ChatClientTests {
  @Test(.needsTool("python3", package: "python3")) func groundedAnswersAreAcceptedOthersFallBack() async throws {
    let sim = GameSimulator(seed: 11)
    let game = try FibaLiveStatsParser.parse(data: sim.liveStatsJSON(), fileName: sim.fileName)
    let report = CoachingReportBuilder.build(game: game, language: .english)
    let grounded = (report.postMortems[0].collective.prefix(2) + report.postMortems[1].individual.prefix(1)
      + report.teamRecommendations.prefix(1).map(\.text)).joined(separator: " ")
    #expect(GroundingChecker(facts: report.facts).check(grounded).accepted)
    let responses = [
      "grounded": grounded,
      "invented-number": grounded + " They forced 97.3 % of possessions into turnovers.",
      "invented-player": grounded + " Marie Dupont was decisive off the bench.",
      "slow": grounded,
    ]
    let server = try #require(try FakeChatServer(responses: responses))
    defer { server.stop() }
    let base = URL(string: "http://127.0.0.1:\(server.port)/v1")!
    let key = "sk-test-SECRET-123"
    func phraser(_ model: String, key: String? = key, timeout: Double = 5) -> GroundedPhraser {
      GroundedPhraser(client: ChatCompletionsClient(endpoint: base, model: model, apiKey: key, timeout: timeout))
    }

    let ok = await phraser("grounded").phrase(report)
    #expect(ok == .accepted(grounded))

    let number = await phraser("invented-number").phrase(report)
    guard case .fallback(.rejected(let why), let text) = number else { Issue.record("expected a rejection, got \(number)"); return }
    #expect(why.contains("97.3 %") && text == report.markdown())

    let player = await phraser("invented-player").phrase(report)
    guard case .fallback(.rejected(let who), _) = player else { Issue.record("expected a rejection, got \(player)"); return }
    #expect(who.contains("Marie Dupont"))

    let slow = await phraser("slow", timeout: 1).phrase(report)
    #expect(slow == .fallback(reason: .timeout(seconds: 1), text: report.markdown()))

    let failing = await phraser("server-error").phrase(report)
    #expect(failing == .fallback(reason: .httpError(status: 500), text: report.markdown()))

    let wrongKey = await phraser("grounded", key: "sk-wrong-KEY-999").phrase(report)
    #expect(wrongKey == .fallback(reason: .httpError(status: 401), text: report.markdown()))

    // Nothing listens on port 1: unreachable, and the key appears in no message or description.
    let client = ChatCompletionsClient(endpoint: URL(string: "http://127.0.0.1:1/v1/chat/completions")!, model: "m", apiKey: key, timeout: 5)
    let unreachable = await GroundedPhraser(client: client).phrase(report)
    guard case .fallback(.unreachable(let message), _) = unreachable else { Issue.record("expected unreachable, got \(unreachable)"); return }
    #expect(!message.contains(key))
    #expect(!String(describing: client).contains(key) && !String(reflecting: client).contains(key))
    var dumped = ""
    dump(client, to: &dumped)
    #expect(!dumped.contains(key))
    for outcome in [number, player, slow, failing, wrongKey, unreachable] {
      if case .fallback(let reason, _) = outcome { #expect(!reason.description.contains(key)) }
    }
  }
}
