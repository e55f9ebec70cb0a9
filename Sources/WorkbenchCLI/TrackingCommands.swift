import ArgumentParser
import Cells
import Engine
import Foundation
import Tracking
import WorkbookModel

/// Where the tracking commands look: `--uri`, else `$MLFLOW_TRACKING_URI`, else `mlruns/` at the project root
/// (found from the current directory by the rule `run` applies from the workbook: see ``ProjectLayout``), so
/// `workbench runs` in a subfolder sees the runs a workbook logged.
struct TrackingArguments: ParsableArguments {
  @Option(help: "Tracking URI: an MLflow file store folder or http(s)://host:port (default: $MLFLOW_TRACKING_URI, else mlruns/ at the project root).")
  var uri: String?

  var environment: [String: String] { ProcessInfo.processInfo.environment }
  var currentDirectory: URL { URL(fileURLWithPath: FileManager.default.currentDirectoryPath) }
  var root: URL { ProjectLayout.projectRoot(from: currentDirectory) }
  var resolved: String { TrackingSupport.resolveURI(uri, environment: environment, projectRoot: root) }

  func validate() throws {
    if let uri, TrackingSupport.hasUserInfo(uri) {
      throw ValidationError("--uri must not contain credentials: set MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN")
    }
  }

  /// The store (plain REST for a server: the registry and listings need it answering).
  func open() throws -> any TrackingStore {
    if let folder = TrackingSupport.fileRoot(resolved), !FileManager.default.fileExists(atPath: folder) {
      throw TrackingCommandError("no MLflow file store at \(display): run a workbook with a `track` cell first, or pass --uri / set MLFLOW_TRACKING_URI")
    }
    do { return try TrackingSupport.open(uri: resolved, environment: environment, offlineRoot: nil) } catch {
      throw TrackingCommandError(TrackingSupport.message(error, environment: environment))
    }
  }

  /// The local offline store and its queue (`.workbench/offline` or under `$WORKBENCH_STATE_DIR`).
  var offlineRoot: URL {
    let layout = ProjectLayout.resolve(root: root, currentDirectory: currentDirectory, environment: environment)
    return TrackingSupport.offlineRoot(stateDirectory: layout.stateDirectory)
  }

  var display: String {
    let r = resolved
    let prefix = root.standardizedFileURL.path + "/"
    return r.hasPrefix(prefix) ? "./" + r.dropFirst(prefix.count) : TrackingSupport.redacted(r)
  }
}

/// A tracking failure reported by a command (exit code 1), its text free of credentials.
struct TrackingCommandError: Error, CustomStringConvertible {
  var description: String
  init(_ message: String) { description = message }
}

/// Runs a tracking call, turning its errors into messages without secrets.
func tracking<T>(_ environment: [String: String], _ body: () async throws -> T) async throws -> T {
  do { return try await body() } catch let e as TrackingCommandError { throw e } catch let e as ValidationError { throw e } catch {
    throw TrackingCommandError(TrackingSupport.message(error, environment: environment))
  }
}

struct Runs: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List tracked runs with their key metrics (newest first).",
    discussion: "Open the store in the MLflow UI with `MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri ./mlruns`.")

  @OptionGroup var store: TrackingArguments
  @Option(help: "Experiment name (default: every experiment of a file store).") var experiment: String?
  @Flag(help: "Machine-readable output.") var json = false

  func run() async throws {
    let env = store.environment
    if let folder = TrackingSupport.fileRoot(store.resolved), !FileManager.default.fileExists(atPath: folder) {
      if json { printOut("[]") } else { printOut("no runs: no MLflow file store at \(store.display)") }
      return
    }
    let s = try store.open()
    var names: [String] = []
    if let experiment { names = [experiment] } else if let root = TrackingSupport.fileRoot(store.resolved) {
      names = FileTrackingStore.activeExperimentNames(root: root)
    } else {
      throw ValidationError("--experiment is required with a tracking server")
    }
    var rows: [(experiment: Experiment, run: Tracking.Run)] = []
    try await tracking(env) {
      for name in names {
        guard let e = try await s.findExperiment(named: name) else {
          if experiment != nil { throw TrackingCommandError("no experiment \"\(name)\" in \(store.display)") }
          continue
        }
        // Newest first, each parent followed by its child runs (sweep trials).
        let runs = try await s.searchRuns(experimentId: e.experimentId)
        let ids = Set(runs.map(\.runId))
        for r in runs where r.parentRunId.map({ !ids.contains($0) }) ?? true {
          rows.append((e, r))
          for c in runs.reversed() where c.parentRunId == r.runId { rows.append((e, c)) }
        }
      }
    }
    if json {
      printOut(JSONValue.array(rows.map { e, r in
        .object([
          "experiment": .string(e.name), "experiment_id": .string(e.experimentId), "run_id": .string(r.runId),
          "run_name": .string(r.info.runName), "status": .string(r.info.status.rawValue),
          "parent_run_id": r.parentRunId.map { JSONValue.string($0) } ?? .null, "start_time": .int(Int(r.info.startTime)),
          "params": .object(r.params.mapValues { JSONValue.string($0) }),
          "metrics": .object(r.metrics.mapValues { $0.isFinite ? JSONValue.double($0) : JSONValue.null }),
          "tags": .object(r.tags.filter { !$0.key.hasPrefix("mlflow.log-model") }.mapValues { JSONValue.string($0) }),
        ])
      }).serialized().trimmingCharacters(in: .newlines))
      return
    }
    guard !rows.isEmpty else {
      printOut("no runs in \(store.display)" + (experiment.map { " (experiment \($0))" } ?? ""))
      return
    }
    let t = Terminal.standardOutput
    let keys = Self.keyMetrics(rows.map(\.run))
    let header = ["experiment", "run id", "name", "status"] + keys
    var table = rows.map { e, r -> [String] in
      let name = (r.parentRunId == nil ? "" : "  └ ") + r.info.runName
      return [e.name, r.runId, name, r.info.status.rawValue]
        + keys.map { k in r.metrics[k].map { String(format: "%.4f", $0) } ?? "" }
    }
    table.insert(header, at: 0)
    let widths = header.indices.map { c in table.map { $0[c].count }.max() ?? 0 }
    for (i, row) in table.enumerated() {
      let line = row.enumerated().map { c, v in v.padding(toLength: widths[c], withPad: " ", startingAt: 0) }.joined(separator: "  ")
      printOut(i == 0 ? t.bold(line) : line)
    }
    if let root = TrackingSupport.fileRoot(store.resolved) {
      printOut(t.dim("open in MLflow: \(TrackingSupport.fileStoreHint(root: root))"))
    }
  }

  /// Up to six held-out / CV metrics shown as columns.
  static func keyMetrics(_ runs: [Tracking.Run]) -> [String] {
    let all = Set(runs.flatMap(\.metrics.keys))
    let preferred = ["test_roc_auc", "test_accuracy", "test_log_loss", "test_brier", "test_rmse", "test_r2"]
    var keys = preferred.filter(all.contains)
    keys += all.filter { $0.hasPrefix("cv_") && $0.hasSuffix("_mean") }.sorted()
    return Array(keys.prefix(6))
  }
}

struct Sync: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Replay runs queued while the tracking server was unreachable (idempotent: each run lands once).",
    discussion: "Each queued run remembers the server it was meant for; runs recorded for another server stay queued unless --retarget is given.")

  @OptionGroup var store: TrackingArguments
  @Flag(help: "Send runs queued for another server to this one instead.") var retarget = false

  func run() async throws {
    let env = store.environment
    guard TrackingSupport.isRemote(store.resolved) else {
      throw ValidationError("sync needs a tracking server: pass --uri http(s)://host:port or set MLFLOW_TRACKING_URI (got \(store.display))")
    }
    let queue = store.offlineRoot.deletingLastPathComponent().appendingPathComponent("tracking-queue.json")
    guard FileManager.default.fileExists(atPath: queue.path) else {
      printOut("nothing to sync: no offline queue at \(queue.path)")
      return
    }
    let report = try await tracking(env) { () async throws -> ResilientTrackingStore.SyncReport in
      guard let s = try TrackingSupport.open(uri: store.resolved, environment: env, offlineRoot: store.offlineRoot) as? ResilientTrackingStore else {
        throw TrackingCommandError("cannot open the offline queue")
      }
      if try s.pendingRuns().isEmpty { return ResilientTrackingStore.SyncReport() }
      return try await s.sync(retarget: retarget)
    }
    let t = Terminal.standardOutput
    if report.replayed.isEmpty && report.alreadyPresent.isEmpty && report.stillRunning.isEmpty && report.otherServer.isEmpty {
      printOut("nothing to sync: the offline queue is empty")
      return
    }
    for (local, remote) in report.replayed.sorted(by: { $0.key < $1.key }) { printOut("replayed  \(local) → \(remote)") }
    for (local, remote) in report.alreadyPresent.sorted(by: { $0.key < $1.key }) { printOut(t.dim("present   \(local) = \(remote)")) }
    for local in report.stillRunning { printOut(t.yellow("running   \(local) (still RUNNING locally, kept in the queue)")) }
    printOut("synced to \(store.display): \(report.replayed.count) replayed, \(report.alreadyPresent.count) already present, \(report.stillRunning.count + report.otherServer.count) still queued")
    if !report.otherServer.isEmpty {
      let servers = Set(report.otherServer.values).sorted()
      throw TrackingCommandError(
        "\(report.otherServer.count) queued run(s) were recorded for \(servers.joined(separator: ", ")), not \(store.display): "
          + "they stay in the queue (\(queue.path)). Run `workbench sync --uri \(servers[0])` when that server is reachable, "
          + "or `workbench sync --uri \(store.display) --retarget` to send them to \(store.display) instead")
    }
  }
}

struct Promote: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Register a run's model as a new version; move the champion alias only if it beats the champion on a held-out metric.")

  @OptionGroup var store: TrackingArguments
  @Option(help: "Registered model name.") var model: String
  @Option(name: .customLong("run"), help: "The run whose `model/` artifact to register.") var runId: String
  @Option(help: "Held-out metric that decides (a test_… metric).") var metric: String = "test_roc_auc"
  @Option(help: "higher or lower (default: lower for losses and errors).") var direction: String?
  @Option(help: "Minimum improvement over the champion (≥ 0).") var margin: Double = 0
  @Option(help: "The alias to move.") var alias: String = "champion"
  @Flag(help: "Machine-readable output.") var json = false

  func validate() throws {
    if TrackingSupport.isTrainingMetric(metric) {
      let r = TrackingSupport.trainingMetricRefusal(metric)
      throw ValidationError("\(r.message); \(r.hint)")
    }
    guard metric.hasPrefix("test_") else { throw ValidationError("--metric \(metric) is not a held-out metric: use a test_… metric such as test_roc_auc") }
    if let direction, MetricDirection(rawValue: direction) == nil { throw ValidationError("--direction must be higher or lower") }
    guard margin.isFinite, margin >= 0 else { throw ValidationError("--margin must be ≥ 0") }
  }

  func run() async throws {
    let env = store.environment
    let s = try store.open()
    let dir = direction.flatMap(MetricDirection.init(rawValue:)) ?? TrackingSupport.defaultDirection(for: metric)
    let outcome = try await tracking(env) {
      let rule = try PromotionRule(metric: metric, direction: dir, margin: margin)
      return try await ModelPromoter(store: s, modelName: model, alias: alias, rule: rule).promote(runId: runId, artifactPath: "model")
    }
    let d = outcome.decision
    let decision = outcome.notCompared != nil ? "not_compared" : d.promote ? "promoted" : "rejected"
    if json {
      printOut(JSONValue.object([
        "model_name": .string(model), "run_id": .string(runId), "version": outcome.version.map { .int($0.version) } ?? .null,
        "decision": .string(decision), "metric": .string(metric),
        "challenger_value": d.challengerValue.isFinite ? .double(d.challengerValue) : .null,
        "champion_value": d.championValue.map { JSONValue.double($0) } ?? .null,
        "previous_champion_version": outcome.previousChampion.map { JSONValue.int($0) } ?? .null,
        "champion_version": outcome.champion.map { JSONValue.int($0) } ?? .null, "reason": .string(d.reason),
      ]).serialized().trimmingCharacters(in: .newlines))
      if outcome.notCompared != nil { throw ExitCode(1) }
      return
    }
    let t = Terminal.standardOutput
    guard let version = outcome.version else {
      printOut(t.yellow("\(d.reason); \(alias) stays at version \(outcome.champion.map(String.init) ?? "none"), nothing registered"))
      throw TrackingCommandError("promotion compares only runs evaluated on the same held-out data: re-evaluate the champion on the challenger's test set with the promote cell's `reevaluate_champion: true` (see docs/cells/promote.md)")
    }
    printOut("registered \(model) version \(version.version) (run \(runId))")
    printOut(d.promote ? t.green("promoted: \(alias) → version \(version.version) — \(d.reason)")
                       : t.yellow("not promoted: \(alias) stays at version \(outcome.champion.map(String.init) ?? "none") — \(d.reason)"))
  }
}

struct Rollback: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Move the champion alias back to the previous champion.")

  @OptionGroup var store: TrackingArguments
  @Option(help: "Registered model name.") var model: String
  @Option(help: "The alias to move back.") var alias: String = "champion"

  func run() async throws {
    let env = store.environment
    let s = try store.open()
    let r = try await tracking(env) {
      try await ModelPromoter(store: s, modelName: model, alias: alias, rule: try PromotionRule(metric: "test_roc_auc")).rollback()
    }
    printOut("rolled back \(model): \(alias) → version \(r.to) (was \(r.from))")
  }
}
