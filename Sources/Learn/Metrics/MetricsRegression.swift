/// Regression metrics as sklearn computes them (mean via numpy's pairwise summation).
extension Metrics {
  static func checkRegression(_ truth: [Double], _ predicted: [Double]) throws(MetricError) {
    try checkLengths(truth.count, predicted.count)
    if let i = truth.firstIndex(where: { !$0.isFinite }) { throw MetricError("true value at row \(i) is \(truth[i]); values must be finite") }
    if let i = predicted.firstIndex(where: { !$0.isFinite }) { throw MetricError("prediction at row \(i) is \(predicted[i]); values must be finite") }
  }

  /// √(mean (y − ŷ)²) (sklearn `root_mean_squared_error`).
  public static func rmse(truth: [Double], predicted: [Double]) throws(MetricError) -> Double {
    try checkRegression(truth, predicted)
    let squares = zip(truth, predicted).map { ($0 - $1) * ($0 - $1) }
    return (pairwiseSum(squares) / Double(squares.count)).squareRoot()
  }

  /// mean |y − ŷ| (sklearn `mean_absolute_error`).
  public static func mae(truth: [Double], predicted: [Double]) throws(MetricError) -> Double {
    try checkRegression(truth, predicted)
    let absolute = zip(truth, predicted).map { abs($0 - $1) }
    return pairwiseSum(absolute) / Double(absolute.count)
  }

  /// 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (sklearn `r2_score`, `force_finite=True`: a constant truth gives 1 for a perfect
  /// prediction, else 0; fewer than two rows gives NaN).
  public static func r2(truth: [Double], predicted: [Double]) throws(MetricError) -> Double {
    try checkRegression(truth, predicted)
    guard truth.count >= 2 else { return .nan }
    let numerator = pairwiseSum(zip(truth, predicted).map { ($0 - $1) * ($0 - $1) })
    let mean = pairwiseSum(truth) / Double(truth.count)
    let denominator = pairwiseSum(truth.map { ($0 - mean) * ($0 - mean) })
    if denominator == 0 { return numerator == 0 ? 1 : 0 }
    return 1 - numerator / denominator
  }
}
