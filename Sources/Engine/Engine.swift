import Foundation
import Frame
import ProcessRunner
import Reporting
import WorkbookModel

/// Plans and executes workbooks with the content-addressed cache.
///
/// An engine holds the project lock (``ProjectLock``) for its lifetime: shared for commands that run, render,
/// verify, clean or inspect workbooks, exclusive for `gc` and `fsck`.
public final class Engine: Sendable {
  public let layout: ProjectLayout
  public let registry: KindRegistry
  let state: StateDatabase
  let store: CacheStore
  let tools: ToolFingerprints
  let projectLock: ProjectLock
  /// Prints a sentence for the user (waiting for a lock, a recovered state database).
  let notice: @Sendable (String) -> Void

  public init(layout: ProjectLayout, registry: KindRegistry, access: ProjectLock.Access = .shared,
              notice: @escaping @Sendable (String) -> Void = { _ in }) throws {
    self.layout = layout
    self.registry = registry
    self.notice = notice
    try FileManager.default.createDirectory(at: layout.stateDirectory, withIntermediateDirectories: true)
    projectLock = try ProjectLock(path: layout.stateDirectory.appendingPathComponent("project.lock").path, access: access, onWait: notice)
    state = try Self.openState(layout: layout, lock: projectLock, notice: notice)
    store = try CacheStore(root: layout.cacheDirectory, state: state)
    tools = ToolFingerprints(registry: registry, state: state)
  }

  /// Opens the state database; a damaged one is moved aside (with the project to ourselves, so no other command has
  /// it open) and replaced by a fresh one whose last good states are rebuilt from the `run.json` files in outputs/.
  /// The cache needs no repair: it is content-addressed, so the next run finds its entries again by key.
  static func openState(layout: ProjectLayout, lock: ProjectLock, notice: (String) -> Void) throws -> StateDatabase {
    do {
      return try StateDatabase(path: layout.stateDatabasePath)
    } catch let damaged as StateDatabaseDamaged {
      return try lock.whileExclusive(onWait: notice) {
        // Another command may have repaired it while we waited.
        if let repaired = try? StateDatabase(path: layout.stateDatabasePath) { return repaired }
        return try replaceState(layout: layout, problem: damaged.description, notice: notice)
      }
    }
  }

  /// Moves the state database files aside as `state.sqlite.damaged-<time>` and creates a new database whose last good
  /// states are rebuilt from outputs/*/run.json. The caller must have the project to itself.
  static func replaceState(layout: ProjectLayout, problem: String, notice: (String) -> Void) throws -> StateDatabase {
    let path = layout.stateDatabasePath
    let aside = path + ".damaged-\(StateDatabase.timestamp().filter { $0.isNumber })"
    for suffix in ["", "-wal", "-shm"] where FileSystem.exists(path + suffix) {
      guard rename(path + suffix, aside + suffix) == 0 else {
        throw EngineError("\(problem); it cannot be moved aside: \(String(cString: strerror(errno)))",
                          hint: "move \(path) away by hand; the cache is kept")
      }
    }
    let fresh = try StateDatabase(path: path)
    let rebuilt = fresh.rebuildState(fromOutputs: layout.outputsRoot)
    notice("warning: \(problem). It was moved to \(aside) and a new one created: the last good state of "
           + "\(rebuilt) cell(s) was rebuilt from outputs/*/run.json, file hashes are recomputed as needed, the run "
           + "history stays in the moved file; cached results are reused by key")
    return fresh
  }

  // MARK: Loading

  /// Reads, parses and validates a workbook file.
  public func load(workbookAt path: String, overrides: [ParamOverride] = []) throws(Diagnostics) -> ValidatedWorkbook {
    let display = Self.displayPath(path, root: layout.root)
    guard let data = FileManager.default.contents(atPath: path) else {
      throw Diagnostics([.error("cannot read workbook `\(display)`", hint: "check the path")])
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw Diagnostics([.error("workbook `\(display)` is not UTF-8 text", at: SourceLocation(file: display, line: 1, column: 1))])
    }
    let workbook = try Workbook.parse(text, file: display)
    return try WorkbookValidator.validate(workbook, kinds: registry.descriptors, overrides: overrides)
  }

  static func displayPath(_ path: String, root: URL) -> String {
    let abs = URL(fileURLWithPath: path, relativeTo: root).standardizedFileURL.path
    let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
    return abs.hasPrefix(prefix) ? String(abs.dropFirst(prefix.count)) : path
  }

  // MARK: Running

  /// Runs a workbook: stale cells execute in this process (at most `options.jobs` at a time) or, with an
  /// `executor`, wherever it sends them (see ``CellExecutor``); outputs are published the same way either way.
  public func run(_ workbook: ValidatedWorkbook, options: RunOptions = RunOptions(), executor: (any CellExecutor)? = nil,
                  observer: any RunObserver = SilentObserver()) async throws -> RunSummary {
    let name = workbook.workbook.name
    try OutputWriter(engine: self).checkDestination(workbook: name)  // before executing anything
    let lock = try await WorkbookLock.acquire(path: layout.lockPath(workbook: name)) { holder in
      observer.waitingForLock(workbook: name, holder: holder)
    }
    defer { withExtendedLifetime(lock) {} }
    removeLeftovers(workbook: name)
    let runId = state.beginRun(workbook: name, command: Redaction.redact(options.command), params: Redaction.redact(.object(workbook.params)))
    let context = ExecutionContext(
      engine: self, workbook: workbook, store: store, state: state, force: options.force,
      verification: false, environment: options.environment, runId: runId, observer: observer)
    let selected = options.selectedCells.isEmpty ? Set(workbook.order) : workbook.closure(of: options.selectedCells)
    let records: [CellRecord]
    if let executor {
      records = try await Self.interruptible {
        try await self.executeRemotely(workbook, options: options, executor: executor, runId: runId, observer: observer)
      }
    } else {
      // The run executes from its plan: cells the plan finds cached are taken as they are, the others run.
      let plan = options.force ? nil : self.plan(workbook, definitions: false)  // executed here, not handed on
      records = try await Self.interruptible { try await context.execute(selected: selected, jobs: max(1, options.jobs), plan: plan) }
    }
    if Interruption.shared.signal != nil {
      state.finishRun(runId, status: "interrupted")
      removeLeftovers(workbook: name, ownedByThisProcess: true)
      Interruption.shared.exitIfInterrupted("interrupted: run of `\(name)` abandoned; finished cells are cached, outputs/\(name) is as the last run left it")
    }
    var warnings = workbook.warnings.map(\.description)
    warnings += records.flatMap { r in r.warnings.map { "\(r.id): \($0)" } }
    let summary: RunSummary
    do {
      summary = try OutputWriter(engine: self).publish(
        RunSummary(workbook: workbook, records: records, warnings: warnings, outputsDirectory: layout.outputs(workbook: name)),
        gates: options.gates, memo: context.tableMemo)
    } catch {
      state.finishRun(runId, status: "failed")
      throw error
    }
    state.finishRun(runId, status: summary.status)
    return summary
  }

  /// Runs `body` in a task that SIGINT/SIGTERM cancel (see ``Interruption``).
  static func interruptible<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
    Interruption.shared.install()
    let task = Task { try await body() }
    let token = Interruption.shared.onSignal { task.cancel() }
    defer { Interruption.shared.remove(token) }
    return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
  }

  /// Removes what interrupted commands left: cell scratch folders, half-written cache files, the warehouse's temp
  /// file and staging folders of `workbook`'s outputs, `verify` scratch caches, and marks their ledger rows
  /// `interrupted`. Only entries of dead processes are touched, or with `ownedByThisProcess`, this process's own.
  public func removeLeftovers(workbook: String?, ownedByThisProcess: Bool = false) {
    let remove: (String, (String) -> Bool) -> Void = { dir, matches in
      if ownedByThisProcess { Leftovers.removeOwn(in: dir, matching: matches) } else { Leftovers.removeDead(in: dir, matching: matches) }
    }
    remove(layout.stateDirectory.appendingPathComponent("tmp").path) { _ in true }
    // A shared cache's temp files may be those of live writers on other machines (a pid says nothing there):
    // `gc` removes them once older than its grace period.
    if !layout.hasSharedCache { remove(layout.cacheDirectory.appendingPathComponent("blobs").path) { $0.hasPrefix(".") } }
    if workbook == nil && !layout.hasSharedCache {
      // `gc` and `fsck`: also the temp files of atomic writes inside the cache's fan-out folders.
      for folder in ["blobs", "manifests"] {
        for dir in FileSystem.subdirectories(of: layout.cacheDirectory.appendingPathComponent(folder).path) {
          remove(dir) { $0.hasPrefix(".") }
        }
      }
    }
    // Staging folders of publications (`outputs/.<workbook>.staging-<pid>-<n>`).
    remove(layout.outputsRoot.path) { $0.hasPrefix(".") }
    let workbooks = workbook.map { [$0] } ?? ((try? FileManager.default.contentsOfDirectory(atPath: layout.outputsRoot.path)) ?? [])
      .filter { !$0.hasPrefix(".") }
    for wb in workbooks {
      let out = layout.outputs(workbook: wb)
      remove(out.path) { $0.hasPrefix(".") }
      remove(out.appendingPathComponent("cells").path) { $0.hasPrefix(".") }
    }
    remove(FileManager.default.temporaryDirectory.path) { $0.hasPrefix("workbench-verify-") }
    if !ownedByThisProcess { state.closeAbandonedRuns() }
  }

  /// Loads an artifact of a stored manifest (verified).
  func artifactBytes(_ manifest: Manifest, _ name: String) throws -> [UInt8] {
    guard let a = manifest.artifact(name) else { throw EngineError("cell `\(manifest.cell)` has no output `\(name)`") }
    return try store.blob(a.digest)
  }

  func manifest(forKey key: String) -> Manifest? { try? store.manifest(key) }

  /// The last good state of every cell of a workbook (key and output digest).
  public func recordedState(workbook: String) -> [String: (key: String, outputDigest: String)] {
    state.state(workbook: workbook)
  }

  // MARK: Maintenance

  /// Removes a workbook's outputs and its recorded state (the shared cache stays; `gc` frees it). Waits for a run
  /// of the workbook to finish first.
  public func clean(workbook: String) throws {
    let lock = try WorkbookLock(path: layout.lockPath(workbook: workbook)) { holder in
      notice("waiting: another run of workbook `\(workbook)` is in progress\(holder.map { " (pid \($0))" } ?? ""); cleaning when it ends")
    }
    defer { withExtendedLifetime(lock) {} }
    FileSystem.removeItem(layout.outputs(workbook: workbook).path)
    state.clearState(workbook: workbook)
  }

  /// How long `gc` leaves anything new in a shared cache alone (default 24 hours): a job elsewhere may be writing an
  /// entry whose manifest (written last) does not exist yet, or one this project's state does not know.
  public static let sharedCacheGracePeriod: TimeInterval = 24 * 3600

  /// Deletes cache entries no workbook's last good state refers to, and what interrupted commands left behind.
  /// On a shared cache (``ProjectLayout/hasSharedCache``) nothing younger than `gracePeriod` (default
  /// ``sharedCacheGracePeriod``) and no blob a remaining manifest references is deleted.
  /// Needs an engine opened with `.exclusive` access. Throws, deleting nothing, when the state cannot be read.
  public func collectGarbage(gracePeriod: TimeInterval? = nil) throws -> CacheStore.GarbageReport {
    guard projectLock.access == .exclusive else {
      throw EngineError("gc needs the project to itself", hint: "open the engine with exclusive access")
    }
    let keep: Set<String>
    do {
      keep = try state.allStateKeys()
    } catch {
      throw EngineError("cannot read the recorded state (\(error)); nothing was deleted",
                        hint: "run `workbench fsck` to check the state database and the cache")
    }
    removeLeftovers(workbook: nil)
    return store.collectGarbage(keep: keep, gracePeriod: layout.hasSharedCache ? (gracePeriod ?? Self.sharedCacheGracePeriod) : gracePeriod)
  }

  /// Re-hashes every cache blob (see ``CacheStore/checkIntegrity()``) and checks the state database, replacing it
  /// (moved aside, rebuilt from run.json) when SQLite finds it damaged.
  public func checkIntegrity() throws -> (stateProblem: String?, cache: CacheStore.IntegrityReport) {
    guard projectLock.access == .exclusive else {
      throw EngineError("fsck needs the project to itself", hint: "open the engine with exclusive access")
    }
    removeLeftovers(workbook: nil)
    let cache = store.checkIntegrity()
    let problem = state.integrityProblem()
    if let problem {
      // This engine keeps its (moved) handle until it ends; the next command opens the new database.
      _ = try Self.replaceState(layout: layout, problem: "the state database \(layout.stateDatabasePath) is damaged: \(problem)",
                                notice: notice)
    }
    return (problem, cache)
  }

  public func recentRuns(workbook: String) -> [StateDatabase.RunRecord] { state.recentRuns(workbook: workbook) }
}

/// Version text of external tools. Asking a tool its version costs a process start (tens of milliseconds), so
/// the answer is remembered in the stat cache under the executable's `(size, mtime, inode)`: a no-op run only
/// `stat`s the binary, and upgrading the tool changes the signature and so re-asks it.
final class ToolFingerprints: @unchecked Sendable {
  let registry: KindRegistry
  let state: StateDatabase
  private var cache: [String: String] = [:]
  private let lock = NSLock()
  init(registry: KindRegistry, state: StateDatabase) {
    self.registry = registry
    self.state = state
  }

  func version(of tool: String) -> String {
    lock.lock()
    if let v = cache[tool] { lock.unlock(); return v }
    lock.unlock()
    let v = lookup(tool)
    lock.lock(); cache[tool] = v; lock.unlock()
    return v
  }

  private func lookup(_ tool: String) -> String {
    let path = ChildProcess.resolve(tool)
    let key = path.map { "tool-version:" + URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    if let key, let s = FileSystem.statSignature(String(key.dropFirst("tool-version:".count))),
       let known = state.cachedDigest(path: key, signature: s)
    {
      return known
    }
    let v = registry.tools[tool]?() ?? "unknown"
    if let key, let s = FileSystem.statSignature(String(key.dropFirst("tool-version:".count))) {
      state.recordDigest(path: key, signature: s, digest: v)
    }
    return v
  }
}
