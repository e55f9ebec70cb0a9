/// Five-number summary for a box plot (Tukey, as matplotlib's `boxplot(whis=1.5)`):
/// quartiles by linear interpolation (numpy's default `percentile`, "type 7"), whiskers at the most extreme
/// data points within [Q1 − 1.5·IQR, Q3 + 1.5·IQR], points beyond them listed as outliers.
public struct BoxSummary: Sendable, Equatable {
  public let q1: Double, median: Double, q3: Double
  public let lowerWhisker: Double, upperWhisker: Double
  public let outliers: [Double]
  public let count: Int

  /// Summary of the finite values; throws when there are none.
  public init(_ values: [Double]) throws(PlottingError) {
    let xs = values.filter(\.isFinite).sorted()
    guard !xs.isEmpty else { throw .invalidChart("box: group has no finite values") }
    count = xs.count
    q1 = Self.quantile(xs, 0.25); median = Self.quantile(xs, 0.5); q3 = Self.quantile(xs, 0.75)
    let iqr = q3 - q1
    let lowFence = q1 - 1.5 * iqr, highFence = q3 + 1.5 * iqr
    lowerWhisker = xs.first { $0 >= lowFence } ?? q1
    upperWhisker = xs.last { $0 <= highFence } ?? q3
    outliers = xs.filter { $0 < lowFence || $0 > highFence }
  }

  /// Linear-interpolation quantile of sorted, non-empty values (numpy `method="linear"`).
  public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
    guard let first = sorted.first else { return .nan }
    let position = p * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    guard lower + 1 < sorted.count else { return sorted[sorted.count - 1] }
    guard lower >= 0 else { return first }
    let fraction = position - Double(lower)
    return sorted[lower] + (sorted[lower + 1] - sorted[lower]) * fraction
  }
}
