import Engine
import Foundation
import Frame
import Reporting
import Tracking
import WorkbookModel

/// `track`: logs the model of a `train` or `sweep` cell as an MLflow run (sweep trials as child runs) in a file
/// store or on a server, reusing the run when the same upstream outputs were logged before.
enum TrackCell {
  static let version = 2

  static let descriptor: KindDescriptor = {
    var d = KindDescriptor(
    name: "track", version: version,
    summary: "Log a train/sweep cell's model as an MLflow run (params, metrics, per-round history, tags, artifacts, dataset); sweep trials become child runs.",
    options: [
      OptionSpec("of", .modelReference, required: true, doc: "The `train` or `sweep` cell whose model to log (its id)."),
      OptionSpec("data", .table, doc: "The training table recorded as the run's dataset input (context `training`) with its content digest, e.g. `split.train`."),
      OptionSpec("test", .table, doc: "The held-out table the model's `test_…` metrics were measured on, recorded as a dataset input (context `testing`) with its content digest; `promote` compares only runs with the same one. Default: the `test` table of the cell named in `data` (`split.test` for `data: split.train`)."),
      OptionSpec("uri", .string, doc: "Tracking URI: a folder (MLflow file store) or `http(s)://host:port` of an `mlflow server`. Default: `$MLFLOW_TRACKING_URI`, else `./mlruns`. Pass the workbook's `tracking.uri` with a param (`uri: ${tracking_uri}`); credentials come from the environment only."),
      OptionSpec("experiment", .string, doc: "Experiment name (default: the workbook name)."),
      OptionSpec("run_name", .string, doc: "Run name (default: what it is — upstream cell · model family · hyper-parameters, e.g. `sweep · gradient_boosting · learning_rate=0.1 max_depth=3 rounds=300`)."),
      OptionSpec("trials", .boolean, default: true, doc: "Sweep: log every trial as a child run of the refit model's run."),
    ], produces: [.run],
    validate: { cell, diagnostics in
      if let u = cell.option("uri"), let s = u.string, TrackingSupport.hasUserInfo(s) {
        diagnostics.error("`uri` must not contain credentials", at: u.location, cell: cell.id,
                          hint: "set MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN in the environment")
      }
    })
    d.logsWorkbookParams = true
    return d
  }()

  /// Test hook: with `WORKBENCH_TEST_KINDS=1` and `WORKBENCH_TEST_HOLD_TRACK=<file>`, the cell writes the parent
  /// run's id to `<file>` once its params, metrics and inputs are logged, and then waits (to be killed: the
  /// interrupted-run tests). The wait is a `Task.sleep`: it holds no thread of the cooperative pool.
  static func holdForTests(_ environment: [String: String], runId: String) async {
    guard environment["WORKBENCH_TEST_KINDS"] == "1", let marker = environment["WORKBENCH_TEST_HOLD_TRACK"], !marker.isEmpty else { return }
    try? FileSystem.writeAtomically(runId, to: marker)
    try? await Task.sleep(nanoseconds: 600 * 1_000_000_000)
  }

  /// A dataset input for table `reference`: name = the reference, digest = the first 16 hex digits of the SHA-256
  /// of its content, source = where it comes from in the workbook, context = `training` or `testing`.
  static func datasetInput(_ frame: Frame, reference: String, context: String, cell: CellContext) -> DatasetInput {
    DatasetInput(
      name: reference, digest: String(Digest.sha256(of: frame).prefix(16)), sourceType: "local",
      source: JSONValue.object([
        "uri": .string("workbench://\(cell.workbookName)/\(reference)"), "workbook": .string(cell.workbookFile),
      ]).serialized(pretty: false),
      profile: JSONValue.object(["num_rows": .int(frame.rowCount), "num_columns": .int(frame.columns.count)]).serialized(pretty: false),
      tags: [KeyValue(SystemTags.datasetContext, context)])
  }

  /// Files of a train/sweep cell copied as artifacts when present: (output name, artifact folder or nil for the root).
  static let artifactFiles: [(String, String?)] = [
    ("model.wbm", "model"), ("model.json", "model"),
    ("roc.svg", "plots"), ("pr.svg", "plots"), ("calibration.svg", "plots"), ("importance.svg", "plots"),
    ("loss.svg", "plots"), ("comparison.svg", "plots"), ("test_roc.svg", "plots"), ("test_pr.svg", "plots"),
    ("test_calibration.svg", "plots"),
  ]

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let upstreamId = try CellReference.parse(try o.text("of"), at: o.location(of: "of"), maximumPath: 0).cell
    let upstream = try context.result(of: upstreamId)
    let env = context.environment
    let uriOption = try o.string("uri")
    if let uriOption, TrackingSupport.hasUserInfo(uriOption) {
      throw CellError("`uri` must not contain credentials", at: o.location(of: "uri"),
                      hint: "set MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN in the environment")
    }
    let uri = TrackingSupport.resolveURI(uriOption, environment: env, projectRoot: context.projectRoot)
    let experimentName = try o.string("experiment") ?? context.workbookName

    // Upstream files (model, plots) and the dataset digest.
    var files: [String: [UInt8]] = [:]
    for (name, _) in artifactFiles {
      if let bytes = try? context.file(name, of: upstreamId) { files[name] = bytes }
    }
    // Data provenance: the training table and the held-out table, each with its content digest.
    var datasets: [DatasetInput] = []
    let dataRef = try o.string("data")
    if let dataRef {
      datasets.append(datasetInput(try context.table(dataRef), reference: dataRef, context: "training", cell: context))
    }
    var testRef = try o.string("test")
    if testRef == nil, let dataRef, dataRef.hasSuffix(".train") {
      let candidate = String(dataRef.dropLast(".train".count)) + ".test"
      if (try? context.table(candidate)) != nil { testRef = candidate }
    }
    var heldOut: DatasetInput?
    if let testRef {
      let frame = try context.table(testRef)
      let measured = (upstream["best"] ?? upstream)["test"]?["rows"]?.intValue ?? upstream["rows"]?["test"]?.intValue
      if let measured, measured != frame.rowCount {
        throw CellError("`\(testRef)` has \(frame.rowCount) rows but the test metrics of `\(upstreamId)` were measured on \(measured) rows",
                        at: o.location(of: o.values["test"] == nil ? "data" : "test"),
                        hint: "`test` must name the held-out table `\(upstreamId)` was evaluated on")
      }
      let input = datasetInput(frame, reference: testRef, context: HeldOutData.context, cell: context)
      datasets.append(input)
      heldOut = input
    }
    let dataset = datasets.first { $0.tags.contains(KeyValue(SystemTags.datasetContext, "training")) }

    let runKey = Digest.sha256(JSONValue.object([
      "kind": "track", "version": .int(version), "experiment": .string(experimentName), "upstream": stable(upstream),
      "model": .string(files["model.wbm"].map { Digest.sha256($0) } ?? ""),
      "data": .array(datasets.map { .string("\($0.name)@\($0.digest)") }),
      "trials": .bool(try o.boolean("trials")),
    ]).serialized(pretty: false))

    // The workbook's params as given for this run (URL credentials and secret query values masked).
    let workbookParams = context.params.sorted { $0.key < $1.key }.map {
      KeyValue("workbook.\($0.key)", Redaction.redact(TrackPlan.text($0.value)))
    }

    var tags = [
      KeyValue(SystemTags.sourceName, context.workbookName), KeyValue(SystemTags.sourceType, "LOCAL"),
      KeyValue("workbench.workbook", context.workbookName), KeyValue("workbench.cell", context.cellId),
      KeyValue("workbench.upstream_cell", upstreamId), KeyValue("workbench.version", workbenchVersion),
    ]
    if let git = TrackingSupport.gitState(of: context.projectRoot) {
      tags.append(KeyValue(SystemTags.gitCommit, git.commit))
      tags.append(KeyValue("workbench.git.dirty", git.dirty ? "true" : "false"))
    }

    let plan: TrackPlan
    do {
      plan = try TrackPlan.make(
        upstream: upstream, upstreamId: upstreamId, experiment: experimentName,
        runName: try o.string("run_name"), runKey: runKey, userId: TrackingSupport.user(environment: env),
        tags: tags, datasets: datasets, workbookParams: workbookParams, includeTrials: try o.boolean("trials"),
        timestamp: Int64(Date().timeIntervalSince1970 * 1000))
    } catch let e as TrackPlan.Problem {
      throw CellError(e.message, at: o.location(of: "of"), hint: e.hint)
    }

    // Artifacts staged in the scratch folder.
    let staging = context.scratchDirectory.appendingPathComponent("artifacts", isDirectory: true)
    var artifacts: [(URL, String?)] = []
    let fm = FileManager.default
    try fm.createDirectory(at: staging.appendingPathComponent("model"), withIntermediateDirectories: true)
    try fm.createDirectory(at: staging.appendingPathComponent("plots"), withIntermediateDirectories: true)
    for (name, folder) in artifactFiles {
      guard let bytes = files[name] else { continue }
      let url = staging.appendingPathComponent(folder ?? "").appendingPathComponent(name)
      try Data(bytes).write(to: url)
    }
    if files["model.wbm"] != nil {
      // An MLflow Model: MLmodel + a numpy-only python_function loader (docs/serving.md).
      let features = (try? JSONValue.parse(files["model.json"] ?? []))?["features"]?.arrayValue?.compactMap(\.stringValue) ?? []
      try MLflowPyfuncFlavor.write(into: staging.appendingPathComponent("model"), features: features)
      artifacts.append((staging.appendingPathComponent("model"), "model"))
    }
    if artifactFiles.contains(where: { $0.1 == "plots" && files[$0.0] != nil }) {
      artifacts.append((staging.appendingPathComponent("plots"), "plots"))
    }
    let resultURL = staging.appendingPathComponent("result.json")
    try Data(upstream.serializedBytes()).write(to: resultURL)
    artifacts.append((resultURL, nil))
    if let confusion = plan.model["test"]?["confusion_matrix"], confusion != .null {
      let url = staging.appendingPathComponent("confusion_matrix.json")
      try Data(confusion.serializedBytes()).write(to: url)
      artifacts.append((url, nil))
    }
    var parent = plan.parent
    parent.artifacts = artifacts

    // Store: a scratch file store while verifying, else the configured one (offline fallback for servers).
    let store: any TrackingStore
    let storeDescription: String
    do {
      if context.isVerification {
        let root = context.scratchDirectory.appendingPathComponent("verify-mlruns", isDirectory: true)
        store = try FileTrackingStore(root: root)
        storeDescription = "scratch store (verification)"
      } else {
        let offline = TrackingSupport.offlineRoot(stateDirectory: context.stateDirectory)
        store = try TrackingSupport.open(uri: uri, environment: env, offlineRoot: offline)
        storeDescription = display(uri, root: context.projectRoot)
      }
    } catch {
      throw CellError("cannot open the tracking store: \(TrackingSupport.message(error, environment: env))", code: .trackingFailed, at: o.location(of: "uri"), cause: error)
    }
    let resilient = store as? ResilientTrackingStore
    var warnings: [String] = []
    if let resilient, (try? resilient.pendingRuns().isEmpty) == false {
      // Replay earlier offline runs first so that the run key finds them on the server (no duplicate).
      do {
        let r = try await resilient.sync()
        if !r.replayed.isEmpty { warnings.append("replayed \(r.replayed.count) queued offline run(s) to the server") }
        for server in Set(r.otherServer.values).sorted() {
          warnings.append("offline queue: \(r.otherServer.values.filter { $0 == server }.count) run(s) recorded for \(server) stay queued; "
                          + "`workbench sync --uri \(server)` (or `--retarget` to send them to this server)")
        }
      } catch {}
    }

    context.progress(0.1, "logging \(parent.runName)")
    let parentInfo: RunInfo
    var reused = false
    var children: [JSONValue] = []
    do {
      let (info, wasReused) = try await store.record(parent) { started in
        if !context.isVerification { await holdForTests(env, runId: started.runId) }
      }
      parentInfo = info
      reused = wasReused
      if !wasReused, let replaced = try? await store.getRun(runId: info.runId).tags[SystemTags.replaces] {
        warnings.append("replaced run(s) \(replaced) with the same run key, left unfinished by an interrupted or failed earlier attempt (marked KILLED and deleted)")
      }
      for (i, planned) in plan.children.enumerated() {
        var child = planned
        child.parentRunId = info.runId
        let (childInfo, _) = try await store.record(child)
        children.append(.object(["trial": .int(plan.childTrials[i]), "run_id": .string(childInfo.runId),
                                 "run_name": .string(child.runName)]))
        context.progress(0.1 + 0.9 * Double(i + 1) / Double(max(plan.children.count, 1)), child.runName)
      }
    } catch {
      throw CellError("tracking failed: \(TrackingSupport.message(error, environment: env))", code: .trackingFailed, at: o.location(of: "uri"),
                      hint: TrackingSupport.isRemote(uri) ? "check the server and MLFLOW_TRACKING_URI; runs are queued when it is unreachable" : nil, cause: error)
    }
    // A reused run keeps what was logged the first time (name, params): report those.
    var loggedName = parent.runName
    var loggedParams = parent.params
    if reused, let run = try? await store.getRun(runId: parentInfo.runId) {
      loggedName = run.info.runName
      loggedParams = run.params.sorted { $0.key < $1.key }.map { KeyValue($0.key, $0.value) }
    }
    let offline = resilient?.isOffline ?? false
    if offline {
      warnings.append("tracking server \(TrackingSupport.redacted(uri)) unreachable: the run was written to the local offline store and queued; run `workbench sync` when the server is back")
    }

    let runURL = offline || context.isVerification ? nil
      : TrackingSupport.runURL(uri: uri, experimentId: parentInfo.experimentId, runId: parentInfo.runId)
    var result: [String: JSONValue] = [
      "tracking_uri": .string(context.isVerification ? "scratch" : display(uri, root: context.projectRoot)),
      "backend": .string(context.isVerification ? "scratch" : (TrackingSupport.isRemote(uri) ? "rest" : "file")),
      "experiment": .string(experimentName), "experiment_id": .string(parentInfo.experimentId),
      "run_id": .string(parentInfo.runId), "run_name": .string(loggedName), "run_key": .string(runKey),
      "reused": .bool(reused), "offline": .bool(offline), "verification": .bool(context.isVerification),
      "source_cell": .string(upstreamId), "source_kind": .string(plan.kind),
      "model_artifact": files["model.wbm"] == nil ? .null : .string("model"),
      "params": .object(Dictionary(loggedParams.map { ($0.key, JSONValue.string($0.value)) }, uniquingKeysWith: { a, _ in a })),
      "metrics": .object(Dictionary(plan.finalMetrics.map { ($0.key, JSONValue.double($0.value)) }, uniquingKeysWith: { a, _ in a })),
      "children": .array(children),
      "run_url": runURL.map { JSONValue.string($0) } ?? .null,
    ]
    if let dataset { result["dataset"] = .object(["name": .string(dataset.name), "digest": .string(dataset.digest)]) }
    result["datasets"] = .array(datasets.map {
      .object(["name": .string($0.name), "digest": .string($0.digest),
               "context": .string($0.tags.first { $0.key == SystemTags.datasetContext }?.value ?? ""), "source": .string($0.source)])
    })
    result["test_data"] = heldOut.map { .object(["name": .string($0.name), "digest": .string($0.digest), "source": .string($0.source)]) } ?? .null

    // Report: where the run is and how to open it.
    var facts: [ReportBlock.Fact] = [
      .init("experiment", "\(experimentName) (id \(parentInfo.experimentId))"),
      .init("run", "\(loggedName) · \(parentInfo.runId)\(reused ? " (already logged, reused)" : "")"),
      .init("store", offline ? "offline queue (\(storeDescription) unreachable)" : storeDescription),
    ]
    if !children.isEmpty { facts.append(.init("child runs", "\(children.count) sweep trial(s)")) }
    for d in datasets {
      let role = d.tags.contains(KeyValue(SystemTags.datasetContext, "training")) ? "training data" : "held-out data"
      facts.append(.init(role, "\(d.name) (digest \(d.digest))"))
    }
    if heldOut == nil && plan.kind != "impact" {
      warnings.append("no held-out table recorded (give `test`, or `data: <split>.train`): `promote` will not compare this run with a champion")
    }
    let headline = ["test_roc_auc", "test_accuracy", "test_log_loss", "test_brier", "test_rmse", "test_mae", "test_r2"]
    let shown = plan.finalMetrics.filter { headline.contains($0.key) || ($0.key.hasPrefix("cv_") && $0.key.hasSuffix("_mean")) }
    if !shown.isEmpty {
      facts.append(.init("logged metrics", shown.map { "\($0.key) \(TableOps.formatNumber($0.value))" }.joined(separator: " · ")))
    }
    var report: [ReportBlock] = [.facts(facts)]
    if let runURL {
      report.append(.link(text: "Open the run of \(upstreamId) in the MLflow UI", target: runURL))
    } else if !context.isVerification, let root = TrackingSupport.fileRoot(offline ? TrackingSupport.offlineRoot(stateDirectory: context.stateDirectory).path : uri) {
      report.append(.markdown("The run of `\(upstreamId)` is in the MLflow file store `\(display(root, root: context.projectRoot))` (experiment \(parentInfo.experimentId), run `\(parentInfo.runId)`). Open it with:"))
      report.append(.code(TrackingSupport.fileStoreHint(root: display(root, root: context.projectRoot))))
    }
    var output = CellOutput(result: .object(result), report: report, warnings: warnings)
    if let files = store as? FileTrackingStore, !files.removedStagingLeftovers.isEmpty {
      output.notes.append("removed \(files.removedStagingLeftovers.count) staging file(s) left by interrupted writers in \(files.root.lastPathComponent)'s staging folder")
    }
    // Queued offline: not cached, so the next run (after `workbench sync`, or once the server is back) records
    // the server's run ids — found by the run key, nothing is logged twice.
    output.provisional = offline
    if offline { output.notes.append("not cached: the next run executes this cell again to record the server's run ids") }
    return output
  }

  /// The upstream result without cache bookkeeping (`reused`, `trials_reused`, `trials_run`: a sweep whose trials
  /// came from the trial cache describes the same model), so the run key names the model, not how it was obtained.
  static func stable(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let o):
      return .object(o.filter { !["reused", "trials_reused", "trials_run"].contains($0.key) }.mapValues(stable))
    case .array(let a): return .array(a.map(stable))
    default: return value
    }
  }

  /// A path relative to the project root when inside it; URIs and outside paths unchanged (credentials removed).
  static func display(_ uri: String, root: URL) -> String {
    let prefix = root.standardizedFileURL.path.hasSuffix("/") ? root.standardizedFileURL.path : root.standardizedFileURL.path + "/"
    if uri.hasPrefix(prefix) { return "./" + String(uri.dropFirst(prefix.count)) }
    return TrackingSupport.redacted(uri)
  }
}

/// The runs to log for one train/sweep result (a pure mapping from `result.json` to `RunRecord`s).
struct TrackPlan {
  struct Problem: Error { var message: String; var hint: String? }

  var kind: String
  /// The object describing the logged model (`best` for a sweep, the whole result for train).
  var model: JSONValue
  var parent: RunRecord
  var children: [RunRecord]
  var childTrials: [Int]
  /// Latest value of every metric of the parent run.
  var finalMetrics: [(key: String, value: Double)]

  static func make(upstream: JSONValue, upstreamId: String, experiment: String, runName: String?, runKey: String,
                   userId: String, tags: [KeyValue], datasets: [DatasetInput], workbookParams: [KeyValue] = [],
                   includeTrials: Bool, timestamp: Int64) throws -> TrackPlan {
    let isSweep = upstream["trials"]?.arrayValue != nil && upstream["best"]?.objectValue != nil
    let isTrain = upstream["model"]?.stringValue != nil && upstream["train"] != nil
    // The coaching impact model (ridge, cross-validated by game): logged like any other model run.
    let isImpact = upstream["grouped_by_game"] != nil && upstream["cross_validated_r2"] != nil
    guard isSweep || isTrain || isImpact else {
      throw Problem(message: "cell `\(upstreamId)` is not a `train`, `sweep` or fitted `impact` cell (its result has no model and metrics)",
                    hint: "`of` must name a train, sweep or impact cell (an impact cell with too few games fits nothing)")
    }
    let sourceKind = isSweep ? "sweep" : isTrain ? "train" : "impact"
    let model = isSweep ? (upstream["best"] ?? .null) : upstream
    var params: [KeyValue] = []
    var seen = Set<String>()
    func param(_ key: String, _ value: JSONValue?) {
      guard let value, value != .null, !seen.contains(key) else { return }
      seen.insert(key)
      params.append(KeyValue(key, text(value)))
    }
    param("model", model["model"] ?? (isImpact ? .string("ridge") : nil))
    if isImpact {
      param("cv_folds", upstream["folds"]); param("cv_groups", .string("game")); param("lambda", upstream["final_lambda"])
      param("games", upstream["games"]); param("rows", upstream["rows"])
      param("features", .array((upstream["features"]?.arrayValue ?? []).compactMap { $0["name"] }))
    }
    if let hyper = model["params"]?.objectValue {
      for (k, v) in hyper.sorted(by: { $0.key < $1.key }) { param(seen.contains(k) ? "param_\(k)" : k, v) }
    }
    // The seed the workbook gave. A sweep's models are fitted with seeds derived from it per trial: those are
    // `trial_seed`, never `seed`.
    param("seed", isSweep ? (upstream["seed"] ?? upstream["folds"]?["seed"]) : model["seed"])
    if isSweep { param("trial_seed", model["seed"]) }
    for key in ["task", "target", "features", "categorical", "missing"] { param(key, upstream[key] ?? model[key]) }
    param("threshold", model["test"]?["threshold"])
    param("rows_train", upstream["rows"]?["train"])
    param("rows_test", upstream["rows"]?["test"])
    if isSweep {
      param("select_by", upstream["select_by"]); param("direction", upstream["direction"]); param("search", upstream["search"])
      param("cv_folds", upstream["folds"]?["k"]); param("cv_scheme", upstream["folds"]?["scheme"])
      param("best_trial", model["trial"]); param("trials_total", upstream["trials_total"])
    }

    var metrics: [MetricPoint] = []
    var finals: [(String, Double)] = []
    func metric(_ key: String, _ value: Double?, step: Int64 = 0) {
      guard let value, value.isFinite else { return }
      metrics.append(MetricPoint(key: key, value: value, timestamp: timestamp, step: step))
    }
    for part in ["test", "train"] {
      guard let figures = model[part]?.objectValue else { continue }
      for (k, v) in figures.sorted(by: { $0.key < $1.key }) where k != "threshold" {
        if case .object = v { continue }
        if case .array = v { continue }
        metric("\(part)_\(k)", v.doubleValue)
      }
    }
    if isImpact {
      metric("cv_r2", upstream["cross_validated_r2"]?.doubleValue)
      for (i, v) in (upstream["fold_r2"]?.arrayValue ?? []).enumerated() { metric("cv_r2_fold", v.doubleValue, step: Int64(i + 1)) }
    }
    let selectBy = upstream["select_by"]?.stringValue ?? "score"
    if isSweep {
      metric("cv_\(selectBy)_mean", model["cv_score"]?.doubleValue)
      metric("cv_\(selectBy)_std", model["cv_std"]?.doubleValue)
    }
    if let history = model["history"] {
      for (name, series) in [("train_loss", "train_loss"), ("validation_loss", "validation_loss")] {
        for (i, v) in (history[series]?.arrayValue ?? []).enumerated() { metric(name, v.doubleValue, step: Int64(i + 1)) }
      }
      metric("best_iteration", history["best_iteration"]?.doubleValue)
    }
    for m in metrics {
      if let i = finals.firstIndex(where: { $0.0 == m.key }) { finals[i].1 = m.value } else { finals.append((m.key, m.value)) }
    }

    var parentTags = tags
    parentTags.append(KeyValue("workbench.source_kind", sourceKind))
    if let v = model["history"]?["validation"]?.stringValue { parentTags.append(KeyValue("workbench.validation_loss", v)) }
    if let sha = model["model_sha256"]?.stringValue { parentTags.append(KeyValue("workbench.model_sha256", sha)) }
    for p in workbookParams where !seen.contains(p.key) {
      seen.insert(p.key)
      params.append(p)
    }
    let family = model["model"]?.stringValue ?? (isImpact ? "ridge" : sourceKind)
    let name = runName ?? describe(upstreamId, family, model["params"])
    let trainingData = datasets.filter { $0.tags.contains(KeyValue(SystemTags.datasetContext, "training")) }
    let parent = RunRecord(
      experimentName: experiment, runName: name, userId: userId, runKey: runKey, params: params, metrics: metrics,
      tags: parentTags, datasets: datasets)

    var children: [RunRecord] = []
    var childTrials: [Int] = []
    if isSweep, includeTrials {
      for (i, trial) in (upstream["trials"]?.arrayValue ?? []).enumerated() {
        let n = trial["trial"]?.intValue ?? (i + 1)
        var p: [KeyValue] = []
        var pSeen = Set<String>()
        if let m = trial["model"] { p.append(KeyValue("model", text(m))); pSeen.insert("model") }
        for (k, v) in (trial["params"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
          let key = pSeen.contains(k) ? "param_\(k)" : k
          pSeen.insert(key)
          p.append(KeyValue(key, text(v)))
        }
        if let s = upstream["seed"] ?? upstream["folds"]?["seed"] { p.append(KeyValue("seed", text(s))) }
        if let s = trial["seed"] { p.append(KeyValue("trial_seed", text(s))) }
        for w in workbookParams where !p.contains(where: { $0.key == w.key }) { p.append(w) }
        var m: [MetricPoint] = []
        if let mean = trial["cv_mean"]?.doubleValue, mean.isFinite {
          m.append(MetricPoint(key: "cv_\(selectBy)_mean", value: mean, timestamp: timestamp))
        }
        if let sd = trial["cv_std"]?.doubleValue, sd.isFinite {
          m.append(MetricPoint(key: "cv_\(selectBy)_std", value: sd, timestamp: timestamp))
        }
        for (f, s) in (trial["cv_scores"]?.arrayValue ?? []).enumerated() {
          if let v = s.doubleValue, v.isFinite { m.append(MetricPoint(key: "cv_\(selectBy)", value: v, timestamp: timestamp, step: Int64(f + 1))) }
        }
        var t = tags
        t.append(KeyValue("workbench.source_kind", "sweep_trial"))
        t.append(KeyValue("workbench.trial", String(n)))
        if n == model["trial"]?.intValue { t.append(KeyValue("workbench.best_trial", "true")) }
        let label = trial["model"]?.stringValue ?? "trial"
        children.append(RunRecord(
          experimentName: experiment, runName: describe("\(runName ?? upstreamId) · trial \(n)", label, trial["params"]), userId: userId,
          runKey: "\(runKey)/trial-\(n)", params: p, metrics: m, tags: t, datasets: trainingData))
        childTrials.append(n)
      }
    }
    return TrackPlan(kind: sourceKind, model: model, parent: parent, children: children,
                     childTrials: childTrials, finalMetrics: finals)
  }

  /// A run name that says what it is: `sweep · gradient_boosting · learning_rate=0.1 max_depth=3 rounds=300`
  /// (hyper-parameters sorted by name; MLflow keeps names up to 250 characters).
  static func describe(_ prefix: String, _ family: String, _ hyper: JSONValue?) -> String {
    let settings = (hyper?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\(text($0.value))" }
    let name = ([prefix, family] + (settings.isEmpty ? [] : [settings.joined(separator: " ")])).joined(separator: " · ")
    return name.count > 250 ? String(name.prefix(249)) + "…" : name
  }

  /// A param value as text: strings verbatim, lists comma-joined, other JSON compact.
  static func text(_ value: JSONValue) -> String {
    switch value {
    case .string(let s): return s
    case .array(let a) where a.allSatisfy({ $0.stringValue != nil }): return a.compactMap(\.stringValue).joined(separator: ",")
    case .object, .array: return value.serialized(pretty: false)
    default: return value.displayText
    }
  }
}
