import Foundation
import Frame
import Reporting
import WorkbookModel

/// One execution of a workbook (a run, or the scratch re-execution of `verify`): schedules cells as their
/// dependencies finish, at most `jobs` at a time, and turns each into a ``CellRecord``.
final class ExecutionContext: Sendable {
  let engine: Engine
  let workbook: ValidatedWorkbook
  let store: CacheStore
  let state: StateDatabase
  let force: Bool
  let verification: Bool
  let environment: [String: String]
  let runId: Int64?
  let observer: any RunObserver
  /// Tables produced or decoded during this execution, by blob digest: a table written by one cell and read by
  /// several dependents is decoded (and hash-verified) once, not once per reader.
  let tableMemo = TableMemo()

  init(engine: Engine, workbook: ValidatedWorkbook, store: CacheStore, state: StateDatabase,
       force: Bool, verification: Bool, environment: [String: String], runId: Int64?, observer: any RunObserver) {
    self.engine = engine
    self.workbook = workbook
    self.store = store
    self.state = state
    self.force = force
    self.verification = verification
    self.environment = environment
    self.runId = runId
    self.observer = observer
  }

  /// Runs the selected cells, each once all its dependencies finished, at most `jobs` at a time; among the ready
  /// cells the earliest in `workbook.order` starts first. O((cells + edges) · log cells): dependents are indexed
  /// once and ready cells kept in a heap. Once the surrounding task is cancelled (SIGINT/SIGTERM), no further cell
  /// starts: the remaining ones are recorded as skipped.
  func execute(selected: Set<String>, jobs: Int) async throws -> [CellRecord] {
    let order = workbook.order
    var position: [String: Int] = [:]
    position.reserveCapacity(order.count)
    for (i, id) in order.enumerated() { position[id] = i }
    var waitingOn = [Int](repeating: 0, count: order.count)
    var dependents = [[Int]](repeating: [], count: order.count)
    for (i, id) in order.enumerated() {
      let deps = workbook.cell(id)!.dependencies
      waitingOn[i] = deps.count
      for d in deps { dependents[position[d]!].append(i) }
    }
    var ready = MinHeap()
    for i in order.indices where waitingOn[i] == 0 { ready.push(i) }
    var finished: [String: CellRecord] = [:]
    finished.reserveCapacity(order.count)
    var running = 0
    let state = self.state, runId = self.runId, observer = self.observer

    func finish(_ record: CellRecord, log: Bool) {
      finished[record.id] = record
      if log {
        record.log(to: state, run: runId)
        observer.cellFinished(record)
      }
      for j in dependents[position[record.id]!] {
        waitingOn[j] -= 1
        if waitingOn[j] == 0 { ready.push(j) }
      }
    }

    await withTaskGroup(of: CellRecord.self) { group in
      while true {
        while running < jobs, let i = ready.pop() {
          let id = order[i]
          let cell = workbook.cell(id)!
          if !selected.contains(id) {
            finish(CellRecord(id: id, kind: cell.kind.name, status: .skipped, reason: "not selected (--cell)"), log: false)
            continue
          }
          if let bad = cell.dependencies.first(where: { finished[$0]!.status == .failed || finished[$0]!.status == .skipped }) {
            let why = finished[bad]!.status == .failed ? "upstream cell `\(bad)` failed" : "upstream cell `\(bad)` was skipped"
            finish(CellRecord(id: id, kind: cell.kind.name, status: .skipped, reason: why), log: true)
            continue
          }
          if Task.isCancelled {
            finish(CellRecord(id: id, kind: cell.kind.name, status: .skipped, reason: "interrupted before it started"), log: true)
            continue
          }
          let upstream = Dictionary(uniqueKeysWithValues: cell.dependencies.map { ($0, finished[$0]!) })
          running += 1
          group.addTask { await self.runCell(cell, upstream: upstream) }
        }
        guard running > 0, let record = await group.next() else { break }
        running -= 1
        finish(record, log: true)
      }
    }
    return workbook.cells.map { finished[$0.id]! }
  }

  // MARK: One cell

  struct Prepared {
    var options: CellOptions
    var components: KeyComponents
    var key: String
  }

  func runCell(_ cell: PlannedCell, upstream: [String: CellRecord]) async -> CellRecord {
    let kind = cell.kind.name
    var warnings: [String] = []
    let prepared: Prepared
    do {
      guard let p = try prepare(cell, upstream: upstream) else {
        return CellRecord(id: cell.id, kind: kind, status: .skipped, reason: "condition `when` is false")
      }
      prepared = p
    } catch {
      return CellRecord(id: cell.id, kind: kind, status: .failed, reason: Self.describe(error))
    }

    if !force {
      do {
        if let manifest = try store.manifest(prepared.key) {
          if let problem = store.verify(manifest) {
            warnings.append(problem.description)
            observer.warning("\(cell.id): \(problem.description)")
            store.removeManifest(prepared.key)
          } else {
            if !verification { state.setState(workbook: workbook.workbook.name, cell: cell.id, key: manifest.key, outputDigest: manifest.outputDigest) }
            return CellRecord(id: cell.id, kind: kind, status: .cached, key: manifest.key, outputDigest: manifest.outputDigest,
                              durationMs: 0, warnings: manifest.warnings, manifest: manifest)
          }
        }
      } catch {
        warnings.append(error.description)
        observer.warning("\(cell.id): \(error.description)")
        store.removeManifest(prepared.key)
      }
    }

    observer.cellStarted(cell.id, kind: kind)
    guard let implementation = engine.registry.implementations[kind] else {
      return CellRecord(id: cell.id, kind: kind, status: .failed, reason: "no implementation for kind `\(kind)`")
    }
    let scratch = engine.layout.stateDirectory.appendingPathComponent("tmp/\(cell.id)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { FileSystem.removeItem(scratch.path) }
    let upstreamAccess = upstreamAccessors(upstream)
    let observer = self.observer
    let context = CellContext(
      cellId: cell.id, kind: kind, options: prepared.options, params: prepared.components.params, workbookName: workbook.workbook.name,
      projectRoot: engine.layout.root, scratchDirectory: scratch, cacheDirectory: store.root, workbookFile: workbook.workbook.file, cacheKey: prepared.key,
      toolVersions: prepared.components.tools, environment: environment, isVerification: verification,
      upstream: { id in
        guard let u = upstreamAccess[id] else {
          throw CellError("cell `\(id)` is not an input of this cell", hint: "reference it in an option so it becomes a dependency")
        }
        return u
      },
      progress: { c, f, d in observer.progress(cell: c, fraction: f, detail: d) })

    let clock = ContinuousClock()
    let start = clock.now
    let output: CellOutput
    do {
      output = try await implementation.run(context)
    } catch {
      let ms = Self.milliseconds(clock.now - start)
      return CellRecord(id: cell.id, kind: kind, status: .failed, key: prepared.key, durationMs: ms,
                        reason: Task.isCancelled ? "interrupted (the run was cancelled)" : Self.describe(error), warnings: warnings)
    }
    let ms = Self.milliseconds(clock.now - start)
    do {
      let manifest = try store(output, cell: cell, prepared: prepared, durationMs: ms)
      if let failure = output.failure {  // outputs shown, but the cell failed: not recorded as its last good state
        return CellRecord(id: cell.id, kind: kind, status: .failed, key: manifest.key, outputDigest: manifest.outputDigest,
                          durationMs: ms, reason: failure, warnings: warnings + output.warnings, manifest: manifest)
      }
      if !verification {
        state.setState(workbook: workbook.workbook.name, cell: cell.id, key: manifest.key, outputDigest: manifest.outputDigest)
      }
      return CellRecord(id: cell.id, kind: kind, status: .executed, key: manifest.key, outputDigest: manifest.outputDigest,
                        durationMs: ms, warnings: warnings + output.warnings, manifest: manifest)
    } catch {
      return CellRecord(id: cell.id, kind: kind, status: .failed, key: prepared.key, durationMs: ms,
                        reason: "could not store outputs: \(Self.describe(error))", warnings: warnings)
    }
  }

  /// Stores every output as a blob and writes the manifest last.
  func store(_ output: CellOutput, cell: PlannedCell, prepared: Prepared, durationMs: Int) throws -> Manifest {
    var artifacts: [ArtifactRecord] = []
    var names = Set<String>()
    func claim(_ name: String) throws {
      guard OutputNames.isSafe(name) else {
        throw CellError("cell produced an output with an unsafe name `\(name)`",
                        hint: "output names are plain file names (letters, digits, `.`, `_`, `-`) inside the cell's folder")
      }
      guard names.insert(name).inserted else { throw CellError("cell produced two outputs named `\(name)`") }
    }
    func add(_ name: String, _ role: ArtifactRecord.Role, _ bytes: [UInt8]) throws {
      try claim(name)
      let digest = try store.putBlob(bytes)
      artifacts.append(ArtifactRecord(name: name, role: role, digest: digest, size: bytes.count, rows: nil))
    }
    try add("result.json", .result, output.result.serializedBytes())
    let report = try JSONEncoder.sorted.encode(output.report)
    try add("report.json", .report, [UInt8](report))
    for t in output.tables {
      let name = t.name + OutputNames.tableSuffix
      try claim(name)
      // Streamed: hashed and written piece by piece, never encoded whole in memory.
      let (digest, size) = try store.putBlob { sink in FrameCodec.encode(t.frame, to: sink) }
      artifacts.append(ArtifactRecord(name: name, role: .table, digest: digest, size: size, rows: t.frame.rowCount))
      tableMemo.put(digest, t.frame)
    }
    for f in output.files { try add(f.name, .file, f.bytes) }
    var manifest = Manifest(key: prepared.key, cell: cell.id, workbook: workbook.workbook.name,
                            components: prepared.components, artifacts: artifacts,
                            outputDigest: Manifest.outputDigest(of: artifacts), warnings: output.warnings,
                            durationMs: durationMs)
    manifest.notes = output.notes
    manifest.cacheFiles = output.cacheFiles
    if !output.provisional && output.failure == nil { try store.putManifest(manifest) }  // neither is reused
    return manifest
  }

  func upstreamAccessors(_ upstream: [String: CellRecord]) -> [String: UpstreamOutput] {
    var out: [String: UpstreamOutput] = [:]
    let store = self.store
    let memo = tableMemo
    for (id, record) in upstream {
      guard let m = record.manifest else { continue }
      let result = (try? store.blob(m.artifact("result.json")?.digest ?? "")).flatMap { try? JSONValue.parse($0) } ?? .object([:])
      out[id] = UpstreamOutput(
        result: result,
        tableNames: m.tables.map { String($0.name.dropLast(OutputNames.tableSuffix.count)) },
        fileNames: m.files.map(\.name),
        loadTable: { name in
          guard let a = m.artifact(name + OutputNames.tableSuffix) else { throw CellError("cell `\(id)` has no table `\(name)`") }
          if let frame = memo.get(a.digest) { return frame }
          let bytes = try store.blob(a.digest)
          do {
            let frame = try FrameCodec.decode(bytes)
            memo.put(a.digest, frame)
            return frame
          } catch {
            throw CellError("table `\(name)` of cell `\(id)` cannot be decoded: \(error)", hint: "run `workbench clean` and rerun")
          }
        },
        loadFile: { name in
          guard let a = m.artifact(name), a.role == .file else { throw CellError("cell `\(id)` has no output file `\(name)`") }
          return try store.blob(a.digest)
        })
    }
    return out
  }

  // MARK: Key

  /// Resolves options and computes the cache key; nil when the `when:` condition is false.
  func prepare(_ cell: PlannedCell, upstream: [String: CellRecord]) throws -> Prepared? {
    var results: [String: JSONValue] = [:]
    func lookup(_ ref: TemplateReference) throws -> JSONValue {
      if ref.path.isEmpty {
        guard let v = workbook.params[ref.root] else { throw CellError("undefined param `\(ref.root)`", at: ref.location) }
        return v
      }
      if results[ref.root] == nil {
        guard let m = upstream[ref.root]?.manifest, let a = m.artifact("result.json") else {
          throw CellError("cell `\(ref.root)` has no result", at: ref.location)
        }
        results[ref.root] = try JSONValue.parse(try store.blob(a.digest))
      }
      let root = results[ref.root]!
      guard let v = root.value(atPath: ref.path) else {
        // Suggest the keys available at the deepest level that exists.
        var node = root
        var i = 0
        while i < ref.path.count, let next = node.value(atPath: [ref.path[i]]) { node = next; i += 1 }
        let keys = node.objectValue.map { Array($0.keys) } ?? []
        throw CellError("`${\(ref.text)}`: the result of cell `\(ref.root)` has no field `\(ref.path[min(i, ref.path.count - 1)])`",
                        at: ref.location,
                        hint: Suggest.hint(for: ref.path[min(i, ref.path.count - 1)], in: keys)
                          ?? (keys.isEmpty ? nil : "fields: \(keys.sorted().prefix(12).joined(separator: ", "))"))
      }
      return v
    }

    if let condition = cell.condition {
      var failure: (any Error)?
      let ok: Bool
      do {
        ok = try condition.evaluate { ref in
          do { return try lookup(ref) } catch { failure = error; return nil }
        }
      } catch {
        if let failure { throw failure }
        throw CellError("`when`: \(error.message)", at: cell.spec.when?.location)
      }
      if !ok { return nil }
    }

    var values: [String: JSONValue] = [:]
    var locations: [String: SourceLocation] = [:]
    for o in cell.spec.options {
      values[o.key] = try resolve(o.value, lookup: lookup)
      locations[o.key] = o.value.location
    }
    var defaults: [String: JSONValue] = [:]
    for spec in cell.kind.options { if let d = spec.defaultValue { defaults[spec.name] = d } }

    // Input files.
    var files: [String: String] = [:]
    for node in cell.inputPaths {
      let resolved = try resolve(node, lookup: lookup)
      let paths: [String] = resolved.arrayValue?.compactMap(\.stringValue) ?? resolved.stringValue.map { [$0] } ?? []
      // An empty path (`--param shots=`) is an error here, so `status` reports it as `run` does.
      for p in paths where !p.contains("://") {
        for file in try InputFiles.expand(p, root: engine.layout.root, location: node.location) {
          files[Engine.displayPath(file, root: engine.layout.root)] = try state.digest(ofFile: file)
        }
      }
    }

    // Canonical spec: options as written, minus those equal to their default; `when` as text.
    var canonical: [String: JSONValue] = [:]
    for o in cell.spec.options {
      let json = o.value.json
      if let d = cell.kind.option(named: o.key)?.defaultValue, d == json { continue }
      canonical[o.key] = Self.orderPreserving(o.value)
    }
    var spec: [String: JSONValue] = ["options": .object(canonical)]
    if let when = cell.spec.when { spec["when"] = when.json }

    let options = CellOptions(values: values, locations: locations, cellLocation: cell.spec.location, defaults: defaults,
                              nodes: Dictionary(cell.spec.options.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }))
    var tools = Dictionary(uniqueKeysWithValues: cell.kind.tools.map { ($0, engine.tools.version(of: $0)) })
    if let environment = engine.registry.implementations[cell.kind.name]?.environment {
      tools.merge(try environment(options, FingerprintMemo(state: state, projectRoot: engine.layout.root))) { _, new in new }
    }
    let components = KeyComponents(
      scheme: cacheSchemeVersion, kind: cell.kind.name, kindVersion: cell.kind.version, spec: .object(spec),
      // Credentials redacted: manifests are stored in the cache and shown by `explain` (see Redaction).
      params: Dictionary(uniqueKeysWithValues: cell.paramsUsed.map { ($0, Redaction.redact(workbook.params[$0] ?? .null)) }),
      upstream: Dictionary(uniqueKeysWithValues: cell.dependencies.compactMap { d in upstream[d]?.outputDigest.map { (d, $0) } }),
      files: files,
      tools: tools)
    return Prepared(options: options, components: components, key: components.key)
  }

  /// An option value for the cache key. Top-level option order is cosmetic (the options object is sorted), but
  /// inside a value a mapping's key order can carry meaning (`derive: {a: …, b: "a * 2"}`), so nested mappings
  /// are encoded as ordered `[key, value]` pairs. Scalars and lists are as written.
  static func orderPreserving(_ node: SpecNode) -> JSONValue {
    switch node.value {
    case .list(let l): return .array(l.map(orderPreserving))
    case .map(let m): return .object(["ordered": .array(m.map { .array([.string($0.key), orderPreserving($0.value)]) })])
    default: return node.json
    }
  }

  /// Substitutes `${…}` references: a string that is exactly one reference takes the referenced value's type.
  func resolve(_ node: SpecNode, lookup: (TemplateReference) throws -> JSONValue) throws -> JSONValue {
    switch node.value {
    case .string(let s) where s.contains("$"):
      let template = try Template.parse(s, at: node.location, quoted: node.quoted)
      if let ref = template.soleReference { return try lookup(ref) }
      var out = ""
      for part in template.parts {
        switch part {
        case .literal(let l): out += l
        case .reference(let r): out += try lookup(r).displayText
        }
      }
      return .string(out)
    case .list(let l): return .array(try l.map { try resolve($0, lookup: lookup) })
    case .map(let m):
      var o: [String: JSONValue] = [:]
      for e in m { o[e.key] = try resolve(e.value, lookup: lookup) }
      return .object(o)
    default: return node.json
    }
  }

  static func milliseconds(_ d: Duration) -> Int {
    Int(d.components.seconds) * 1000 + Int(d.components.attoseconds / 1_000_000_000_000_000)
  }

  static func describe(_ error: any Error) -> String {
    if let d = error as? Diagnostics { return d.items.map(\.description).joined(separator: "; ") }
    return String(describing: error)
  }
}

extension CellRecord {
  func log(to state: StateDatabase, run: Int64?) {
    guard let run else { return }
    state.recordExecution(run: run, cell: id, kind: kind, status: status.rawValue, key: key, outputDigest: outputDigest,
                          durationMs: durationMs, reason: reason.map(Redaction.redact))
  }
}

/// Naming rules for cell outputs (they become files under `outputs/<workbook>/cells/<id>/`).
public enum OutputNames {
  public static let tableSuffix = ".wbf"
  /// Plain names only: no separators, no `..`, not hidden, bounded length.
  public static func isSafe(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 200 && !name.hasPrefix(".")
      && name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "_" || $0 == "-" }
  }
}

/// Expands input paths: a file, a folder (every non-hidden file under it) or a glob.
///
/// Only regular files are inputs: an empty path, or a device, pipe or socket (`/dev/zero`, a FIFO, `/dev/stdin` on a
/// pipe) is an error, since reading one may never end or give different bytes than the ones hashed into the key.
public enum InputFiles {
  public static func expand(_ path: String, root: URL, location: SourceLocation?) throws -> [String] {
    guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw CellError("the input path is empty", at: location, hint: "name a file, a folder or a glob (e.g. --param shots=data/shots.csv)")
    }
    let absolute = path.hasPrefix("/") ? path : root.appendingPathComponent(path).path
    if FileSystem.isGlob(path) {
      let matches = FileSystem.glob(absolute)
      guard !matches.isEmpty else {
        throw CellError("no file matches `\(path)`", at: location, hint: "check the pattern (relative to \(root.path))")
      }
      for match in matches { try requireRegularFile(match, location: location) }
      return matches
    }
    guard let s = FileSystem.statSignature(absolute) else {
      throw CellError("input `\(path)` does not exist", at: location,
                      hint: "paths are relative to the project root \(root.path); pass another with --param")
    }
    if s.isDirectory {
      let files = FileSystem.filesUnder(absolute)
      guard !files.isEmpty else { throw CellError("folder `\(path)` has no files", at: location) }
      for file in files { try requireRegularFile(file, location: location) }
      return files
    }
    try requireRegularFile(absolute, location: location)
    return [absolute]
  }

  static func requireRegularFile(_ path: String, location: SourceLocation?) throws {
    guard let s = FileSystem.statSignature(path), !s.isRegularFile else { return }
    throw CellError("input `\(path)` is \(s.isDirectory ? "a folder" : "not a regular file (a device, pipe or socket)")", at: location,
                    hint: "inputs are regular files, folders of files or globs of files; save the data to a file first")
  }
}

extension JSONEncoder {
  static var sorted: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return e
  }
}

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

