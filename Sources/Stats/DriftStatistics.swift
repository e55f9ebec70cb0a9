import Foundation

/// The per-column drift statistics on plain, missing-free samples, each computed exactly as the
/// Evidently 0.7 stattest of the same name (which calls scipy).
public enum DriftStatistics {
  // MARK: χ²

  /// p-value of `scipy.stats.chisquare(f_obs=current counts, f_exp=reference counts · n_cur/n_ref)` over the
  /// union of categories (Evidently `chisquare`). A category absent from the reference gives p = 0; a single
  /// category gives NaN (df = 0).
  public static func chiSquarePValue(referenceCounts: [Int], currentCounts: [Int]) -> Double {
    let nRef = Double(referenceCounts.reduce(0, +)), nCur = Double(currentCounts.reduce(0, +))
    guard nRef > 0, nCur > 0, referenceCounts.count == currentCounts.count else { return .nan }
    let scale = nCur / nRef
    var stat = 0.0
    for i in 0..<referenceCounts.count {
      let expected = Double(referenceCounts[i]) * scale
      let diff = Double(currentCounts[i]) - expected
      stat += diff * diff / expected
    }
    if stat.isNaN { return .nan }
    return SpecialFunctions.chiSquareSurvival(stat, degreesOfFreedom: Double(referenceCounts.count - 1))
  }

  // MARK: z-test

  /// Two-sided two-proportion z-test p-value, 2·(1 − Φ(|z|)), of the share of values *different from* the
  /// first category in sort order (Evidently `z`). 1 when both samples hold the same single value.
  /// `firstIndex` is the position of that category in the counts (0 when the keys are sorted ascending).
  public static func proportionZTestPValue(referenceCounts: [Int], currentCounts: [Int], firstIndex: Int = 0) -> Double {
    let refPresent = referenceCounts.filter { $0 > 0 }.count, curPresent = currentCounts.filter { $0 > 0 }.count
    let n1i = referenceCounts.reduce(0, +), n2i = currentCounts.reduce(0, +)
    guard n1i > 0, n2i > 0, firstIndex >= 0, firstIndex < referenceCounts.count, referenceCounts.count == currentCounts.count else { return .nan }
    if referenceCounts.count == 1 || (refPresent == 1 && curPresent == 1 && zip(referenceCounts, currentCounts).contains { $0 > 0 && $1 > 0 }) {
      return 1
    }
    let n1 = Double(n1i), n2 = Double(n2i)
    let p1 = Double(n1i - referenceCounts[firstIndex]) / n1
    let p2 = Double(n2i - currentCounts[firstIndex]) / n2
    let pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    let z = (p1 - p2) / (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
    return 2 * (1 - SpecialFunctions.normalCDF(abs(z)))
  }

  // MARK: Wasserstein

  /// `scipy.stats.wasserstein_distance(reference, current) / max(np.std(reference), 0.001)` (Evidently
  /// `wasserstein`; std with ddof = 0). Inputs must be sorted ascending and non-empty.
  public static func normedWasserstein(sortedReference u: [Double], sortedCurrent v: [Double]) -> Double {
    let m = Moments(u)
    let std = (m.m2 / Double(u.count)).squareRoot()
    return wassersteinDistance(sorted: u, sorted: v) / max(std, 0.001)
  }

  /// First Wasserstein distance ∫|U − V| between the empirical distributions of two sorted samples.
  public static func wassersteinDistance(sorted u: [Double], sorted v: [Double]) -> Double {
    let nu = u.count, nv = v.count
    guard nu > 0, nv > 0 else { return .nan }
    var i = 0, j = 0
    var total = CompensatedSum()
    u.withUnsafeBufferPointer { a in
      v.withUnsafeBufferPointer { b in
        // Walk the merged distinct values; between value t and the next one both CDFs are constant.
        var current: Double
        if a[0] <= b[0] { current = a[0] } else { current = b[0] }
        while true {
          while i < nu && a[i] <= current { i += 1 }
          while j < nv && b[j] <= current { j += 1 }
          if i == nu && j == nv { break }
          let next: Double
          if j >= nv || (i < nu && a[i] <= b[j]) { next = a[i] } else { next = b[j] }
          let gap = abs(Double(i) / Double(nu) - Double(j) / Double(nv))
          total.add(gap * (next - current))
          current = next
        }
      }
    }
    return total.value
  }

  // MARK: Binning (Evidently get_binned_data)

  /// Bin shares of reference and current as Evidently's `get_binned_data` computes them for a numerical
  /// feature with more than 20 distinct reference values: `np.histogram_bin_edges(ref ∪ cur, bins="sturges")`
  /// (⌈range / (range / (log₂ N + 1))⌉ equal bins over [min, max], N = total count), then
  /// `np.histogram` counts (bins closed on the left, the last also on the right) divided by each sample size.
  public static func sturgesShares(reference: [Double], current: [Double]) -> (reference: [Double], current: [Double], edges: [Double]) {
    let edges = sturgesEdges(reference, current)
    return (histogramShares(reference, edges), histogramShares(current, edges), edges)
  }

  static func sturgesEdges(_ a: [Double], _ b: [Double]) -> [Double] {
    var lo = Double.infinity, hi = -Double.infinity
    for x in a { lo = min(lo, x); hi = max(hi, x) }
    for x in b { lo = min(lo, x); hi = max(hi, x) }
    let ptp = hi - lo
    var first = lo, last = hi
    if first == last { first -= 0.5; last += 0.5 }
    let size = Double(a.count + b.count)
    let width = ptp / (log2(size) + 1)
    let exactBins = ((last - first) / width).rounded(.up)
    // A range that overflows (values near ±1.8e308) would make numpy fail; we fall back to one bin.
    let bins = width != 0 && exactBins.isFinite && exactBins >= 1 && exactBins < 1e7 ? Int(exactBins) : 1
    // np.linspace(first, last, bins + 1): i·step + start, last edge set exactly.
    let step = (last - first) / Double(bins)
    var edges = (0...bins).map { Double($0) * step + first }
    if step == 0 { edges = (0...bins).map { Double($0) / Double(bins) * (last - first) + first } }
    edges[bins] = last
    return edges
  }

  static func histogramShares(_ values: [Double], _ edges: [Double]) -> [Double] {
    let bins = edges.count - 1
    var counts = [Int](repeating: 0, count: bins)
    let last = edges[bins]
    edges.withUnsafeBufferPointer { e in
      for x in values {
        if x == last { counts[bins - 1] += 1; continue }
        // Number of edges ≤ x, minus one, is the bin of x.
        var lo = 0, hi = bins + 1
        while lo < hi {
          let mid = (lo + hi) >> 1
          if e[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        let bin = lo - 1
        if bin >= 0 && bin < bins { counts[bin] += 1 }
      }
    }
    let n = Double(values.count)
    return counts.map { Double($0) / n }
  }

  /// Evidently's `feel_zeroes` step for PSI: zero shares become min(nonzero)/10⁶ when that minimum is
  /// ≤ 0.0001, else 0.0001 (each sample separately).
  static func fillZeroes(_ shares: [Double]) -> [Double] {
    guard let smallest = shares.filter({ $0 != 0 }).min() else { return shares }
    let fill = smallest <= 0.0001 ? smallest / 1_000_000 : 0.0001
    return shares.map { $0 == 0 ? fill : $0 }
  }

  // MARK: Jensen–Shannon and PSI on shares

  /// `scipy.spatial.distance.jensenshannon(p, q)` (natural log): both renormalised to sum 1,
  /// √((KL(p‖m) + KL(q‖m)) / 2) with m = (p + q)/2.
  public static func jensenShannonDistance(_ p0: [Double], _ q0: [Double]) -> Double {
    let sp = p0.reduce(0, +), sq = q0.reduce(0, +)
    var left = 0.0, right = 0.0
    for i in 0..<min(p0.count, q0.count) {
      let p = p0[i] / sp, q = q0[i] / sq
      let m = (p + q) / 2
      left += relativeEntropy(p, m)
      right += relativeEntropy(q, m)
    }
    return ((left + right) / 2).squareRoot()
  }

  /// scipy `rel_entr(x, y)`: x·log(x/y) for x, y > 0; 0 for x = 0, y ≥ 0; ∞ otherwise.
  static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
    if x > 0 && y > 0 { return x * log(x / y) }
    if x == 0 && y >= 0 { return 0 }
    return .infinity
  }

  /// Σ (r − c)·ln(r / c) over shares that have been through `fillZeroes`.
  public static func populationStabilityIndex(_ reference: [Double], _ current: [Double]) -> Double {
    var total = 0.0
    for i in 0..<min(reference.count, current.count) {
      let r = reference[i], c = current[i]
      total += (r - c) * log(r / c)
    }
    return total
  }
}
