/// Value counts of a reference and a current sample over the union of their values (Evidently's
/// `get_unique_not_nan_values_list_from_series` followed by `value_counts`). Keys are in ascending order.
struct CategoryCounts<Key: Hashable> {
  var keys: [Key]
  var reference: [Int]
  var current: [Int]

  init(keys: [Key], reference: [Int], current: [Int]) {
    self.keys = keys
    self.reference = reference
    self.current = current
  }

  init(referenceCounts: [Key: Int], currentCounts: [Key: Int], less: (Key, Key) -> Bool) {
    var union = Array(referenceCounts.keys)
    for k in currentCounts.keys where referenceCounts[k] == nil { union.append(k) }
    keys = union.sorted(by: less)
    reference = keys.map { referenceCounts[$0] ?? 0 }
    current = keys.map { currentCounts[$0] ?? 0 }
  }
}

extension CategoryCounts where Key == Double {
  /// Counts from two ascending samples by merging their runs (no hashing).
  init(sortedReference a: [Double], sortedCurrent b: [Double]) {
    var keys: [Double] = [], ref: [Int] = [], cur: [Int] = []
    var i = 0, j = 0
    while i < a.count || j < b.count {
      let v: Double
      if j >= b.count || (i < a.count && a[i] <= b[j]) { v = a[i] } else { v = b[j] }
      var ci = 0, cj = 0
      while i < a.count && a[i] == v { i += 1; ci += 1 }
      while j < b.count && b[j] == v { j += 1; cj += 1 }
      keys.append(v + 0)  // −0.0 and +0.0 are one category, reported as +0.0
      ref.append(ci)
      cur.append(cj)
    }
    self.init(keys: keys, reference: ref, current: cur)
  }
}

/// Counts of each distinct string (missing values already removed).
func valueCounts(_ values: [String]) -> [String: Int] {
  var counts: [String: Int] = [:]
  for v in values { counts[v, default: 0] += 1 }
  return counts
}
