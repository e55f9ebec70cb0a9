/// Per-feature standardisation like scikit-learn's `StandardScaler`: `z = (x − mean) / scale`, where `scale` is
/// the population standard deviation (ddof 0) and 1 for a constant column.
public struct Standardizer: Sendable, Equatable {
  public var means: [Double]
  public var scales: [Double]

  public init(means: [Double], scales: [Double]) {
    self.means = means
    self.scales = scales
  }

  /// Means and scales of each column (two-pass, so large offsets do not lose precision).
  public static func fit(_ features: [[Double]]) -> Standardizer {
    var means: [Double] = [], scales: [Double] = []
    for column in features {
      let n = Double(max(column.count, 1))
      var sum = 0.0
      for v in column { sum += v }
      let mean = sum / n
      var ss = 0.0
      for v in column { let d = v - mean; ss += d * d }
      let sd = (ss / n).squareRoot()
      means.append(mean)
      scales.append(sd > 0 && sd.isFinite ? sd : 1)
    }
    return Standardizer(means: means, scales: scales)
  }

  public func transform(_ features: [[Double]]) -> [[Double]] {
    features.enumerated().map { j, column in
      guard j < means.count else { return column }
      let m = means[j], s = scales[j]
      return column.map { ($0 - m) / s }
    }
  }
}
