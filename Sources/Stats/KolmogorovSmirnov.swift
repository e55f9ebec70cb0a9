import Foundation

/// Two-sample two-sided Kolmogorov–Smirnov test, reproducing `scipy.stats.ks_2samp(a, b)` with
/// `method="auto"`: the exact distribution when both samples have at most 10 000 values (falling back to
/// the asymptotic one if the exact computation fails), otherwise `kstwo.sf(D, round(n·m/(n+m)))`.
public enum KolmogorovSmirnov {
  /// scipy's `MAX_AUTO_N`: above this sample size `auto` uses the asymptotic distribution.
  public static let maxExactSampleSize = 10_000

  /// Runs the test on two samples; NaNs are dropped first (scipy `nan_policy="omit"`; Evidently drops them
  /// before calling scipy). Throws when either sample has no value left.
  public static func test(_ a: [Double], _ b: [Double]) throws -> KolmogorovSmirnovResult {
    let x = RadixSort.sortedDroppingNaN(a).sorted, y = RadixSort.sortedDroppingNaN(b).sorted
    guard !x.isEmpty else { throw StatsError.empty(what: "first sample of the Kolmogorov–Smirnov test", hint: "it has no non-missing value") }
    guard !y.isEmpty else { throw StatsError.empty(what: "second sample of the Kolmogorov–Smirnov test", hint: "it has no non-missing value") }
    return test(sorted: x, sorted: y)
  }

  /// The test on two non-empty, ascending, NaN-free samples.
  public static func test(sorted x: [Double], sorted y: [Double]) -> KolmogorovSmirnovResult {
    let n1 = x.count, n2 = y.count
    var d = statistic(sorted: x, sorted: y)
    let g = gcd(n1, n2)
    if max(n1, n2) <= maxExactSampleSize {
      let lcm = Double(n1 / g) * Double(n2)
      let h = (d * lcm).rounded(.toNearestOrEven)
      d = h / lcm
      if h == 0 { return KolmogorovSmirnovResult(statistic: d, pValue: 1, exact: true) }
      let hi = Int(h)
      let p = n1 == n2 ? probabilityOutsideSquare(n: n1, h: hi) : outerProbabilityInside(n1, n2, g, hi)
      if p.isFinite && p >= 0 && p <= 1 {
        return KolmogorovSmirnovResult(statistic: d, pValue: p, exact: true)
      }
    }
    let m = Double(max(n1, n2)), n = Double(min(n1, n2))
    let en = (m * n / (m + n)).rounded(.toNearestOrEven)
    let p = KolmogorovDistribution.twoSidedSurvival(n: Int(en), x: d)
    return KolmogorovSmirnovResult(statistic: d, pValue: min(max(p, 0), 1), exact: false)
  }

  /// max(max(F₁ − F₂), clip(−min(F₁ − F₂), 0, 1)) evaluated at every observation, with the ECDFs as
  /// count/n in double precision exactly as scipy computes them.
  static func statistic(sorted x: [Double], sorted y: [Double]) -> Double {
    let n1 = x.count, n2 = y.count
    let d1 = Double(n1), d2 = Double(n2)
    var i = 0, j = 0
    var maxDiff = -Double.infinity, minDiff = Double.infinity
    x.withUnsafeBufferPointer { a in
      y.withUnsafeBufferPointer { b in
        while i < n1 || j < n2 {
          let v: Double
          if j >= n2 || (i < n1 && a[i] <= b[j]) { v = a[i] } else { v = b[j] }
          while i < n1 && a[i] <= v { i += 1 }
          while j < n2 && b[j] <= v { j += 1 }
          let diff = Double(i) / d1 - Double(j) / d2
          if diff > maxDiff { maxDiff = diff }
          if diff < minDiff { minDiff = diff }
        }
      }
    }
    let minS = min(max(-minDiff, 0), 1)
    return minS > maxDiff ? minS : maxDiff
  }

  static func gcd(_ a: Int, _ b: Int) -> Int {
    var a = a, b = b
    while b != 0 { (a, b) = (b, a % b) }
    return a
  }

  /// P(D_{n,n} ≥ h/n) by the alternating-sum formula in Horner form (scipy `_compute_prob_outside_square`).
  static func probabilityOutsideSquare(n: Int, h: Int) -> Double {
    var p = 0.0
    var k = n / h
    while k >= 0 {
      var p1 = 1.0
      for j in 0..<h {
        p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
      }
      p = p1 * (1 - p)
      k -= 1
    }
    return 2 * p
  }

  /// Proportion of lattice paths leaving the band |x/m − y/n| < h/lcm (scipy's pythran
  /// `_compute_outer_prob_inside_method`, Viehmann's stable recursion for 1 − p).
  static func outerProbabilityInside(_ m0: Int, _ n0: Int, _ g: Int, _ h: Int) -> Double {
    let (m, n) = m0 < n0 ? (n0, m0) : (m0, n0)
    let mg = m / g, ng = n / g
    var minj = 0
    var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
    var curlen = maxj - minj
    let lenA = min(2 * maxj + 2, n + 1)
    var a = [Double](repeating: 1, count: lenA)
    for z in minj..<min(maxj, lenA) { a[z] = 0 }
    for i in 1...m {
      let lastminj = minj, lastlen = curlen
      minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
      minj = min(minj, n)
      maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
      if maxj <= minj { return 1 }
      var val = minj == 0 ? 0.0 : 1.0
      let di = Double(i)
      for jj in 0..<(maxj - minj) {
        let j = jj + minj
        let src = jj + minj - lastminj
        guard src < lenA, jj < lenA else { return .nan }
        val = (a[src] * di + val * Double(j)) / (di + Double(j))
        a[jj] = val
      }
      curlen = maxj - minj
      if lastlen > curlen {
        let lo = maxj - minj, hi = min(maxj - minj + (lastlen - curlen), lenA)
        if lo < hi { for z in lo..<hi { a[z] = 1 } }
      }
    }
    let at = maxj - minj - 1
    return at >= 0 && at < lenA ? a[at] : .nan
  }
}
