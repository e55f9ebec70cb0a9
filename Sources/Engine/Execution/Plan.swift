import Foundation
import WorkbookModel

/// What a run of a workbook would do with each cell, computed without executing anything: options after `${}`
/// substitution, cache key and its components, and the decision (cached, stale and why, skipped by `when:`).
///
/// Built once by ``Engine/plan(_:)`` and used by `run` (with a ``CellExecutor``), `status`, `explain`, `render`
/// and `workbench plan`. Serialisable (``json`` / ``init(json:)``): a remote executor runs cells from it.
public struct Plan: Sendable {
  /// Version of the plan's JSON form.
  public static let formatVersion = 1

  public var workbook: String
  /// The workbook file as shown (relative to the project root).
  public var workbookFile: String
  /// Every param's value (credentials redacted).
  public var params: [String: JSONValue]
  /// In workbook (file) order.
  public var cells: [Cell]

  public init(workbook: String, workbookFile: String, params: [String: JSONValue], cells: [Cell]) {
    self.workbook = workbook
    self.workbookFile = workbookFile
    self.params = params
    self.cells = cells
  }

  public func cell(_ id: String) -> Cell? { cells.first { $0.id == id } }

  /// What a run does with a cell.
  public enum Decision: String, Sendable {
    /// Its cache entry exists and is intact: taken from the cache.
    case cached
    /// It executes (`reasons` says why).
    case stale
    /// Its `when:` condition is false, or an upstream cell is skipped.
    case skipped
    /// Its key cannot be computed (a missing input file, an undefined field): the run reports it as failed.
    case error
  }

  /// One cell of the plan.
  public struct Cell: Sendable {
    public var id: String
    public var kind: String
    public var decision: Decision
    /// Why it is stale ("param seed 42→7", "input datasets/x.csv changed", "never run"), skipped or an error.
    public var reasons: [String]
    /// Upstream cell ids.
    public var upstream: [String]
    /// Values of the params the cell uses (credentials redacted).
    public var params: [String: JSONValue]
    /// Options after `${}` substitution (credentials redacted); nil when they depend on a cell that reruns.
    public var options: [String: JSONValue]?
    /// Digest of what the workbook says about this cell and everything upstream of it (kind, options as written,
    /// `when:`, params used), independent of data: `cell run --expect-definition` compares it to refuse a plan
    /// made from another version of the workbook.
    public var definition: String
    /// The cache key; nil when it depends on a cell that reruns (its outputs are not known yet).
    public var key: String?
    public var components: KeyComponents?
    /// The key and components of the cell's last good execution, if any.
    public var recordedKey: String?
    public var recordedComponents: KeyComponents?
    /// The cache entry of a cached cell (not serialised; read from the cache by key).
    public var manifest: Manifest?
    /// Why a cell whose decision is `.error` cannot run, as run.json records it (`cells[].error`).
    public var error: CellDiagnostic?

    public init(id: String, kind: String, decision: Decision, reasons: [String], upstream: [String],
                params: [String: JSONValue], definition: String) {
      self.id = id
      self.kind = kind
      self.decision = decision
      self.reasons = reasons
      self.upstream = upstream
      self.params = params
      self.definition = definition
    }
  }

  /// Cells that a run executes (stale, or with an error the run reports), in workbook order.
  public var staleCells: [Cell] { cells.filter { $0.decision == .stale || $0.decision == .error } }
}

// MARK: JSON

extension Plan {
  public var json: JSONValue {
    .object([
      "format": .int(Self.formatVersion), "workbook": .string(workbook), "workbook_file": .string(workbookFile),
      "params": .object(params), "cells": .array(cells.map(\.json)),
    ])
  }

  /// Reads a plan written by ``json``; throws naming the field that is missing or malformed.
  public init(json: JSONValue) throws {
    guard let format = json["format"]?.intValue else { throw EngineError("plan: missing `format`") }
    guard format == Self.formatVersion else {
      throw EngineError("plan: format \(format) is not supported (this workbench reads format \(Self.formatVersion))",
                        hint: "make the plan with the same workbench version that executes it")
    }
    guard let workbook = json["workbook"]?.stringValue, let file = json["workbook_file"]?.stringValue,
          let cells = json["cells"]?.arrayValue
    else { throw EngineError("plan: missing `workbook`, `workbook_file` or `cells`") }
    self.init(workbook: workbook, workbookFile: file, params: json["params"]?.objectValue ?? [:],
              cells: try cells.enumerated().map { i, c in try Cell(json: c, index: i) })
  }
}

extension Plan.Cell {
  public var json: JSONValue {
    var o: [String: JSONValue] = [
      "id": .string(id), "kind": .string(kind), "decision": .string(decision.rawValue),
      "reasons": .array(reasons.map(JSONValue.string)), "upstream": .array(upstream.map(JSONValue.string)),
      "params": .object(params), "definition": .string(definition),
    ]
    o["options"] = options.map(JSONValue.object) ?? .null
    o["key"] = key.map(JSONValue.string) ?? .null
    o["components"] = components?.json ?? .null
    o["recorded_key"] = recordedKey.map(JSONValue.string) ?? .null
    o["recorded_components"] = recordedComponents?.json ?? .null
    o["error"] = error?.json ?? .null
    return .object(o)
  }

  init(json: JSONValue, index: Int) throws {
    func missing(_ field: String) -> EngineError { EngineError("plan: cell \(index + 1) has no valid `\(field)`") }
    guard let id = json["id"]?.stringValue else { throw missing("id") }
    guard let kind = json["kind"]?.stringValue else { throw missing("kind") }
    guard let decision = json["decision"]?.stringValue.flatMap(Plan.Decision.init(rawValue:)) else { throw missing("decision") }
    guard let definition = json["definition"]?.stringValue else { throw missing("definition") }
    self.init(id: id, kind: kind, decision: decision, reasons: (json["reasons"]?.arrayValue ?? []).compactMap(\.stringValue),
              upstream: (json["upstream"]?.arrayValue ?? []).compactMap(\.stringValue),
              params: json["params"]?.objectValue ?? [:], definition: definition)
    options = json["options"]?.objectValue
    key = json["key"]?.stringValue
    if let c = json["components"], c != .null { components = try KeyComponents(json: c) }
    error = json["error"].flatMap(CellDiagnostic.init(json:))
    recordedKey = json["recorded_key"]?.stringValue
    if let c = json["recorded_components"], c != .null { recordedComponents = try KeyComponents(json: c) }
  }
}

// MARK: Building

extension Plan {
  /// The canonical spec of a cell as it enters its cache key: options as written minus those equal to their
  /// default, `when:` as text.
  static func canonicalSpec(of cell: PlannedCell) -> JSONValue {
    var canonical: [String: JSONValue] = [:]
    for o in cell.spec.options {
      if let d = cell.kind.option(named: o.key)?.defaultValue, d == o.value.json { continue }
      canonical[o.key] = ExecutionContext.orderPreserving(o.value)
    }
    var spec: [String: JSONValue] = ["options": .object(canonical)]
    if let when = cell.spec.when { spec["when"] = when.json }
    return .object(spec)
  }

  /// Definition digests of every cell (see ``Cell/definition``), computed in dependency order.
  static func definitions(of workbook: ValidatedWorkbook) -> [String: String] {
    var out: [String: String] = [:]
    for id in workbook.order {
      guard let cell = workbook.cell(id) else { continue }
      let value: JSONValue = .object([
        "scheme": .int(cacheSchemeVersion), "kind": .string(cell.kind.name), "kind_version": .int(cell.kind.version),
        "spec": canonicalSpec(of: cell), "params": .object(usedParams(of: cell, in: workbook)),
        "upstream": .object(Dictionary(uniqueKeysWithValues: cell.dependencies.map { ($0, JSONValue.string(out[$0] ?? "")) })),
      ])
      out[id] = Digest.sha256(value.serialized(pretty: false))
    }
    return out
  }

  static func usedParams(of cell: PlannedCell, in workbook: ValidatedWorkbook) -> [String: JSONValue] {
    Dictionary(uniqueKeysWithValues: cell.paramsUsed.map { ($0, Redaction.redact(workbook.params[$0] ?? .null)) })
  }
}

extension Engine {
  /// Computes, without executing anything, what a run of `workbook` would do with each cell. Reads the cache
  /// (manifests, blob signatures) and the recorded state; hashes input files (remembered by stat signature).
  /// `definitions: false` leaves each cell's ``Plan/Cell/definition`` empty: only a plan handed to an executor
  /// (`cell run --expect-definition`) or printed by `workbench plan` needs it, and it costs a canonical text and a
  /// hash per cell (about a fifth of `status` on a large workbook).
  public func plan(_ workbook: ValidatedWorkbook, definitions: Bool = true) -> Plan {
    plan(workbook, store: store, definitions: definitions)
  }

  func plan(_ workbook: ValidatedWorkbook, store: CacheStore, definitions withDefinitions: Bool = true) -> Plan {
    let recorded = state.state(workbook: workbook.workbook.name)
    let context = ExecutionContext(engine: self, workbook: workbook, store: store, state: state, force: false,
                                   verification: false, environment: ProcessInfo.processInfo.environment, runId: nil,
                                   observer: SilentObserver())
    let definitions = withDefinitions ? Plan.definitions(of: workbook) : [:]
    // What a run would record so far, as the upstream of the next cells (cached cells carry their manifest).
    var records: [String: CellRecord] = [:]
    var planned: [String: Plan.Cell] = [:]
    for id in workbook.order {
      guard let cell = workbook.cell(id) else { continue }
      var p = Plan.Cell(id: id, kind: cell.kind.name, decision: .stale, reasons: [], upstream: cell.dependencies,
                        params: Plan.usedParams(of: cell, in: workbook), definition: definitions[id] ?? "")
      p.recordedKey = recorded[id]?.key
      // The recorded entry is read only for a cell that is not cached (to say what changed): a no-op run reads one
      // manifest per cell, not two.
      var oldManifestLoaded: Manifest?? = .none
      func oldManifest() -> Manifest? {
        if case .some(let m) = oldManifestLoaded { return m }
        let m = recorded[id].flatMap { manifest(forKey: $0.key) }
        oldManifestLoaded = .some(m)
        return m
      }
      defer {
        if p.recordedKey != nil, p.recordedKey == p.key, let m = p.manifest { p.recordedComponents = m.components } else {
          p.recordedComponents = oldManifest()?.components
        }
        planned[id] = p
      }
      if let bad = cell.dependencies.first(where: { records[$0]?.status != .cached }) {
        let upstreamSkipped = planned[bad]?.decision == .skipped
        p.decision = upstreamSkipped ? .skipped : .stale
        p.reasons = [upstreamSkipped ? "upstream cell \(bad) will be skipped" : "upstream cell \(bad) will rerun"]
        records[id] = CellRecord(id: id, kind: cell.kind.name, status: upstreamSkipped ? .skipped : .executed)
        continue
      }
      do {
        guard let prepared = try context.prepare(cell, upstream: records) else {
          p.decision = .skipped
          p.reasons = ["condition `when` is false"]
          records[id] = CellRecord(id: id, kind: cell.kind.name, status: .skipped)
          continue
        }
        p.key = prepared.key
        p.components = prepared.components
        p.options = prepared.options.values.mapValues(Redaction.redact)
        if let m = try store.manifest(prepared.key) {
          if let problem = store.verify(m) {
            p.reasons = [problem.description]
          } else {
            p.decision = .cached
            p.manifest = m
            records[id] = CellRecord(id: id, kind: cell.kind.name, status: .cached, key: m.key, outputDigest: m.outputDigest, manifest: m)
            continue
          }
        } else if let oldManifest = oldManifest() {
          p.reasons = prepared.components.differences(from: oldManifest.components)
          if p.reasons.isEmpty { p.reasons = ["cache entry missing"] }
        } else {
          p.reasons = ["never run"]
        }
      } catch {
        p.decision = .error
        p.reasons = [ExecutionContext.describe(error)]
        p.error = CellDiagnostic.from(error, cell: id, registry: registry)
      }
      records[id] = CellRecord(id: id, kind: cell.kind.name, status: .executed)
    }
    return Plan(workbook: workbook.workbook.name, workbookFile: workbook.workbook.file,
                params: workbook.params.mapValues(Redaction.redact),
                cells: workbook.cells.compactMap { planned[$0.id] })
  }
}
