/// A problem with the input or the hyper-parameters of a tree model (binning, decision tree, random forest,
/// gradient boosting). The description says what was wrong, where (feature, row, parameter) and what to do.
public struct TreeModelError: Error, Sendable, CustomStringConvertible, Equatable {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// Whether a tree model predicts a probability of class 1 (targets 0/1) or a real value.
public enum TreeTask: String, Sendable, Equatable, CaseIterable {
  /// Binary classification on 0/1 targets (gini for forests, log-loss for boosting).
  case classification
  /// Regression with squared error.
  case regression
}

extension TreeTask {
  func encode(into writer: inout ByteWriter) { writer.write(self == .classification ? UInt8(0) : UInt8(1)) }
  init(from reader: inout ByteReader) throws {
    switch try reader.readUInt8() {
    case 0: self = .classification
    case 1: self = .regression
    case let b: throw TreeModelError("unknown tree task code \(b) in model payload")
    }
  }
}

/// Checks shared by every tree model's `fit`: a non-empty, rectangular feature matrix and a usable target.
enum TreeInputCheck {
  static func validate(_ data: Dataset, task: TreeTask, context: String) throws(TreeModelError) {
    let n = data.rowCount
    guard data.featureCount > 0 else { throw TreeModelError("\(context): the dataset has no feature columns; select at least one feature") }
    guard n > 0 else { throw TreeModelError("\(context): the dataset has no rows") }
    guard n < Int(Int32.max) else { throw TreeModelError("\(context): \(n) rows is more than the tree models support (2³¹ − 1)") }
    for (j, col) in data.features.enumerated() where col.count != n {
      throw TreeModelError("\(context): feature column \(j) ('\(name(data, j))') has \(col.count) values but the dataset has \(n) rows")
    }
    guard data.isCategorical.count == data.featureCount else {
      throw TreeModelError("\(context): isCategorical has \(data.isCategorical.count) flags for \(data.featureCount) features")
    }
    guard data.target.count == n else {
      throw TreeModelError("\(context): the target has \(data.target.count) values for \(n) rows; a labelled dataset is required to train")
    }
    for (i, y) in data.target.enumerated() {
      guard y.isFinite else { throw TreeModelError("\(context): target value at row \(i) is \(y); targets must be finite (drop or impute those rows)") }
      if task == .classification && y != 0 && y != 1 {
        throw TreeModelError("\(context): classification target at row \(i) is \(y); binary targets must be 0 or 1")
      }
    }
  }

  static func name(_ data: Dataset, _ j: Int) -> String { j < data.featureNames.count ? data.featureNames[j] : "#\(j)" }
}
