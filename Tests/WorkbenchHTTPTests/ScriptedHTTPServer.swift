import Foundation
import TestSupport

/// A real HTTP server on 127.0.0.1 (Python's `http.server`, a free port) whose paths script the answers:
/// `/flaky/<id>/<failures>/<status>[?retry_after=<v>]` answers `<status>` (with `Retry-After: <v>`) to the first
/// `<failures>` requests for `<id>`, then 200 `ok`; `/count/<id>` how many requests `<id>` got; `/slow/<seconds>`
/// answers after a pause; `/big/<bytes>` a body of that size with its length; `/stream/<bytes>` one without a length
/// (ends when the connection closes); `/echo` the method, content type and body as JSON.
final class ScriptedHTTPServer {
  private var process: ChildProcess.Spawned?
  let port: Int
  private let folder: URL

  static let script = #"""
    import http.server, json, os, sys, threading, time, urllib.parse
    counts, lock = {}, threading.Lock()
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *args): pass
        def reply(self, status, body=b"", headers=()):
            self.send_response(status)
            for name, value in headers: self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def answer(self):
            url = urllib.parse.urlparse(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            parts = url.path.strip("/").split("/")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if parts[0] == "flaky":
                key, failures, status = parts[1], int(parts[2]), int(parts[3])
                with lock:
                    counts[key] = counts.get(key, 0) + 1
                    n = counts[key]
                if n <= failures:
                    extra = [("Retry-After", query["retry_after"])] if "retry_after" in query else []
                    return self.reply(status, b"busy", extra)
                return self.reply(200, b"ok")
            if parts[0] == "count":
                with lock: return self.reply(200, str(counts.get(parts[1], 0)).encode())
            if parts[0] == "slow":
                time.sleep(float(parts[1]))
                return self.reply(200, b"late")
            if parts[0] == "big":
                return self.reply(200, b"x" * int(parts[1]))
            if parts[0] == "stream":
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for _ in range(int(parts[1]) // 65536): self.wfile.write(b"y" * 65536)
                except OSError: pass
                self.close_connection = True
                return
            if parts[0] == "echo":
                out = {"method": self.command, "content_type": self.headers.get("Content-Type"), "body": body.decode()}
                return self.reply(200, json.dumps(out).encode(), [("Content-Type", "application/json")])
            self.reply(404, b"no such path")
        do_GET = do_POST = do_PUT = do_DELETE = answer
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1] + ".tmp", "w") as f: f.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()
    """#

  init() throws {
    guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    else { throw MissingResource("python3 is needed for the local HTTP server") }
    folder = try makeTemporaryDirectory("http-server")
    let portFile = folder.appendingPathComponent("port")
    process = try startProcess(URL(fileURLWithPath: python), ["-c", Self.script, portFile.path])
    var found: Int?
    for _ in 0..<400 where found == nil {  // up to ~20 s for python to start on a loaded machine
      if let text = try? String(contentsOf: portFile, encoding: .utf8) { found = Int(text) } else { Thread.sleep(forTimeInterval: 0.05) }
    }
    guard let found else {
      process?.signalGroup(SIGKILL)
      process?.wait()
      throw MissingResource("the local HTTP server did not start")
    }
    port = found
  }

  func url(_ path: String) -> URL {
    guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { preconditionFailure("bad test path \(path)") }
    return url
  }

  func stop() {
    process?.signalGroup(SIGKILL)
    process?.wait()
    process = nil
    try? FileManager.default.removeItem(at: folder)
  }

  deinit { stop() }
}
