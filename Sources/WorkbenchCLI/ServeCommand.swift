import ArgumentParser
import Cells
import Engine
import Foundation
import Serving
import WorkbenchCore
import WorkbookModel

/// `workbench serve WORKBOOK`: the registry's champion behind MLflow's scoring protocol (docs/serving.md).
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve the workbook's registered model (default: its champion) with MLflow's scoring protocol and Prometheus metrics.",
    discussion: """
      POST /invocations (JSON dataframe_split, dataframe_records, instances, inputs; or CSV), GET /ping, /health, /version, \
      /metrics, /openapi.json. The alias is re-read every --poll seconds: promote/rollback in another process switch the \
      model without a restart. SIGTERM/SIGINT stop the server after the requests in flight are answered.
      """)

  @OptionGroup var workbook: WorkbookArguments

  @Option(help: ArgumentHelp("NAME, NAME@alias or NAME@version (default: the workbook's promote cell's model_name @champion).", valueName: "model"))
  var model: String?

  @Option(help: "Address to bind; anything other than 127.0.0.1 exposes the server to the network.")
  var host = "127.0.0.1"

  @Option(help: "Port to listen on (0: any free port, printed at start).")
  var port = 5000

  @Option(help: "Tracking URI of the registry (default: the promote cell's uri, else $MLFLOW_TRACKING_URI, else mlruns/).")
  var uri: String?

  @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted (413 above).")
  var maxBodyBytes = 16 << 20

  @Option(name: .customLong("token-env"), help: "Environment variable holding a bearer token; when it is set, /invocations, /version and /metrics require it.")
  var tokenEnvironmentVariable = "WORKBENCH_SERVE_TOKEN"

  @Option(help: "Seconds between two reads of the registry alias (0: never switch).")
  var poll = 2.0

  @Option(name: .customLong("request-log"), help: ArgumentHelp(
    "SQLite file every scored row is appended to (table `requests`; `none`: no log). Default: .workbench/serve/requests.sqlite at the project root.",
    valueName: "path"))
  var requestLog: String?

  @Flag(help: "Rerun the workbook when its YAML, the files its cells read or its inputs change, and reload the reports open in a browser (server-sent events at /events).")
  var watch = false

  @Option(name: .customLong("request-log-rows"), help: "Rows the request log keeps (the oldest are deleted beyond).")
  var requestLogRows = 1_000_000

  @Option(name: .customLong("raw-input"), help: "Cell whose output rows /invocations also accepts (turned into features by the transform cells below it). Default: the first cell above the training table that is not a transform.")
  var rawInput: String?

  @Option(name: .customLong("drift-window"), help: "Drift of served traffic: the last this many scored rows are compared with the training table.")
  var driftWindow = 5000

  @Option(name: .customLong("drift-every"), help: "Seconds between two drift checks of served traffic (0: no check).")
  var driftEvery = 30.0

  @Option(name: .customLong("drift-min-rows"), help: "Scored rows needed before the first drift verdict.")
  var driftMinRows = 500

  func validate() throws {
    guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
    guard maxBodyBytes >= 1 else { throw ValidationError("--max-body-bytes must be at least 1") }
    guard poll.isFinite, poll >= 0 else { throw ValidationError("--poll must be ≥ 0 seconds") }
    guard requestLogRows >= 1 else { throw ValidationError("--request-log-rows must be at least 1") }
    guard driftWindow >= 1 else { throw ValidationError("--drift-window must be at least 1 row") }
    guard driftEvery.isFinite, driftEvery >= 0 else { throw ValidationError("--drift-every must be ≥ 0 seconds") }
    guard driftMinRows >= 1, driftMinRows <= driftWindow else { throw ValidationError("--drift-min-rows must be from 1 to --drift-window") }
    if let uri, TrackingSupport.hasUserInfo(uri) {
      throw ValidationError("--uri must not contain credentials: set MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN")
    }
  }

  func run() async throws {
    let engine = try workbook.engine()
    let wb = try workbook.load(engine)
    let env = ProcessInfo.processInfo.environment
    let promote = wb.cells.first { $0.kind.name == "promote" }
    func option(_ name: String) -> String? {
      promote?.spec.option(name)?.string.map { Self.substitute($0, params: wb.params) }
    }
    let events = watch ? ReportEvents() : nil
    let reports = ReportsApp(outputsRoot: engine.layout.outputsRoot, events: events)
    var rerunLoop: (@Sendable () async -> Void)?
    if let events {
      let watched = WatchedWorkbook(engine: engine, workbookPath: workbook.workbookPath, overrides: try workbook.overrides())
      rerunLoop = {
        await WorkbookWatcher.run(paths: { watched.watchedPaths() }, events: events, rerun: { await watched.rerun() }) { printError($0) }
      }
    }
    let selectorText: String
    if let model {
      selectorText = model
    } else if let name = option("model_name") {
      selectorText = "\(name)@\(option("alias") ?? "champion")"
    } else {
      // No registered model to score with: the reports app alone.
      printError("\(workbook.workbook) has no promote cell naming a registered model (pass --model NAME@champion to score): serving the reports only")
      var settings = ServeSettings()
      settings.host = host
      settings.port = port
      try await serveReports(reports, settings: settings, rerunLoop: rerunLoop)
      return
    }
    let selector = try ModelSelector(parsing: selectorText)
    let resolved = TrackingSupport.resolveURI(uri ?? option("uri") ?? TrackingSupport.settings(of: wb.workbook).uri,
                                              environment: env, projectRoot: engine.layout.root)
    if let folder = TrackingSupport.fileRoot(resolved), !FileManager.default.fileExists(atPath: folder) {
      throw TrackingCommandError("no MLflow file store at \(folder): run the workbook first (its track and promote cells register the model), or pass --uri")
    }
    let store = try TrackingSupport.open(uri: resolved, environment: env, offlineRoot: nil)
    let rawEntry = rawInput
    let source = ModelRegistrySource(store: store, selector: selector, cacheKey: { cell, digest in
      Self.cacheKey(of: cell, modelSHA256: digest, engine: engine, workbook: wb)
    }, rawInput: { trainingCell in
      RawInput.resolve(engine: engine, workbook: wb, trainingCell: trainingCell, entry: rawEntry)
    })
    var settings = ServeSettings()
    settings.host = host
    settings.port = port
    settings.maximumBodyBytes = maxBodyBytes
    settings.token = env[tokenEnvironmentVariable].flatMap { $0.isEmpty ? nil : $0 }
    settings.pollSeconds = poll > 0 ? poll : nil
    settings.reports = reports
    if requestLog != "none" {
      let path = requestLog.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path }
        ?? engine.layout.root.appendingPathComponent(".workbench/serve/requests.sqlite").path
      do { settings.requestLog = try RequestLog(path: path, maximumRows: requestLogRows) } catch {
        throw TrackingCommandError("cannot open the request log \(path): \(error) (pass --request-log PATH, or --request-log none)")
      }
      printError("request log: \(shownPath(URL(fileURLWithPath: path))) (table requests, at most \(requestLogRows) rows)")
    }
    if driftEvery > 0 {
      var drift = ServedDriftSettings()
      drift.windowRows = driftWindow
      drift.everySeconds = driftEvery
      drift.minimumRows = driftMinRows
      settings.servedDrift = ServedDrift(settings: drift) { model in
        try ServedDrift.trainingTable(of: model, engine: engine)
      }
    }
    if host != "127.0.0.1", host != "localhost", host != "::1" {
      printError(Terminal.standardError.yellow("serving on \(host): reachable from the network\(settings.token == nil ? " without a token (set \(tokenEnvironmentVariable))" : "")"))
    }
    do {
      try await ServeRunner.run(source: source, settings: settings, rerunLoop: rerunLoop) { printError($0) }
    } catch let e as ScoringError {
      throw TrackingCommandError(e.message)
    } catch where "\(error)".contains("Address already in use") {
      throw TrackingCommandError("\(host):\(port) is already in use: pass another --port (or --port 0 for any free one)")
    }
  }

  /// Serves the reports app alone (a port in use is named as for the scoring server).
  func serveReports(_ reports: ReportsApp, settings: ServeSettings, rerunLoop: (@Sendable () async -> Void)?) async throws {
    do {
      try await ServeRunner.runReports(reports, settings: settings, rerunLoop: rerunLoop) { printError($0) }
    } catch where "\(error)".contains("Address already in use") {
      throw TrackingCommandError("\(host):\(port) is already in use: pass another --port (or --port 0 for any free one)")
    }
  }

  /// The cache key of `cell`'s entry for the current params when its `model.wbm` is these bytes, else nil.
  static func cacheKey(of cell: String, modelSHA256: String, engine: Engine, workbook: ValidatedWorkbook) -> String? {
    guard let planned = engine.plan(workbook).cell(cell), let manifest = planned.manifest,
          manifest.artifacts.contains(where: { $0.name == "model.wbm" && $0.digest == modelSHA256 })
    else { return nil }
    return manifest.key
  }

  /// `${name}` references to params replaced by their values (the promote cell's options are usually such references).
  static func substitute(_ text: String, params: [String: JSONValue]) -> String {
    var out = text
    for (name, value) in params {
      out = out.replacingOccurrences(of: "${\(name)}", with: value.stringValue ?? value.displayText)
    }
    return out
  }
}
