import Foundation
import Testing
import TestSupport
import WorkbenchCore

/// A real Prometheus (Debian's package) scrapes `workbench serve`'s `/metrics` with the bearer token and can query
/// the served predictions: the exposition is accepted by the server that dashboards read from.
@Suite struct PrometheusScrapeTests {
  @Test(.needsTool("prometheus", package: "prometheus"))
  func prometheusScrapesTheServer() throws {
    guard let prometheus = try Oracles.tool("prometheus", package: "prometheus") else { return }
    let fixture = try ServeFixture.get()
    let server = try RunningServer(fixture, arguments: ["--model", "servetrees_gbt@champion"],
                                   environment: ["WORKBENCH_SERVE_TOKEN": "scrape-token"])
    defer { server.stop() }
    let scored = try server.request("POST", "/invocations", body: #"{"instances": [[1, 20, 100, 150, "Mid-Range"], [2, 2, 0, 5, "Restricted Area"]]}"#,
                                    headers: ["Authorization: Bearer scrape-token"])
    #expect(scored.status == 200, "\(scored.body)")

    let folder = fixture.root.appendingPathComponent("prometheus-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try "scrape-token".write(to: folder.appendingPathComponent("token"), atomically: true, encoding: .utf8)
    try """
      global: {scrape_interval: 1s, scrape_timeout: 1s}
      scrape_configs:
        - job_name: workbench
          authorization: {credentials_file: \(folder.path)/token}
          static_configs: [{targets: ["127.0.0.1:\(server.port)"]}]
      """.write(to: folder.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
    let port = freePort()
    let process = try startProcess(prometheus, [
      "--config.file=\(folder.path)/prometheus.yml", "--storage.tsdb.path=\(folder.path)/data",
      "--web.listen-address=127.0.0.1:\(port)",
    ], currentDirectory: folder, logFile: folder.appendingPathComponent("prometheus.log"))
    defer {
      process.signalGroup(SIGTERM)
      process.wait()
    }
    let api = RunningServer.Client(port: port)
    var value: String?
    for _ in 0..<300 where value == nil {  // bounded: Prometheus starts, then scrapes every second
      if let answer = try? api.request("GET", "/api/v1/query?query=workbench_predictions_total", contentType: nil),
         answer.status == 200, let json = try? JSONValue.parse(Array(answer.body.utf8)),
         let first = json.value(atPath: ["data", "result", "0", "value", "1"])?.stringValue {
        value = first
      } else {
        usleep(200_000)
      }
    }
    #expect(value == "2", "\((try? String(contentsOf: folder.appendingPathComponent("prometheus.log"), encoding: .utf8)) ?? "")")
    let health = try api.request("GET", "/api/v1/query?query=up", contentType: nil)
    #expect(health.body.contains(#""value":["#) && health.body.contains(#""1"]"#), "\(health.body)")
  }

  /// A port nobody listens on now (bound, read, released).
  func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { p in
      p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) { p in
      p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
