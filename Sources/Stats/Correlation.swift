import WorkbenchCore

/// Correlation matrices like pandas `DataFrame.corr(method=…)` with pairwise-complete observations:
/// each pair of columns uses the rows where both are non-missing (NaN = missing).
///
/// A pair with fewer than `minPeriods` complete rows, or with zero variance in either column over
/// those rows, gets NaN (pandas behaviour).
public enum Correlation {
  public enum Method: String, Sendable, Codable, CaseIterable {
    /// Pearson's r.
    case pearson
    /// Spearman's ρ: Pearson's r of average ranks, ranks computed over each pair's complete rows.
    case spearman
  }

  /// The k × k correlation matrix of `columns` (all of equal length), row-major as `[[Double]]`.
  public static func matrix(
    _ columns: [[Double]], method: Method = .pearson, minPeriods: Int = 1, names: [String]? = nil
  ) throws -> [[Double]] {
    let k = columns.count
    guard k > 0 else { throw StatsError.empty(what: "correlation input", hint: "pass at least one column") }
    let n = columns[0].count
    for (i, c) in columns.enumerated() where c.count != n {
      throw StatsError.lengthMismatch(what: "column `\(names?[safe: i] ?? "#\(i)")`", expected: n, actual: c.count)
    }
    guard n > 0 else { throw StatsError.empty(what: "correlation input", hint: "the columns have no rows") }
    let hasMissing = columns.map { $0.contains { $0.isNaN } }
    // Columns without NaN share one blocked pass (ranked first for Spearman); the others go pair by pair.
    let complete = (0..<k).filter { !hasMissing[$0] }
    let prepared: [[Double]] = try Parallel.map(complete.count) { c in
      method == .spearman ? Ranks.average(columns[complete[c]]) : columns[complete[c]]
    }
    let fast = n < minPeriods ? nil : CrossProducts(prepared)
    let position: [Int] = {
      var p = [Int](repeating: -1, count: k)
      for (c, i) in complete.enumerated() { p[i] = c }
      return p
    }()
    let pairs = (0..<k).flatMap { i in (0...i).map { j in (i, j) } }
    let values: [Double] = try Parallel.map(pairs.count) { p in
      let (i, j) = pairs[p]
      if position[i] >= 0 && position[j] >= 0 {
        guard let fast else { return .nan }
        return fast.correlation(position[i], position[j])
      }
      return pairwise(columns[i], columns[j], method: method, minPeriods: minPeriods)
    }
    var result = [[Double]](repeating: [Double](repeating: .nan, count: k), count: k)
    for (p, (i, j)) in pairs.enumerated() {
      result[i][j] = values[p]
      result[j][i] = values[p]
    }
    return result
  }

  /// Correlation of every column with `target` (pairwise complete), e.g. each feature vs "made".
  public static func withTarget(
    _ columns: [[Double]], target: [Double], method: Method = .pearson, minPeriods: Int = 1, names: [String]? = nil
  ) throws -> [Double] {
    guard !target.isEmpty else { throw StatsError.empty(what: "target", hint: "the target column has no rows") }
    for (i, c) in columns.enumerated() where c.count != target.count {
      throw StatsError.lengthMismatch(what: "column `\(names?[safe: i] ?? "#\(i)")`", expected: target.count, actual: c.count)
    }
    return try Parallel.map(columns.count) { i in pairwise(columns[i], target, method: method, minPeriods: minPeriods) }
  }

  /// Correlation of two columns over the rows where both are non-missing.
  public static func pairwise(_ x: [Double], _ y: [Double], method: Method = .pearson, minPeriods: Int = 1) -> Double {
    let n = min(x.count, y.count)
    var a = [Double](), b = [Double]()
    a.reserveCapacity(n)
    b.reserveCapacity(n)
    for i in 0..<n where !x[i].isNaN && !y[i].isNaN {
      a.append(x[i])
      b.append(y[i])
    }
    guard a.count >= max(minPeriods, 1) else { return .nan }
    if method == .spearman {
      a = Ranks.average(a)
      b = Ranks.average(b)
    }
    let ca = centre(a), cb = centre(b)
    return ratio(dot(ca.values, cb.values), ca.sumSquares, cb.sumSquares)
  }

  static func ratio(_ sxy: Double, _ sxx: Double, _ syy: Double) -> Double {
    let divisor = (sxx * syy).squareRoot()
    return divisor != 0 ? sxy / divisor : .nan
  }

  /// Values minus their mean, and the sum of squared deviations (numpy pairwise sums: error O(ε log n)).
  static func centre(_ v: [Double]) -> (values: [Double], sumSquares: Double) {
    let n = v.count
    let mean = v.withUnsafeBufferPointer { PairwiseSum.sum($0) } / Double(n)
    let c = [Double](unsafeUninitializedCapacity: n) { out, count in
      v.withUnsafeBufferPointer { src in
        for i in 0..<n { out[i] = src[i] - mean }
      }
      count = n
    }
    return (c, dot(c, c))
  }

  /// Pairwise dot product.
  static func dot(_ a: [Double], _ b: [Double]) -> Double {
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        guard let x = pa.baseAddress, let y = pb.baseAddress else { return 0 }
        return PairwiseSum.dot(x, y, Swift.min(pa.count, pb.count))
      }
    }
  }
}

extension Array {
  subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
