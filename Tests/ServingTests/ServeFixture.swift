import Foundation
import Testing
import TestSupport

/// A throwaway project with a small workbook that trains, tracks and promotes a logistic regression on the bundled
/// shot sample (registered model `servetest`), and scores the held-out rows with a `predict` cell. Built once per
/// test process through the real `workbench` executable.
struct ServeFixture: Sendable {
  let root: URL
  let workbook = "servetest.yaml"
  static let features = ["Period", "Shot Distance", "X Location", "Y Location"]

  static let shared: Result<ServeFixture, any Error> = Result { try ServeFixture() }

  static func get() throws -> ServeFixture { try shared.get() }

  private init() throws {
    root = try makeTemporaryDirectory("wb-serve")
    try FileManager.default.createDirectory(at: root.appendingPathComponent(".workbench"), withIntermediateDirectories: true)
    let sample = TestPaths.repositoryRoot.appendingPathComponent("datasets/nba_shots_sample.csv").path
    try """
      workbook: servetest
      params:
        c: 1.0
      cells:
        - id: shots
          kind: load
          source: \(sample)
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
          params:
            C: ${c}
            penalty: l1
          features: [Period, Shot Distance, X Location, Y Location]
          plots: false
        - id: scored
          kind: predict
          model: model
          input: split.test
        - id: track
          kind: track
          of: model
          data: split.train
          experiment: servetest
        - id: champion
          kind: promote
          of: track
          model_name: servetest
      """.write(to: root.appendingPathComponent(workbook), atomically: true, encoding: .utf8)
    try """
      workbook: servetrees
      cells:
        - id: shots
          kind: load
          source: \(sample)
        - id: features
          kind: transform
          input: shots
          steps:
            - select: [Period, Shot Distance, X Location, Y Location, Shot Zone Basic, Shot Made Flag]
        - id: split
          kind: split
          input: features
          target: Shot Made Flag
          seed: 7
        - id: gbt
          kind: train
          input: split
          model: gradient_boosting
          params: {rounds: 30, max_depth: 3}
          features: [Period, Shot Distance, X Location, Y Location, Shot Zone Basic]
          categorical: [Shot Zone Basic]
          plots: false
        - id: forest
          kind: train
          input: split
          model: random_forest
          params: {trees: 15, max_depth: 6}
          features: [Period, Shot Distance, X Location, Y Location, Shot Zone Basic]
          categorical: [Shot Zone Basic]
          plots: false
        - id: gbt_scored
          kind: predict
          model: gbt
          input: split.test
        - id: forest_scored
          kind: predict
          model: forest
          input: split.test
        - id: gbt_track
          kind: track
          of: gbt
          data: split.train
          experiment: servetrees
        - id: forest_track
          kind: track
          of: forest
          data: split.train
          experiment: servetrees
        - id: gbt_champion
          kind: promote
          of: gbt_track
          model_name: servetrees_gbt
        - id: forest_champion
          kind: promote
          of: forest_track
          model_name: servetrees_forest
      """.write(to: root.appendingPathComponent("servetrees.yaml"), atomically: true, encoding: .utf8)
    let trees = try workbench(["run", "servetrees.yaml"])
    guard trees.status == 0 else { throw MissingResource("fixture run of servetrees.yaml failed: \(trees.stdout)\n\(trees.stderr)") }
    // Version 1: C so small that the L1 penalty zeroes every coefficient (AUC 0.5); version 2 (C = 1) beats it.
    for c in ["0.000001", "1.0"] {
      let out = try workbench(["run", workbook, "--param", "c=\(c)"])
      guard out.status == 0 else { throw MissingResource("fixture run failed (c=\(c)): \(out.stdout)\n\(out.stderr)") }
    }
  }

  @discardableResult
  func workbench(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessOutput {
    let exe = TestPaths.workbenchExecutable
    guard FileManager.default.isExecutableFile(atPath: exe.path) else {
      throw MissingResource("the workbench executable is not built at \(exe.path): run `swift build` first")
    }
    var env = ["NO_COLOR": "1"]
    for (k, v) in environment { env[k] = v }
    return try runProcess(exe, arguments, currentDirectory: root, environment: env)
  }

  /// The held-out rows the `predict` cell scored (current params: c = 1), as CSV text.
  func scoredCSV() throws -> String {
    try String(contentsOf: root.appendingPathComponent("outputs/servetest/cells/scored/predictions.csv"), encoding: .utf8)
  }

  /// A model file and its schema from the registry (version `version`).
  func registeredModel(version: Int) throws -> (model: [UInt8], schema: [UInt8]) {
    let meta = try String(contentsOf: root.appendingPathComponent("mlruns/models/servetest/version-\(version)/meta.yaml"), encoding: .utf8)
    guard let line = meta.split(separator: "\n").first(where: { $0.hasPrefix("run_id:") }) else { throw MissingResource("no run_id in \(meta)") }
    let runId = line.dropFirst("run_id:".count).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
    let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent("mlruns"), includingPropertiesForKeys: nil)
    while let url = enumerator?.nextObject() as? URL {
      guard url.lastPathComponent == runId else { continue }
      let folder = url.appendingPathComponent("artifacts/model")
      return ([UInt8](try Data(contentsOf: folder.appendingPathComponent("model.wbm"))),
              [UInt8](try Data(contentsOf: folder.appendingPathComponent("model.json"))))
    }
    throw MissingResource("run \(runId) not found under mlruns")
  }
}

/// A `workbench serve` process on a free port, stopped (SIGTERM) by `stop()`.
final class RunningServer: @unchecked Sendable {
  let process: ChildProcess.Spawned
  let port: Int
  let log: URL

  init(_ fixture: ServeFixture, arguments: [String] = [], environment: [String: String] = [:]) throws {
    log = fixture.root.appendingPathComponent("serve-\(UUID().uuidString).log")
    var env = ["NO_COLOR": "1"]
    for (k, v) in environment { env[k] = v }
    process = try startProcess(TestPaths.workbenchExecutable, ["serve", fixture.workbook, "--port", "0"] + arguments,
                               currentDirectory: fixture.root, environment: env, logFile: log)
    // The port is printed once the server listens (bounded wait: the process may also fail to start).
    var found: Int?
    for _ in 0..<600 {
      let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
      if let range = text.range(of: "listening on http://127.0.0.1:") {
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        found = Int(digits)
        break
      }
      if text.contains("Error") { break }
      usleep(100_000)
    }
    guard let found else {
      process.signalGroup(SIGKILL)
      _ = process.wait()
      throw MissingResource("workbench serve did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }
    port = found
  }

  var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

  /// Sends a request with curl; returns the status code and body.
  func request(_ method: String, _ path: String, body: String? = nil, contentType: String? = "application/json",
               headers: [String] = []) throws -> (status: Int, body: String) {
    try Client(port: port).request(method, path, body: body, contentType: contentType, headers: headers)
  }

  /// HTTP requests to 127.0.0.1:`port` through curl.
  struct Client {
    let port: Int

    func request(_ method: String, _ path: String, body: String? = nil, contentType: String? = "application/json",
                 headers: [String] = []) throws -> (status: Int, body: String) {
    var args = ["-s", "-S", "-X", method, "-o", "-", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"]
    if let contentType { args += ["-H", "Content-Type: \(contentType)"] }
    for h in headers { args += ["-H", h] }
    if let body { args += ["--data-binary", "@-"] }
    let out = try runProcess(URL(fileURLWithPath: "/usr/bin/curl"), args, stdin: body)
    guard out.status == 0 else { throw MissingResource("curl failed: \(out.stderr)") }
    let text = out.stdout
    guard let newline = text.lastIndex(of: "\n"), let code = Int(text[text.index(after: newline)...]) else {
      throw MissingResource("unexpected curl output: \(text)")
    }
    return (code, String(text[..<newline]))
  }

    /// The request log is written off the request path: waits (bounded) until `/metrics` counts at least `rows`
    /// committed rows.
    func waitForLoggedRows(_ rows: Int) throws {
      for _ in 0..<400 {
        let text = try request("GET", "/metrics").body
        let line = text.split(separator: "\n").first { $0.hasPrefix("workbench_request_log_rows_total ") }
        if let line, let n = Int(line.split(separator: " ").last ?? ""), n >= rows { return }
        usleep(50_000)
      }
      Issue.record("the request log did not commit \(rows) rows")
    }
  }

  /// SIGTERM, then waits for the process; returns how it ended.
  @discardableResult
  func stop() -> ChildProcess.Output {
    process.signal(SIGTERM)
    return process.wait()
  }
}
