import Dispatch

/// Fixed-partition parallel loops for the tree models.
///
/// Work item `i` always computes the same thing whatever thread runs it and every item writes only its own
/// output slot, so results are identical for any thread count (determinism rule of the project).
enum TreeParallel {
  /// Runs `body(i)` for `i` in `0..<count` on up to `threads` threads (worker `w` takes items `w, w+threads, …`).
  /// With a `pool` (a boosting fit), the loop runs on its spinning helpers instead of `concurrentPerform`.
  static func forEach(_ count: Int, threads: Int, pool: SpinPool? = nil, _ body: (Int) -> Void) {
    let workers = min(max(threads, 1), count)
    if workers <= 1 {
      for i in 0..<count { body(i) }
      return
    }
    if let pool, pool.workers > 1 {
      let step = min(workers, pool.workers)
      withoutActuallyEscaping(body) { escapable in
        let box = UncheckedBox(escapable)
        pool.run { w in
          guard w < step else { return }
          var i = w
          while i < count { box.value(i); i += step }
        }
      }
      return
    }
    withoutActuallyEscaping(body) { escapable in
      let box = UncheckedBox(escapable)
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        var i = w
        while i < count { box.value(i); i += workers }
      }
    }
  }

  /// Maps items of the given sizes in parallel, balancing the load: items are taken largest first, each by the
  /// least loaded thread. Each item's result is its own, so the output never depends on `threads`.
  static func balancedMap<T>(_ sizes: [Int], threads: Int, pool: SpinPool? = nil, _ body: (Int) -> T) -> [T] {
    let workers = min(max(threads, 1), sizes.count)
    guard workers > 1 else { return sizes.indices.map(body) }
    var plan = [[Int]](repeating: [], count: workers)
    var load = [Int](repeating: 0, count: workers)
    for i in sizes.indices.sorted(by: { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }) {
      let w = load.indices.min { load[$0] != load[$1] ? load[$0] < load[$1] : $0 < $1 }!
      plan[w].append(i)
      load[w] += sizes[i]
    }
    var out = [T?](repeating: nil, count: sizes.count)
    out.withUnsafeMutableBufferPointer { buf in
      let slots = UncheckedBox(buf)
      let assignments = plan
      forEach(workers, threads: workers, pool: pool) { w in
        for i in assignments[w] { slots.value[i] = body(i) }
      }
    }
    return out.map { $0! }
  }

  /// Maps `0..<count` to an array in parallel (each slot written once by the item that owns it).
  static func map<T>(_ count: Int, threads: Int, _ body: (Int) -> T) -> [T] {
    var out = [T?](repeating: nil, count: count)
    out.withUnsafeMutableBufferPointer { buf in
      let slots = UncheckedBox(buf)
      forEach(count, threads: threads) { i in slots.value[i] = body(i) }
    }
    return out.map { $0! }
  }
}

/// Carries a non-Sendable value (closure or buffer pointer) into `concurrentPerform`; safe here because
/// every worker touches disjoint slots and the call returns only when all workers are done.
struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
