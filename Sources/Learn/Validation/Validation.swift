/// What the target of a learning task must look like.
public enum TargetKind: String, Sendable, Equatable {
  /// 0/1 labels with both classes present.
  case binaryClassification = "binary"
  /// Finite, non-constant numbers.
  case regression
}

/// What to do with NaN (missing) or ±infinity in a feature column.
public enum NonFinitePolicy: String, Sendable, Equatable {
  /// Throw, naming the column and the first offending row.
  case error
  /// Replace with the column's median over finite values (see ``MedianImputer``).
  case imputeMedian = "impute_median"
}

/// Checks learning input before training so that failures are clear errors, not silent nonsense.
public enum Validation {
  /// The target is present, finite, not constant and, for classification, 0/1 with both classes.
  public static func validateTarget(_ target: [Double], name: String = "target", kind: TargetKind) throws(ValidationError) {
    guard !target.isEmpty else {
      throw ValidationError(column: name, "target column \"\(name)\" is missing or empty; choose the column to predict")
    }
    if let i = target.firstIndex(where: { !$0.isFinite }) {
      throw ValidationError(column: name, "target column \"\(name)\" has a missing or non-finite value (\(target[i])) at row \(i); drop those rows before training")
    }
    switch kind {
    case .binaryClassification:
      if let i = target.firstIndex(where: { $0 != 0 && $0 != 1 }) {
        throw ValidationError(column: name, "target column \"\(name)\" must hold 0/1 labels for binary classification, found \(target[i]) at row \(i); recode it (e.g. made → 1)")
      }
      let positives = target.reduce(0, +)
      if positives == 0 || positives == Double(target.count) {
        throw ValidationError(column: name, "target column \"\(name)\" has a single class (\(Int(target[0])) in all \(target.count) rows); a classifier needs both 0 and 1 — check the filter or the split")
      }
    case .regression:
      if target.allSatisfy({ $0 == target[0] }) {
        throw ValidationError(column: name, "target column \"\(name)\" is constant (\(target[0])); there is nothing to learn — check the column choice")
      }
    }
  }

  /// String (text) features must be declared categorical (the table adapter then turns them into codes).
  public static func validateFeatureTypes(names: [String], isString: [Bool], isCategorical: [Bool]) throws(ValidationError) {
    for (j, name) in names.enumerated() {
      let text = j < isString.count && isString[j]
      let categorical = j < isCategorical.count && isCategorical[j]
      if text && !categorical {
        throw ValidationError(column: name, "feature \"\(name)\" holds text; declare it categorical or convert it to numbers")
      }
    }
  }

  /// Checks feature columns: shape, no all-missing column, and NaN/±inf handled per `policy`.
  /// Returns the dataset unchanged (policy `.error`) or with non-finite values replaced by column medians.
  public static func validateFeatures(_ data: Dataset, policy: NonFinitePolicy = .error) throws(ValidationError) -> Dataset {
    guard data.featureCount > 0 else {
      throw ValidationError(column: nil, "no feature columns; choose at least one feature")
    }
    guard data.isCategorical.count == data.featureCount else {
      throw ValidationError(column: nil, "\(data.isCategorical.count) categorical flags for \(data.featureCount) features")
    }
    let n = data.rowCount
    guard n > 0 else { throw ValidationError(column: nil, "the dataset has no rows; check the filter or the split") }
    for (j, column) in data.features.enumerated() {
      let name = data.featureNames[j]
      guard column.count == n else {
        throw ValidationError(column: name, "feature \"\(name)\" has \(column.count) values, expected \(n)")
      }
      if column.allSatisfy({ $0.isNaN }) {
        throw ValidationError(column: name, "feature \"\(name)\" is entirely missing; drop it from the features")
      }
      if policy == .error, let i = column.firstIndex(where: { !$0.isFinite }) {
        let what = column[i].isNaN ? "a missing value" : "an infinite value"
        throw ValidationError(column: name, "feature \"\(name)\" has \(what) at row \(i); drop or impute those rows, or use the impute_median policy")
      }
    }
    if !data.target.isEmpty, data.target.count != n {
      throw ValidationError(column: nil, "target has \(data.target.count) values for \(n) rows")
    }
    if !data.groups.isEmpty, data.groups.count != n {
      throw ValidationError(column: nil, "groups have \(data.groups.count) values for \(n) rows")
    }
    guard policy == .imputeMedian else { return data }
    return try MedianImputer.fit(data).transform(data)
  }

  /// Every check for a training set: feature types, features (with `policy`) and target.
  public static func validateTrainingSet(
    _ data: Dataset, targetName: String = "target", kind: TargetKind, policy: NonFinitePolicy = .error
  ) throws(ValidationError) -> Dataset {
    let checked = try validateFeatures(data, policy: policy)
    try validateTarget(data.target, name: targetName, kind: kind)
    return checked
  }
}
