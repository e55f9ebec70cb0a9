import Dispatch

/// Fixed-partition parallel loops for the tree models.
///
/// Work item `i` always computes the same thing whatever thread runs it and every item writes only its own
/// output slot, so results are identical for any thread count (determinism rule of the project).
enum TreeParallel {
  /// Runs `body(i)` for `i` in `0..<count` on up to `threads` threads (worker `w` takes items `w, w+threads, …`).
  static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    let workers = min(max(threads, 1), count)
    if workers <= 1 {
      for i in 0..<count { body(i) }
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
