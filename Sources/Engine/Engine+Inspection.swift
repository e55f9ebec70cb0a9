import Foundation
import WorkbookModel

/// A cell's freshness as `workbench status` reports it.
public struct CellFreshness: Sendable {
  public enum State: String, Sendable { case fresh, stale, skipped, error }
  public var id: String
  public var kind: String
  public var state: State
  /// Why it is stale ("param seed 42→7", "input datasets/x.csv changed", "never run").
  public var reasons: [String]
  public var key: String?
  public var recordedKey: String?
  public var components: KeyComponents?
  public var recordedComponents: KeyComponents?
  public var manifest: Manifest?
}

/// The outcome of `workbench verify` for one cell.
public struct VerifiedCell: Sendable {
  public enum Verdict: String, Sendable { case identical, differs, failed, skipped, unrecorded }
  public var id: String
  public var verdict: Verdict
  public var recordedDigest: String?
  public var reproducedDigest: String?
  public var detail: String?
  /// Artifact names whose digests differ.
  public var differingOutputs: [String]
}

extension Engine {
  /// Computes, without executing anything, which cells a run would take from the cache and why others rerun.
  public func status(_ workbook: ValidatedWorkbook) -> [CellFreshness] {
    let recorded = state.state(workbook: workbook.workbook.name)
    let context = ExecutionContext(engine: self, workbook: workbook, store: store, state: state, materialize: false,
                                   force: false, verification: false, environment: ProcessInfo.processInfo.environment,
                                   runId: nil, observer: SilentObserver())
    var records: [String: CellRecord] = [:]
    var out: [CellFreshness] = []
    for id in workbook.order {
      let cell = workbook.cell(id)!
      var f = CellFreshness(id: id, kind: cell.kind.name, state: .stale, reasons: [])
      let old = recorded[id]
      f.recordedKey = old?.key
      let oldManifest = old.flatMap { manifest(forKey: $0.key) }
      f.recordedComponents = oldManifest?.components
      defer { out.append(f) }
      if let bad = cell.dependencies.first(where: { records[$0]?.status != .cached }) {
        let upstreamState = out.first { $0.id == bad }?.state
        f.state = upstreamState == .skipped ? .skipped : .stale
        f.reasons = [upstreamState == .skipped ? "upstream cell \(bad) will be skipped" : "upstream cell \(bad) will rerun"]
        records[id] = CellRecord(id: id, kind: cell.kind.name, status: .executed)
        continue
      }
      do {
        guard let prepared = try context.prepare(cell, upstream: records) else {
          f.state = .skipped
          f.reasons = ["condition `when` is false"]
          records[id] = CellRecord(id: id, kind: cell.kind.name, status: .skipped)
          continue
        }
        f.key = prepared.key
        f.components = prepared.components
        if let m = try store.manifest(prepared.key) {
          if let problem = store.verify(m) {
            f.reasons = [problem.description]
          } else {
            f.state = .fresh
            f.manifest = m
            records[id] = CellRecord(id: id, kind: cell.kind.name, status: .cached, key: m.key, outputDigest: m.outputDigest, manifest: m)
            continue
          }
        } else if let oldManifest {
          f.reasons = prepared.components.differences(from: oldManifest.components)
          if f.reasons.isEmpty { f.reasons = ["cache entry missing"] }
        } else {
          f.reasons = ["never run"]
        }
      } catch {
        f.state = .error
        f.reasons = [ExecutionContext.describe(error)]
      }
      records[id] = CellRecord(id: id, kind: cell.kind.name, status: .executed)
    }
    let order = Dictionary(uniqueKeysWithValues: workbook.cells.enumerated().map { ($1.id, $0) })
    return out.sorted { order[$0.id]! < order[$1.id]! }
  }

  /// Rebuilds the outputs folder (each cell's folder, `index.html`, `report.md`, `run.json`, the warehouse) from the
  /// cache alone, executing nothing: for CI artifacts, or after `outputs/` was deleted. A cell whose current inputs
  /// have no cache entry is listed as skipped with why it is stale (its previous folder, if any, is left as is);
  /// the summary's exit code is then 1.
  public func render(_ workbook: ValidatedWorkbook, observer: any RunObserver = SilentObserver()) throws -> RunSummary {
    let name = workbook.workbook.name
    let lock = try WorkbookLock(path: layout.lockPath(workbook: name)) { holder in
      observer.waitingForLock(workbook: name, holder: holder)
    }
    defer { withExtendedLifetime(lock) {} }
    let writer = OutputWriter(engine: self)
    var records: [CellRecord] = []
    var stale: [String] = []
    for f in status(workbook) {
      switch f.state {
      case .fresh:
        guard let m = f.manifest else { continue }
        try writer.materialize(m, workbook: name)
        records.append(CellRecord(id: f.id, kind: f.kind, status: .cached, key: m.key, outputDigest: m.outputDigest,
                                  durationMs: m.durationMs, warnings: m.warnings, manifest: m))
      case .skipped:
        records.append(CellRecord(id: f.id, kind: f.kind, status: .skipped, key: f.key, reason: f.reasons.first))
      case .stale, .error:
        stale.append(f.id)
        let why = f.reasons.isEmpty ? "no cache entry" : f.reasons.joined(separator: "; ")
        records.append(CellRecord(id: f.id, kind: f.kind, status: .skipped, key: f.key,
                                  reason: "not rendered: stale (\(why)); `workbench run` computes it"))
      }
      observer.cellFinished(records[records.count - 1])
    }
    var warnings = workbook.warnings.map(\.description)
    if !stale.isEmpty {
      warnings.append("rendered from the cache only: \(stale.count) stale cell(s) not rendered (\(stale.joined(separator: ", "))); run `workbench run` to compute them")
    }
    var summary = try writer.writeRunOutputs(RunSummary(workbook: workbook, records: records, warnings: warnings,
                                                        outputsDirectory: layout.outputs(workbook: name)))
    summary.staleCells = stale
    return summary
  }

  /// Re-executes every cell in a scratch cache and compares output digests with the recorded ones.
  public func verify(_ workbook: ValidatedWorkbook, jobs: Int, observer: any RunObserver = SilentObserver()) async throws -> [VerifiedCell] {
    let recorded = state.state(workbook: workbook.workbook.name)
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("workbench-verify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { FileSystem.removeItem(scratch.path) }
    let scratchState = try StateDatabase(path: scratch.appendingPathComponent("state.sqlite").path)
    let scratchStore = try CacheStore(root: scratch.appendingPathComponent("cache"), state: scratchState)
    let context = ExecutionContext(engine: self, workbook: workbook, store: scratchStore, state: scratchState,
                                   materialize: false, force: true, verification: true,
                                   environment: ProcessInfo.processInfo.environment, runId: nil, observer: observer)
    let records = try await context.execute(selected: Set(workbook.order), jobs: max(1, jobs))
    return records.map { r in
      var v = VerifiedCell(id: r.id, verdict: .identical, recordedDigest: recorded[r.id]?.outputDigest,
                           reproducedDigest: r.outputDigest, detail: nil, differingOutputs: [])
      switch r.status {
      case .failed: v.verdict = .failed; v.detail = r.reason
      case .skipped: v.verdict = .skipped; v.detail = r.reason
      default:
        if workbook.cell(r.id)?.kind.externalEffects == true {
          v.verdict = .skipped
          v.detail = "records an external side effect (tracking, registry, webhook): re-executed against a scratch destination, not compared"
          return v
        }
        guard let old = recorded[r.id] else {
          v.verdict = .unrecorded
          v.detail = "no recorded output: run the workbook first"
          return v
        }
        if old.outputDigest != r.outputDigest {
          v.verdict = .differs
          if let oldManifest = manifest(forKey: old.key), let new = r.manifest {
            let a = Dictionary(uniqueKeysWithValues: oldManifest.artifacts.map { ($0.name, $0.digest) })
            let b = Dictionary(uniqueKeysWithValues: new.artifacts.map { ($0.name, $0.digest) })
            v.differingOutputs = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
            if old.key != new.key {
              v.detail = "inputs changed since the recorded run: " + new.components.differences(from: oldManifest.components).joined(separator: "; ")
            }
          }
        }
      }
      return v
    }
  }
}
