import Cells
import Engine
import Foundation
import Frame
import Synchronization
import WorkbookModel

/// Settings of the drift check over served traffic (`--drift-window`, `--drift-every`, `--drift-min-rows`).
public struct ServedDriftSettings: Sendable, Equatable {
  /// The check compares the last this many scored rows with the training reference.
  public var windowRows = 5000
  /// Seconds between two checks.
  public var everySeconds = 30.0
  /// No verdict before the window holds this many rows (and per feature, the drift cell's default `min_rows`: 30).
  public var minimumRows = 500
  public init() {}
}

/// Drift of served traffic: the feature rows scored by the version in service are kept in a bounded window
/// (recording is a cheap append on the request path); every `everySeconds` a task beside the server compares the
/// window with that version's training table with the `drift` cell's tests and verdict (``DatasetDrift``) and
/// publishes the result in `/metrics`. The window restarts when another version is swapped in (new reference).
public final class ServedDrift: Sendable {
  public let settings: ServedDriftSettings
  /// The training table of a loaded model; throws (with the reason) when it cannot be found.
  let reference: @Sendable (LoadedModel) throws -> Frame
  private let state = Mutex(Window())

  /// Frames of whole requests, newest last; whole frames are dropped while the rest still fills the window, so at
  /// most `windowRows` plus one request's rows are held.
  struct Window {
    var version: Int?
    var frames: [Frame] = []
    var rows = 0
    /// Rows recorded since the last check (no new rows: no new check).
    var fresh = 0
  }

  public init(settings: ServedDriftSettings, reference: @escaping @Sendable (LoadedModel) throws -> Frame) {
    self.settings = settings
    self.reference = reference
  }

  /// Adds the feature rows of one scored request.
  public func record(_ table: Frame, model: LoadedModel) {
    guard table.rowCount > 0 else { return }
    state.withLock { w in
      if w.version != model.version { w = Window(version: model.version) }
      w.frames.append(table)
      w.rows += table.rowCount
      w.fresh += table.rowCount
      while let first = w.frames.first, w.rows - first.rowCount >= settings.windowRows {
        w.rows -= first.rowCount
        w.frames.removeFirst()
      }
    }
  }

  /// The last `windowRows` rows recorded for `version` (nil when none, or recorded for another version), and
  /// whether rows arrived since the previous call.
  func window(for version: Int) throws -> (frame: Frame, fresh: Bool)? {
    let (frames, fresh): ([Frame], Int) = state.withLock { w in
      guard w.version == version else { return ([], 0) }
      defer { w.fresh = 0 }
      return (w.frames, w.fresh)
    }
    guard let features = frames.first?.columnNames else { return nil }
    let all = try Self.concatenate(frames, columns: features)
    let dropped = max(0, all.rowCount - settings.windowRows)
    return (dropped == 0 ? all : all.gathering(Array(dropped..<all.rowCount)), fresh > 0)
  }

  /// One check of `model` now: the verdict (nil before `minimumRows` rows), published in `metrics`.
  public func check(model: LoadedModel, reference: Frame, metrics: ServeMetrics, now: Date = Date()) throws -> DatasetDrift.Verdict? {
    guard let (window, _) = try window(for: model.version), window.rowCount >= settings.minimumRows else { return nil }
    return try Self.verdict(window: window, reference: reference, model: model, metrics: metrics, now: now)
  }

  /// Compares `window` with `reference` over the model's features and publishes the result.
  static func verdict(window: Frame, reference: Frame, model: LoadedModel, metrics: ServeMetrics, now: Date) throws -> DatasetDrift.Verdict {
    let features = model.model.features.filter { window.column(named: $0) != nil && reference.column(named: $0) != nil }
    let verdict = try DatasetDrift.compare(reference: reference, current: window, columns: features)
    var means: [String: Double] = [:]
    for f in verdict.features where !f.categorical {
      guard let column = window.column(named: f.name) else { continue }
      let values = (0..<column.count).compactMap { column.isNull($0) ? nil : column.value(at: $0).doubleValue }.filter(\.isFinite)
      if !values.isEmpty { means[f.name] = values.reduce(0, +) / Double(values.count) }
    }
    metrics.driftChecked(verdict, windowRows: window.rowCount, windowMeans: means, model: model, at: now.timeIntervalSince1970)
    return verdict
  }

  /// The start-up log line: what is checked, or why the check is off for this version.
  public func startLine(for model: LoadedModel) -> String {
    do {
      let reference = try reference(model)
      return "drift of served traffic: every \(settings.everySeconds) s, the last \(settings.windowRows) scored rows vs the \(reference.rowCount) rows of `\(model.trainingCell ?? "")`'s training table (verdict from \(settings.minimumRows) rows)"
    } catch {
      return "drift of served traffic: off for \(model.name) version \(model.version): \(error)"
    }
  }

  /// Runs beside the server until cancelled: every `everySeconds`, checks the version in service when new rows
  /// arrived. The reference is read once per version; when it cannot be found the check is off for that version
  /// (logged once).
  func run(slot: ModelSlot, metrics: ServeMetrics, log: @Sendable (String) -> Void) async {
    var references: [Int: Frame] = [:]
    var refused: Set<Int> = []
    var lastVerdict: [Int: Bool] = [:]
    while !Task.isCancelled {
      try? await Task.sleep(for: .milliseconds(Int(settings.everySeconds * 1000)))
      if Task.isCancelled { return }
      let model = slot.model
      guard !refused.contains(model.version) else { continue }
      let reference: Frame
      if let known = references[model.version] {
        reference = known
      } else {
        do { reference = try self.reference(model) } catch {
          refused.insert(model.version)
          log("drift of served traffic: off for \(model.name) version \(model.version): \(error)")
          continue
        }
        references = [model.version: reference]
      }
      do {
        guard let (window, fresh) = try window(for: model.version), fresh, window.rowCount >= settings.minimumRows else { continue }
        let verdict = try Self.verdict(window: window, reference: reference, model: model, metrics: metrics, now: Date())
        if lastVerdict[model.version] != verdict.datasetDrift {
          lastVerdict[model.version] = verdict.datasetDrift
          log("drift of served traffic (\(model.name) version \(model.version), last \(window.rowCount) rows): "
              + (verdict.datasetDrift ? "DRIFT" : "no drift")
              + ", \(verdict.driftedColumns) of \(verdict.testedColumns) features drifted")
        }
      } catch {
        log("drift check of served traffic failed (\(error)); the next check with new rows retries")
      }
    }
  }

  /// The rows of `frames` (same features) one after another; a feature holding text in any frame is kept as text.
  static func concatenate(_ frames: [Frame], columns: [String]) throws -> Frame {
    if frames.count == 1, let only = frames.first { return only }
    var out: [Column] = []
    for name in columns {
      let parts = frames.compactMap { $0.column(named: name) }
      guard parts.count == frames.count else { throw FrameError("column `\(name)` is missing from a served request") }
      if parts.allSatisfy({ $0.type == .int }) {
        var values: [Int64] = [], valid: [Bool] = []
        for c in parts {
          guard case .int(let v) = c.storage else { continue }
          values += v
          valid += (0..<c.count).map { !c.isNull($0) }
        }
        out.append(Column(name: name, ints: values, validity: valid))
      } else if parts.allSatisfy({ $0.type != .string }) {
        var values: [Double] = [], valid: [Bool] = []
        for c in parts {
          for i in 0..<c.count {
            let v = c.isNull(i) ? nil : c.value(at: i).doubleValue
            values.append(v ?? 0)
            valid.append(v != nil)
          }
        }
        out.append(Column(name: name, floats: values, validity: valid))
      } else {
        out.append(Column(name: name, strings: parts.flatMap { c in (0..<c.count).map { c.isNull($0) ? nil : c.value(at: $0).description } }))
      }
    }
    return try Frame(columns: out)
  }

  /// The training table of the model's training cell, from the project's cache: the cell's last good execution in
  /// the workbook that logged the model (its run's `workbench.workbook` and `workbench.upstream_cell` tags) must
  /// hold these exact model bytes; the table is then the `train` table of the split its `input` names (or the table
  /// `input`/`train` names) in the upstream entry that execution read. Any workbook of the project qualifies (the
  /// served one, or the loop's retraining workbook).
  public static func trainingTable(of model: LoadedModel, engine: Engine) throws -> Frame {
    guard let cell = model.trainingCell, let workbook = model.workbook else {
      throw ServedDriftError("the registered run has no `workbench.upstream_cell`/`workbench.workbook` tags naming the cell that trained it")
    }
    guard let entry = engine.lastGoodEntry(workbook: workbook, cell: cell),
          entry.artifacts.contains(where: { $0.name == "model.wbm" && $0.digest == model.model.sha256 })
    else {
      throw ServedDriftError("the last good run of `\(cell)` (workbook \(workbook)) in this project's cache did not produce these model bytes; run that workbook with the params that trained this version")
    }
    let options = entry.components.spec["options"]
    guard let text = options?["train"]?.stringValue ?? options?["input"]?.stringValue else {
      throw ServedDriftError("training cell `\(cell)` names no `input` or `train` table")
    }
    let named = try CellReference.table(text)
    guard let upstream = engine.lastGoodEntry(workbook: workbook, cell: named.cell),
          entry.components.upstream[named.cell] == upstream.outputDigest
    else {
      throw ServedDriftError("the cache entry of `\(named.cell)` that `\(cell)` was trained on is no longer the last good one (workbook \(workbook)); rerun that workbook")
    }
    let tables = upstream.tables.map { String($0.name.dropLast(OutputNames.tableSuffix.count)) }
    let table = options?["train"] == nil && tables.contains("train") ? "train" : (named.table ?? tables.first ?? "")
    return try engine.cachedTable(table, of: upstream)
  }
}

/// Why served traffic cannot be checked for drift.
public struct ServedDriftError: Error, CustomStringConvertible, Sendable {
  public var description: String
  init(_ description: String) { self.description = description }
}
