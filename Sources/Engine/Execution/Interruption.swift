import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT/SIGTERM handling for commands that execute cells (`run`, `verify`).
///
/// The signals are ignored at the process level and delivered to dispatch sources instead. On the first signal
/// the registered cancellations run (the run's task is cancelled: no further cell starts, sleeping or
/// cancellation-aware cells stop), child processes (gnuplot, git, …) and their process groups are killed,
/// and the engine unwinds: it marks the ledger row `interrupted`, keeps the last published outputs, removes its
/// temporary files and exits with 128 + the signal (130 for SIGINT, 143 for SIGTERM). A cell that ignores
/// cancellation is given ``gracePeriod`` seconds; then the cleanups run and the process exits anyway. The lock
/// files are released by the kernel at exit.
public final class Interruption: @unchecked Sendable {
  public static let shared = Interruption()

  /// Seconds a cell that ignores cancellation gets before the process exits regardless.
  let gracePeriod = 10.0
  private let lock = NSLock()
  private var sources: [any DispatchSourceSignal] = []
  private var received: Int32?
  private var cancellations: [Int: @Sendable () -> Void] = [:]
  private var cleanups: [Int: @Sendable () -> Void] = [:]
  private var nextToken = 0
  private let queue = DispatchQueue(label: "workbench.signals")

  /// The signal received, if any.
  public var signal: Int32? { lock.lock(); defer { lock.unlock() }; return received }

  /// Routes SIGINT and SIGTERM to this object (idempotent).
  public func install() {
    lock.lock(); defer { lock.unlock() }
    guard sources.isEmpty else { return }
    for sig in [SIGINT, SIGTERM] {
      Glibc.signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
      source.setEventHandler { [weak self] in self?.fire(sig) }
      source.resume()
      sources.append(source)
    }
  }

  /// Registers work to cancel on a signal; returns a token for ``remove(_:)``. Runs at once if a signal came already.
  public func onSignal(cancel: @escaping @Sendable () -> Void) -> Int {
    lock.lock()
    nextToken += 1
    let token = nextToken
    cancellations[token] = cancel
    let already = received != nil
    lock.unlock()
    if already { cancel() }
    return token
  }

  /// Registers a cleanup (removing a temporary folder) that must run before the process exits on a signal.
  public func onExit(cleanup: @escaping @Sendable () -> Void) -> Int {
    lock.lock(); defer { lock.unlock() }
    nextToken += 1
    cleanups[nextToken] = cleanup
    return nextToken
  }

  public func remove(_ token: Int) {
    lock.lock(); defer { lock.unlock() }
    cancellations[token] = nil
    cleanups[token] = nil
  }

  /// When a signal was received: runs the cleanups, says so and exits with 128 + the signal. Otherwise returns.
  public func exitIfInterrupted(_ message: String) {
    guard let sig = signal else { return }
    runCleanups()
    FileHandle.standardError.write(Data("\(message) (\(sig == SIGINT ? "SIGINT" : "SIGTERM"))\n".utf8))
    exit(128 + sig)
  }

  private func fire(_ sig: Int32) {
    lock.lock()
    let first = received == nil
    if first { received = sig }
    let cancel = Array(cancellations.values)
    lock.unlock()
    guard first else { return }
    for c in cancel { c() }
    // SIGKILL: a child may have inherited the ignored SIGINT/SIGTERM, and tools have nothing to save.
    Self.terminateChildren()
    queue.asyncAfter(deadline: .now() + gracePeriod) { [self] in
      runCleanups()
      Self.terminateChildren()
      FileHandle.standardError.write(Data("interrupted: a cell did not stop within \(Int(gracePeriod)) s; exiting\n".utf8))
      _exit(128 + sig)
    }
  }

  private func runCleanups() {
    lock.lock()
    let work = Array(cleanups.values)
    cleanups = [:]
    lock.unlock()
    for w in work { w() }
  }

  /// Signals every child of this process (and the process group it leads, as `ChildProcess` starts children in
  /// their own groups), found in `/proc`.
  static func terminateChildren(_ sig: Int32 = SIGKILL) {
    let me = getpid()
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
      guard let pid = Int32(entry), pid != me,
            let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
            let close = stat.range(of: ")", options: .backwards) else { continue }
      // Fields after the command name: state, ppid, pgrp, …
      let fields = stat[close.upperBound...].split(separator: " ")
      guard fields.count > 2, Int32(fields[1]) == me else { continue }
      if Int32(fields[2]) == pid { kill(-pid, sig) } else { kill(pid, sig) }
    }
  }
}
