import Engine
import Foundation
import Frame
import Learn
import WorkbookModel

/// The options shared by `train` and `sweep` (input tables, target, features, policy, seed).
enum LearningOptions {
  static let common: [OptionSpec] = [
    OptionSpec("input", .table, doc: "A `split` cell: its `train` table is used for fitting and its `test` table for one held-out evaluation."),
    OptionSpec("train", .table, doc: "Instead of `input`: the training table (`cell` or `cell.table`)."),
    OptionSpec("test", .table, doc: "Instead of `input`: the held-out test table (optional)."),
    OptionSpec("target", .string, doc: "The column to predict (default: the split cell's `target`)."),
    OptionSpec("features", .list(.string), required: true, doc: "Feature columns, in order."),
    OptionSpec("categorical", .list(.string), default: [], doc: "Features to treat as categories (text features must be listed here)."),
    OptionSpec("task", .choice(["classification", "regression"]), doc: "Default: classification when the target holds only 0/1."),
    OptionSpec("missing", .choice(["error", "impute"]), default: "error",
               doc: "Missing or infinite feature values: stop with an error naming the column and row, or impute the training median."),
    OptionSpec("seed", .integer, default: 42, doc: "Seed for every random choice (same seed → byte-identical model)."),
    OptionSpec("plots", .boolean, default: true, doc: "Draw ROC / PR / calibration / importance plots with gnuplot."),
  ]

  /// Static checks: either `input` or `train`, not both.
  static func validateInputs(_ cell: CellSpec, _ diagnostics: inout Diagnostics) {
    let hasInput = cell.option("input") != nil, hasTrain = cell.option("train") != nil
    if hasInput == hasTrain {
      diagnostics.error(hasInput ? "give either `input` (a split cell) or `train`/`test`, not both" : "missing `input` (a split cell) or `train` (a table)",
                        at: cell.location, cell: cell.id)
    }
    if cell.option("test") != nil, !hasTrain {
      diagnostics.error("`test` goes with `train`; with `input`, the split cell's test table is used", at: cell.option("test")?.location, cell: cell.id)
    }
  }
}

/// Training and test data of a learning cell, checked and encoded, ready for fitting.
struct LearningInputs: Sendable {
  var schema: FeatureSchema
  /// Training rows after the missing-value policy (imputed with training medians when `missing: impute`).
  var train: Dataset
  /// Training rows before imputation (cross-validation imputes per fold from the fold's own rows).
  var rawTrain: Dataset
  var test: Dataset?
  var trainFrame: Frame
  var testFrame: Frame?
  var seed: UInt64
  var warnings: [String]

  /// Reads the tables and options, and checks everything that can be checked before training.
  static func load(_ context: CellContext, groups: String? = nil) throws -> LearningInputs {
    let o = context.options
    var warnings: [String] = []
    let trainFrame: Frame
    var testFrame: Frame?
    var defaultTarget: String?
    if let input = try o.string("input") {
      let cell = try CellReference.table(input, at: o.location(of: "input")).cell
      defaultTarget = try? context.result(of: cell)["target"]?.stringValue
      if let t = try? context.table("\(cell).train") {
        trainFrame = t
        testFrame = try? context.table("\(cell).test")
      } else {
        trainFrame = try context.table(input)
      }
      if testFrame == nil { warnings.append("`\(input)` has no `test` table: no held-out evaluation (use a `split` cell)") }
    } else if let train = try o.string("train") {
      trainFrame = try context.table(train)
      testFrame = try o.string("test").map { try context.table($0) }
      if testFrame == nil { warnings.append("no `test` table: no held-out evaluation") }
    } else {
      throw CellError("missing `input` (a split cell) or `train` (a table)", at: o.cellLocation)
    }
    guard let target = try o.string("target") ?? defaultTarget else {
      throw CellError("missing option `target`", at: o.cellLocation, hint: "name the column to predict")
    }
    let targetLocation = o.location(of: "target")
    let trainTarget = try LearningData.targetValues(trainFrame, name: target, at: targetLocation)
    let task = try o.string("task").flatMap(LearningTask.init(rawValue:)) ?? LearningData.inferTask(trainTarget)
    try LearningData.checkTarget(trainTarget, name: target, task: task, part: "training part", at: targetLocation)
    let features = try o.texts("features")
    let categorical = try o.texts("categorical")
    let missing = try o.text("missing")
    var schema = try LearningData.schema(train: trainFrame, features: features, categorical: categorical, target: target,
                                         task: task, missing: missing, options: o)
    var train = try LearningData.dataset(trainFrame, schema: schema, withTarget: true, groups: groups, part: "training part", options: o)
    var test: Dataset?
    if let testFrame {
      let t = try LearningData.dataset(testFrame, schema: schema, withTarget: true, part: "test part", options: o)
      try LearningData.checkTarget(t.target, name: target, task: task, part: "test part", at: targetLocation)
      test = t
    }
    if missing == "impute" {
      schema.medians = try LearningData.medians(of: train, at: o.location(of: "features"))
    }
    let rawTrain = train
    train = try LearningData.applyPolicy(train, schema: schema, part: "training part", at: o.location(of: "missing"))
    if let t = test { test = try LearningData.applyPolicy(t, schema: schema, part: "test part", at: o.location(of: "missing")) }
    let seedValue = try o.integer("seed")
    return LearningInputs(schema: schema, train: train, rawTrain: rawTrain, test: test, trainFrame: trainFrame, testFrame: testFrame,
                          seed: UInt64(bitPattern: Int64(seedValue)), warnings: warnings)
  }

  static var threads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
