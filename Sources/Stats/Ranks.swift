/// Ranks with ties given their average rank (1-based), as `scipy.stats.rankdata(method="average")`
/// and pandas `rank()` compute them.
public enum Ranks {
  /// Above this many distinct values ranks go through a full argsort; below, a value → rank lookup is faster.
  static let lookupLimit = 1 << 15

  /// Average ranks of NaN-free `values` (−0.0 and +0.0 tie).
  public static func average(_ values: [Double]) -> [Double] {
    let n = values.count
    guard n > 0 else { return [] }
    var keys = [UInt64](unsafeUninitializedCapacity: n) { out, count in
      values.withUnsafeBufferPointer { v in
        for i in 0..<n { out[i] = RadixSort.orderKey(v[i] + 0) }
      }
      count = n
    }
    RadixSort.sortKeys(&keys)
    // Distinct keys and their average rank: positions i..<j (0-based) share ranks i+1 … j.
    var distinct: [UInt64] = [], rankOf: [Double] = []
    var i = 0
    while i < n {
      var j = i + 1
      while j < n && keys[j] == keys[i] { j += 1 }
      distinct.append(keys[i])
      rankOf.append(Double(i + 1 + j) / 2)
      if distinct.count > lookupLimit { return averageByArgsort(values) }
      i = j
    }
    // Bucket table on the top 16 key bits → first distinct key of that bucket; then a short forward scan.
    let shift: UInt64 = 48
    var first = [Int32](repeating: -1, count: 1 << 16)
    for u in stride(from: distinct.count - 1, through: 0, by: -1) { first[Int(distinct[u] >> shift)] = Int32(u) }
    return [Double](unsafeUninitializedCapacity: n) { out, count in
      values.withUnsafeBufferPointer { v in
        distinct.withUnsafeBufferPointer { d in
          rankOf.withUnsafeBufferPointer { r in
            first.withUnsafeBufferPointer { f in
              for i in 0..<n {
                let key = RadixSort.orderKey(v[i] + 0)
                var u = Int(f[Int(key >> shift)])
                while u >= 0 && u < d.count && d[u] != key { u += 1 }
                out[i] = u >= 0 && u < d.count ? r[u] : .nan
              }
            }
          }
        }
      }
      count = n
    }
  }

  /// The general path: a stable radix argsort, then runs of equal values get their average rank.
  static func averageByArgsort(_ values: [Double]) -> [Double] {
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

extension Ranks {
  /// The argsort path, exposed so tests can compare both paths.
  public static func averageByArgsortForTesting(_ values: [Double]) -> [Double] { averageByArgsort(values) }
}
