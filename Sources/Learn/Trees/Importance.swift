import WorkbenchCore

/// Permutation importance of one feature: how much the score drops when that feature's column is shuffled.
public struct FeatureImportance: Sendable, Equatable {
  public var feature: String
  /// Mean of `baseline − permuted score` over repeats (sklearn `importances_mean`).
  public var mean: Double
  /// Population standard deviation of the drops (sklearn `importances_std`, ddof 0).
  public var standardDeviation: Double
  /// The drop for each repeat.
  public var drops: [Double]
}

/// Model-agnostic permutation importance (like `sklearn.inspection.permutation_importance`).
///
/// For each feature j and repeat r, column j is shuffled with the generator `SeededGenerator(seed).stream(j)`
/// (so results do not depend on feature order of evaluation or threads), the model is re-scored, and the drop
/// `baseline − score` recorded. `score` must be "higher is better" (pass e.g. `−logLoss`).
public enum PermutationImportance {
  public static func compute(
    data: Dataset, repeats: Int = 5, seed: UInt64,
    predict: (Dataset) throws -> [Double],
    score: ([Double], [Double]) throws -> Double
  ) throws -> [FeatureImportance] {
    guard repeats >= 1 else { throw ValidationError(column: nil, "permutation importance needs at least 1 repeat, got \(repeats)") }
    guard data.target.count == data.rowCount, data.rowCount > 0 else {
      throw ValidationError(column: nil, "permutation importance needs a labelled dataset (target with one value per row)")
    }
    let baseline = try score(data.target, try predict(data))
    var results: [FeatureImportance] = []
    let root = SeededGenerator(seed: seed)
    for j in 0..<data.featureCount {
      var rng = root.stream(j)
      var permuted = data
      var drops: [Double] = []
      for _ in 0..<repeats {
        var column = data.features[j]
        rng.shuffle(&column)
        permuted.features[j] = column
        drops.append(baseline - (try score(data.target, try predict(permuted))))
      }
      let mean = drops.reduce(0, +) / Double(repeats)
      let variance = drops.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(repeats)
      results.append(FeatureImportance(feature: data.featureNames[j], mean: mean, standardDeviation: variance.squareRoot(), drops: drops))
    }
    return results
  }
}
