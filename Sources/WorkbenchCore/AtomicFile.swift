import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an atomic write failed, with the path, the system's reason and its `errno` when there is one.
public struct AtomicFileError: LocalizedError, Sendable, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var code: Int32? = nil
  public var description: String { "cannot write `\(path)`: \(reason)" }
  public var errorDescription: String? { description }
}

/// The one way files are replaced whole: readers see the old file or the new one, never a torn mix.
public enum AtomicFile {
  /// What is flushed to disk besides the rename.
  public enum Durability: Sendable {
    /// Nothing: after a power cut the file may hold the old or the new content (never a mix).
    case none
    /// The file before the rename: once renamed, its content is on disk (the rename itself may be lost).
    case file
    /// The file, then its folder after the rename: the new file survives a power cut.
    case fileAndFolder
  }

  /// Writes `bytes` to a temp file, then renames it over `path` (parent folders are created). The temp file sits in
  /// the same folder as `path` (so the rename is atomic) unless `stagingDirectory` is given: a folder on the same
  /// file system where half-written files stay invisible to programs listing the destination (MLflow's file store).
  public static func write(_ bytes: some Collection<UInt8>, to path: String, fsync durability: Durability = .none,
                           stagingDirectory: String? = nil) throws(AtomicFileError) {
    let folder = (path as NSString).deletingLastPathComponent
    try createDirectory(folder.isEmpty ? "." : folder)
    let name = (path as NSString).lastPathComponent
    let tempFolder = stagingDirectory ?? (folder.isEmpty ? "." : folder)
    if let stagingDirectory { try createDirectory(stagingDirectory) }
    let temp = tempFolder + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw AtomicFileError(path: path, reason: String(cString: strerror(errno))) }
    var failure: Int32 = 0
    let array = Array(bytes)
    array.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let n = Glibc_write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { failure = n < 0 ? errno : EIO; return }
        offset += n
      }
    }
    if failure == 0 && durability != .none && fsync(fd) != 0 { failure = errno }
    if close(fd) != 0 && failure == 0 { failure = errno }
    guard failure == 0 else {
      unlink(temp)
      throw AtomicFileError(path: path, reason: String(cString: strerror(failure)))
    }
    try moveIntoPlace(temp, to: path)
    if durability == .fileAndFolder { syncDirectory(folder.isEmpty ? "." : folder) }
  }

  /// Renames `source` (a file or a folder) over `destination`. Across file systems (a staging folder elsewhere) it is
  /// first copied to a sibling temp name, so a partial copy is never visible at `destination`. `source` is gone
  /// afterwards, whether the move succeeded or not.
  public static func moveIntoPlace(_ source: String, to destination: String) throws(AtomicFileError) {
    guard rename(source, destination) != 0 else { return }
    let code = errno
    if code == EXDEV {
      let sibling = (destination as NSString).deletingLastPathComponent + "/.tmp-\(UUID().uuidString)"
      do {
        try FileManager.default.copyItem(atPath: source, toPath: sibling)
      } catch {
        try? FileManager.default.removeItem(atPath: source)
        throw AtomicFileError(path: destination, reason: "cannot copy across file systems: \(error.localizedDescription)")
      }
      try? FileManager.default.removeItem(atPath: source)
      if rename(sibling, destination) == 0 { return }
      let again = errno
      try? FileManager.default.removeItem(atPath: sibling)
      throw AtomicFileError(path: destination, reason: "rename failed: \(String(cString: strerror(again)))", code: again)
    }
    try? FileManager.default.removeItem(atPath: source)
    throw AtomicFileError(path: destination, reason: "rename failed: \(String(cString: strerror(code)))", code: code)
  }

  /// Flushes a folder's entries (the rename) to disk; best effort, as not every file system supports it.
  public static func syncDirectory(_ path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = fsync(fd)
    close(fd)
  }

  private static func createDirectory(_ path: String) throws(AtomicFileError) {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw AtomicFileError(path: path, reason: "cannot create folder: \(error.localizedDescription)")
    }
  }
}

/// `write(2)` under a name that does not collide with the module's own `write` functions.
@inline(__always) private func Glibc_write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
  Glibc.write(fd, buffer, count)
  #else
  Darwin.write(fd, buffer, count)
  #endif
}
