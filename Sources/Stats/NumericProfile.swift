import Foundation

/// A pandas-compatible numeric summary of one column (`Series.describe()` plus extra percentiles,
/// skew, kurtosis and a count of zeros).
///
/// Missing values are NaN and are excluded from every figure (pandas `skipna=True`); ±∞ are values.
/// Conventions: `std` has ddof = 1, quantiles use linear interpolation, `skew` is pandas' adjusted
/// Fisher–Pearson G1 and `kurtosis` pandas' excess G2 (both unbiased, NaN below 3 resp. 4 values,
/// 0 when the variance is zero).
public struct NumericProfile: Sendable, Equatable, Codable {
  public var count: Int
  public var missing: Int
  public var zeros: Int
  public var mean: Double
  public var std: Double
  public var min: Double
  public var p1: Double
  public var p5: Double
  public var q1: Double
  public var median: Double
  public var q3: Double
  public var p95: Double
  public var p99: Double
  public var max: Double
  public var skew: Double
  public var kurtosis: Double

  /// The quantile levels reported, in order p1, p5, q1, median, q3, p95, p99.
  public static let quantileLevels: [Double] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]

  /// Profiles `values` (NaN = missing). Throws when `values` has no element at all; a column whose
  /// values are all missing gives `count == 0` and NaN statistics, as pandas does.
  public init(_ values: [Double], name: String = "values") throws {
    guard !values.isEmpty else {
      throw StatsError.empty(what: "column `\(name)`", hint: "describe needs at least one row")
    }
    let moments = Moments(values)
    let n = moments.count
    // Ranks needed: min, max and both neighbours of every quantile position (numpy's linear method).
    var ranks = [0, Swift.max(n - 1, 0)]
    for q in Self.quantileLevels {
      let lower = Int((Double(Swift.max(n - 1, 0)) * q).rounded(.down))
      ranks.append(lower)
      ranks.append(Swift.min(lower + 1, Swift.max(n - 1, 0)))
    }
    let (selected, nanCount) = OrderStatistics.select(values, ranks: ranks)
    count = n
    missing = nanCount
    zeros = moments.zeros
    mean = moments.mean
    std = n > 1 ? (moments.m2 / Double(n - 1)).squareRoot() : .nan
    skew = moments.skew
    kurtosis = moments.kurtosis
    guard selected.count == ranks.count else {
      min = .nan; max = .nan; p1 = .nan; p5 = .nan; q1 = .nan; median = .nan; q3 = .nan; p95 = .nan; p99 = .nan
      return
    }
    min = selected[0]
    max = selected[1]
    var q = [Double]()
    for (i, level) in Self.quantileLevels.enumerated() {
      q.append(Quantiles.interpolate(lower: selected[2 + 2 * i], upper: selected[3 + 2 * i], count: n, level))
    }
    p1 = q[0]; p5 = q[1]; q1 = q[2]; median = q[3]; q3 = q[4]; p95 = q[5]; p99 = q[6]
  }

  /// Profiles several columns, in parallel across columns (results do not depend on the thread count).
  public static func profiles(_ columns: [[Double]], names: [String]? = nil) throws -> [NumericProfile] {
    try Parallel.map(columns.count) { i in try NumericProfile(columns[i], name: names?[safe: i] ?? "#\(i)") }
  }

  /// Profiles values already sorted ascending with NaNs removed (`missing` of them).
  public init(sortedNonMissing sorted: [Double], missing: Int) {
    self.init(sorted: sorted, missing: missing, moments: Moments(sorted))
  }

  init(sorted: [Double], missing: Int, moments m: Moments) {
    let n = sorted.count
    count = n
    self.missing = missing
    zeros = m.zeros
    mean = m.mean
    std = n > 1 ? (m.m2 / Double(n - 1)).squareRoot() : .nan
    skew = m.skew
    kurtosis = m.kurtosis
    min = sorted.first ?? .nan
    max = sorted.last ?? .nan
    let q = Self.quantileLevels.map { Quantiles.linear(sorted: sorted, $0) }
    p1 = q[0]; p5 = q[1]; q1 = q[2]; median = q[3]; q3 = q[4]; p95 = q[5]; p99 = q[6]
  }
}
