import Engine
import Foundation
import Reporting
import Tracking
import WorkbookModel

/// `promote`: registers the model logged by a `track` cell as a new version of a named model and moves the
/// `champion` alias to it only if it beats the current champion on a held-out metric by a margin.
enum PromoteCell {
  static let descriptor = KindDescriptor(
    name: "promote", version: 1,
    summary: "Register a tracked model as a new version; move the `champion` alias only if it beats the champion on a held-out metric by a margin.",
    options: [
      OptionSpec("of", .table, required: true, doc: "The `track` cell whose run to register (its id)."),
      OptionSpec("model_name", .string, required: true, doc: "Registered model name, e.g. `parivision`."),
      OptionSpec("metric", .string, default: "test_roc_auc",
                 doc: "The HELD-OUT metric that decides (a `test_…` metric of the run). Training metrics (`train_…`, `cv_…`) are refused."),
      OptionSpec("direction", .choice(["higher", "lower"]), doc: "Which way is better (default: lower for losses and errors, else higher)."),
      OptionSpec("margin", .number, default: 0, doc: "Minimum improvement over the champion (≥ 0, metric units); a tie never promotes."),
      OptionSpec("alias", .string, default: "champion", doc: "The alias to move."),
      OptionSpec("uri", .string, doc: "Tracking URI (default: the track cell's, else `$MLFLOW_TRACKING_URI`, else `./mlruns`)."),
    ],
    validate: { cell, diagnostics in
      if let m = cell.option("metric"), let s = m.string, !s.contains("${") {
        if TrackingSupport.isTrainingMetric(s) {
          let r = TrackingSupport.trainingMetricRefusal(s)
          diagnostics.error(r.message, at: m.location, cell: cell.id, hint: r.hint)
        } else if !s.hasPrefix("test_") {
          diagnostics.error("`metric: \(s)` is not a held-out metric", at: m.location, cell: cell.id,
                            hint: "promotion compares a `test_…` metric measured on the held-out test part, e.g. `test_roc_auc` or `test_log_loss`")
        }
      }
      if let m = cell.option("margin"), let x = m.double, !(x >= 0) {
        diagnostics.error("`margin` must be ≥ 0, got \(m.displayText)", at: m.location, cell: cell.id)
      }
      if let u = cell.option("uri"), let s = u.string, TrackingSupport.hasUserInfo(s) {
        diagnostics.error("`uri` must not contain credentials", at: u.location, cell: cell.id,
                          hint: "set MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN in the environment")
      }
    })

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let env = context.environment
    let reference = try o.requiredString("of")
    let trackId = String(reference.split(separator: ".", maxSplits: 1).first ?? Substring(reference))
    let track = try context.result(of: trackId)
    guard let runKey = track["run_key"]?.stringValue, let experimentName = track["experiment"]?.stringValue,
          let trackedRunId = track["run_id"]?.stringValue else {
      throw CellError("cell `\(trackId)` is not a `track` cell (its result has no run)", at: o.location(of: "of"),
                      hint: "`of` must name a track cell")
    }
    let modelName = try o.requiredString("model_name")
    let metric = try o.string("metric") ?? "test_roc_auc"
    if TrackingSupport.isTrainingMetric(metric) {
      let r = TrackingSupport.trainingMetricRefusal(metric)
      throw CellError(r.message, at: o.location(of: "metric"), hint: r.hint)
    }
    guard metric.hasPrefix("test_") else {
      throw CellError("`metric: \(metric)` is not a held-out metric", at: o.location(of: "metric"),
                      hint: "use a `test_…` metric measured on the held-out test part, e.g. `test_roc_auc`")
    }
    let direction = try o.string("direction").flatMap(MetricDirection.init(rawValue:)) ?? TrackingSupport.defaultDirection(for: metric)
    let margin = try o.double("margin") ?? 0
    let alias = try o.string("alias") ?? "champion"
    let rule: PromotionRule
    do { rule = try PromotionRule(metric: metric, direction: direction, margin: margin) } catch {
      throw CellError("\(error)", at: o.location(of: margin < 0 || !margin.isFinite ? "margin" : "metric"))
    }
    let uriOption = try o.string("uri")
    if let uriOption, TrackingSupport.hasUserInfo(uriOption) {
      throw CellError("`uri` must not contain credentials", at: o.location(of: "uri"),
                      hint: "set MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN in the environment")
    }
    let trackURI = track["tracking_uri"]?.stringValue.flatMap { $0 == "scratch" ? nil : $0 }
    let uri = TrackingSupport.resolveURI(uriOption ?? trackURI, environment: env, projectRoot: context.projectRoot)

    let warnings: [String] = []
    let store: any TrackingStore
    let runId: String
    do {
      if context.isVerification {
        // Exercise the decision on a scratch store holding a copy of the run's figures (never the real registry).
        let scratch = try FileTrackingStore(root: context.scratchDirectory.appendingPathComponent("verify-mlruns"))
        let value = track["metrics"]?[metric]?.doubleValue
        let (info, _) = try scratch.record(RunRecord(
          experimentName: experimentName, runName: trackedRunId, runKey: runKey,
          metrics: value.map { [MetricPoint(key: metric, value: $0, timestamp: 0)] } ?? []))
        store = scratch
        runId = info.runId
      } else {
        store = try TrackingSupport.open(uri: uri, environment: env, offlineRoot: nil)
        guard let experiment = try store.findExperiment(named: experimentName),
              let run = try store.findRun(experimentId: experiment.experimentId, tag: SystemTags.runKey, value: runKey) else {
          let offline = track["offline"]?.boolValue == true
          throw CellError(
            "the run logged by `\(trackId)` (experiment \(experimentName), run key \(runKey.prefix(12))…) is not in \(TrackCell.display(uri, root: context.projectRoot))",
            at: o.location(of: "of"),
            hint: offline ? "it was queued offline: run `workbench sync`, then run the workbook again"
              : "check that `uri` names the same store as the track cell")
        }
        runId = run.runId
      }
    } catch let e as CellError {
      throw e
    } catch {
      throw CellError("cannot reach the tracking store: \(TrackingSupport.message(error, environment: env))", at: o.location(of: "uri"),
                      hint: TrackingSupport.isRemote(uri) ? "the model registry needs the server; start it (or run `workbench sync` after an offline run) and rerun" : nil)
    }

    /// The decision, the registered version and the champion before and after.
    struct Summary { var decision: PromotionDecision; var version: Int; var previousChampion: Int?; var champion: Int? }
    let outcome: Summary
    var reused = false
    do {
      let promoter = try ModelPromoter(store: store, modelName: modelName, alias: alias, rule: rule)
      // A re-executed cell does not register the same run twice: reuse the version and decision already recorded.
      if try store.findRegisteredModel(named: modelName) != nil,
         let existing = try store.modelVersions(name: modelName).last(where: {
           $0.runId == runId && $0.tags["workbench.promotion.metric"] == metric && $0.tags["workbench.promotion.decision"] != nil
         }) {
        reused = true
        let champion = try store.modelVersion(name: modelName, alias: alias)
        let challengerValue = Double(existing.tags["workbench.promotion.challenger_value"] ?? "") ?? .nan
        let championValue = existing.tags["workbench.promotion.champion_value"].flatMap(Double.init)
        outcome = Summary(decision: ChampionChallenger.decide(challenger: challengerValue, champion: championValue, rule: rule),
                          version: existing.version,
                          previousChampion: existing.tags["workbench.promotion.champion_version"].flatMap(Int.init),
                          champion: champion?.version)
      } else {
        let done = try promoter.promote(runId: runId, artifactPath: "model")
        outcome = Summary(decision: done.decision, version: done.version.version, previousChampion: done.previousChampion, champion: done.champion)
        try? store.logBatch(runId: runId, params: [], metrics: [], tags: [
          KeyValue("workbench.promotion.\(modelName).decision", done.decision.promote ? "promoted" : "rejected"),
          KeyValue("workbench.promotion.\(modelName).version", String(done.version.version)),
        ])
      }
    } catch {
      throw CellError("promotion failed: \(TrackingSupport.message(error, environment: env))", at: o.location(of: "model_name"))
    }
    let d = outcome.decision


    let result: JSONValue = .object([
      "model_name": .string(modelName), "alias": .string(alias), "run_id": .string(runId),
      "experiment": .string(experimentName), "version": .int(outcome.version),
      "decision": .string(d.promote ? "promoted" : "rejected"), "promoted": .bool(d.promote),
      "metric": .string(metric), "direction": .string(direction.rawValue), "margin": .double(margin),
      "challenger_value": TableOps.json(d.challengerValue), "champion_value": d.championValue.map { TableOps.json($0) } ?? JSONValue.null,
      "improvement": d.improvement.map { TableOps.json($0) } ?? JSONValue.null,
      "previous_champion_version": outcome.previousChampion.map { JSONValue.int($0) } ?? .null,
      "champion_version": outcome.champion.map { JSONValue.int($0) } ?? .null,
      "reason": .string(d.reason), "reused": .bool(reused), "verification": .bool(context.isVerification),
      "tracking_uri": .string(context.isVerification ? "scratch" : TrackCell.display(uri, root: context.projectRoot)),
    ])
    let fmt: (Double?) -> String = { $0.map { TableOps.formatNumber($0) } ?? "—" }
    var report: [ReportBlock] = [
      .callout(level: d.promote ? .success : .info,
               text: d.promote
                 ? "Version \(outcome.version) of \(modelName) is the new \(alias): \(d.reason)."
                 : "Version \(outcome.version) of \(modelName) registered but not promoted: \(d.reason)."),
      .table(caption: "Champion / challenger on the held-out \(metric) (\(direction.rawValue) is better, margin \(TableOps.formatNumber(margin)))",
             columns: ["", "version", metric],
             rows: [["challenger", String(outcome.version), fmt(d.challengerValue)],
                    ["champion before", outcome.previousChampion.map(String.init) ?? "none", fmt(d.championValue)],
                    ["champion now", outcome.champion.map(String.init) ?? "none", d.promote ? fmt(d.challengerValue) : fmt(d.championValue)]],
             note: "Promotion only ever compares held-out figures; the original PariVision notebook compared training accuracy."),
    ]
    if reused {
      report.append(.text("Run \(runId) was already registered as version \(outcome.version) of \(modelName) by an earlier execution: its recorded decision is shown, nothing was registered again."))
    }
    return CellOutput(result: result, report: report, warnings: warnings)
  }
}
