import WorkbenchCore

/// Per-feature histogram bins learned from training data (the first step of every tree model here).
///
/// * Numeric feature: up to `maxBins` value bins with quantile edges, as in LightGBM and scikit-learn's
///   `HistGradientBoosting`. When a feature has at most `maxBins` distinct values each value gets its own bin
///   (edges at midpoints between consecutive distinct values); otherwise the edges are the
///   `k/maxBins` quantiles (k = 1…maxBins−1, "midpoint" interpolation like `np.percentile(…, method="midpoint")`),
///   with duplicates removed. Value bin `b` holds `x` with `edges[b−1] < x ≤ edges[b]`; the last value bin
///   holds everything above the last edge (±∞ go to the end bins).
/// * Categorical feature: integer code `c` (0 ≤ c < maxBins) is bin `c` directly.
/// * Missing values (NaN) get their own bin, number `valueBinCounts[f]`, right after the value bins; splits
///   learn which side missing values go to. At prediction, unseen categories also land in the missing bin.
///
/// For speed the quantiles are computed on at most `sampleSize` rows (default 200,000, like LightGBM's
/// `bin_construct_sample_cnt` and sklearn's `subsample=2e5`), drawn without replacement with a
/// ``SeededGenerator``, so binning is deterministic for a given seed.
public struct FeatureBinner: Sendable, Equatable {
  /// At most 255 value bins plus one missing bin, so a bin index fits in a `UInt8`.
  public static let maximumBins = 255

  public let maxBins: Int
  public let isCategorical: [Bool]
  /// Upper edges of the value bins per feature (empty for categorical features).
  public let upperEdges: [[Double]]
  /// Number of value bins per feature; the missing bin of feature `f` is `valueBinCounts[f]`.
  public let valueBinCounts: [Int]

  public var featureCount: Int { valueBinCounts.count }
  /// Index of the missing-value bin of feature `f`.
  public func missingBin(_ f: Int) -> Int { valueBinCounts[f] }

  public init(maxBins: Int, isCategorical: [Bool], upperEdges: [[Double]], valueBinCounts: [Int]) {
    self.maxBins = maxBins
    self.isCategorical = isCategorical
    self.upperEdges = upperEdges
    self.valueBinCounts = valueBinCounts
  }

  /// Learns bins from column-major `features` (`features[j][i]`, NaN = missing).
  public static func fit(
    features: [[Double]], isCategorical: [Bool], maxBins: Int = 255, sampleSize: Int = 200_000, seed: UInt64 = 0,
    threads: Int = 1
  ) throws(TreeModelError) -> FeatureBinner {
    guard (2...maximumBins).contains(maxBins) else {
      throw TreeModelError("max_bins is \(maxBins); it must be between 2 and \(maximumBins)")
    }
    guard isCategorical.count == features.count else {
      throw TreeModelError("binning: \(isCategorical.count) categorical flags for \(features.count) feature columns")
    }
    guard sampleSize >= 1 else { throw TreeModelError("binning: sample size \(sampleSize) must be at least 1") }
    let n = features.first?.count ?? 0
    var sample: [Int]? = nil
    if n > sampleSize {
      // Partial Fisher–Yates: the first `sampleSize` slots become a uniform sample without replacement.
      var generator = SeededGenerator(seed: seed)
      var idx = Array(0..<n)
      for i in 0..<sampleSize {
        let j = i + generator.nextInt(below: n - i)
        idx.swapAt(i, j)
      }
      sample = Array(idx[0..<sampleSize]).sorted()
    }
    // Features are binned independently, one per thread at a time (the result does not depend on `threads`).
    let perFeature = TreeParallel.map(features.count, threads: threads) { j -> Result<(edges: [Double], count: Int), TreeModelError> in
      Result { () throws(TreeModelError) in
        try binFeature(features[j], index: j, categorical: isCategorical[j], rowCount: n, sample: sample, maxBins: maxBins)
      }
    }
    var edges: [[Double]] = []
    var counts: [Int] = []
    for result in perFeature {
      let (e, c) = try result.get()
      edges.append(e)
      counts.append(c)
    }
    return FeatureBinner(maxBins: maxBins, isCategorical: isCategorical, upperEdges: edges, valueBinCounts: counts)
  }

  /// Edges and value-bin count of one feature column.
  private static func binFeature(_ column: [Double], index j: Int, categorical: Bool, rowCount n: Int, sample: [Int]?,
                                 maxBins: Int) throws(TreeModelError) -> (edges: [Double], count: Int) {
    guard column.count == n else {
      throw TreeModelError("binning: feature column \(j) has \(column.count) values, expected \(n)")
    }
    if categorical {
      var maxCode = -1
      for (i, v) in column.enumerated() where !v.isNaN {
        guard v >= 0, v < Double(maxBins), v == v.rounded(.towardZero) else {
          throw TreeModelError(
            "categorical feature \(j) has value \(v) at row \(i); categorical codes must be integers 0…\(maxBins - 1) (re-encode the column, or treat it as numeric)")
        }
        maxCode = max(maxCode, Int(v))
      }
      return ([], max(maxCode + 1, 1))
    }
    var values: [Double] = []
    if let sample {
      values.reserveCapacity(sample.count)
      for i in sample where column[i].isFinite { values.append(column[i]) }
    } else {
      values.reserveCapacity(n)
      for v in column where v.isFinite { values.append(v) }
    }
    let e = numericEdges(values, maxBins: maxBins)
    return (e, e.count + 1)
  }

  /// Quantile (or distinct-value midpoint) edges of the finite `values` (±∞ simply fall in the end bins).
  static func numericEdges(_ values: [Double], maxBins: Int) -> [Double] {
    guard !values.isEmpty else { return [] }
    let sorted = values.sorted()
    var distinct: [Double] = []
    distinct.reserveCapacity(min(sorted.count, maxBins + 1))
    for v in sorted where distinct.last != v {
      distinct.append(v)
      if distinct.count > maxBins { break }
    }
    var edges: [Double] = []
    if distinct.count <= maxBins {
      for k in 1..<max(distinct.count, 1) { edges.append(distinct[k - 1] + (distinct[k] - distinct[k - 1]) / 2) }
    } else {
      let last = Double(sorted.count - 1)
      for k in 1..<maxBins {
        let position = Double(k) / Double(maxBins) * last
        let lo = Int(position.rounded(.down)), hi = Int(position.rounded(.up))
        let q = sorted[lo] + (sorted[hi] - sorted[lo]) / 2
        if let previous = edges.last, q <= previous { continue }
        edges.append(q)
      }
      // The top bin must not be empty of sampled values: drop an edge equal to the maximum.
      if let top = edges.last, let maximum = sorted.last, top >= maximum { edges.removeLast() }
    }
    return edges
  }

  /// The bin of `value` for feature `f` (NaN and unseen categories → the missing bin).
  @inline(__always)
  public func bin(_ value: Double, feature f: Int) -> UInt8 {
    if value.isNaN { return UInt8(truncatingIfNeeded: valueBinCounts[f]) }
    if isCategorical[f] {
      guard value >= 0, value < Double(valueBinCounts[f]), value == value.rounded(.towardZero) else {
        return UInt8(truncatingIfNeeded: valueBinCounts[f])
      }
      return UInt8(truncatingIfNeeded: Int(value))
    }
    return upperEdges[f].withUnsafeBufferPointer { Self.searchBin(value, $0) }
  }

  /// Number of edges strictly below `value` (= first edge index with value ≤ edge).
  @inline(__always)
  static func searchBin(_ value: Double, _ e: UnsafeBufferPointer<Double>) -> UInt8 {
    var lo = 0, hi = e.count
    while lo < hi {
      let mid = (lo + hi) >> 1
      if e[mid] < value { lo = mid + 1 } else { hi = mid }
    }
    return UInt8(truncatingIfNeeded: lo)
  }

  /// Bins every value of column-major `features` into a ``BinnedMatrix`` (parallel over features).
  public func transform(_ features: [[Double]], threads: Int = 1) throws(TreeModelError) -> BinnedMatrix {
    guard features.count == featureCount else {
      throw TreeModelError("binning: the data has \(features.count) feature columns but the binner was fitted on \(featureCount)")
    }
    let n = features.first?.count ?? 0
    for (j, c) in features.enumerated() where c.count != n {
      throw TreeModelError("binning: feature column \(j) has \(c.count) values, expected \(n)")
    }
    guard n > 0 else { return BinnedMatrix(rowCount: 0, featureCount: featureCount, bins: []) }
    var flat = [UInt8](repeating: 0, count: n * featureCount)
    flat.withUnsafeMutableBufferPointer { out in
      let box = UncheckedBox(out)
      TreeParallel.forEach(featureCount, threads: threads) { f in
        let dst = box.value.baseAddress! + f * n
        features[f].withUnsafeBufferPointer { src in
          if isCategorical[f] {
            for i in 0..<n { dst[i] = bin(src[i], feature: f) }
          } else {
            let missing = UInt8(truncatingIfNeeded: valueBinCounts[f])
            upperEdges[f].withUnsafeBufferPointer { e in
              for i in 0..<n {
                let v = src[i]
                dst[i] = v.isNaN ? missing : Self.searchBin(v, e)
              }
            }
          }
        }
      }
    }
    return BinnedMatrix(rowCount: n, featureCount: featureCount, bins: flat)
  }

  func encode(into w: inout ByteWriter) {
    w.write(maxBins)
    w.write(UInt64(featureCount))
    for f in 0..<featureCount {
      w.write(isCategorical[f])
      w.write(valueBinCounts[f])
      w.write(upperEdges[f])
    }
  }

  init(from r: inout ByteReader) throws {
    let maxBins = try r.readInt()
    let count = try r.readCount(elementSize: 17)
    var cat: [Bool] = [], counts: [Int] = [], edges: [[Double]] = []
    for f in 0..<count {
      cat.append(try r.readBool())
      let c = try r.readInt()
      let e = try r.readDoubles()
      guard (1...Self.maximumBins).contains(c), cat[f] || c == e.count + 1 else {
        throw TreeModelError("binner payload: feature \(f) has an inconsistent bin count \(c)")
      }
      counts.append(c); edges.append(e)
    }
    self.init(maxBins: maxBins, isCategorical: cat, upperEdges: edges, valueBinCounts: counts)
  }
}
