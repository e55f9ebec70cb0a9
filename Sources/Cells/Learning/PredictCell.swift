import Engine
import Foundation
import Frame
import Learn
import Reporting
import WorkbookModel

/// `predict`: applies a trained model to a table, adding `score` (probability or value) and `predicted` columns.
enum PredictCell {
  static let descriptor = KindDescriptor(
    name: "predict", version: 1,
    summary: "Score a table with a trained model: adds `score` (P(1) or the predicted value) and `predicted` (0/1 label).",
    options: [
      OptionSpec("model", .modelReference, required: true, doc: "The `train` or `sweep` cell whose model to apply."),
      OptionSpec("input", .table, required: true, doc: "The table to score; it must hold the model's feature columns (same names)."),
      OptionSpec("threshold", .number, default: 0.5, range: .from(0, to: 1), doc: "Probability above which `predicted` is 1."),
    ])

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    var reference = try LearningModelReference.load(context)
    reference.schema.threshold = try o.number("threshold")
    let table = try context.table(try o.requiredString("input"))
    let data = try reference.dataset(table, withTarget: false, options: o, part: "input table")
    let prediction = reference.model.predict(data)
    var out = table
    for c in LearningFit.scoreColumns(prediction, schema: reference.schema) { out = try out.setting(c) }
    let schema = reference.schema
    var result: [String: JSONValue] = [
      "rows": .int(table.rowCount), "model": .string(reference.model.family.rawValue), "model_cell": .string(reference.cell),
      "model_sha256": .string(reference.sha256), "task": .string(schema.task.rawValue), "threshold": .double(schema.threshold),
    ]
    var facts: [ReportBlock.Fact] = [.init("rows scored", TableOps.formatCount(table.rowCount)),
                                     .init("model", "\(reference.model.family.rawValue) from \(reference.cell)")]
    if schema.task == .classification, !prediction.isEmpty {
      let positives = prediction.reduce(0) { $0 + ($1 > schema.threshold ? 1 : 0) }
      let mean = prediction.reduce(0, +) / Double(prediction.count)
      result["predicted_positive"] = .int(positives)
      result["mean_score"] = TableOps.json(mean)
      facts.append(.init("predicted 1", "\(TableOps.formatCount(positives)) (\(String(format: "%.1f", 100 * Double(positives) / Double(prediction.count))) %)"))
      facts.append(.init("mean probability", TableOps.formatNumber(mean)))
    }
    return CellOutput(result: .object(result), tables: [("predictions", out)],
                      report: [.facts(facts), TableOps.previewBlock(out, rows: 5)])
  }
}
