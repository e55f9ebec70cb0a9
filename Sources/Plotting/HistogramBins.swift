/// How raw values are binned for a histogram (numpy `histogram` convention: bins are half-open
/// `[left, right)` except the last, which is closed; values outside the edges are not counted).
public enum HistogramBins: Sendable, Equatable {
  /// `count` equal-width bins spanning the minimum to the maximum of all finite values.
  case count(Int)
  /// Bins of this width starting at the minimum value (the last bin reaches the maximum).
  case width(Double)
  /// Explicit, strictly increasing edges (k + 1 edges make k bins).
  case edges([Double])

  /// The bin edges for `values` (finite values only). Throws on empty data or invalid declarations.
  public func edges(for values: [Double]) throws(PlottingError) -> [Double] {
    switch self {
    case .edges(let edges):
      guard edges.count >= 2 else { throw .invalidChart("histogram bins: need at least 2 edges, got \(edges.count)") }
      for i in 1..<edges.count where !(edges[i] > edges[i - 1]) || !edges[i].isFinite || !edges[i - 1].isFinite {
        throw .invalidChart("histogram bins: edges must be finite and strictly increasing (edge \(i): \(edges[i - 1]) then \(edges[i]))")
      }
      return edges
    case .count(let count):
      guard count >= 1 else { throw .invalidChart("histogram bins: count must be at least 1, got \(count)") }
      guard count <= 100_000 else { throw .invalidChart("histogram bins: count \(count) is too large (at most 100000)") }
      let (lo, hi) = try Self.finiteRange(values)
      let (a, b) = lo == hi ? (lo - 0.5, hi + 0.5) : (lo, hi)
      return (0...count).map { i in i == count ? b : a + (b - a) * Double(i) / Double(count) }
    case .width(let width):
      guard width > 0, width.isFinite else { throw .invalidChart("histogram bins: width must be positive, got \(width)") }
      let (lo, hi) = try Self.finiteRange(values)
      let binCount = ((hi - lo) / width).rounded(.up)
      guard binCount.isFinite, binCount <= 100_000 else {
        throw .invalidChart("histogram bins: width \(width) gives \(binCount) bins over [\(lo), \(hi)] (at most 100000)")
      }
      let count = max(1, Int(binCount))
      return (0...count).map { lo + width * Double($0) }
    }
  }

  /// Counts of `values` per bin for the given edges (non-finite values are ignored).
  public static func counts(_ values: [Double], edges: [Double]) -> [Int] {
    guard edges.count >= 2 else { return [] }
    var counts = [Int](repeating: 0, count: edges.count - 1)
    let first = edges[0], last = edges[edges.count - 1]
    for v in values where v.isFinite && v >= first && v <= last {
      // Binary search for the last edge <= v.
      var lo = 0, hi = edges.count - 1
      while hi - lo > 1 {
        let mid = (lo + hi) / 2
        if edges[mid] <= v { lo = mid } else { hi = mid }
      }
      counts[min(lo, counts.count - 1)] += 1
    }
    return counts
  }

  static func finiteRange(_ values: [Double]) throws(PlottingError) -> (Double, Double) {
    var lo = Double.infinity, hi = -Double.infinity
    for v in values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
    guard lo <= hi else { throw .invalidChart("histogram: no finite values to bin") }
    return (lo, hi)
  }
}
