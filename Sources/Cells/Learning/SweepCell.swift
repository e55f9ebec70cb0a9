import Engine
import Foundation
import Frame
import Learn
import Plotting
import Reporting
import WorkbookModel

/// `sweep`: grid or seeded random search over several model families with k-fold cross-validation on the
/// training part only; every trial is cached on its own; the best configuration is refit on the whole training
/// part and evaluated once on the held-out test part.
enum SweepCell {
  /// 2: boosting trees of ≥ 32,768 rows are numbered by subtree task; training-loss history summed per 512 rows.
  /// 3: comparison chart with CV error bars. 4: result.json records the sweep's seed.
  /// 5: the report no longer says which trials came from the trial cache (an execution fact, kept in the notes).
  static let version = 5
  static let allMetrics = LearningEvaluation.classificationMetrics + LearningEvaluation.regressionMetrics

  static let descriptor = KindDescriptor(
    name: "sweep", version: version,
    summary: "Search hyper-parameters of several model families by k-fold CV on the training part; refit the best, test it once.",
    options: LearningOptions.common + [
      OptionSpec("models", .dictionary(.any), required: true,
                 doc: "Family → parameter → list of values, e.g. `{logistic_regression: {C: [0.1, 1]}, random_forest: {trees: [100]}}`."),
      OptionSpec("search", .choice(["grid", "random"]), default: "grid", doc: "Every combination (`grid`) or `trials` of them drawn at random (seeded)."),
      OptionSpec("trials", .integer, range: .atLeast(1), doc: "Number of configurations for `search: random`."),
      OptionSpec("folds", .integer, default: 5, range: .atLeast(2), doc: "k of the k-fold cross-validation on the training part (stratified for classification)."),
      OptionSpec("groups", .string, doc: "A column of the training table: group k-fold, all rows of a group in the same fold."),
      OptionSpec("select_by", .choice(allMetrics), doc: "The CV metric that picks the best configuration (default roc_auc, or rmse for regression)."),
      OptionSpec("direction", .choice(["maximize", "minimize"]), doc: "Default: minimize for log_loss, brier, rmse, mae; maximize otherwise."),
      OptionSpec("parallel", .integer, range: .atLeast(1), doc: "Trials run at once (default: the number of cores). Results do not depend on it."),
      OptionSpec("published", .dictionary(.any),
                 doc: "Published figures to set beside the held-out ones, e.g. `{source: PariVision, accuracy: \"0.62–0.63\", roc_auc: \"0.62–0.63\", note: \"chosen by training accuracy\"}`."),
    ],
    tools: ["gnuplot"], produces: [.model],
    validate: { cell, diagnostics in
      LearningOptions.validateInputs(cell, &diagnostics)
      if let models = cell.option("models") {
        guard let entries = models.entries, !entries.isEmpty else {
          diagnostics.error("`models` must map model families to parameter grids", at: models.location, cell: cell.id,
                            hint: "e.g. `models: {logistic_regression: {C: [0.1, 1]}}`")
          return
        }
        for e in entries {
          guard let family = ModelFamily(rawValue: e.key) else {
            diagnostics.error("unknown model `\(e.key)` in `models`", at: e.keyLocation, cell: cell.id,
                              hint: Suggest.hint(for: e.key, in: ModelFamily.names) ?? "models: \(ModelFamily.names.joined(separator: ", "))")
            continue
          }
          if e.value.isNull { continue }
          guard let grid = e.value.entries else {
            diagnostics.error("`models.\(e.key)` must map parameters to lists of values", at: e.value.location, cell: cell.id)
            continue
          }
          for p in grid {
            let values = p.value.list ?? [p.value]
            for v in values where v.string?.contains("${") != true {
              for problem in family.problems(in: [p.key: LearningSpec.json(v)]) {
                diagnostics.error(problem.message, at: problem.unknownName ? p.keyLocation : v.location,
                                  cell: cell.id, hint: problem.hint)
              }
              if !family.parameters.contains(where: { $0.name == p.key }) { break }  // report an unknown name once
            }
          }
        }
      }
      if cell.option("search")?.string == "random", cell.option("trials") == nil {
        diagnostics.error("`search: random` needs `trials`", at: cell.option("search")?.location, cell: cell.id, hint: "e.g. `trials: 20`")
      }
    })

  /// One configuration to cross-validate.
  struct Trial: Sendable {
    var index: Int
    var config: ModelConfiguration
    var key: String
    var seed: UInt64
  }

  struct TrialScore: Sendable {
    var scores: [Double]
    var reused: Bool
    var mean: Double { scores.reduce(0, +) / Double(max(scores.count, 1)) }
    var standardDeviation: Double {
      let m = mean
      return (scores.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(scores.count, 1))).squareRoot()
    }
  }

  /// What a sweep works on, computed the same way by the cell and by one trial computed on its own
  /// (``workItems``): the configurations, the folds, the trials with their keys and the trial cache.
  struct Setup {
    var inputs: LearningInputs
    var task: LearningTask
    var selectBy: String
    var direction: String
    var k: Int
    var search: String
    var groupsName: String?
    var scheme: String
    var folds: [IndexSplit]
    var trials: [Trial]
    var warnings: [String]
    var cache: TrialCache
  }

  static func setUp(_ context: CellContext) throws -> Setup {
    let o = context.options
    let groupsName = try o.string("groups")
    let inputs = try LearningInputs.load(context, groups: groupsName)
    let task = inputs.schema.task
    let selectBy = try o.string("select_by") ?? (task == .classification ? "roc_auc" : "rmse")
    let allowed = task == .classification ? LearningEvaluation.classificationMetrics : LearningEvaluation.regressionMetrics
    guard allowed.contains(selectBy) else {
      throw CellError("`select_by: \(selectBy)` does not apply to \(task.rawValue)", at: o.location(of: "select_by"),
                      hint: "use one of \(allowed.joined(separator: ", "))")
    }
    let direction = try o.string("direction") ?? (LearningEvaluation.lowerIsBetter(selectBy) ? "minimize" : "maximize")
    let k = try o.integer("folds")

    // Configurations.
    var configs = try grid(o["models"], location: o.location(of: "models"))
    let search = try o.text("search")
    var warnings = inputs.warnings
    if search == "random" {
      guard let n = try o.int("trials"), n >= 1 else {
        throw CellError("`search: random` needs `trials` ≥ 1", at: o.location(of: "trials"))
      }
      if n < configs.count {
        var order = Array(configs.indices)
        var rng = SeededGenerator(seed: inputs.seed).stream(-1)
        rng.shuffle(&order)
        configs = order.prefix(n).sorted().map { configs[$0] }
      } else if n > configs.count {
        warnings.append("`trials: \(n)` exceeds the \(configs.count) distinct configurations of the grid: all are tried")
      }
    }
    guard configs.count <= maximumTrials else {
      throw CellError("the sweep would run \(configs.count) trials (more than \(maximumTrials)), each fitted \(k) times",
                      at: o.location(of: search == "random" ? "trials" : "models"),
                      hint: search == "random" ? "lower `trials`" : "narrow the grid, or use `search: random` with `trials: N`")
    }

    // Folds on the training part only.
    let scheme: String
    let folds: [IndexSplit]
    do {
      if groupsName != nil {
        scheme = "group"
        folds = try Split.groupKFold(groups: inputs.rawTrain.groups, k: k)
      } else if task == .classification {
        scheme = "stratified"
        folds = try Split.stratifiedKFold(labels: inputs.rawTrain.target, k: k, shuffle: true, seed: inputs.seed)
      } else {
        scheme = "kfold"
        folds = try Split.kFold(rowCount: inputs.rawTrain.rowCount, k: k, shuffle: true, seed: inputs.seed)
      }
    } catch {
      throw CellError("\(error)", at: o.location(of: groupsName == nil ? "folds" : "groups"))
    }
    if task == .classification {
      for (f, fold) in folds.enumerated() {
        let y = fold.test.map { inputs.rawTrain.target[$0] }, yt = fold.train.map { inputs.rawTrain.target[$0] }
        if !(y.contains(0) && y.contains(1)) || !(yt.contains(0) && yt.contains(1)) {
          throw CellError("fold \(f + 1) of \(k) has a single class of `\(inputs.schema.target)`", at: o.location(of: groupsName == nil ? "folds" : "groups"),
                          hint: "use fewer folds or other groups")
        }
      }
    }

    // Trials: keyed by content, seeded by identity (so a widened grid keeps the old trials' seeds).
    let dataDigest = LearningData.digest(inputs.rawTrain)
    let foldSpec: JSONValue = .object(["k": .int(k), "scheme": .string(scheme), "seed": .int(Int(Int64(bitPattern: inputs.seed)))])
    let root = SeededGenerator(seed: inputs.seed)
    let trials: [Trial] = configs.enumerated().map { i, c in
      let identity = Digest.sha256(JSONValue.object(["model": .string(c.family.rawValue), "params": c.paramsJSON]).serialized(pretty: false))
      let streamIndex = Int(UInt64(identity.prefix(15), radix: 16) ?? 0)
      var g = root.stream(streamIndex)
      let seed = g.next()
      let key = Digest.sha256(JSONValue.object([
        "kind": "sweep", "version": .int(version), "model": .string(c.family.rawValue), "params": c.paramsJSON,
        "folds": foldSpec, "select_by": .string(selectBy), "task": .string(task.rawValue), "missing": .string(inputs.schema.missing),
        "data": .string(dataDigest), "trial_seed": .string(String(seed)),
      ]).serialized(pretty: false))
      return Trial(index: i, config: c, key: key, seed: seed)
    }
    let cache = TrialCache(entries: context.subCache("trials"), enabled: !context.isVerification)
    return Setup(inputs: inputs, task: task, selectBy: selectBy, direction: direction, k: k, search: search, groupsName: groupsName,
                 scheme: scheme, folds: folds, trials: trials, warnings: warnings, cache: cache)
  }

  /// A sweep's trials as work items: each trial's key, and one trial cross-validated and stored on its own (by a task
  /// of a Slurm job array, say); the cell then reuses every stored trial.
  static let workItems = CellWorkItems(
    keys: { context in try setUp(context).trials.map(\.key) },
    compute: { context, index in
      let setup = try setUp(context)
      guard setup.trials.indices.contains(index) else {
        throw CellError("the sweep has \(setup.trials.count) trials; there is no trial \(index)", code: .optionInvalid,
                        at: context.options.location(of: "models"), hint: "trials are numbered from 0")
      }
      let trial = setup.trials[index]
      if setup.cache.read(trial.key, folds: setup.folds.count) != nil { return }
      let scores = try crossValidate(trial, data: setup.inputs.rawTrain, folds: setup.folds, schema: setup.inputs.schema,
                                     metric: setup.selectBy)
      try setup.cache.write(trial.key, scores: scores, config: trial.config)
    })

  static let implementation: CellImplementation = {
    var implementation = CellImplementation(descriptor: descriptor) { context in
    let setup = try setUp(context)
    let o = context.options
    let (inputs, task, selectBy, direction, k) = (setup.inputs, setup.task, setup.selectBy, setup.direction, setup.k)
    let (search, groupsName, scheme, folds, trials, cache) = (setup.search, setup.groupsName, setup.scheme, setup.folds, setup.trials, setup.cache)
    let warnings = setup.warnings
    let parallel = max(1, try o.int("parallel") ?? LearningInputs.threads)
    let schema = inputs.schema
    let data = inputs.rawTrain
    let total = trials.count
    context.progress(0, "\(total) trials × \(k) folds")
    var scores = [TrialScore?](repeating: nil, count: total)
    try await withThrowingTaskGroup(of: (Int, TrialScore).self) { group in
      var next = 0, done = 0
      func launch() {
        let trial = trials[next]
        next += 1
        group.addTask {
          if let cached = cache.read(trial.key, folds: folds.count) { return (trial.index, TrialScore(scores: cached, reused: true)) }
          let s = try crossValidate(trial, data: data, folds: folds, schema: schema, metric: selectBy) { fold in
            context.progress(.nan, "trial \(trial.index + 1)/\(total) fold \(fold)/\(k): \(trial.config.label)")
          }
          try? cache.write(trial.key, scores: s, config: trial.config)  // a cache that cannot be written only costs a recomputation
          return (trial.index, TrialScore(scores: s, reused: false))
        }
      }
      while next < min(parallel, total) { launch() }
      while let (i, s) = try await group.next() {
        scores[i] = s
        done += 1
        context.progress(0.8 * Double(done) / Double(total), "trial \(done)/\(total): \(trials[i].config.label)")
        try Task.checkCancellation()
        if next < total { launch() }
      }
    }
    let results = scores.compactMap { $0 }
    guard results.count == total, total > 0 else { throw CellError("no trial ran", at: o.location(of: "models")) }

    // Selection on the CV mean only (ties → the earlier trial).
    let maximize = direction == "maximize"
    var best = 0
    for i in 1..<total {
      let a = results[i].mean, b = results[best].mean
      if a.isNaN { continue }
      if b.isNaN || (maximize ? a > b : a < b) { best = i }
    }
    let bestTrial = trials[best]

    // Refit on the whole training part; evaluate once on the test part.
    context.progress(0.82, "refit \(bestTrial.config.label)")
    var refitInputs = inputs
    refitInputs.seed = bestTrial.seed
    let outcome = try await LearningFit.run(bestTrial.config, inputs: refitInputs, context: context, plots: try o.boolean("plots"))

    let reused = results.filter(\.reused).count
    let trialJSON: [JSONValue] = trials.indices.map { i in
      .object(["trial": .int(i + 1), "model": .string(trials[i].config.family.rawValue), "params": trials[i].config.paramsJSON,
               "cv_mean": TableOps.json(results[i].mean), "cv_std": TableOps.json(results[i].standardDeviation),
               "cv_scores": .array(results[i].scores.map { TableOps.json($0) }),
               "seed": .string(String(trials[i].seed))])
    }
    var bestJSON: [String: JSONValue] = [
      "trial": .int(best + 1), "model": .string(bestTrial.config.family.rawValue), "params": bestTrial.config.paramsJSON,
      "cv_score": TableOps.json(results[best].mean), "cv_std": TableOps.json(results[best].standardDeviation),
      "test": outcome.result["test"] ?? .null, "train": outcome.result["train"] ?? .null,
      "model_sha256": outcome.result["model_sha256"] ?? .null, "seed": .string(String(bestTrial.seed)),
    ]
    for key in ["coefficients", "intercept", "importance", "history"] { if let v = outcome.result[key] { bestJSON[key] = v } }
    let result: JSONValue = .object([
      "select_by": .string(selectBy), "direction": .string(direction), "search": .string(search),
      "folds": .object(["k": .int(k), "scheme": .string(scheme), "groups": groupsName.map { .string($0) } ?? .null]),
      "task": .string(task.rawValue), "target": .string(schema.target), "features": outcome.result["features"] ?? .null,
      "rows": outcome.result["rows"] ?? .null,
      "trials_total": .int(total),
      // The seed the workbook gave (each trial's model is fitted with a seed derived from it: `trials[].seed`).
      "seed": .int(Int(Int64(bitPattern: inputs.seed))),
      "trials": .array(trialJSON), "best": .object(bestJSON), "model_file": "model.wbm",
      "published": o["published"] ?? .null,
    ])

    // Comparison table and plot.
    let metricName = selectBy
    let trialsFrame = try Frame(columns: [
      Column(name: "trial", ints: trials.indices.map { Int64($0 + 1) }),
      Column(name: "model", strings: trials.map { $0.config.family.rawValue }),
      Column(name: "params", strings: trials.map { $0.config.paramsJSON.serialized(pretty: false) }),
      Column(name: "cv_mean", floats: results.map(\.mean)),
      Column(name: "cv_std", floats: results.map(\.standardDeviation)),
    ])
    let order = trials.indices.sorted { a, b in
      let x = results[a].mean, y = results[b].mean
      if x.isNaN != y.isNaN { return !x.isNaN }
      if x != y { return maximize ? x > y : x < y }
      return a < b
    }
    var report: [ReportBlock] = [
      // How many trials came from the trial cache is a fact of this execution, not an output (it is in the notes):
      // the report is the same whether the trials ran here, in a Slurm array or in Airflow mapped tasks.
      .facts([.init("trials", "\(total)"),
              .init("cross-validation", "\(k)-fold \(scheme) on the training part only (\(TableOps.formatCount(inputs.train.rowCount)) rows)"),
              .init("selected by", "\(metricName) (\(direction)), CV mean"),
              .init("best", "#\(best + 1) \(bestTrial.config.label): CV \(TableOps.formatNumber(results[best].mean)) ± \(TableOps.formatNumber(results[best].standardDeviation))")]),
      .table(caption: "Trials by CV \(metricName) (mean ± std over \(k) folds)", columns: ["rank", "trial", "model", "params", "CV mean", "± std"],
             rows: order.enumerated().map { r, i in
               [String(r + 1), "#\(i + 1)", trials[i].config.family.rawValue,
                trials[i].config.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.displayText)" }.joined(separator: ", "),
                TableOps.formatNumber(results[i].mean), TableOps.formatNumber(results[i].standardDeviation)]
             }, note: nil),
    ]
    if let test = outcome.result["test"], test != .null {
      report.append(.callout(level: .info, text: honestNote(test: test, best: bestTrial.config, metric: metricName, task: task)))
      if let published = o["published"]?.objectValue {
        report.append(publishedBlock(published, test: test))
      }
    }
    report.append(.text("Refit of the best configuration on the whole training part, evaluated once on the held-out test part:"))
    var files = outcome.files
    if try o.boolean("plots") {
      let shown = order.prefix(30)
      // Each trial's CV mean with ± one standard deviation over the folds as an error bar.
      let chart = Chart(.bar(categories: shown.map { "#\($0 + 1) \(trials[$0].config.family.rawValue)" },
                             series: [Series("CV \(metricName)", shown.map { results[$0].mean }, errors: shown.map { results[$0].standardDeviation })]),
                        title: "Trials by CV \(metricName) (mean ± sd over \(k) folds)", xLabel: "trial", yLabel: metricName, legend: .hidden)
      let rendered = try await LearningPlots.render([("comparison", chart, "CV \(metricName) of each trial, mean ± standard deviation over the folds (best first\(total > 30 ? ", top 30" : "")).")],
                                                    scratch: context.scratchDirectory)
      files += rendered.files
      report.insert(contentsOf: rendered.blocks, at: 2)
    }
    report += outcome.report
    var output = CellOutput(result: result, tables: [("trials", trialsFrame), ("predictions", outcome.predictions)],
                            files: files, report: report, warnings: warnings,
                            notes: ["\(total - reused) trial(s) run, \(reused) reused from the trial cache"])
    output.cacheFiles = trials.map { cache.entries.cacheFile($0.key) }  // kept by `gc` while this entry is kept
    return output
    }
    implementation.workItems = workItems
    return implementation
  }()

  /// How the best model was chosen and what its held-out numbers are.
  static func honestNote(test: JSONValue, best: ModelConfiguration, metric: String, task: LearningTask) -> String {
    let spaced = metric.replacingOccurrences(of: "_", with: " ")
    guard task == .classification else {
      return "Chosen by \(spaced) cross-validated on the training part only; the test part was used once, after the choice."
    }
    let acc = test["accuracy"]?.doubleValue.map { TableOps.formatNumber($0, digits: 3) } ?? "—"
    let auc = test["roc_auc"]?.doubleValue.map { TableOps.formatNumber($0, digits: 3) } ?? "—"
    return "Held-out test: accuracy \(acc), ROC-AUC \(auc) for \(best.family.rawValue), chosen by \(spaced) cross-validated on the "
      + "training part only; the test part was used once, after the choice. These are the numbers to expect on new rows."
  }

  /// Held-out metrics beside figures published elsewhere (`published:`), e.g. PariVision's.
  static func publishedBlock(_ published: [String: JSONValue], test: JSONValue) -> ReportBlock {
    let source = published["source"]?.displayText ?? "published"
    let metrics = published.keys.filter { $0 != "source" && $0 != "note" }.sorted()
    let rows = metrics.map { m in
      [m, test[m]?.doubleValue.map { TableOps.formatNumber($0, digits: 3) } ?? "—", published[m]?.displayText ?? ""]
    }
    return .table(caption: "Held-out test vs \(source)", columns: ["metric", "this sweep (held-out test)", source], rows: rows,
                  note: published["note"]?.displayText)
  }

  /// Most trials one sweep runs, and most configurations a grid may expand to (a grid of a million combinations is
  /// a typo or a job for `search: random`, never something to start silently).
  static let maximumTrials = 10_000
  static let maximumGrid = 1_000_000

  /// Every configuration of the `models` grid (families in the documented order, parameters sorted by name).
  static func grid(_ value: JSONValue?, location: SourceLocation) throws -> [ModelConfiguration] {
    guard let models = value?.objectValue, !models.isEmpty else {
      throw CellError("`models` must map model families to parameter grids", at: location,
                      hint: "e.g. `models: {logistic_regression: {C: [0.1, 1]}}`")
    }
    for name in models.keys where ModelFamily(rawValue: name) == nil {
      throw CellError("unknown model `\(name)` in `models`", at: location,
                      hint: Suggest.hint(for: name, in: ModelFamily.names) ?? "models: \(ModelFamily.names.joined(separator: ", "))")
    }
    var out: [ModelConfiguration] = []
    var seen = Set<String>()
    for family in ModelFamily.allCases {
      guard let spec = models[family.rawValue] else { continue }
      let grid = spec.objectValue ?? [:]
      if spec != .null, spec.objectValue == nil {
        throw CellError("`models.\(family.rawValue)` must map parameters to lists of values", at: location)
      }
      let size = grid.values.reduce(1) { n, v in
        let (product, overflow) = n.multipliedReportingOverflow(by: max(1, v.arrayValue?.count ?? 1))
        return overflow ? Int.max : product
      }
      guard size <= maximumGrid else {
        throw CellError("the grid of `models.\(family.rawValue)` has \(size == .max ? "too many" : String(size)) combinations (more than \(maximumGrid))",
                        at: location, hint: "narrow the grid, or use `search: random` with `trials: N` over a smaller one")
      }
      var combos: [[String: JSONValue]] = [[:]]
      for name in grid.keys.sorted() {
        let values = grid[name]?.arrayValue ?? [grid[name] ?? .null]
        guard !values.isEmpty else { throw CellError("`models.\(family.rawValue).\(name)` has no values", at: location) }
        combos = combos.flatMap { c in values.map { v in var d = c; d[name] = v; return d } }
      }
      for params in combos {
        let config = try ModelConfiguration.parse(model: family.rawValue, params: params, at: location, paramsLocation: location)
        let id = config.paramsJSON.serialized(pretty: false) + family.rawValue
        if seen.insert(id).inserted { out.append(config) }
      }
    }
    return out
  }

  /// K-fold scores of one trial (fold order; each fold fitted with one thread and the trial's seed).
  /// `foldDone` is called with the 1-based number of each fold as it finishes (progress display only).
  static func crossValidate(_ trial: Trial, data: Dataset, folds: [IndexSplit], schema: FeatureSchema, metric: String,
                            foldDone: (Int) -> Void = { _ in }) throws -> [Double] {
    var scores: [Double] = []
    for (f, fold) in folds.enumerated() {
      // An interrupted run (SIGINT/SIGTERM cancels its task) stops between folds instead of finishing the sweep.
      try Task.checkCancellation()
      var train = data.subset(fold.train), test = data.subset(fold.test)
      var foldSchema = schema
      if schema.missing == "impute" {
        foldSchema.medians = try LearningData.medians(of: train, at: nil)
      }
      train = try LearningData.applyPolicy(train, schema: foldSchema, part: "fold \(f + 1) training rows", at: nil)
      test = try LearningData.applyPolicy(test, schema: foldSchema, part: "fold \(f + 1) validation rows", at: nil)
      do {
        let model = try trial.config.fit(train, task: schema.task, seed: trial.seed, threads: 1)
        scores.append(try LearningEvaluation.score(metric, truth: test.target, prediction: model.predict(test)))
        foldDone(f + 1)
      } catch let e as CellError {
        throw CellError("trial #\(trial.index + 1) \(trial.config.label), fold \(f + 1): \(e.message)", hint: e.hint)
      }
    }
    return scores
  }
}

/// Per-trial content-addressed cache: the engine's `trials` sub-cache (``SubCache``: atomic, verified on read, kept
/// by `gc` while a sweep's cache entry lists it), one entry per trial key holding its fold scores bit for bit.
struct TrialCache: Sendable {
  let entries: SubCache
  let enabled: Bool

  func read(_ key: String, folds: Int) -> [Double]? {
    guard enabled, let bytes = entries.get(key), let json = try? JSONValue.parse(bytes), json["key"]?.stringValue == key,
          let bits = json["score_bits"]?.arrayValue, bits.count == folds
    else { return nil }
    var scores: [Double] = []
    for b in bits {
      guard let s = b.stringValue, let v = UInt64(s, radix: 16) else { return nil }
      scores.append(Double(bitPattern: v))
    }
    return scores
  }

  /// Stores a trial's scores (safe with other processes writing the same trial at once).
  func write(_ key: String, scores: [Double], config: ModelConfiguration) throws {
    guard enabled else { return }
    let entry: JSONValue = .object([
      "key": .string(key), "model": .string(config.family.rawValue), "params": config.paramsJSON,
      "scores": .array(scores.map { TableOps.json($0) }),
      "score_bits": .array(scores.map { .string(String($0.bitPattern, radix: 16)) }),
    ])
    try entries.put(key, entry.serializedBytes())
  }
}
