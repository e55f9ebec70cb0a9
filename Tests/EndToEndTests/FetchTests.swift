import Foundation
import Testing
import TestSupport

/// A local `python3 -m http.server` on 127.0.0.1 with a free port, serving `folder`.
final class LocalHTTPServer {
  var process: ChildProcess.Spawned?
  let port: Int

  init(serving folder: URL) throws {
    guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw MissingResource("python3 is needed for the local HTTP server")
    }
    // Port 0: the OS picks a free port; the server writes it to a file once it listens.
    let portFile = folder.deletingLastPathComponent().appendingPathComponent("server.port")
    let script = """
      import functools, http.server, os, sys
      handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
      server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
      with open(sys.argv[2] + ".tmp", "w") as f: f.write(str(server.server_address[1]))
      os.rename(sys.argv[2] + ".tmp", sys.argv[2])
      server.serve_forever()
      """
    process = try startProcess(URL(fileURLWithPath: python), ["-c", script, folder.path, portFile.path])
    var found: Int?
    let deadline = Date().addingTimeInterval(20)
    while found == nil, Date() < deadline {
      if let text = try? String(contentsOf: portFile, encoding: .utf8) { found = Int(text) } else { Thread.sleep(forTimeInterval: 0.05) }
    }
    guard let found else {
      process?.signalGroup(SIGKILL)
      process?.wait()
      throw MissingResource("the local HTTP server did not start")
    }
    port = found
  }

  /// SIGKILL: the child may inherit a signal mask that blocks SIGTERM (so `terminate()` would never end it).
  func stop() {
    if let process {
      process.signalGroup(SIGKILL)
      process.wait()
    }
    process = nil
  }

  deinit { stop() }
}

/// The `fetch` cell: download, sha256 pin, content-addressed offline copy, clear offline failure.
@Suite("fetch cell", .serialized)
struct FetchTests {
  static let csv = "player,made\nP1,1\nP2,0\nP3,1\n"
  static let environment = ["http_proxy": "", "HTTP_PROXY": "", "https_proxy": "", "HTTPS_PROXY": "", "no_proxy": "*", "NO_PROXY": "*"]

  static func sha256(_ text: String) throws -> String {
    let out = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import hashlib,sys;print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())"],
                             stdin: text)
    return out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func workbook(url: String, pin: String?, file: String = "shots.csv", retries: Int = 0) -> String {
    """
    workbook: f
    cells:
      - id: remote
        kind: fetch
        url: \(url)
        format: csv
        file: \(file)
        retries: \(retries)
        timeout: 5
    \(pin.map { "    sha256: \($0)\n" } ?? "")
    """
  }

  @Test func pinnedDownloadThenOffline() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("www/shots.csv", Self.csv)
    let server = try LocalHTTPServer(serving: p.root.appendingPathComponent("www"))
    let url = "http://127.0.0.1:\(server.port)/shots.csv"
    let pin = try Self.sha256(Self.csv)

    try p.write("f.yaml", workbook(url: url, pin: pin))
    let first = try p.workbench(["run", "f.yaml"], environment: Self.environment)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(try p.read("outputs/f/cells/remote/shots.csv") == Self.csv)
    #expect(try p.read("outputs/f/cells/remote/table.csv").hasPrefix("player,made\nP1,1\n"))
    #expect(try p.read("outputs/f/cells/remote/result.json").contains(pin))

    // Server gone and offline: a changed option forces a rerun, served from the content-addressed copy.
    server.stop()
    try p.write("f.yaml", workbook(url: url, pin: pin, file: "again.csv"))
    let offline = try p.workbench(["run", "f.yaml"], environment: Self.environment.merging(["WORKBENCH_OFFLINE": "1"]) { $1 })
    #expect(offline.status == 0, "\(offline.stderr)")
    #expect(try p.read("outputs/f/cells/remote/again.csv") == Self.csv)

    // Unpinned, server down: the network fails and the last copy of that URL is used, with a warning.
    try p.write("f.yaml", workbook(url: url, pin: nil, file: "third.csv"))
    let fallback = try p.workbench(["run", "f.yaml"], environment: Self.environment)
    #expect(fallback.status == 0, "\(fallback.stderr)")
    #expect((fallback.stdout + fallback.stderr).contains("using the local copy"))
  }

  @Test func pinMismatchIsAnError() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("www/shots.csv", Self.csv)
    let server = try LocalHTTPServer(serving: p.root.appendingPathComponent("www"))
    defer { server.stop() }
    try p.write("f.yaml", workbook(url: "http://127.0.0.1:\(server.port)/shots.csv", pin: String(repeating: "ab", count: 32)))
    let run = try p.workbench(["run", "f.yaml"], environment: Self.environment)
    #expect(run.status == 1)
    #expect((run.stdout + run.stderr).contains("sha256 mismatch"), "\(run.stderr)")
    #expect(!p.exists("outputs/f/cells/remote/shots.csv"))
  }

  @Test func offlineWithoutACopyFailsClearly() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("f.yaml", workbook(url: "http://127.0.0.1:9/never.csv", pin: nil))
    let run = try p.workbench(["run", "f.yaml"], environment: Self.environment.merging(["WORKBENCH_OFFLINE": "1"]) { $1 })
    #expect(run.status == 1)
    #expect((run.stdout + run.stderr).contains("offline (WORKBENCH_OFFLINE=1) and no local copy"), "\(run.stderr)")
    // Online but unreachable, no copy: names the address and says no local copy exists.
    let down = try p.workbench(["run", "f.yaml"], environment: Self.environment)
    #expect(down.status == 1)
    #expect((down.stdout + down.stderr).contains("cannot download http://127.0.0.1:9/never.csv"), "\(down.stderr)")
  }

  @Test func httpErrorsAreNotRetriedForever() throws {
    let p = try Project()
    defer { p.remove() }
    try FileManager.default.createDirectory(at: p.root.appendingPathComponent("www"), withIntermediateDirectories: true)
    let server = try LocalHTTPServer(serving: p.root.appendingPathComponent("www"))
    defer { server.stop() }
    try p.write("f.yaml", workbook(url: "http://127.0.0.1:\(server.port)/missing.csv", pin: nil, retries: 3))
    let run = try p.workbench(["run", "f.yaml"], environment: Self.environment)
    #expect(run.status == 1)
    #expect((run.stdout + run.stderr).contains("HTTP 404"), "\(run.stderr)")
  }

  @Test func badURLAndPinAreStaticErrors() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("f.yaml", workbook(url: "ftp://example.org/x.csv", pin: "\"1234\""))
    let run = try p.workbench(["run", "f.yaml"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("`url` must be an http:// or https:// address"))
    #expect(run.stderr.contains("`sha256` must be 64 hexadecimal digits"))
  }
}
