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
    let (sorted, nanCount) = RadixSort.sortedDroppingNaN(values)
    // Moments are summed in the original row order, as pandas does, so they agree to the last bits.
    self.init(sorted: sorted, missing: nanCount, moments: Moments(values))
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

/// Central moment sums of non-missing values, computed in two passes as pandas' nanops do.
struct Moments {
  var count: Int
  var zeros = 0
  var mean = Double.nan
  /// Σ(x − mean)², Σ(x − mean)³, Σ(x − mean)⁴.
  var m2 = Double.nan, m3 = Double.nan, m4 = Double.nan

  /// Two passes over `values` (NaN = missing) with numpy's pairwise summation: mean = Σx / n, then the
  /// deviation power sums — exactly the sums pandas' `nanmean` / `nanvar` / `nanskew` / `nankurt` form.
  init(_ values: [Double]) {
    var n = 0, zeroCount = 0
    var total = 0.0
    values.withUnsafeBufferPointer { v in
      for x in v {
        if !x.isNaN { n += 1 }
        if x == 0 { zeroCount += 1 }
      }
      if let base = v.baseAddress { total = PairwiseSum.sumSkippingNaN(base, v.count) }
    }
    count = n
    zeros = zeroCount
    guard n > 0 else { return }
    let mu = total / Double(n)
    mean = mu
    let sums = values.withUnsafeBufferPointer { MomentSums.compute($0, mean: mu) }
    m2 = sums.m2; m3 = sums.m3; m4 = sums.m4
  }

  /// pandas `nanops` treats sums below 1e-14 in magnitude as floating-point noise.
  static func zeroOutNoise(_ x: Double) -> Double { abs(x) < 1e-14 ? 0 : x }

  /// pandas `Series.skew()`: n·√(n−1)/(n−2) · m3 / m2^1.5.
  var skew: Double {
    let n = Double(count)
    guard count >= 3 else { return .nan }
    let a2 = Self.zeroOutNoise(m2), a3 = Self.zeroOutNoise(m3)
    if a2 == 0 { return 0 }
    return (n * (n - 1).squareRoot() / (n - 2)) * (a3 / pow(a2, 1.5))
  }

  /// pandas `Series.kurt()`: n(n+1)(n−1)·m4 / ((n−2)(n−3)·m2²) − 3(n−1)²/((n−2)(n−3)).
  var kurtosis: Double {
    guard count >= 4 else { return .nan }
    let n = Double(count)
    let adj = 3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3))
    let numerator = Self.zeroOutNoise(n * (n + 1) * (n - 1) * m4)
    let denominator = Self.zeroOutNoise((n - 2) * (n - 3) * m2 * m2)
    if denominator == 0 { return 0 }
    return numerator / denominator - adj
  }
}
