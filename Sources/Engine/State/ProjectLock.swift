import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The project-level reader/writer lock (`flock` on `.workbench/locks/project.lock`).
///
/// Every command that touches a project holds it for as long as it works there: `run`, `render`, `verify`,
/// `clean`, `status` and `explain` share it (they also take the per-workbook ``WorkbookLock`` when they write);
/// `gc` and `fsck` take it exclusively, so they never delete or move files a running command is writing or is
/// about to list in a manifest. The kernel releases a `flock` when its process dies, so a killed command never
/// leaves a stale lock.
public final class ProjectLock: Sendable {
  public enum Access: Sendable {
    /// Reading the cache or writing new entries beside others.
    case shared
    /// Deleting or moving cache files (`gc`, `fsck`).
    case exclusive
  }

  let fd: Int32
  public let path: String
  public let access: Access

  /// Acquires the lock, calling `onWait` once with a sentence naming the holders when it has to wait.
  public init(path: String, access: Access, onWait: (String) -> Void) throws {
    self.path = path
    self.access = access
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw EngineError("cannot open lock file \(path): \(String(cString: strerror(errno)))") }
    let operation = access == .shared ? LOCK_SH : LOCK_EX
    if flock(fd, operation | LOCK_NB) != 0 {
      let holders = Self.holders(of: fd).filter { $0 != getpid() }
      let who = holders.isEmpty ? "another workbench command" : "workbench command(s) with pid \(holders.map(String.init).joined(separator: ", "))"
      onWait(access == .exclusive
        ? "waiting: \(who) in this project must finish first (this command needs the project to itself)"
        : "waiting: \(who) has the project to itself (gc or fsck); continuing when it ends")
      while flock(fd, operation) != 0 {
        if errno != EINTR {
          close(fd)
          throw EngineError("cannot lock \(path): \(String(cString: strerror(errno)))")
        }
      }
    }
    self.fd = fd
  }

  /// Runs `body` with the project to ourselves, then returns to the access this lock was taken with (the conversion
  /// is not atomic: another command may run in between, so `body` must re-check what it is about to repair).
  func whileExclusive<T>(onWait: (String) -> Void, _ body: () throws -> T) throws -> T {
    if access == .exclusive { return try body() }
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      onWait("waiting: other workbench commands must finish before the state database can be repaired")
      while flock(fd, LOCK_EX) != 0 {
        if errno != EINTR { throw EngineError("cannot lock \(path): \(String(cString: strerror(errno)))") }
      }
    }
    defer { while flock(fd, LOCK_SH) != 0 && errno == EINTR {} }
    return try body()
  }

  deinit {
    flock(fd, LOCK_UN)
    close(fd)
  }

  /// Pids holding a `flock` on the same file as `fd`, from `/proc/locks` (empty where that is unavailable).
  static func holders(of fd: Int32) -> [Int32] {
    var st = stat()
    guard fstat(fd, &st) == 0 else { return [] }
    let inode = ":\(st.st_ino)"
    var pids: [Int32] = []
    // The kernel lists /proc/locks a page at a time: between two reads, entries shift as other processes lock and
    // unlock, and one can be skipped. A holder is skipped by all three readings only if it is at the same moment in
    // each; a pid that let go in between may be named (only a message uses these).
    for _ in 0..<3 {
      guard let text = readProcLocks() else { return pids }
      for line in text.split(separator: "\n") where !line.contains("->") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 6, fields[1] == "FLOCK", fields[5].hasSuffix(inode), let pid = Int32(fields[4]) else { continue }
        if !pids.contains(pid) { pids.append(pid) }
      }
    }
    return pids
  }

  /// The whole of `/proc/locks` (nil where it cannot be read).
  static func readProcLocks() -> String? {
    let fd = open("/proc/locks", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count < 0 { if errno == EINTR { continue }; return nil }
      if count == 0 { return String(decoding: bytes, as: UTF8.self) }
      bytes += chunk[..<count]
    }
  }
}

/// Files and folders left by interrupted work: each name carries its writer's pid, and an entry is removed only
/// when that process is gone.
public enum Leftovers {
  /// Whether no process with this pid exists (a pid of a live process, reused or not, is never touched).
  public static func isDead(_ pid: Int32) -> Bool {
    guard pid > 0, pid != getpid() else { return false }
    return kill(pid, 0) != 0 && errno == ESRCH
  }

  /// The writer pid encoded in a leftover's name, for the temporary names the engine uses:
  /// `.warehouse-<pid>.sqlite`, `.staging-<cell>-<pid>`, `.old-<cell>-<pid>`, `.<name>.tmp-<pid>-<n>`,
  /// `.incoming-<pid>-<n>`, `<cell>-<pid>-<n>` (cell scratch) and `workbench-verify-<pid>-<n>`.
  public static func ownerPid(ofName name: String) -> Int32? {
    if name.hasPrefix(".warehouse-") {
      let rest = name.dropFirst(".warehouse-".count)
      return Int32(rest.prefix { $0.isNumber })
    }
    if name.hasPrefix(".staging-") || name.hasPrefix(".old-") {
      return name.split(separator: "-").last.flatMap { Int32($0) }
    }
    if let range = name.range(of: ".tmp-", options: .backwards) {
      return Int32(name[range.upperBound...].prefix { $0.isNumber })
    }
    // `<prefix>-<pid>-<random>`: the second-to-last dash-separated field.
    let parts = name.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count >= 3, UInt32(parts[parts.count - 1]) != nil || UInt64(parts[parts.count - 1]) != nil else { return nil }
    return Int32(parts[parts.count - 2])
  }

  /// Removes the entries of `directory` that `matches` accepts and whose writer is dead; returns how many.
  @discardableResult
  public static func removeDead(in directory: String, matching matches: (String) -> Bool) -> Int {
    var removed = 0
    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where matches(name) {
      guard let pid = ownerPid(ofName: name), isDead(pid) else { continue }
      FileSystem.removeItem((directory as NSString).appendingPathComponent(name))
      removed += 1
    }
    return removed
  }

  /// Removes the entries of `directory` that `matches` accepts and that this process wrote.
  public static func removeOwn(in directory: String, matching matches: (String) -> Bool) {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where matches(name) {
      guard ownerPid(ofName: name) == getpid() else { continue }
      FileSystem.removeItem((directory as NSString).appendingPathComponent(name))
    }
  }
}
