import Foundation
import WorkbookModel

/// How `workbench cell run` ended for its cell.
public struct SingleCellOutcome: Sendable {
  public enum Status: String, Sendable {
    case executed, cached, skipped, failed
    case upstreamMissing = "upstream_missing"
    case planMismatch = "plan_mismatch"
  }
  public var cell: String
  public var status: Status
  public var key: String?
  public var outputDigest: String?
  public var durationMs = 0
  /// Why it failed, was skipped, or what is missing; for `cached`, that nothing was done.
  public var message: String?
  /// The failure as run.json records it (`error` of the `--json` line).
  public var error: CellDiagnostic?
  /// How many work items the cell has (`cell items --count`); nil when not counted.
  public var items: Int?

  public var exitCode: Int32 {
    switch status {
    case .executed, .cached, .skipped: CellRunExitCode.success
    case .failed: CellRunExitCode.cellFailed
    case .upstreamMissing: CellRunExitCode.upstreamMissing
    case .planMismatch: CellRunExitCode.planMismatch
    }
  }

  /// The one-line result of `cell run --json`.
  public var json: JSONValue {
    .object([
      "cell": .string(cell), "status": .string(status.rawValue), "key": key.map(JSONValue.string) ?? .null,
      "output_digest": outputDigest.map(JSONValue.string) ?? .null, "duration_ms": .int(durationMs),
      "message": message.map(JSONValue.string) ?? .null, "exit_code": .int(Int(exitCode)),
      "error": error?.json ?? .null, "items": items.map(JSONValue.int) ?? .null,
    ])
  }
}

extension Engine {
  /// Executes exactly one cell against the cache (`workbench cell run`): every cell it depends on must already
  /// have its entry there. Writes the cell's entry (blobs, then the manifest) and nothing in outputs/; does
  /// nothing when the entry exists. `expectedDefinition` (from a plan) refuses a workbook changed since.
  public func runSingleCell(_ workbook: ValidatedWorkbook, cell id: String, expectedDefinition: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            observer: any RunObserver = SilentObserver()) async throws -> SingleCellOutcome {
    guard let target = workbook.cell(id) else {
      throw Diagnostics([.error("no cell `\(id)` in \(workbook.workbook.file)", hint: Suggest.hint(for: id, in: workbook.cells.map(\.id)))])
    }
    let definition = Plan.definitions(of: workbook)[id]
    if let expectedDefinition, expectedDefinition != definition {
      return SingleCellOutcome(
        cell: id, status: .planMismatch,
        message: "the workbook changed since the plan was made: cell `\(id)` or a cell upstream of it (kind, options, "
          + "`when:` or params) differs from the plan's definition \(expectedDefinition.prefix(12))…, now \(definition?.prefix(12) ?? "?")…; "
          + "make the plan again (rerun `workbench run`)")
    }
    let context = ExecutionContext(engine: self, workbook: workbook, store: store, state: state, force: false,
                                   verification: false, environment: environment, runId: nil, observer: observer)
    // The cells upstream, each found in the cache by its key (computed from its own upstream's entries).
    let upstreamIds = workbook.closure(of: [id]).subtracting([id])
    var records: [String: CellRecord] = [:]
    for uid in workbook.order where upstreamIds.contains(uid) {
      guard let cell = workbook.cell(uid) else { continue }
      if let skipped = cell.dependencies.first(where: { records[$0]?.status == .skipped }) {
        records[uid] = CellRecord(id: uid, kind: cell.kind.name, status: .skipped, reason: "upstream cell `\(skipped)` is skipped")
        continue
      }
      let missing = { (why: String) in
        SingleCellOutcome(cell: id, status: .upstreamMissing,
                          message: "upstream cell `\(uid)` has no entry in the cache \(self.layout.cacheDirectory.path) (\(why)); "
                            + "run it first: `workbench cell run \(workbook.workbook.file) --cell \(uid)` (or `workbench run`)")
      }
      let prepared: ExecutionContext.Prepared
      do {
        guard let p = try context.prepare(cell, upstream: records) else {
          records[uid] = CellRecord(id: uid, kind: cell.kind.name, status: .skipped, reason: "condition `when` is false")
          continue
        }
        prepared = p
      } catch {
        return missing("its key cannot be computed: \(ExecutionContext.describe(error))")
      }
      guard let m = try? store.manifest(prepared.key) else { return missing("key \(prepared.key.prefix(12))…") }
      if let problem = store.verify(m) { return missing(problem.description) }
      records[uid] = CellRecord(id: uid, kind: cell.kind.name, status: .cached, key: m.key, outputDigest: m.outputDigest, manifest: m)
    }
    if let skipped = target.dependencies.first(where: { records[$0]?.status == .skipped }) {
      return SingleCellOutcome(cell: id, status: .skipped, message: "upstream cell `\(skipped)` is skipped, as a run would skip this one")
    }
    let upstream = Dictionary(uniqueKeysWithValues: target.dependencies.compactMap { d in records[d].map { (d, $0) } })
    let record = try await Self.interruptible { await context.runCell(target, upstream: upstream) }
    Interruption.shared.exitIfInterrupted("interrupted: cell run of `\(id)` abandoned; nothing was written to the cache for it")
    var outcome = SingleCellOutcome(cell: id, status: .failed, key: record.key, outputDigest: record.outputDigest,
                                    durationMs: record.durationMs, message: record.reason)
    outcome.error = record.error
    switch record.status {
    case .executed: outcome.status = .executed
    case .cached:
      outcome.status = .cached
      outcome.message = "already in the cache: nothing to do"
    case .skipped: outcome.status = .skipped
    case .failed: outcome.status = .failed
    }
    return outcome
  }

  /// A run whose stale cells `executor` executes elsewhere: the plan's stale cells are handed over, then every cell's
  /// record is read back from the cache (as a local run would have recorded it), in workbook (file) order.
  func executeRemotely(_ workbook: ValidatedWorkbook, options: RunOptions, executor: any CellExecutor,
                       runId: Int64, observer: any RunObserver) async throws -> [CellRecord] {
    guard !options.force else {
      throw EngineError("--force cannot be combined with an executor", hint: "run without --executor to re-execute cached cells")
    }
    let selected = options.selectedCells.isEmpty ? Set(workbook.order) : workbook.closure(of: options.selectedCells)
    let before = plan(workbook)
    // Cells a run cannot start (an error computing the key), and everything downstream of one, stay local: they fail
    // or are skipped below exactly as in a local run.
    var blocked = Set<String>()
    for id in workbook.order {
      guard let c = before.cell(id) else { continue }
      if c.decision == .error || c.upstream.contains(where: blocked.contains) { blocked.insert(id) }
    }
    let stale = workbook.order.compactMap { before.cell($0) }
      .filter { $0.decision == .stale && selected.contains($0.id) && !blocked.contains($0.id) }
    let staleIds = Set(stale.map(\.id))
    let work = stale.map { c in
      CellWork(id: c.id, kind: c.kind, dependsOn: c.upstream.filter(staleIds.contains), definition: c.definition, key: c.key)
    }
    var results: [String: CellExecutionResult] = [:]
    if !work.isEmpty {
      let request = ExecutionRequest(
        workbook: workbook.workbook.name,
        workbookFile: workbook.workbook.file.hasPrefix("/") ? workbook.workbook.file : layout.root.appendingPathComponent(workbook.workbook.file).path,
        projectRoot: layout.root, cacheDirectory: layout.cacheDirectory,
        params: options.overrides.map { "\($0.name)=\($0.rawValue)" }, runId: runId, cells: work)
      for r in try await executor.execute(request, observer: observer) { results[r.cell] = r }
    }
    let after = plan(workbook)
    var records: [String: CellRecord] = [:]
    for id in workbook.order {
      guard let cell = workbook.cell(id), let p = after.cell(id) else { continue }
      let kind = cell.kind.name
      var record: CellRecord
      if !selected.contains(id) {
        records[id] = CellRecord(id: id, kind: kind, status: .skipped, reason: "not selected (--cell)")
        continue  // not logged, as in a local run
      } else if let bad = cell.dependencies.first(where: { records[$0]?.status == .failed || records[$0]?.status == .skipped }) {
        let why = records[bad]?.status == .failed ? "upstream cell `\(bad)` failed" : "upstream cell `\(bad)` was skipped"
        record = CellRecord(id: id, kind: kind, status: .skipped, reason: why)
      } else {
        switch p.decision {
        case .cached:
          guard let m = p.manifest else { preconditionFailure("a cached cell has a manifest") }
          let executed = staleIds.contains(id)
          state.setState(workbook: workbook.workbook.name, cell: id, key: m.key, outputDigest: m.outputDigest)
          record = CellRecord(id: id, kind: kind, status: executed ? .executed : .cached, key: m.key, outputDigest: m.outputDigest,
                              durationMs: executed ? m.durationMs : 0, warnings: m.warnings, manifest: m)
        case .skipped:
          record = CellRecord(id: id, kind: kind, status: .skipped, key: p.key, reason: p.reasons.first)
        case .error:
          record = CellRecord(id: id, kind: kind, status: .failed, key: p.key, reason: p.reasons.joined(separator: "; "))
          record.error = p.error
        case .stale:
          let r = results[id]
          if r?.outcome == .cancelled {
            record = CellRecord(id: id, kind: kind, status: .skipped, key: p.key, reason: r?.message ?? "cancelled before it started")
          } else {
            var reason: String
            switch r?.outcome {
            case nil: reason = "not executed by the executor (no cache entry after it finished)"
            case .succeeded: reason = "the executor reported success, but the cache has no entry for it"
            default: reason = r?.message ?? "failed (the executor gave no reason)"
            }
            if let tail = r?.logTail, !tail.isEmpty { reason += "\n" + tail }
            record = CellRecord(id: id, kind: kind, status: .failed, key: p.key, reason: reason)
            // The cell's own diagnostic when its `cell run` said why; else the executor's account (job killed…).
            record.error = r?.error ?? CellDiagnostic(code: .executorFailed, message: reason, cell: id, location: cell.spec.location)
          }
        }
      }
      records[id] = record
      record.log(to: state, run: runId)
      observer.cellFinished(record)
    }
    return workbook.cells.compactMap { records[$0.id] }
  }
}
