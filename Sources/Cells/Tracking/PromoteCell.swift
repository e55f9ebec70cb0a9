import Engine
import Foundation
import Frame
import Learn
import Reporting
import Tracking
import WorkbookModel

/// `promote`: registers the model logged by a `track` cell as a new version of a named model and moves the
/// `champion` alias to it only if it beats the current champion on a held-out metric by a margin.
enum PromoteCell {
  static let descriptor = KindDescriptor(
    name: "promote", version: 2,
    summary: "Register a tracked model as a new version; move the `champion` alias only if it beats the champion on a held-out metric by a margin.",
    options: [
      OptionSpec("of", .runReference, required: true, doc: "The `track` cell whose run to register (its id)."),
      OptionSpec("model_name", .string, required: true, doc: "Registered model name, e.g. `parivision`."),
      OptionSpec("metric", .string, default: "test_roc_auc",
                 doc: "The HELD-OUT metric that decides (a `test_…` metric of the run). Training metrics (`train_…`, `cv_…`) are refused."),
      OptionSpec("direction", .choice(["higher", "lower"]), doc: "Which way is better (default: lower for losses and errors, else higher)."),
      OptionSpec("margin", .number, default: 0, range: .atLeast(0), doc: "Minimum improvement over the champion (≥ 0, metric units); a tie never promotes."),
      OptionSpec("alias", .string, default: "champion", doc: "The alias to move."),
      OptionSpec("uri", .string, doc: "Tracking URI (default: the track cell's, else `$MLFLOW_TRACKING_URI`, else `./mlruns`)."),
      OptionSpec("reevaluate_champion", .boolean, default: false,
                 doc: "When the champion was evaluated on other held-out data than the challenger (or did not record it): load the champion's model from its run and score it on the challenger's held-out table (`test`), then compare. Without it such runs are not compared."),
      OptionSpec("test", .table, doc: "With `reevaluate_champion`: the challenger's held-out table (the track cell's `test`, e.g. `split.test`); its content digest must match the one the challenger's run recorded."),
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
      if let u = cell.option("uri"), let s = u.string, TrackingSupport.hasUserInfo(s) {
        diagnostics.error("`uri` must not contain credentials", at: u.location, cell: cell.id,
                          hint: "set MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN in the environment")
      }
      if let r = cell.option("reevaluate_champion"), r.bool == true, cell.option("test") == nil {
        diagnostics.error("`reevaluate_champion: true` needs `test`: the challenger's held-out table to score the champion on",
                          at: r.location, cell: cell.id, hint: "add `test: split.test` (the table the track cell recorded as held-out data)")
      }
    })

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let env = context.environment
    let trackId = try CellReference.parse(try o.text("of"), at: o.location(of: "of"), maximumPath: 0).cell
    let track = try context.result(of: trackId)
    guard let runKey = track["run_key"]?.stringValue, let experimentName = track["experiment"]?.stringValue,
          let trackedRunId = track["run_id"]?.stringValue else {
      throw CellError("cell `\(trackId)` is not a `track` cell (its result has no run)", at: o.location(of: "of"),
                      hint: "`of` must name a track cell")
    }
    let modelName = try o.requiredString("model_name")
    let metric = try o.text("metric")
    if TrackingSupport.isTrainingMetric(metric) {
      let r = TrackingSupport.trainingMetricRefusal(metric)
      throw CellError(r.message, at: o.location(of: "metric"), hint: r.hint)
    }
    guard metric.hasPrefix("test_") else {
      throw CellError("`metric: \(metric)` is not a held-out metric", at: o.location(of: "metric"),
                      hint: "use a `test_…` metric measured on the held-out test part, e.g. `test_roc_auc`")
    }
    let direction = try o.string("direction").flatMap(MetricDirection.init(rawValue:)) ?? TrackingSupport.defaultDirection(for: metric)
    let margin = try o.number("margin")
    let alias = try o.text("alias")
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

    var warnings: [String] = []
    let store: any TrackingStore
    let runId: String
    do {
      if context.isVerification {
        // Exercise the decision on a scratch store holding a copy of the run's figures (never the real registry).
        let scratch = try FileTrackingStore(root: context.scratchDirectory.appendingPathComponent("verify-mlruns"))
        let value = track["metrics"]?[metric]?.doubleValue
        let (info, _) = try await scratch.record(RunRecord(
          experimentName: experimentName, runName: trackedRunId, runKey: runKey,
          metrics: value.map { [MetricPoint(key: metric, value: $0, timestamp: 0)] } ?? []))
        store = scratch
        runId = info.runId
      } else {
        store = try TrackingSupport.open(uri: uri, environment: env, offlineRoot: nil)
        guard let experiment = try await store.findExperiment(named: experimentName),
              let run = try await store.findRun(experimentId: experiment.experimentId, tag: SystemTags.runKey, value: runKey) else {
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
      throw CellError("cannot reach the tracking store: \(TrackingSupport.message(error, environment: env))", code: .trackingFailed, at: o.location(of: "uri"),
                      hint: TrackingSupport.isRemote(uri) ? "the model registry needs the server; start it (or run `workbench sync` after an offline run) and rerun" : nil, cause: error)
    }

    /// The decision, the registered version (nil when not compared) and the champion before and after.
    struct Summary {
      var decision: PromotionDecision; var version: Int?; var previousChampion: Int?; var champion: Int?
      var notCompared: String?; var reevaluated: Bool; var challengerData: HeldOutData?; var championData: HeldOutData?
    }
    let outcome: Summary
    var reused = false
    do {
      let promoter = try ModelPromoter(store: store, modelName: modelName, alias: alias, rule: rule)
      // A re-executed cell does not register the same run twice: reuse the version and decision already recorded.
      if try await store.findRegisteredModel(named: modelName) != nil,
         let existing = try await store.modelVersions(name: modelName).last(where: {
           $0.runId == runId && $0.tags["workbench.promotion.metric"] == metric && $0.tags["workbench.promotion.decision"] != nil
         }) {
        reused = true
        let champion = try await store.modelVersion(name: modelName, alias: alias)
        let challengerValue = Double(existing.tags["workbench.promotion.challenger_value"] ?? "") ?? .nan
        let championValue = existing.tags["workbench.promotion.champion_value"].flatMap(Double.init)
        outcome = Summary(decision: ChampionChallenger.decide(challenger: challengerValue, champion: championValue, rule: rule),
                          version: existing.version,
                          previousChampion: existing.tags["workbench.promotion.champion_version"].flatMap(Int.init),
                          champion: champion?.version, notCompared: nil,
                          reevaluated: existing.tags["workbench.promotion.champion_reevaluated"] == "true",
                          challengerData: HeldOutData(of: try await store.getRun(runId: runId)), championData: nil)
      } else {
        var score: ModelPromoter.ChampionScore?
        if !context.isVerification, try o.bool("reevaluate_champion") == true,
           let current = try await store.modelVersion(name: modelName, alias: alias), current.runId != runId {
          let challengerData = HeldOutData(of: try await store.getRun(runId: runId))
          let championData = HeldOutData(of: try await store.getRun(runId: current.runId))
          if ModelPromoter.incomparability(champion: championData, challenger: challengerData, championVersion: current.version) != nil {
            score = try await reevaluate(champion: current, on: challengerData, store: store, metric: metric, context: context)
          }
        }
        let done = try await promoter.promote(runId: runId, artifactPath: "model", championScore: score)
        outcome = Summary(decision: done.decision, version: done.version?.version, previousChampion: done.previousChampion,
                          champion: done.champion, notCompared: done.notCompared, reevaluated: score != nil,
                          challengerData: done.challengerData, championData: done.championData)
        if let version = done.version {
          try? await store.logBatch(runId: runId, params: [], metrics: [], tags: [
            KeyValue("workbench.promotion.\(modelName).decision", done.decision.promote ? "promoted" : "rejected"),
            KeyValue("workbench.promotion.\(modelName).version", String(version.version)),
          ])
        }
      }
    } catch let e as CellError {
      throw e
    } catch {
      throw CellError("promotion failed: \(TrackingSupport.message(error, environment: env))", code: .trackingFailed, at: o.location(of: "model_name"), cause: error)
    }
    let d = outcome.decision
    let decision = outcome.notCompared != nil ? "not_compared" : d.promote ? "promoted" : "rejected"
    func heldOutJSON(_ h: HeldOutData?) -> JSONValue {
      h.map { .object(["name": .string($0.name), "digest": .string($0.digest), "source": .string($0.source)]) } ?? .null
    }
    let result: JSONValue = .object([
      "model_name": .string(modelName), "alias": .string(alias), "run_id": .string(runId),
      "experiment": .string(experimentName), "version": outcome.version.map { JSONValue.int($0) } ?? .null,
      "decision": .string(decision), "promoted": .bool(d.promote), "compared": .bool(outcome.notCompared == nil),
      "metric": .string(metric), "direction": .string(direction.rawValue), "margin": .double(margin),
      "challenger_value": TableOps.json(d.challengerValue), "champion_value": d.championValue.map { TableOps.json($0) } ?? JSONValue.null,
      "improvement": d.improvement.map { TableOps.json($0) } ?? JSONValue.null,
      "previous_champion_version": outcome.previousChampion.map { JSONValue.int($0) } ?? .null,
      "champion_version": outcome.champion.map { JSONValue.int($0) } ?? .null,
      "held_out": .object(["challenger": heldOutJSON(outcome.challengerData), "champion": heldOutJSON(outcome.championData)]),
      "champion_reevaluated": .bool(outcome.reevaluated),
      "reason": .string(d.reason), "reused": .bool(reused), "verification": .bool(context.isVerification),
      "tracking_uri": .string(context.isVerification ? "scratch" : TrackCell.display(uri, root: context.projectRoot)),
    ])
    let fmt: (Double?) -> String = { $0.map { TableOps.formatNumber($0) } ?? "—" }
    let versionText = outcome.version.map(String.init) ?? "not registered"
    var report: [ReportBlock] = []
    if let why = outcome.notCompared {
      // One sentence, shown once: the report lists a cell's warnings as callouts above its section.
      warnings.append("\(why). Nothing was registered and \(alias) stays at version \(outcome.champion.map(String.init) ?? "none"): figures measured on different held-out data say nothing about which model is better. Set `reevaluate_champion: true` (with `test:`) to score the champion on the challenger's held-out data.")
    } else {
      report.append(.callout(level: d.promote ? .success : .info,
                             text: d.promote
                               ? "Version \(versionText) of \(modelName) is the new \(alias): \(d.reason)."
                               : "Version \(versionText) of \(modelName) registered but not promoted: \(d.reason)."))
    }
    var facts: [ReportBlock.Fact] = []
    if let h = outcome.challengerData { facts.append(.init("challenger held-out data", "\(h.name) (digest \(h.digest))")) }
    if let h = outcome.championData {
      facts.append(.init(outcome.reevaluated ? "champion re-scored on" : "champion held-out data", "\(h.name) (digest \(h.digest))"))
    }
    if !facts.isEmpty { report.append(.facts(facts)) }
    report.append(
      .table(caption: "Champion / challenger on the held-out \(metric) (\(direction.rawValue) is better, margin \(TableOps.formatNumber(margin)))",
             columns: ["", "version", metric],
             rows: [["challenger", versionText, fmt(d.challengerValue)],
                    ["champion before", outcome.previousChampion.map(String.init) ?? "none", fmt(d.championValue)],
                    ["champion now", outcome.champion.map(String.init) ?? "none", d.promote ? fmt(d.challengerValue) : fmt(d.championValue)]],
             note: "Promotion only compares held-out figures measured on the same held-out data (same content digest); the original PariVision notebook compared training accuracy."))
    if reused {
      report.append(.text("Run \(runId) was already registered as version \(versionText) of \(modelName) by an earlier execution: its recorded decision is shown, nothing was registered again."))
    }
    return CellOutput(result: result, report: report, warnings: warnings)
  }

  /// The champion's figure for `metric` on the challenger's held-out table (`test` option): its model and feature
  /// schema are read from the champion run's `model/` artifacts and scored on that table.
  static func reevaluate(champion: ModelVersion, on challengerData: HeldOutData?, store: any TrackingStore, metric: String,
                         context: CellContext) async throws -> ModelPromoter.ChampionScore {
    let o = context.options
    guard let challengerData else {
      throw CellError("cannot re-evaluate the champion: the challenger's run recorded no held-out data", at: o.location(of: "of"),
                      hint: "give the track cell `test` (or `data: <split>.train`) so that its held-out table is recorded")
    }
    guard let testRef = try o.string("test") else {
      throw CellError("`reevaluate_champion: true` needs `test`: the challenger's held-out table", at: o.location(of: "reevaluate_champion"),
                      hint: "add `test: \(challengerData.name)`")
    }
    let table = try context.table(testRef)
    let digest = String(Digest.sha256(of: table).prefix(16))
    guard digest == challengerData.digest else {
      throw CellError("`test: \(testRef)` (digest \(digest)) is not the challenger's held-out data, \(challengerData.description)",
                      at: o.location(of: "test"), hint: "name the table the track cell recorded as held-out data (`test_data` in its result.json)")
    }
    let label = "champion (version \(champion.version) of \(champion.name), run \(champion.runId))"
    let bytes: [UInt8]
    do { bytes = Array(try await store.readArtifact(runId: champion.runId, path: "model/model.wbm")) } catch {
      throw CellError("cannot load the \(label) model: \(TrackingSupport.message(error, environment: context.environment))",
                      at: o.location(of: "reevaluate_champion"), hint: "its run must hold the `model/model.wbm` artifact logged by a track cell")
    }
    let (model, file) = try TrainedModel.decode(bytes, source: label)
    guard let schemaBytes = try? await store.readArtifact(runId: champion.runId, path: "model/model.json"),
          let schemaJSON = try? JSONValue.parse(Array(schemaBytes)) else {
      throw CellError("the \(label) has no readable `model/model.json` (feature schema and target)", at: o.location(of: "reevaluate_champion"))
    }
    let schema = try FeatureSchema(json: schemaJSON, source: label)
    guard schema.features == file.featureNames else {
      throw CellError("\(label): model.json and model.wbm disagree on the features", at: o.location(of: "reevaluate_champion"))
    }
    let reference = LearningModelReference(model: model, schema: schema, cell: label, sha256: Digest.sha256(bytes))
    let part = "held-out table `\(testRef)` for the \(label)"
    let data = try reference.dataset(table, withTarget: true, options: o, part: part)
    let evaluation = try LearningEvaluation.compute(truth: data.target, prediction: model.predict(data), task: schema.task,
                                                    threshold: schema.threshold, part: part)
    let name = String(metric.dropFirst("test_".count))
    guard let value = evaluation.json[name]?.doubleValue else {
      throw CellError("`\(metric)` cannot be computed for the \(label) on `\(testRef)`", at: o.location(of: "metric"),
                      hint: "metrics available: \(evaluation.json.objectValue.map { $0.keys.sorted().map { "test_\($0)" }.joined(separator: ", ") } ?? "none")")
    }
    return ModelPromoter.ChampionScore(value: value, data: challengerData)
  }
}
