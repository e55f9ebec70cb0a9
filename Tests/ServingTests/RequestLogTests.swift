import Foundation
import Testing
import TestSupport
import WorkbenchCore

/// Every scored row goes to the SQLite request log (bounded, without the token), and a `load` cell reads it back.
@Suite struct RequestLogTests {
  @Test func scoredRowsAreLoggedBoundedAndReadableByALoadCell() throws {
    let fixture = try ServeFixture.get()
    let name = "requests-\(UUID().uuidString).sqlite"
    let server = try RunningServer(fixture, arguments: ["--model", "servetest@2", "--request-log", name, "--request-log-rows", "5"],
                                   environment: ["WORKBENCH_SERVE_TOKEN": "never-logged-token"])
    var answers: [Double] = []
    for body in [#"{"instances": [[1, 20, 100, 150], [2, 3, 4, 5]]}"#, #"{"instances": [[3, 25, -200, 80], [4, 1, 0, 10]]}"#,
                 #"{"instances": [[1, 2, 3, 4], [2, 22, 150, 200]]}"#] {
      let r = try server.request("POST", "/invocations", body: body, headers: ["Authorization: Bearer never-logged-token"])
      #expect(r.status == 200)
      answers += try JSONValue.parse(Array(r.body.utf8))["predictions"]?.arrayValue?.compactMap { $0.doubleValue } ?? []
    }
    // A refused request logs nothing.
    #expect(try server.request("POST", "/invocations", body: #"{"instances": [[1, 2]]}"#,
                               headers: ["Authorization: Bearer never-logged-token"]).status == 400)
    server.stop()

    let bytes = try Data(contentsOf: fixture.root.appendingPathComponent(name))
    #expect(bytes.range(of: Data("never-logged-token".utf8)) == nil)
    try """
      workbook: traffic
      cells:
        - id: served
          kind: load
          source: \(name)
      """.write(to: fixture.root.appendingPathComponent("traffic.yaml"), atomically: true, encoding: .utf8)
    let run = try fixture.workbench(["run", "traffic.yaml"])
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    let lines = try String(contentsOf: fixture.root.appendingPathComponent("outputs/traffic/cells/served/table.csv"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
    #expect(lines.first == "time_ms,model,version,prediction,Period,Shot Distance,X Location,Y Location")
    // 6 rows scored, 5 kept: the oldest was deleted; predictions stored exactly.
    let predictions = lines.dropFirst().map { Double($0.split(separator: ",")[3]) ?? .nan }
    #expect(predictions.map(\.bitPattern) == answers.suffix(5).map(\.bitPattern))
    #expect(lines.dropFirst().allSatisfy { $0.contains(",servetest,2,") })
  }
}
