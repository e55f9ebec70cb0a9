/// Assigns numeric values to bins with explicit edges, like `pandas.cut(values, edges)`.
///
/// With `rightClosed` (pandas' default) bin i is (edges[i], edges[i+1]]; otherwise [edges[i], edges[i+1]).
/// `includeLowest` makes the first bin closed on the left as well (pandas `include_lowest=True`).
/// Values outside every bin, and NaN, get bin index `nil`.
public struct Binning: Sendable, Equatable {
  public var edges: [Double]
  public var rightClosed: Bool
  public var includeLowest: Bool

  /// Throws unless there are at least two strictly increasing, finite edges.
  public init(edges: [Double], rightClosed: Bool = true, includeLowest: Bool = false) throws {
    guard edges.count >= 2 else {
      throw StatsError.invalidArgument(what: "bin edges", reason: "need at least 2 edges, got \(edges.count)")
    }
    for i in 0..<edges.count {
      guard edges[i].isFinite else {
        throw StatsError.invalidArgument(what: "bin edges", reason: "edge \(i) is \(edges[i]); edges must be finite")
      }
      if i > 0, !(edges[i] > edges[i - 1]) {
        throw StatsError.invalidArgument(what: "bin edges", reason: "edges must increase strictly, but edge \(i) = \(edges[i]) follows \(edges[i - 1])")
      }
    }
    self.edges = edges
    self.rightClosed = rightClosed
    self.includeLowest = includeLowest
  }

  public var binCount: Int { edges.count - 1 }

  /// The pandas-style label of bin `i`, e.g. "(0, 5]" or "[0, 5)".
  public func label(_ i: Int) -> String {
    guard i >= 0, i < binCount else { return "" }
    let lo = GroupRates.format(edges[i]), hi = GroupRates.format(edges[i + 1])
    if rightClosed { return (includeLowest && i == 0 ? "[" : "(") + "\(lo), \(hi)]" }
    return "[\(lo), \(hi)" + (includeLowest && i == binCount - 1 ? "]" : ")")
  }

  /// The bin index of `x`, or nil when it falls outside every bin or is NaN.
  public func bin(_ x: Double) -> Int? {
    guard !x.isNaN else { return nil }
    // Binary search for the first edge ≥ x (right-closed) or > x (left-closed).
    var lo = 0, hi = edges.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if rightClosed ? edges[mid] < x : edges[mid] <= x { lo = mid + 1 } else { hi = mid }
    }
    // For right-closed bins, x ∈ (edges[lo−1], edges[lo]] → bin lo−1.
    let index = lo - 1
    if rightClosed {
      if index == -1 && includeLowest && x == edges[0] { return 0 }
      return index >= 0 && index < binCount ? index : nil
    }
    if index == binCount && includeLowest && x == edges[binCount] { return binCount - 1 }
    return index >= 0 && index < binCount ? index : nil
  }

  /// Bin indices of all values (`nil` outside or missing).
  public func bins(_ values: [Double]) -> [Int?] { values.map(bin) }

  /// Bin labels of all values (`nil` outside or missing), ready for `GroupRates(keys:target:)`.
  public func labels(_ values: [Double]) -> [String?] { values.map { bin($0).map(label) } }
}
