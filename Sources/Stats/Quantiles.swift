/// Quantiles with numpy's default `method="linear"` (pandas' default `interpolation="linear"`).
public enum Quantiles {
  /// The `q`-quantile of ascending `sorted` values: with h = (n − 1)·q, lo = ⌊h⌋, γ = h − lo,
  /// `x[lo] + γ·(x[lo+1] − x[lo])` evaluated exactly as numpy's `_lerp` (from the upper end when γ ≥ 0.5).
  /// Returns NaN for an empty array.
  @inlinable
  public static func linear(sorted: [Double], _ q: Double) -> Double {
    let n = sorted.count
    guard n > 0, q >= 0, q <= 1 else { return .nan }
    let virtualIndex = Double(n - 1) * q
    let lowerIndex = virtualIndex.rounded(.down)
    let lo = min(max(Int(lowerIndex), 0), n - 1)
    let hi = min(lo + 1, n - 1)
    return interpolate(lower: sorted[lo], upper: sorted[hi], count: n, q)
  }

  /// numpy's `_lerp` between the order statistics at ⌊(n − 1)q⌋ and the next one.
  @inlinable
  public static func interpolate(lower a: Double, upper b: Double, count n: Int, _ q: Double) -> Double {
    let virtualIndex = Double(n - 1) * q
    let gamma = virtualIndex - virtualIndex.rounded(.down)
    let diff = b - a
    return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
  }

  /// Validated form: throws when `q` is outside [0, 1] or the array is empty.
  public static func quantile(sorted: [Double], _ q: Double, what: String = "values") throws -> Double {
    guard q >= 0, q <= 1 else {
      throw StatsError.invalidArgument(what: "quantile of \(what)", reason: "q = \(q) is outside [0, 1]")
    }
    guard !sorted.isEmpty else {
      throw StatsError.empty(what: what, hint: "a quantile needs at least one non-missing value")
    }
    return linear(sorted: sorted, q)
  }
}
