import Foundation
import WorkbookModel

/// The outcome of `workbench verify` for one cell.
public struct VerifiedCell: Sendable {
  public enum Verdict: String, Sendable {
    case identical, differs, failed, skipped, unrecorded
    /// The cell's cache key differs from the recorded one: its inputs (files, params, options, upstream outputs)
    /// changed since the recorded run, so a difference says nothing about reproducibility.
    case inputsChanged = "inputs_changed"
  }
  public var id: String
  public var verdict: Verdict
  public var recordedDigest: String?
  public var reproducedDigest: String?
  public var detail: String?
  /// Artifact names whose digests differ.
  public var differingOutputs: [String]
  /// Input files whose content changed since the recorded run (with `inputsChanged`).
  public var changedInputs: [String] = []
}

/// What a published run.json records, so that `verify` re-executes *that* run: its params and each cell's key and
/// output digest.
public struct PublishedRun: Sendable {
  /// The run.json read.
  public var path: String
  /// Every param's value in that run (credentials redacted, see ``Redaction``).
  public var params: [String: JSONValue]
  /// Cells with outputs in that run (executed or cached): id → key and output digest.
  public var cells: [String: RecordedCell]
  /// Why the cells skipped in that run were skipped (id → reason).
  public var skipped: [String: String] = [:]

  public struct RecordedCell: Sendable {
    public var key: String
    public var outputDigest: String
  }
}

extension Engine {
  /// Rebuilds the outputs folder (each cell's folder, `index.html`, `report.md`, `run.json`, the warehouse) from the
  /// cache alone, executing nothing: for CI artifacts, or after `outputs/` was deleted. A cell whose current inputs
  /// have no cache entry is listed as skipped with why it is stale (its folder then holds only a result.json saying
  /// so); a damaged cache entry is reported as failed and dropped. The summary's exit code is then 1. Published as
  /// a whole, like a run (see ``OutputWriter``).
  ///
  /// `executedElsewhere` (cell → duration in ms) names the cells another process executed for this run (the tasks
  /// of an Airflow DAG run, `workbench render --cell-results`): they are reported as executed, as a local run that
  /// computed them would, instead of cached.
  public func render(_ workbook: ValidatedWorkbook, executedElsewhere: [String: Int] = [:],
                     observer: any RunObserver = SilentObserver()) throws -> RunSummary {
    let name = workbook.workbook.name
    try OutputWriter(engine: self).checkDestination(workbook: name)
    let lock = try WorkbookLock(path: layout.lockPath(workbook: name)) { holder in
      observer.waitingForLock(workbook: name, holder: holder)
    }
    defer { withExtendedLifetime(lock) {} }
    var records: [CellRecord] = []
    var stale: [String] = []
    for f in plan(workbook).cells {
      switch f.decision {
      case .cached:
        guard let m = f.manifest else { preconditionFailure("a fresh cell has a manifest") }
        let elsewhere = executedElsewhere[f.id]
        records.append(CellRecord(id: f.id, kind: f.kind, status: elsewhere == nil ? .cached : .executed, key: m.key,
                                  outputDigest: m.outputDigest, durationMs: elsewhere ?? m.durationMs, warnings: m.warnings,
                                  manifest: m))
      case .skipped:
        records.append(CellRecord(id: f.id, kind: f.kind, status: .skipped, key: f.key, reason: f.reasons.first))
      case .stale, .error:
        stale.append(f.id)
        let why = f.reasons.isEmpty ? "no cache entry" : f.reasons.joined(separator: "; ")
        records.append(CellRecord(id: f.id, kind: f.kind, status: .skipped, key: f.key,
                                  reason: "not rendered: stale (\(why)); `workbench run` computes it"))
      }
    }
    let warnings = workbook.warnings.map(\.description)
    var summary = RunSummary(workbook: workbook, records: records, warnings: warnings, outputsDirectory: layout.outputs(workbook: name))
    summary.staleCells = stale
    // A render that cannot render every cell publishes nothing: the last published outputs stay as they were
    // (a partial folder of "not rendered" cells would replace good outputs with none).
    guard stale.isEmpty else { return summary }
    summary = try OutputWriter(engine: self).publish(summary)
    for r in summary.records { observer.cellFinished(r) }
    return summary
  }

  /// The run.json of the workbook's published outputs (`outputs/<workbook>/` or `--output`), if there is one.
  public func publishedRun(workbook: String) -> PublishedRun? {
    let path = layout.outputs(workbook: workbook).appendingPathComponent("run.json").path
    guard let bytes = try? FileSystem.readBytes(path), let run = try? JSONValue.parse(bytes),
          let cells = run["cells"]?.arrayValue
    else { return nil }
    var published = PublishedRun(path: path, params: run["params"]?.objectValue ?? [:], cells: [:])
    for c in cells {
      guard let id = c["id"]?.stringValue, let status = c["status"]?.stringValue else { continue }
      if status == "skipped" { published.skipped[id] = c["reason"]?.stringValue ?? "skipped" }
      guard status == "executed" || status == "cached", let key = c["key"]?.stringValue,
            let digest = c["output_digest"]?.stringValue
      else { continue }
      published.cells[id] = PublishedRun.RecordedCell(key: key, outputDigest: digest)
    }
    return published
  }

  /// The params of each cell's last good execution, merged (for `verify` when no run.json is published): a param
  /// recorded with different values by different cells is left out.
  public func recordedParams(workbook: String) -> [String: JSONValue] {
    var merged: [String: JSONValue] = [:]
    var conflicting = Set<String>()
    for entry in state.state(workbook: workbook).values {
      for (name, value) in manifest(forKey: entry.key)?.components.params ?? [:] {
        if let seen = merged[name], seen != value { conflicting.insert(name) }
        merged[name] = value
      }
    }
    for name in conflicting { merged[name] = nil }
    return merged
  }

  /// Re-executes every cell in a scratch cache and compares output digests with the recorded ones: those of
  /// `published` (a run.json), else each cell's last good state.
  public func verify(_ workbook: ValidatedWorkbook, jobs: Int, published: PublishedRun? = nil,
                     observer: any RunObserver = SilentObserver()) async throws -> [VerifiedCell] {
    let name = workbook.workbook.name
    // The workbook lock: a run of other params must not change the recorded state while it is being compared.
    let lock = try WorkbookLock(path: layout.lockPath(workbook: name)) { holder in
      observer.waitingForLock(workbook: name, holder: holder)
    }
    defer { withExtendedLifetime(lock) {} }
    let recorded = published.map { $0.cells.mapValues { (key: $0.key, outputDigest: $0.outputDigest) } } ?? state.state(workbook: name)
    // The recorded outputs themselves, re-hashed: bytes that rotted with size and times unchanged are found here.
    var damaged: [String: CacheCorruption] = [:]
    for (cell, entry) in recorded {
      if let m = manifest(forKey: entry.key), let problem = store.verifyFully(m) { damaged[cell] = problem }
    }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("workbench-verify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let scratchPath = scratch.path
    let cleanup = Interruption.shared.onExit { FileSystem.removeItem(scratchPath) }
    defer {
      FileSystem.removeItem(scratch.path)
      Interruption.shared.remove(cleanup)
    }
    let scratchState = try StateDatabase(path: scratch.appendingPathComponent("state.sqlite").path)
    let scratchStore = try CacheStore(root: scratch.appendingPathComponent("cache"), state: scratchState)
    let context = ExecutionContext(engine: self, workbook: workbook, store: scratchStore, state: scratchState,
                                   force: true, verification: true,
                                   environment: ProcessInfo.processInfo.environment, runId: nil, observer: observer)
    let records = try await Self.interruptible { try await context.execute(selected: Set(workbook.order), jobs: max(1, jobs)) }
    Interruption.shared.exitIfInterrupted("interrupted: verify of `\(name)` abandoned")
    return records.map { r in
      if let problem = damaged[r.id] {
        return VerifiedCell(id: r.id, verdict: .failed, recordedDigest: recorded[r.id]?.outputDigest, reproducedDigest: r.outputDigest,
                            detail: "recorded output damaged: \(problem.path) \(problem.problem); removed, the next run recomputes it",
                            differingOutputs: [])
      }
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
        if published?.cells[r.id] == nil, let why = published?.skipped[r.id] {
          v.verdict = .skipped
          v.detail = "not part of the recorded run (skipped: \(why))"
          return v
        }
        guard let old = recorded[r.id] else {
          v.verdict = .unrecorded
          v.detail = published.map { "no output in the recorded run (\(Engine.displayPath($0.path, root: layout.root))): run the workbook first" }
            ?? "no recorded output: run the workbook first"
          return v
        }
        let oldManifest = manifest(forKey: old.key)
        if let new = r.manifest, old.key != new.key {
          // Not a reproducibility question: the cell was given other inputs than in the recorded run.
          v.verdict = .inputsChanged
          if let oldManifest {
            let was = oldManifest.components.files, now = new.components.files
            v.changedInputs = Set(was.keys).union(now.keys).filter { was[$0] != now[$0] }.sorted()
            v.detail = "inputs changed since the recorded run: " + new.components.differences(from: oldManifest.components).joined(separator: "; ")
          } else {
            v.detail = "inputs changed since the recorded run (its cache key differs; the recorded entry is no longer in the cache)"
          }
        } else if old.outputDigest != r.outputDigest {
          v.verdict = .differs
          if let oldManifest, let new = r.manifest {
            let a = Dictionary(uniqueKeysWithValues: oldManifest.artifacts.map { ($0.name, $0.digest) })
            let b = Dictionary(uniqueKeysWithValues: new.artifacts.map { ($0.name, $0.digest) })
            v.differingOutputs = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
          }
        }
      }
      return v
    }
  }
}
