import Engine
import Foundation
import Hummingbird
import Synchronization
import WorkbenchCore
import WorkbookModel

/// The outcome of one rerun of a watched workbook, sent to browsers as a server-sent event.
public struct RerunOutcome: Sendable, Equatable {
  public var succeeded: Bool
  /// One line: the counts of a successful run, or what failed and where.
  public var message: String
  public init(succeeded: Bool, message: String) {
    self.succeeded = succeeded
    self.message = message
  }

  /// `event: rerun` with `{"status": "succeeded"|"failed", "message": …}` as its data.
  public var serverSentEvent: String {
    let data = JSONValue.object(["status": .string(succeeded ? "succeeded" : "failed"), "message": .string(message)])
    return "event: rerun\ndata: \(String(decoding: data.serializedBytes(pretty: false), as: UTF8.self))\n\n"
  }
}

/// Fans rerun events out to every connected `/events` stream.
public final class ReportEvents: Sendable {
  private let subscribers = Mutex<[Int: AsyncStream<ByteBuffer>.Continuation]>([:])
  private let nextID = Atomic<Int>(0)

  public init() {}

  /// A stream that starts with a comment line (so clients see the connection open) and then carries every event.
  public func subscribe() -> AsyncStream<ByteBuffer> {
    let id = nextID.add(1, ordering: .relaxed).newValue
    let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingNewest(64))
    continuation.yield(ByteBuffer(string: ": connected\n\n"))
    continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
    subscribers.withLock { $0[id] = continuation }
    return stream
  }

  /// How many `/events` streams are open.
  public var subscriberCount: Int { subscribers.withLock { $0.count } }

  /// Ends every open stream (the server is stopping).
  public func finish() {
    for continuation in subscribers.withLock({ Array($0.values) }) { continuation.finish() }
  }

  public func publish(_ outcome: RerunOutcome) {
    let buffer = ByteBuffer(string: outcome.serverSentEvent)
    for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(buffer) }
  }
}

/// Polls the stat signatures (size, modification time, inode) of a workbook's files and reruns it when one changes.
/// It sleeps with `Task.sleep` between polls, so it never blocks the cooperative pool.
public enum WorkbookWatcher {
  /// A file's stat signature; nil when it does not exist.
  struct Signature: Equatable {
    var size: Int64
    var modified: Int64
    var inode: UInt64
  }

  static func signature(of path: String) -> Signature? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    #if os(Linux)
    let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    #else
    let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
    #endif
    return Signature(size: Int64(info.st_size), modified: modified, inode: UInt64(info.st_ino))
  }

  static func signatures(of paths: [String]) -> [String: Signature?] {
    Dictionary(paths.map { ($0, signature(of: $0)) }, uniquingKeysWith: { a, _ in a })
  }

  /// Until cancelled: every `interval`, compares the signatures of `paths()`; on a change, awaits `rerun`, publishes
  /// its outcome to `events` and logs it. `paths` is asked again after each rerun (the workbook may name new files).
  /// A change made during a rerun triggers the next one.
  public static func run(paths: @escaping @Sendable () -> [String], interval: Duration = .milliseconds(500),
                         events: ReportEvents, rerun: @escaping @Sendable () async -> RerunOutcome,
                         log: @escaping @Sendable (String) -> Void) async {
    var watched = paths()
    var baseline = signatures(of: watched)
    log("watching \(watched.count) file(s) for changes (the workbook, the files its cells read, its inputs)")
    while !Task.isCancelled {
      do { try await Task.sleep(for: interval) } catch { return }
      let now = signatures(of: watched)
      guard now != baseline else { continue }
      let changed = watched.filter { now[$0] != baseline[$0] }
      log("changed: \(changed.joined(separator: ", ")) — rerunning")
      let outcome = await rerun()
      events.publish(outcome)
      log(outcome.succeeded ? "rerun: \(outcome.message)" : "rerun failed (the last good report is kept): \(outcome.message)")
      let next = paths()
      // The signatures seen before the rerun, so an edit made while it ran is noticed at the next poll.
      var nextBaseline = signatures(of: next)
      for path in next { if let seen = now[path] { nextBaseline[path] = seen } }
      watched = next
      baseline = nextBaseline
    }
  }
}

/// A workbook run again by `serve --watch`, in this process with ``Engine/run(_:options:executor:observer:)`` as
/// `workbench run` does. Each rerun first runs into a trial folder (.workbench/serve/watch/<workbook>/); only when that
/// run succeeds is it published to outputs/<workbook>/ (every cell is then cached), so a failed rerun keeps the last
/// good report.
public final class WatchedWorkbook: Sendable {
  public let engine: Engine
  public let workbookPath: String
  public let overrides: [ParamOverride]
  private let lastPaths: Mutex<[String]>

  public init(engine: Engine, workbookPath: String, overrides: [ParamOverride]) {
    self.engine = engine
    self.workbookPath = workbookPath
    self.overrides = overrides
    lastPaths = Mutex([workbookPath])
  }

  /// The workbook YAML and every file its plan's cells read (`file:`, `track:` and input paths), absolute. When the
  /// workbook cannot be loaded (an edit in progress), the files of the last plan that could be made.
  public func watchedPaths() -> [String] {
    guard let wb = try? engine.load(workbookAt: workbookPath, overrides: overrides) else { return lastPaths.withLock { $0 } }
    var paths: Set<String> = [workbookPath]
    for cell in engine.plan(wb).cells {
      for file in (cell.components?.files.keys.map { $0 } ?? []) + (cell.recordedComponents?.files.keys.map { $0 } ?? []) {
        paths.insert(file.hasPrefix("/") ? file : engine.layout.root.appendingPathComponent(file).path)
      }
    }
    let sorted = paths.sorted()
    lastPaths.withLock { $0 = sorted }
    return sorted
  }

  /// Loads and runs the workbook into the trial folder, then, when it succeeded, publishes it to outputs/<workbook>/.
  public func rerun() async -> RerunOutcome {
    do {
      let wb = try engine.load(workbookAt: workbookPath, overrides: overrides)
      var options = RunOptions()
      options.overrides = overrides
      options.command = "serve --watch"
      let name = wb.workbook.name
      let trialFolder = engine.layout.stateDirectory.appendingPathComponent("serve/watch/\(name)")
      let trialLayout = ProjectLayout(root: engine.layout.root, stateDirectory: engine.layout.stateDirectory,
                                      outputsRoot: engine.layout.outputsRoot, outputOverride: trialFolder,
                                      cacheDirectory: engine.layout.cacheDirectory)
      let trial = try await Engine(layout: trialLayout, registry: engine.registry).run(wb, options: options)
      if trial.exitCode != 0 {
        let failed = trial.records.first { $0.status == .failed }
        let detail = failed.map { "cell `\($0.id)`: \($0.error?.message ?? $0.reason ?? "failed")" } ?? "status \(trial.status)"
        return RerunOutcome(succeeded: false, message: "\(name): \(detail)")
      }
      let published = try await engine.run(wb, options: options)
      guard published.exitCode == 0 else { return RerunOutcome(succeeded: false, message: "\(name): status \(published.status)") }
      let counts = Dictionary(grouping: trial.records, by: \.status).mapValues(\.count)
      return RerunOutcome(succeeded: true, message: "\(name): \(counts[.executed] ?? 0) executed, \(counts[.cached] ?? 0) cached")
    } catch {
      return RerunOutcome(succeeded: false, message: "\(error)")
    }
  }
}
