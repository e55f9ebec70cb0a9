import Engine
import Foundation
import Frame
import Learn
import WorkbookModel

/// A model produced by an upstream `train` or `sweep` cell: its `model.wbm` and `model.json` (feature schema).
struct LearningModelReference: Sendable {
  var model: TrainedModel
  var schema: FeatureSchema
  var cell: String
  var sha256: String

  static func load(_ context: CellContext, option: String = "model") throws -> LearningModelReference {
    let o = context.options
    let cell = try CellReference.parse(try o.text(option), at: o.location(of: option), maximumPath: 0).cell
    let bytes: [UInt8]
    do {
      bytes = try context.file("model.wbm", of: cell)
    } catch {
      throw CellError("cell `\(cell)` produced no model file (model.wbm)", at: o.location(of: option),
                      hint: "point `\(option)` at a `train` or `sweep` cell")
    }
    // One decoder for a model file and its schema: the served model's (a model.json that is not JSON is an error).
    let servable = try ServableModel(modelFile: bytes, schemaJSON: try? context.file("model.json", of: cell),
                                     source: "model of `\(cell)`")
    return LearningModelReference(model: servable.model, schema: servable.schema, cell: cell, sha256: servable.sha256)
  }

  /// Encodes `table` for this model; every feature column must be present (clear error naming the missing ones).
  func dataset(_ table: Frame, withTarget: Bool, options: CellOptions, part: String) throws -> Dataset {
    let missingColumns = schema.features.filter { table.column(named: $0) == nil }
    if !missingColumns.isEmpty {
      let hints = missingColumns.compactMap { m in Suggest.closest(to: m, in: table.columnNames).map { "`\(m)` → `\($0)`?" } }
      throw CellError("\(part): the table lacks the model's feature column(s) \(missingColumns.map { "`\($0)`" }.joined(separator: ", "))",
                      at: options.location(of: "input"),
                      hint: (hints.isEmpty ? "" : "did you mean \(hints.joined(separator: ", ")); ")
                        + "the model was trained on: \(schema.features.joined(separator: ", "))")
    }
    let data = try LearningData.dataset(table, schema: schema, withTarget: withTarget, part: part, options: options)
    return try LearningData.applyPolicy(data, schema: schema, part: part, at: options.location(of: "input"))
  }
}
