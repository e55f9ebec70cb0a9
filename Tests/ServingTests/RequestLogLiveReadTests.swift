import Foundation
import Testing
import TestSupport
import WorkbenchCore

/// The request log is read while the server keeps appending (WAL mode: the latest commits are in `-wal`): a `load`
/// cell sees every committed row, and a rerun after more traffic is not answered from the cache.
@Suite struct RequestLogLiveReadTests {
  @Test func aLoadCellSeesRowsAppendedWhileTheServerRuns() throws {
    let fixture = try ServeFixture.get()
    let name = "live-\(UUID().uuidString).sqlite"
    let server = try RunningServer(fixture, arguments: ["--model", "servetest@2", "--request-log", name])
    defer { _ = server.stop() }
    let workbook = "live-\(UUID().uuidString).yaml"
    let folder = String(workbook.dropLast(5))
    try """
      workbook: \(folder)
      cells:
        - id: served
          kind: load
          source: \(name)
      """.write(to: fixture.root.appendingPathComponent(workbook), atomically: true, encoding: .utf8)
    func rowsLoaded() throws -> Int {
      let run = try fixture.workbench(["run", workbook])
      #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
      let table = try String(contentsOf: fixture.root.appendingPathComponent("outputs/\(folder)/cells/served/table.csv"), encoding: .utf8)
      return table.split(separator: "\n").count - 1
    }
    #expect(try server.request("POST", "/invocations", body: #"{"instances": [[1, 20, 100, 150], [2, 3, 4, 5]]}"#).status == 200)
    try RunningServer.Client(port: server.port).waitForLoggedRows(2)
    #expect(try rowsLoaded() == 2)
    #expect(FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent(name + "-wal").path))
    #expect(try server.request("POST", "/invocations", body: #"{"instances": [[3, 25, -200, 80]]}"#).status == 200)
    try RunningServer.Client(port: server.port).waitForLoggedRows(3)
    #expect(try rowsLoaded() == 3)
    #expect(try rowsLoaded() == 3)  // nothing new: the same rows again (from the cache or not, never fewer)
  }
}
