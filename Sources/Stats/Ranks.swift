/// Ranks with ties given their average rank (1-based), as `scipy.stats.rankdata(method="average")`
/// and pandas `rank()` compute them.
public enum Ranks {
  /// Average ranks of NaN-free `values`.
  public static func average(_ values: [Double]) -> [Double] {
    let n = values.count
    let order = RadixSort.argsort(values)
    var ranks = [Double](repeating: 0, count: n)
    values.withUnsafeBufferPointer { v in
      order.withUnsafeBufferPointer { o in
        ranks.withUnsafeMutableBufferPointer { r in
          var i = 0
          while i < n {
            var j = i + 1
            let x = v[o[i]]
            while j < n && v[o[j]] == x { j += 1 }
            // Positions i..<j (0-based) share ranks i+1 ... j, whose average is (i + 1 + j) / 2.
            let rank = Double(i + 1 + j) / 2
            for k in i..<j { r[o[k]] = rank }
            i = j
          }
        }
      }
    }
    return ranks
  }
}
