/// A growable buffer of plain values without copy-on-write checks (the CSV hot loop appends millions of values).
///
/// Reference semantics: copies of a ``ChunkColumn`` share it. Memory is freed on deinit.
final class RawVector<Element: BitwiseCopyable>: @unchecked Sendable {
  @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<Element>
  @exclusivity(unchecked) private(set) var count = 0
  @exclusivity(unchecked) private(set) var capacity: Int

  init(capacity: Int = 16) {
    self.capacity = max(capacity, 1)
    base = .allocate(capacity: self.capacity)
  }

  convenience init(repeating value: Element, count: Int) {
    self.init(capacity: count * 2 + 16)
    base.initialize(repeating: value, count: count)
    self.count = count
  }

  deinit { base.deallocate() }

  @inline(__always)
  func append(_ value: Element) {
    if count == capacity { grow(to: capacity * 2) }
    base[count] = value
    count += 1
  }

  func removeLast() { if count > 0 { count -= 1 } }

  func reserve(_ n: Int) { if n > capacity { grow(to: n) } }

  private func grow(to newCapacity: Int) {
    let fresh = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
    fresh.update(from: base, count: count)
    base.deallocate()
    base = fresh
    capacity = newCapacity
  }

  var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
}
