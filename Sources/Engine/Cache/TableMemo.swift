import Foundation
import Frame

/// A small in-memory map from table digests to decoded frames, shared by the cells of one execution.
final class TableMemo: @unchecked Sendable {
  private var frames: [String: Frame] = [:]
  private var order: [String] = []
  private let lock = NSLock()
  /// Frames kept at most (the most recent ones); each may be large.
  let capacity = 4

  func get(_ digest: String) -> Frame? {
    lock.lock(); defer { lock.unlock() }
    return frames[digest]
  }

  func put(_ digest: String, _ frame: Frame) {
    lock.lock(); defer { lock.unlock() }
    if frames[digest] == nil { order.append(digest) }
    frames[digest] = frame
    while order.count > capacity { frames[order.removeFirst()] = nil }
  }
}
