import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive per-workbook lock (`flock` on `.workbench/locks/<workbook>.lock`).
///
/// The kernel releases a `flock` when its process dies, so a lock left by a killed run is never stale: the
/// next run simply acquires it. The holder's pid is written into the file so a waiting run can say whom it
/// waits for.
public final class WorkbookLock: Sendable {
  let fd: Int32
  public let path: String

  /// Acquires the lock, calling `onWait` once (with the holder's pid, if known) when another run holds it.
  public init(path: String, onWait: (Int32?) -> Void) throws {
    self.path = path
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw EngineError("cannot open lock file \(path): \(String(cString: strerror(errno)))") }
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      var buffer = [UInt8](repeating: 0, count: 32)
      let n = pread(fd, &buffer, 31, 0)
      let holder = n > 0 ? Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
      onWait(holder)
      while flock(fd, LOCK_EX) != 0 {
        if errno != EINTR {
          close(fd)
          throw EngineError("cannot lock \(path): \(String(cString: strerror(errno)))")
        }
      }
    }
    let pid = Array("\(getpid())\n".utf8)
    _ = ftruncate(fd, 0)
    _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    self.fd = fd
  }

  /// Acquires the lock from async code. The wait for another run's lock is a blocking `flock`, so it happens on a
  /// thread of its own: it never holds a thread of the cooperative pool (two on a 2-core machine) for the whole of
  /// the other run.
  public static func acquire(path: String, onWait: @escaping @Sendable (Int32?) -> Void) async throws -> WorkbookLock {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<WorkbookLock, any Error>) in
      Thread { continuation.resume(with: Result { try WorkbookLock(path: path, onWait: onWait) }) }.start()
    }
  }

  deinit {
    _ = ftruncate(fd, 0)
    flock(fd, LOCK_UN)
    close(fd)
  }
}
