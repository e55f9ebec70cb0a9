import Foundation
import Testing
import TestSupport
import WorkbenchCore

/// The production loop with real processes: a workbook trains, tracks and promotes a champion → `workbench serve`
/// serves it → served traffic lands in the request log → the shipped `Workbooks/served-drift.yaml` reads the log,
/// compares it with the training data and, only when it drifted, retrains, tracks and promotes → the server follows
/// the alias and swaps the new champion in, and checks the traffic against the new champion's training data.
/// Non-drifted traffic first: no drift in `/metrics`, no retraining.
@Suite struct ServeLoopTests {
  static let sample = TestPaths.repositoryRoot.appendingPathComponent("datasets/nba_shots_sample.csv").path
  static let features = ["Period", "Shot Distance", "X Location", "Y Location"]

  /// The sample's rows as `Period,Shot Distance,X Location,Y Location[,Shot Made Flag]`; `shifted` moves the shots
  /// 12 ft further out and 120 tenths of a foot towards the far court (another period's shot locations).
  static func rows(shifted: Bool, labelled: Bool, range: Range<Int>) throws -> [String] {
    let lines = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = lines[0]
    let index = try (features + ["Shot Made Flag"]).map { name in try #require(header.firstIndex(of: name)) }
    return lines[1...].dropFirst(range.lowerBound).prefix(range.count).map { fields in
      var values = index.map { fields[$0] }
      if shifted {
        values[1] = String(Int(values[1])! + 12)
        values[3] = String(Int(values[3])! + 120)
      }
      return (labelled ? values : Array(values.prefix(4))).joined(separator: ",")
    }
  }

  @Test func driftedTrafficRetrainsAndTheServerSwapsInTheNewChampion() throws {
    let root = try makeTemporaryDirectory("wb-loop")
    try FileManager.default.createDirectory(at: root.appendingPathComponent(".workbench"), withIntermediateDirectories: true)
    func workbench(_ arguments: [String]) throws -> ProcessOutput {
      try runProcess(TestPaths.workbenchExecutable, arguments, currentDirectory: root, environment: ["NO_COLOR": "1"])
    }
    // 1. The champion: an L1 penalty so strong that every coefficient is zero (AUC 0.5), so a retrained model beats it.
    try """
      workbook: looptrain
      cells:
        - id: shots
          kind: load
          source: \(Self.sample)
        - id: features
          kind: transform
          input: shots
          steps:
            - select: [Period, Shot Distance, X Location, Y Location, Shot Made Flag]
        - id: split
          kind: split
          input: features
          target: Shot Made Flag
          seed: 7
        - id: model
          kind: train
          input: split
          model: logistic_regression
          params: {C: 0.000001, penalty: l1}
          features: [Period, Shot Distance, X Location, Y Location]
          plots: false
        - id: track
          kind: track
          of: model
          data: split.train
          experiment: looptrain
        - id: champion
          kind: promote
          of: track
          model_name: looptest
      """.write(to: root.appendingPathComponent("looptrain.yaml"), atomically: true, encoding: .utf8)
    let trained = try workbench(["run", "looptrain.yaml"])
    try #require(trained.status == 0, "\(trained.stdout)\n\(trained.stderr)")

    // 2. Serve it, following the alias and checking drift of what it scores.
    let requestLog = root.appendingPathComponent(".workbench/serve/requests.sqlite").path
    let serveLog = root.appendingPathComponent("serve.log")
    let process = try startProcess(TestPaths.workbenchExecutable,
                                   ["serve", "looptrain.yaml", "--port", "0", "--poll", "0.2", "--drift-every", "0.2",
                                    "--drift-window", "1000", "--drift-min-rows", "300"],
                                   currentDirectory: root, environment: ["NO_COLOR": "1"], logFile: serveLog)
    defer {
      process.signal(SIGTERM)
      _ = process.wait()
    }
    var logText: String { (try? String(contentsOf: serveLog, encoding: .utf8)) ?? "" }
    var port: Int?
    for _ in 0..<600 where port == nil && !logText.contains("Error") {  // bounded wait for the listening line
      if let range = logText.range(of: "listening on http://127.0.0.1:") { port = Int(logText[range.upperBound...].prefix { $0.isNumber }) }
      if port == nil { usleep(100_000) }
    }
    let client = RunningServer.Client(port: try #require(port, "\(logText)"))
    #expect(logText.contains("drift of served traffic: every 0.2 s"))
    func send(_ rows: [String]) throws {
      for chunk in stride(from: 0, to: rows.count, by: 250) {
        let body = Self.features.joined(separator: ",") + "\n" + rows[chunk..<min(chunk + 250, rows.count)].joined(separator: "\n") + "\n"
        #expect(try client.request("POST", "/invocations", body: body, contentType: "text/csv").status == 200)
      }
    }
    /// `/metrics` once its drift verdict for `version` is `value` (bounded polling).
    func metrics(whenDrift value: Int, version: Int) throws -> String {
      var text = ""
      for _ in 0..<400 {
        text = try client.request("GET", "/metrics").body
        if text.contains(#"workbench_drift_detected{model="looptest",version="\#(version)"} \#(value)"#) { break }
        usleep(50_000)
      }
      return text
    }
    func servedVersion() throws -> Int? {
      try JSONValue.parse(Array(try client.request("GET", "/version").body.utf8))["version"]?.intValue
    }
    #expect(try servedVersion() == 1)
    let labelled = root.appendingPathComponent("new-period.csv")
    try ((Self.features + ["Shot Made Flag"]).joined(separator: ",") + "\n"
      + Self.rows(shifted: true, labelled: true, range: 0..<3000).joined(separator: "\n") + "\n")
      .write(to: labelled, atomically: true, encoding: .utf8)
    // The shipped loop workbook, run in this project (its cache, outputs and registry are the project's).
    try FileManager.default.copyItem(at: TestPaths.repositoryRoot.appendingPathComponent("Workbooks/served-drift.yaml"),
                                     to: root.appendingPathComponent("served-drift.yaml"))
    let loop = ["run", "served-drift.yaml",
                "--param", "requests=\(requestLog)", "--param", "reference=\(Self.sample)", "--param", "current=\(labelled.path)",
                "--param", "tracking_uri=\(root.appendingPathComponent("mlruns").path)", "--param", "model_name=looptest"]

    // 3. Traffic like the training data: no drift in /metrics, and the loop workbook does not retrain.
    try send(try Self.rows(shifted: false, labelled: false, range: 4000..<4600))
    #expect(try metrics(whenDrift: 0, version: 1).contains(#"workbench_drift_detected{model="looptest",version="1"} 0"#))
    try client.waitForLoggedRows(600)
    let calm = try workbench(loop)
    #expect(calm.status == 0, "\(calm.stdout)\n\(calm.stderr)")
    #expect((calm.stdout + calm.stderr).contains("skipped promote"), "\(calm.stdout)\n\(calm.stderr)")
    #expect(try servedVersion() == 1)

    // 4. Drifted traffic (shots from further out): /metrics says so, the loop workbook retrains and promotes.
    try send(try Self.rows(shifted: true, labelled: false, range: 3000..<4000))
    let drifted = try metrics(whenDrift: 1, version: 1)
    #expect(drifted.contains(#"workbench_drift_detected{model="looptest",version="1"} 1"#), "\(drifted)")
    #expect(drifted.contains(#"workbench_feature_drift_detected{model="looptest",version="1",feature="Shot Distance"} 1"#))
    try client.waitForLoggedRows(1600)
    let retrained = try workbench(loop)
    #expect(retrained.status == 0, "\(retrained.stdout)\n\(retrained.stderr)")
    #expect((retrained.stdout + retrained.stderr).contains("ran     promote"), "\(retrained.stdout)\n\(retrained.stderr)")
    let decision = try JSONValue.parse(Array(try Data(contentsOf: root.appendingPathComponent("outputs/served-drift/cells/promote/result.json"))))
    #expect(decision["promoted"]?.boolValue == true, "\(decision)")

    // 5. The alias moved: the server swaps the new champion in without a restart.
    var version = try servedVersion()
    for _ in 0..<300 where version != 2 {  // a bound, not a timing assertion
      usleep(50_000)
      version = try servedVersion()
    }
    #expect(version == 2)
    #expect(logText.contains("now serving version 2"))
    let after = try client.request("GET", "/metrics").body
    #expect(after.contains(#"workbench_model_info{model="looptest",version="2""#) && after.contains(#"workbench_model_info{model="looptest",version="1""#))
    #expect(!after.contains(#"workbench_drift_detected{model="looptest",version="1"}"#))

    // 6. The new champion's reference is the new period it was trained on: the same kind of traffic no longer drifts.
    #expect(logText.contains("drift of served traffic") && !logText.contains("off for looptest version 2"), "\(logText)")
    try send(try Self.rows(shifted: true, labelled: false, range: 3000..<3400))
    let settled = try metrics(whenDrift: 0, version: 2)
    #expect(settled.contains(#"workbench_drift_detected{model="looptest",version="2"} 0"#), "\(settled)")
  }
}
