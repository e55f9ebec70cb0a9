import Foundation
import Frame
import ProcessRunner
import Reporting
import WorkbookModel

/// Options of one `workbench run`.
public struct RunOptions: Sendable {
  public var overrides: [ParamOverride] = []
  /// Run only these cells (and what they depend on). Empty = all.
  public var selectedCells: [String] = []
  /// Re-execute even when a cached result exists.
  public var force = false
  /// How many independent cells may execute at once.
  public var jobs = 1
  public var environment: [String: String] = ProcessInfo.processInfo.environment
  /// The command line, recorded in the ledger.
  public var command = "run"
  public init() {}
}

/// The outcome of a run.
public struct RunSummary: Sendable {
  public var workbook: ValidatedWorkbook
  /// In file order.
  public var records: [CellRecord]
  public var warnings: [String]
  public var outputsDirectory: URL
  /// Warnings about the run's outputs themselves (e.g. the warehouse left unchanged), also in `warnings`.
  public var outputWarnings: [String] = []
  /// Cells `render` could not take from the cache.
  public var staleCells: [String] = []
  public var exitCode: Int32 { records.contains { $0.status == .failed } || !staleCells.isEmpty ? 1 : 0 }
  public func record(_ id: String) -> CellRecord? { records.first { $0.id == id } }
}

/// Plans and executes workbooks with the content-addressed cache.
public final class Engine: Sendable {
  public let layout: ProjectLayout
  public let registry: KindRegistry
  let state: StateDatabase
  let store: CacheStore
  let tools: ToolFingerprints

  public init(layout: ProjectLayout, registry: KindRegistry) throws {
    self.layout = layout
    self.registry = registry
    try FileManager.default.createDirectory(at: layout.stateDirectory, withIntermediateDirectories: true)
    state = try StateDatabase(path: layout.stateDatabasePath)
    store = try CacheStore(root: layout.cacheDirectory, state: state)
    tools = ToolFingerprints(registry: registry, state: state)
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

  public func run(_ workbook: ValidatedWorkbook, options: RunOptions = RunOptions(),
                  observer: any RunObserver = SilentObserver()) async throws -> RunSummary {
    let name = workbook.workbook.name
    let lock = try WorkbookLock(path: layout.lockPath(workbook: name)) { holder in
      observer.waitingForLock(workbook: name, holder: holder)
    }
    defer { withExtendedLifetime(lock) {} }
    let runId = state.beginRun(workbook: name, command: options.command, params: .object(workbook.params))
    let context = ExecutionContext(
      engine: self, workbook: workbook, store: store, state: state, materialize: true, force: options.force,
      verification: false, environment: options.environment, runId: runId, observer: observer)
    let selected = options.selectedCells.isEmpty ? Set(workbook.order) : workbook.closure(of: options.selectedCells)
    let records = try await context.execute(selected: selected, jobs: max(1, options.jobs))
    var warnings = workbook.warnings.map(\.description)
    warnings += records.flatMap { r in r.warnings.map { "\(r.id): \($0)" } }
    let summary = try OutputWriter(engine: self).writeRunOutputs(
      RunSummary(workbook: workbook, records: records, warnings: warnings, outputsDirectory: layout.outputs(workbook: name)))
    state.finishRun(runId, status: summary.exitCode == 0 ? "succeeded" : "failed")
    return summary
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

  /// Removes a workbook's outputs and its recorded state (the shared cache stays; `gc` frees it).
  public func clean(workbook: String) {
    FileSystem.removeItem(layout.outputs(workbook: workbook).path)
    state.clearState(workbook: workbook)
  }

  /// Deletes cache entries no workbook's last good state refers to.
  public func collectGarbage() -> CacheStore.GarbageReport {
    store.collectGarbage(keep: state.allStateKeys())
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
       let known = state.cachedDigest(path: key, size: s.size, mtimeNs: s.mtimeNs, inode: s.inode)
    {
      return known
    }
    let v = registry.tools[tool]?() ?? "unknown"
    if let key, let s = FileSystem.statSignature(String(key.dropFirst("tool-version:".count))) {
      state.recordDigest(path: key, size: s.size, mtimeNs: s.mtimeNs, inode: s.inode, digest: v)
    }
    return v
  }
}
