import Foundation

/// Special functions needed by the tests: normal CDF, regularized incomplete gamma (χ² survival).
public enum SpecialFunctions {
  /// Standard normal CDF Φ(z), evaluated as scipy's `ndtr` (cephes): ½ + ½·erf(z/√2) near 0, otherwise
  /// ½·erfc(|z|/√2) reflected — so 1 − Φ(z) rounds exactly as `1 - norm.cdf(z)` does in Evidently's z-test.
  public static func normalCDF(_ a: Double) -> Double {
    guard !a.isNaN else { return .nan }
    let x = a * 0.70710678118654752440
    let z = abs(x)
    if z < 0.70710678118654752440 { return 0.5 + 0.5 * erf(x) }
    let y = 0.5 * erfc(z)
    return x > 0 ? 1 - y : y
  }

  /// Survival function of the χ² distribution with `df` degrees of freedom: Q(df/2, x/2)
  /// (as `scipy.stats.chi2.sf`). Returns 1 for x ≤ 0, 0 for x = ∞, NaN for df ≤ 0 or NaN input.
  public static func chiSquareSurvival(_ x: Double, degreesOfFreedom df: Double) -> Double {
    guard !x.isNaN, !df.isNaN, df > 0 else { return .nan }
    if x <= 0 { return 1 }
    if x == .infinity { return 0 }
    return regularizedUpperGamma(df / 2, x / 2)
  }

  /// Q(a, x) = Γ(a, x)/Γ(a) for a > 0, x ≥ 0: power series for P when x < a + 1, otherwise a
  /// modified-Lentz continued fraction for Q (Numerical Recipes §6.2), relative accuracy ≈ 1e-14.
  public static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
    guard a > 0, x >= 0, !a.isNaN, !x.isNaN else { return .nan }
    if x == 0 { return 1 }
    if x == .infinity { return 0 }
    let logPrefactor = a * log(x) - x - lgamma(a)
    if x < a + 1 {
      // P(a, x) = e^{-x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n))
      var term = 1.0 / a, sum = term, ap = a
      for _ in 0..<100_000 {
        ap += 1
        term *= x / ap
        sum += term
        if abs(term) < abs(sum) * 1e-17 { break }
      }
      let p = sum * exp(logPrefactor)
      return max(0, 1 - p)
    }
    let tiny = 1e-300
    var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
    var i = 1.0
    while i < 100_000 {
      let an = -i * (i - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
      i += 1
    }
    return exp(logPrefactor) * h
  }
}
