import Engine
import Foundation
import Frame
import Learn
import WorkbookModel

/// A trained model as `workbench serve` uses it: decoded from a `model.wbm` (and its `model.json` feature schema),
/// scoring a table through the same encoding and missing-value policy as the `predict` cell, so the served
/// predictions equal the cell's bit for bit.
public struct ServableModel: Sendable {
  let model: TrainedModel
  let schema: FeatureSchema
  /// SHA-256 of the model file bytes.
  public let sha256: String

  /// Decodes a model file and its schema; `source` names them in errors (e.g. `parivision version 3`).
  public init(modelFile: [UInt8], schemaJSON: [UInt8]?, source: String) throws {
    let (model, file) = try TrainedModel.decode(modelFile, source: source)
    var schema: FeatureSchema
    if let schemaJSON {
      let value: JSONValue
      do { value = try JSONValue.parse(schemaJSON) } catch {
        throw CellError("\(source): model.json is not valid JSON (\(error))", hint: "re-run the training cell and register the model again")
      }
      schema = try FeatureSchema(json: value, source: source)
    } else {
      let task: LearningTask
      switch model {
      case .logistic: task = .classification
      case .forest(let m): task = m.task == .classification ? .classification : .regression
      case .boosting(let m): task = m.task == .classification ? .classification : .regression
      }
      schema = FeatureSchema(features: file.featureNames, categorical: file.isCategorical,
                             levels: file.featureNames.map { _ in [] }, target: "", task: task, missing: "error")
    }
    guard schema.features == file.featureNames else {
      throw CellError("\(source): model.json and model.wbm disagree on the features", hint: "re-run the training cell")
    }
    self.model = model
    self.schema = schema
    self.sha256 = Digest.sha256(modelFile)
  }

  /// Feature columns in the order the model was trained on.
  public var features: [String] { schema.features }
  /// Per feature: true when it is categorical (text levels allowed).
  public var categorical: [Bool] { schema.categorical }
  /// `logistic_regression`, `random_forest` or `gradient_boosting`.
  public var family: String { model.family.rawValue }
  /// True for a 0/1 classifier (predictions are P(1)); false for a regressor (predicted values).
  public var isClassifier: Bool { schema.task == .classification }
  /// True when missing feature values are replaced by the training medians (`missing: impute`).
  public var imputesMissing: Bool { schema.missing == "impute" && schema.medians != nil }

  /// Scores every row of `table` (P(1) or the predicted value), exactly as the `predict` cell does.
  /// Throws a ``CellError`` naming the column (and row) when the table does not fit the model.
  public func predict(_ table: Frame) throws -> [Double] {
    let options = CellOptions(values: [:], locations: [:], cellLocation: SourceLocation(file: "request", line: 0, column: 0),
                              defaults: [:], nodes: [:])
    let data = try LearningData.dataset(table, schema: schema, withTarget: false, part: "request", options: options)
    return model.predict(try LearningData.applyPolicy(data, schema: schema, part: "request", at: nil))
  }
}
