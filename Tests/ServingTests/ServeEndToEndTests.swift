import Foundation
import Testing
import TestSupport
import WorkbenchCore

/// `workbench serve` as a process: the registered champion answers MLflow's protocol with the `predict` cell's
/// numbers, bit for bit; the token, body limit and hot swap behave; SIGTERM stops it cleanly.
@Suite(.serialized) struct ServeEndToEndTests {
  /// The held-out rows as a `dataframe_split` body, and the `predict` cell's scores for them.
  func heldOut(_ fixture: ServeFixture) throws -> (json: String, csv: String, scores: [Double]) {
    let lines = try fixture.scoredCSV().split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let featureIndex = try ServeFixture.features.map { f in
      guard let i = header.firstIndex(of: f) else { throw MissingResource("no column \(f) in predictions.csv") }
      return i
    }
    guard let scoreIndex = header.firstIndex(of: "score") else { throw MissingResource("no score column") }
    var rows: [JSONValue] = [], csv = [ServeFixture.features.joined(separator: ",")], scores: [Double] = []
    for line in lines.dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      rows.append(.array(featureIndex.map { i in Double(fields[i]).map { JSONValue.double($0) } ?? .null }))
      csv.append(featureIndex.map { fields[$0] }.joined(separator: ","))
      scores.append(try #require(Double(fields[scoreIndex])))
    }
    let body = JSONValue.object(["dataframe_split": .object([
      "columns": .array(ServeFixture.features.map { .string($0) }), "data": .array(rows)])])
    return (body.serialized(pretty: false), csv.joined(separator: "\n") + "\n", scores)
  }

  func predictions(_ body: String) throws -> [Double] {
    let value = try JSONValue.parse(Array(body.utf8))
    let list = value["predictions"]?.arrayValue?.compactMap { $0.doubleValue }
    return try #require(list)
  }

  @Test func championAnswersLikeThePredictCellBitForBit() throws {
    let fixture = try ServeFixture.get()
    let server = try RunningServer(fixture)
    defer { server.stop() }
    let rows = try heldOut(fixture)
    #expect(rows.scores.count > 100)

    let json = try server.request("POST", "/invocations", body: rows.json)
    #expect(json.status == 200)
    let served = try predictions(json.body)
    #expect(served.map(\.bitPattern) == rows.scores.map(\.bitPattern))
    let csv = try server.request("POST", "/invocations", body: rows.csv, contentType: "text/csv")
    #expect(csv.status == 200)
    #expect(try predictions(csv.body).map(\.bitPattern) == rows.scores.map(\.bitPattern))

    #expect(try server.request("GET", "/ping").status == 200)
    #expect(try server.request("GET", "/health").body == "\n")
    let version = try JSONValue.parse(Array(try server.request("GET", "/version").body.utf8))
    #expect(version["model"] == "servetest")
    #expect(version["version"]?.intValue ?? 0 >= 2)  // 3 once the rollback test has restored the champion
    #expect(version["training_cell"] == "model")
    #expect(version["cache_key"]?.stringValue?.count == 64)
    #expect(version["run_id"]?.stringValue?.isEmpty == false)
  }

  @Test func refusalsFollowMLflowStatusCodes() throws {
    let fixture = try ServeFixture.get()
    let server = try RunningServer(fixture, arguments: ["--max-body-bytes", "2000"])
    defer { server.stop() }
    let unsupported = try server.request("POST", "/invocations", body: "x", contentType: "text/plain")
    #expect(unsupported.status == 415)
    #expect(try JSONValue.parse(Array(unsupported.body.utf8))["error_code"] == "BAD_REQUEST")
    #expect(try server.request("POST", "/invocations", body: "{}", contentType: "application/json; charset=latin-1").status == 415)
    let bad = try server.request("POST", "/invocations", body: #"{"dataframe_records": [{"Period": 1}]}"#)
    #expect(bad.status == 400)
    #expect(bad.body.contains("missing column(s) `Shot Distance`, `X Location`, `Y Location`"))
    #expect(try server.request("POST", "/invocations", body: "{not json").status == 400)
    let big = #"{"instances": ["# + String(repeating: "[1, 2, 3, 4], ", count: 500) + "[1, 2, 3, 4]]}"
    #expect(try server.request("POST", "/invocations", body: big).status == 413)
    // The server is still answering after every refusal.
    #expect(try server.request("GET", "/ping").status == 200)
  }

  @Test func bearerTokenGuardsScoringVersionAndMetrics() throws {
    let fixture = try ServeFixture.get()
    let server = try RunningServer(fixture, environment: ["WORKBENCH_SERVE_TOKEN": "s3cret"])
    defer { server.stop() }
    let body = #"{"instances": [[1, 20, 100, 150]]}"#
    #expect(try server.request("POST", "/invocations", body: body).status == 401)
    #expect(try server.request("POST", "/invocations", body: body, headers: ["Authorization: Bearer wrong"]).status == 401)
    #expect(try server.request("POST", "/invocations", body: body, headers: ["Authorization: Bearer s3cret"]).status == 200)
    #expect(try server.request("GET", "/version").status == 401)
    #expect(try server.request("GET", "/metrics").status == 401)
    #expect(try server.request("GET", "/ping").status == 200)
  }

  /// `rollback` in another process moves the alias; the server follows without a restart and keeps answering.
  @Test func followsTheAliasWhenAnotherProcessRollsBack() throws {
    let fixture = try ServeFixture.get()
    let server = try RunningServer(fixture, arguments: ["--poll", "0.2"])
    defer { server.stop() }
    func servedVersion() throws -> Int? {
      try JSONValue.parse(Array(try server.request("GET", "/version").body.utf8))["version"]?.intValue
    }
    let before = try JSONValue.parse(Array(try server.request("GET", "/version").body.utf8))
    #expect(before["version"]?.intValue ?? 0 >= 2)
    let championRun = try #require(before["run_id"]?.stringValue)
    // Restores a champion trained with C = 1 (registered again: a new version of the same model) for the other tests.
    defer { _ = try? fixture.workbench(["promote", "--model", "servetest", "--run", championRun]) }
    // Load from 4 concurrent clients (600 requests) while the alias moves: none may fail.
    let codes = fixture.root.appendingPathComponent("codes-\(UUID().uuidString)")
    try """
      for w in 1 2 3 4; do
        ( for i in $(seq 1 150); do curl -s -o /dev/null -w '%{http_code}\\n' -H 'Content-Type: application/json' \\
            --data-binary '{"instances": [[1, 20, 100, 150]]}' http://127.0.0.1:\(server.port)/invocations; done > \(codes.path).$w ) &
      done
      wait
      cat \(codes.path).1 \(codes.path).2 \(codes.path).3 \(codes.path).4 > \(codes.path)
      """.write(to: fixture.root.appendingPathComponent("load.sh"), atomically: true, encoding: .utf8)
    let load = try startProcess(URL(fileURLWithPath: "/bin/bash"), [fixture.root.appendingPathComponent("load.sh").path])
    for _ in 0..<200 where ((try? String(contentsOf: URL(fileURLWithPath: codes.path + ".1"), encoding: .utf8)) ?? "").isEmpty {
      usleep(20_000)  // until the load has started (bounded)
    }
    let rollback = try fixture.workbench(["rollback", "--model", "servetest"])
    #expect(rollback.status == 0, "\(rollback.stderr)")
    #expect(load.wait().status == 0)
    let statuses = try String(contentsOf: codes, encoding: .utf8).split(separator: "\n")
    #expect(statuses.count == 600)
    #expect(statuses.allSatisfy { $0 == "200" }, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
    var version = try servedVersion()
    var polls = 0
    while version != 1, polls < 300 {  // a bound, not a timing assertion
      #expect(try server.request("POST", "/invocations", body: #"{"instances": [[1, 20, 100, 150]]}"#).status == 200)
      usleep(50_000)
      polls += 1
      version = try servedVersion()
    }
    #expect(version == 1)
    #expect(server.logText.contains("now serving version 1"))
    // Version 1 zeroed every coefficient: one constant probability for every row.
    let scores = try predictions(try server.request("POST", "/invocations", body: #"{"instances": [[1, 2, 3, 4], [4, 30, -200, 300]]}"#).body)
    #expect(scores.count == 2 && scores[0] == scores[1])
  }

  @Test func sigtermStopsTheServerCleanly() throws {
    let fixture = try ServeFixture.get()
    let server = try RunningServer(fixture)
    #expect(try server.request("GET", "/ping").status == 200)
    let end = server.stop()
    #expect(end.signaled == false)
    #expect(end.status == 0)
    #expect(server.logText.contains("stopped"))
  }
}
