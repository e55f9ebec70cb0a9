import Engine
import Foundation
import Frame
import Learn
import Reporting
import WorkbookModel

/// `evaluate`: scores a trained model (from a `train` or `sweep` cell) on a labelled table: metrics and plots.
enum EvaluateCell {
  static let descriptor = KindDescriptor(
    name: "evaluate", version: 1,
    summary: "Evaluate a trained model on a labelled table: accuracy … ROC-AUC, log loss, calibration (or RMSE/MAE/R²), with plots.",
    options: [
      OptionSpec("model", .modelReference, required: true, doc: "The `train` or `sweep` cell whose model to evaluate."),
      OptionSpec("input", .table, required: true, doc: "A labelled table with the model's feature columns (e.g. `split.test` or new data)."),
      OptionSpec("target", .string, doc: "The label column (default: the model's target)."),
      OptionSpec("threshold", .number, default: 0.5, range: .from(0, to: 1), doc: "Probability above which a row is predicted 1."),
      OptionSpec("plots", .boolean, default: true, doc: "Draw ROC / PR / calibration plots with gnuplot."),
    ],
    tools: ["gnuplot"])

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    var reference = try LearningModelReference.load(context)
    if let t = try o.string("target") { reference.schema.target = t }
    guard !reference.schema.target.isEmpty else {
      throw CellError("the model does not name its target", at: o.cellLocation, hint: "set `target`")
    }
    let threshold = try o.number("threshold")
    reference.schema.threshold = threshold
    let table = try context.table(try o.requiredString("input"))
    let data = try reference.dataset(table, withTarget: true, options: o, part: "evaluation table")
    let schema = reference.schema
    try LearningData.checkTarget(data.target, name: schema.target, task: schema.task, part: "evaluation table", at: o.location(of: "target"))
    let prediction = reference.model.predict(data)
    let evaluation = try LearningEvaluation.compute(truth: data.target, prediction: prediction, task: schema.task,
                                                    threshold: threshold, part: "evaluation table")
    var report: [ReportBlock] = [
      .facts([.init("model", "\(schema.model.isEmpty ? reference.model.family.rawValue : schema.model) from \(reference.cell)"),
              .init("rows", TableOps.formatCount(data.rowCount)), .init("target", schema.target)]),
      LearningEvaluation.table([("evaluation", evaluation)], caption: "Metrics"),
    ]
    if let r = evaluation.report {
      report.append(LearningEvaluation.confusionBlock(r, part: "evaluation"))
      report.append(LearningEvaluation.calibrationBlock(r, part: "evaluation"))
    }
    var files: [(name: String, bytes: [UInt8])] = []
    if try o.boolean("plots") {
      let rendered = try await LearningPlots.render(evaluation.charts(part: "evaluation"), scratch: context.scratchDirectory)
      files = rendered.files
      report += rendered.blocks
    }
    let predictions = try LearningFit.predictionTable(frame: table, truth: data.target, prediction: prediction, schema: schema)
    let result: JSONValue = .object([
      "model": .string(reference.model.family.rawValue), "model_cell": .string(reference.cell), "model_sha256": .string(reference.sha256),
      "task": .string(schema.task.rawValue), "target": .string(schema.target), "metrics": evaluation.json,
    ])
    return CellOutput(result: result, tables: [("predictions", predictions)], files: files, report: report)
  }
}
