import Foundation

/// Swapping a complete outputs folder in at once, and sharing unchanged files by hard links.
extension OutputWriter {
  /// Hard-links a file, or every file of a folder recursively, to `destination` (copies where links are refused).
  /// Published files are only ever replaced, never edited in place, so sharing inodes is safe.
  static func linkOrCopy(_ source: URL, to destination: URL) throws {
    var st = stat()
    guard lstat(source.path, &st) == 0 else { return }
    if st.st_mode & S_IFMT == S_IFDIR {
      try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
      for entry in try FileManager.default.contentsOfDirectory(atPath: source.path) {
        try linkOrCopy(source.appendingPathComponent(entry), to: destination.appendingPathComponent(entry))
      }
    } else if link(source.path, destination.path) != 0 {
      try FileManager.default.copyItem(at: source, to: destination)
    }
  }

  /// Puts `staging` at `destination` in one step: exchanged with the existing folder (`renameat2` with
  /// `RENAME_EXCHANGE`, after which `staging` holds the old outputs), or renamed when there is none. Where the
  /// exchange is not supported, the old folder is renamed aside and the new one in (a reader may find the folder
  /// absent for that instant).
  static func swap(_ staging: URL, into destination: URL) throws {
    var st = stat()
    if lstat(destination.path, &st) != 0 {
      guard rename(staging.path, destination.path) == 0 else { throw publishError(destination) }
      // The deferred removal of `staging` then finds nothing.
      return
    }
    if exchange(staging.path, destination.path) { return }
    // Named like a staging folder of this process, so the next run removes it if we die in between.
    let stagingName = staging.lastPathComponent
    let prefix = stagingName[..<(stagingName.lastIndex(of: "-") ?? stagingName.endIndex)]
    let aside = staging.deletingLastPathComponent().appendingPathComponent("\(prefix)-\(UInt32.random(in: 0...UInt32.max))")
    guard rename(destination.path, aside.path) == 0 else { throw publishError(destination) }
    guard rename(staging.path, destination.path) == 0 else {
      let error = publishError(destination)
      _ = rename(aside.path, destination.path)
      throw error
    }
    _ = rename(aside.path, staging.path)  // removed with the staging folder
  }

  private static func publishError(_ destination: URL) -> EngineError {
    EngineError("cannot publish the outputs to `\(destination.path)`: \(String(cString: strerror(errno)))",
                hint: "check permissions on the outputs folder; the previous outputs are unchanged")
  }

  /// `renameat2(RENAME_EXCHANGE)`: atomically swaps two paths. False when the system or file system lacks it.
  private static func exchange(_ a: String, _ b: String) -> Bool {
    #if os(Linux)
    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    guard let symbol = renameat2Symbol else { return false }
    let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
    let renameExchange: UInt32 = 2
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    #else
    return false
    #endif
  }

  /// glibc's `renameat2` (≥ 2.28), looked up at run time because Swift's Glibc module does not declare it.
  nonisolated(unsafe) private static let renameat2Symbol: UnsafeMutableRawPointer? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2")
}
