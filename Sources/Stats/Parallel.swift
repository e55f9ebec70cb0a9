import Dispatch

/// Runs independent tasks (one per column or column pair) on all cores. Each task writes only its own
/// slot, so results are identical whatever the thread count; the first error by index is rethrown.
enum Parallel {
  static func map<T>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
    guard count > 1 else { return try (0..<count).map(body) }
    let slots = Slots<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { i in
      slots.set(i, Result { try body(i) })
    }
    return try slots.values.map { slot in
      guard let slot else { throw StatsError.invalidArgument(what: "parallel task", reason: "a task produced no result") }
      return try slot.get()
    }
  }

  /// Preallocated result slots; concurrent writers touch disjoint indices only.
  final class Slots<T>: @unchecked Sendable {
    var values: [Result<T, any Error>?]
    init(_ count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Result<T, any Error>) {
      values.withUnsafeMutableBufferPointer { $0[i] = value }
    }
  }
}
