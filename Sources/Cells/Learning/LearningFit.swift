import Engine
import Foundation
import Frame
import Learn
import Plotting
import Reporting
import WorkbookModel

/// Fits one configuration on the training part and evaluates it on the training part and once on the test part:
/// the body of `train` and the final refit of `sweep`.
enum LearningFit {
  struct Outcome {
    var model: TrainedModel
    var schema: FeatureSchema
    var result: [String: JSONValue]
    var files: [(name: String, bytes: [UInt8])]
    var report: [ReportBlock]
    var predictions: Frame
  }

  static func run(_ config: ModelConfiguration, inputs: LearningInputs, context: CellContext, plots: Bool,
                  progress: (Double, String) -> Void = { _, _ in }) async throws -> Outcome {
    var schema = inputs.schema
    schema.model = config.family.rawValue
    schema.params = config.paramsJSON
    let task = schema.task
    progress(0.05, "fitting \(config.family.rawValue)")
    let model: TrainedModel
    do {
      model = try config.fit(inputs.train, task: task, seed: inputs.seed, threads: LearningInputs.threads, monitor: inputs.test)
    } catch var e as CellError {
      if e.location == nil { e.location = context.options.location(of: "model") }
      throw e
    }
    progress(0.6, "evaluating")
    let modelBytes = model.fileBytes(schema)
    let trainEval = try LearningEvaluation.compute(truth: inputs.train.target, prediction: model.predict(inputs.train), task: task, part: "training part")
    var testEval: LearningEvaluation?
    var testPrediction: [Double] = []
    if let test = inputs.test {
      testPrediction = model.predict(test)
      testEval = try LearningEvaluation.compute(truth: test.target, prediction: testPrediction, task: task, part: "test part")
    }

    var result: [String: JSONValue] = [
      "model": .string(config.family.rawValue), "params": config.paramsJSON, "task": .string(task.rawValue),
      "target": .string(schema.target), "features": .array(schema.features.map { .string($0) }),
      "categorical": .array(schema.features.indices.filter { schema.categorical[$0] }.map { .string(schema.features[$0]) }),
      "missing": .string(schema.missing), "seed": .int(Int(Int64(bitPattern: inputs.seed))),
      "rows": .object(["train": .int(inputs.train.rowCount), "test": .int(inputs.test?.rowCount ?? 0)]),
      "train": trainEval.json, "test": testEval?.json ?? .null,
      "model_file": .string("model.wbm"), "model_sha256": .string(Digest.sha256(modelBytes)),
    ]
    var report: [ReportBlock] = [
      .facts([.init("model", config.label), .init("task", task.rawValue), .init("target", schema.target),
              .init("features", schema.features.joined(separator: ", ")),
              .init("rows", "\(TableOps.formatCount(inputs.train.rowCount)) train · \(TableOps.formatCount(inputs.test?.rowCount ?? 0)) test")]),
    ]
    var parts: [(String, LearningEvaluation)] = [("train", trainEval)]
    if let testEval { parts.append(("test (held out)", testEval)) }
    report.append(LearningEvaluation.table(parts, caption: "Metrics"))
    if testEval == nil {
      report.append(.callout(level: .warning, text: "No held-out test part: the training metrics above are optimistic."))
    }
    if let r = testEval?.report {
      report.append(LearningEvaluation.confusionBlock(r, part: "test"))
      report.append(LearningEvaluation.calibrationBlock(r, part: "test"))
    }

    // Coefficients in original units (logistic regression).
    if case .logistic(let lr) = model {
      result["coefficients"] = .array(schema.features.indices.map { j in
        .object(["feature": .string(schema.features[j]), "coefficient": TableOps.json(lr.coefficients[j]),
                 "standardized": lr.standardizedCoefficients.map { TableOps.json($0[j]) } ?? .null])
      })
      result["intercept"] = TableOps.json(lr.intercept)
      result["converged"] = .bool(lr.converged)
      result["iterations"] = .int(lr.iterations)
      report.append(.table(caption: "Coefficients (original units; standardised in the last column)",
                           columns: ["feature", "coefficient", "standardised"],
                           rows: schema.features.indices.map { j in
                             [schema.features[j], TableOps.formatNumber(lr.coefficients[j]),
                              lr.standardizedCoefficients.map { TableOps.formatNumber($0[j]) } ?? "—"]
                           } + [["(intercept)", TableOps.formatNumber(lr.intercept), lr.standardizedIntercept.map { TableOps.formatNumber($0) } ?? "—"]],
                           note: lr.converged ? nil : "the solver did not converge in \(lr.iterations) iterations; raise `max_iter`"))
    }

    // Importance: gain (trees) and permutation on the test part (seeded).
    progress(0.7, "permutation importance")
    var permutation: [FeatureImportance] = []
    if let test = inputs.test {
      let metric = task == .classification ? "roc_auc" : "rmse"
      permutation = try PermutationImportance.compute(
        data: test, repeats: 5, seed: inputs.seed, predict: { model.predict($0) },
        score: { truth, p in
          let s = try LearningEvaluation.score(metric, truth: truth, prediction: p)
          return LearningEvaluation.lowerIsBetter(metric) ? -s : s
        })
    }
    let gain = model.gainImportance
    result["importance"] = .object([
      "permutation_metric": .string(task == .classification ? "roc_auc" : "neg_rmse"),
      "features": .array(schema.features.indices.map { j in
        .object(["feature": .string(schema.features[j]),
                 "gain": gain.map { TableOps.json($0[j]) } ?? .null,
                 "permutation_mean": permutation.isEmpty ? .null : TableOps.json(permutation[j].mean),
                 "permutation_std": permutation.isEmpty ? .null : TableOps.json(permutation[j].standardDeviation)])
      }),
    ])
    report.append(.table(
      caption: "Feature importance", columns: ["feature", "gain share", "permutation drop (test)", "± std"],
      rows: schema.features.indices.map { j in
        [schema.features[j], gain.map { TableOps.formatNumber($0[j]) } ?? "—",
         permutation.isEmpty ? "—" : TableOps.formatNumber(permutation[j].mean),
         permutation.isEmpty ? "—" : TableOps.formatNumber(permutation[j].standardDeviation)]
      },
      note: "permutation: drop in \(task == .classification ? "ROC-AUC" : "−RMSE") when the feature is shuffled on the test part (5 repeats, seeded)"))

    // Boosting loss history (per round).
    var charts: [(name: String, chart: Chart, caption: String)] = []
    if case .boosting(let gb) = model {
      let earlyStopping = config.params["early_stopping_rounds"].map { $0 != .null } ?? false
      result["history"] = .object([
        "train_loss": .array(gb.trainingLoss.map { TableOps.json($0) }),
        "validation_loss": .array(gb.validationLoss.map { TableOps.json($0) }),
        "validation": .string(earlyStopping ? "held-out share of the training rows (early stopping)" : (inputs.test == nil ? "none" : "test part (monitoring only, never used for a choice)")),
        "best_iteration": .int(gb.bestIteration),
      ])
      let rounds = gb.trainingLoss.indices.map { Double($0 + 1) }
      var series = [XYSeries("train", x: rounds, y: gb.trainingLoss)]
      if !gb.validationLoss.isEmpty {
        series.append(XYSeries(earlyStopping ? "validation" : "test", x: gb.validationLoss.indices.map { Double($0 + 1) }, y: gb.validationLoss))
      }
      charts.append(("loss", Chart(.line(series: series), title: "Loss per boosting round", xLabel: "round",
                                   yLabel: task == .classification ? "log loss" : "squared error"),
                     "Training and \(earlyStopping ? "validation" : "test") loss after each boosting round."))
    }
    if let testEval { charts = testEval.charts(part: "test") + charts }
    if !permutation.isEmpty {
      // Horizontal bars, most important first: feature names stay readable however many there are.
      let order = permutation.indices.sorted { permutation[$0].mean > permutation[$1].mean || (permutation[$0].mean == permutation[$1].mean && $0 < $1) }
      var series = [Series("permutation (test)", order.map { permutation[$0].mean })]
      if let gain { series.append(Series("gain share", order.map { gain[$0] })) }
      charts.append(("importance", Chart(.bar(categories: order.map { schema.features[$0] }, series: series, horizontal: true),
                                         title: "Feature importance", xLabel: "importance",
                                         height: min(1600, max(360, 120 + 28 * schema.features.count * series.count)),
                                         legend: .bottomRight),
                     "Permutation importance on the test part\(gain == nil ? "" : " and gain share of the trees")."))
    }

    var files: [(name: String, bytes: [UInt8])] = [("model.wbm", modelBytes), ("model.json", schema.json.serializedBytes())]
    if plots, !charts.isEmpty {
      progress(0.85, "plots")
      let rendered = try await LearningPlots.render(charts, scratch: context.scratchDirectory)
      files += rendered.files
      report += rendered.blocks
    }

    // Predictions on the test part (or the training part when there is none).
    let predictionFrame = try predictionTable(
      frame: inputs.testFrame ?? inputs.trainFrame, truth: inputs.test?.target ?? inputs.train.target,
      prediction: inputs.test == nil ? model.predict(inputs.train) : testPrediction, schema: schema)
    return Outcome(model: model, schema: schema, result: result, files: files, report: report, predictions: predictionFrame)
  }

  /// The target, `score` and `predicted` columns for the rows of `frame`.
  static func predictionTable(frame: Frame, truth: [Double]?, prediction: [Double], schema: FeatureSchema) throws -> Frame {
    var columns: [Column] = []
    if let truth {
      columns.append(Column(name: schema.target, floats: truth))
    }
    columns.append(contentsOf: scoreColumns(prediction, schema: schema))
    return try Frame(columns: columns)
  }

  /// `score` (probability or value) and `predicted` (0/1 label for classification).
  static func scoreColumns(_ prediction: [Double], schema: FeatureSchema) -> [Column] {
    if schema.task == .classification {
      return [Column(name: "score", floats: prediction),
              Column(name: "predicted", ints: prediction.map { $0 > schema.threshold ? 1 : 0 })]
    }
    return [Column(name: "score", floats: prediction), Column(name: "predicted", floats: prediction)]
  }
}
