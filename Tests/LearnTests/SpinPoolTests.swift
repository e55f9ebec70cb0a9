import Testing
@testable import Learn

/// The spinning helper pool of a boosting fit: every worker runs every loop, loops over items cover each item
/// exactly once whatever the item count, and `shutdown` returns (the helpers leave).
@Test func spinPoolCoversEveryItemOnceAndStops() {
  let pool = SpinPool(workers: 3)
  for count in [0, 1, 2, 3, 7, 100, 4_097] {
    for _ in 0..<50 {
      var hits = [Int](repeating: 0, count: count)
      hits.withUnsafeMutableBufferPointer { buffer in
        let slots = UncheckedBox(buffer)
        TreeParallel.forEach(count, threads: 3, pool: pool) { i in slots.value[i] += 1 }
      }
      #expect(hits.allSatisfy { $0 == 1 }, "count \(count)")
    }
  }
  var perWorker = [Int](repeating: 0, count: 3)
  perWorker.withUnsafeMutableBufferPointer { buffer in
    let slots = UncheckedBox(buffer)
    for _ in 0..<1_000 { pool.run { w in slots.value[w] += 1 } }
  }
  #expect(perWorker == [1_000, 1_000, 1_000])
  // A balanced map gives each item its own result, in item order.
  let squares = TreeParallel.balancedMap([5, 1, 9, 3, 3], threads: 3, pool: pool) { $0 * $0 }
  #expect(squares == [0, 1, 4, 9, 16])
  pool.shutdown()
}
