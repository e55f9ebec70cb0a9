import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Who is writing: host, process id and the process's start time, so that work left behind by a process that died
/// (a RUNNING run, a staging file) can be told from work still in progress — even when the pid was reused.
public struct ProcessIdentity: Sendable, Equatable, CustomStringConvertible {
  public var host: String
  public var pid: Int32
  /// Start time of the process in clock ticks since boot (`/proc/<pid>/stat` field 22); 0 when unknown.
  public var start: UInt64

  /// This process.
  public static let current = ProcessIdentity(host: ProcessInfo.processInfo.hostName, pid: getpid(), start: startTime(of: getpid()) ?? 0)

  /// `host pid start`, the value of the run tag `workbench.writer`.
  public var description: String { "\(host) \(pid) \(start)" }

  /// Parses `host pid start` (nil when malformed).
  public init?(_ text: String) {
    let parts = text.split(separator: " ")
    guard parts.count == 3, let pid = Int32(parts[1]), let start = UInt64(parts[2]) else { return nil }
    self.init(host: String(parts[0]), pid: pid, start: start)
  }

  public init(host: String, pid: Int32, start: UInt64) {
    self.host = host
    self.pid = pid
    self.start = start
  }

  /// True when this process is still running on this host, false when it is gone (or its pid now belongs to another
  /// process), nil when it ran on another host (cannot be checked from here).
  public var isAlive: Bool? {
    guard host == Self.current.host else { return nil }
    return Self.isRunning(pid: pid, start: start)
  }

  /// True when process `pid` exists and (when `start` is known) started at `start`.
  static func isRunning(pid: Int32, start: UInt64) -> Bool {
    guard pid > 0 else { return false }
    if kill(pid, 0) != 0 && errno != EPERM { return false }
    guard start != 0, let actual = startTime(of: pid) else { return true }
    return actual == start
  }

  /// Field 22 of `/proc/<pid>/stat` (nil where there is no /proc).
  static func startTime(of pid: Int32) -> UInt64? {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
    let text = String(decoding: data, as: UTF8.self)
    guard let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // After the command name come fields 3, 4, …: field 22 is at index 19.
    return fields.count > 19 ? UInt64(fields[19]) : nil
  }
}
