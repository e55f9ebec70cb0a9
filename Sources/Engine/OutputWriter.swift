import Foundation
import Frame
import Reporting
import WorkbookModel

/// Writes the output contract of DESIGN §4: `outputs/<workbook>/{index.html, report.md, run.json, cells/<id>/…}`.
///
/// A run's outputs are published as a whole: the complete folder is built in a staging folder beside it
/// (`outputs/.<workbook>.staging-<pid>-<n>`) and swapped in with one `renameat2(RENAME_EXCHANGE)`, so a reader
/// of `outputs/<workbook>` sees the previous run's outputs or this run's, never a mix, and a killed run leaves the
/// previous outputs as they were (its staging folder is removed by the next run). Unchanged files are hard links
/// to the previous publication's, so a no-op run rewrites nothing large.
struct OutputWriter {
  let engine: Engine

  /// Tables up to this many rows are exported in full as CSV; larger ones get a preview (see docs/outputs.md).
  static let fullExportRows = 100_000
  static let previewRows = 1_000
  static let markerName = ".output-digest"

  /// What a cell's folder holds after a run (run.json `cells[].folder`).
  enum Folder: String {
    /// This run's outputs (the cell executed or was taken from the cache).
    case current
    /// The cell failed: its last good outputs, kept (a failed run never deletes them).
    case lastGood = "last_good"
    /// The cell has no output in this run (skipped, not selected, not rendered): only a result.json saying so.
    case skipped
    /// No folder (a failed cell that never succeeded).
    case absent
  }

  /// Throws when `outputs/<workbook>` (or the `--output` folder) cannot be replaced safely: a symbolic link (it
  /// would be written through, into someone else's folder), a file, or, for `--output`, a non-empty folder that
  /// holds no run.json (not ours to replace).
  func checkDestination(workbook: String) throws {
    let out = engine.layout.outputs(workbook: workbook)
    let shown = Engine.displayPath(out.path, root: engine.layout.root)
    var st = stat()
    guard lstat(out.path, &st) == 0 else { return }
    switch st.st_mode & S_IFMT {
    case S_IFLNK:
      let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: out.path)) ?? "?"
      throw EngineError("`\(shown)` is a symbolic link (to `\(target)`): workbench replaces this folder as a whole on every run and does not write through links",
                        hint: "remove the link (`rm \(shown)`), or write the outputs elsewhere with `--output DIR`")
    case S_IFDIR:
      guard engine.layout.outputOverride != nil, !FileSystem.exists(out.appendingPathComponent("run.json").path),
            !((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).isEmpty
      else { return }
      throw EngineError("--output `\(shown)` is a folder that workbench did not write (it has files but no run.json): the outputs replace the folder as a whole",
                        hint: "choose a new or empty folder")
    default:
      throw EngineError("`\(shown)` is not a folder", hint: "move it away; workbench writes the workbook's outputs there")
    }
  }

  /// Builds the run's complete outputs folder in a staging folder, checks the `--fail-on` gates, writes run.json
  /// and the reports, and swaps the folder in. Returns the summary as published (cells whose outputs could not be
  /// written are marked failed; warehouse warnings and gate outcomes added).
  func publish(_ summary: RunSummary, gates: [RunGate] = [], memo: TableMemo? = nil) throws -> RunSummary {
    var summary = summary
    let name = summary.workbook.workbook.name
    let out = engine.layout.outputs(workbook: name)
    try checkDestination(workbook: name)
    let parent = out.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    let stagingPrefix = ".\(out.lastPathComponent).staging-"
    Leftovers.removeDead(in: parent.path) { $0.hasPrefix(stagingPrefix) }
    let staging = parent.appendingPathComponent("\(stagingPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    defer { FileSystem.removeItem(staging.path) }  // after the swap it holds the previous outputs

    var folders: [String: Folder] = [:]
    let lastGood = engine.recordedState(workbook: name)
    for i in summary.records.indices {
      let r = summary.records[i]
      let dir = staging.appendingPathComponent("cells/\(r.id)")
      let previous = out.appendingPathComponent("cells/\(r.id)")
      if let m = r.manifest {
        do {
          try materialize(m, into: dir, previous: previous, memo: memo)
          folders[r.id] = .current
        } catch {
          // A damaged cache entry: not reused again; the cell is reported, the rest is published.
          if error is CacheCorruption { engine.store.removeManifest(m.key) }
          FileSystem.removeItem(dir.path)
          summary.records[i].status = .failed
          summary.records[i].manifest = nil
          summary.records[i].outputDigest = nil
          summary.records[i].reason = "its outputs could not be written: \(ExecutionContext.describe(error)); `workbench run` recomputes it"
          folders[r.id] = Folder.absent
        }
      } else if r.status == .failed, let last = lastGood[r.id], let m = engine.manifest(forKey: last.key),
                (try? materialize(m, into: dir, previous: previous, memo: memo)) != nil {
        folders[r.id] = .lastGood
      } else if r.status == .failed {
        FileSystem.removeItem(dir.path)
        folders[r.id] = Folder.absent
      } else {
        let stub: JSONValue = .object(["status": .string(r.status.rawValue), "reason": r.reason.map(JSONValue.string) ?? .null])
        try FileSystem.writeAtomically(stub.serializedBytes(), to: dir.appendingPathComponent("result.json").path)
        folders[r.id] = .skipped
      }
    }

    // The warehouse: the previous one carried over, rebuilt when a published table changed.
    for file in ["warehouse.sqlite", ".warehouse-digest"] where FileSystem.exists(out.appendingPathComponent(file).path) {
      try Self.linkOrCopy(out.appendingPathComponent(file), to: staging.appendingPathComponent(file))
    }
    let warehouseWarnings = try Warehouse(engine: engine).publish(summary, into: staging)
    summary.warnings += warehouseWarnings
    summary.outputWarnings = warehouseWarnings

    summary.gates = gates.map { gate in
      gate.evaluate(summary.records) { r in
        guard let a = r.manifest?.artifact("result.json") else { return nil }
        return (try? engine.store.blob(a.digest)).flatMap { try? JSONValue.parse($0) }
      }
    }
    try FileSystem.writeAtomically(runJSON(summary, folders: folders).serializedBytes(), to: staging.appendingPathComponent("run.json").path)
    let doc = reportDocument(summary, extraWarnings: warehouseWarnings + summary.gates.filter { $0.verdict != .passed }.map {
      "--fail-on \($0.condition): \($0.detail)"
    })
    try FileSystem.writeAtomically(HTMLRenderer.render(doc), to: staging.appendingPathComponent("index.html").path)
    try FileSystem.writeAtomically(MarkdownRenderer.render(doc), to: staging.appendingPathComponent("report.md").path)
    try Self.swap(staging, into: out)
    return summary
  }

  /// Writes a cell's outputs into `dir` (a new folder); hard-links the previous publication's folder when it
  /// holds the same outputs.
  func materialize(_ manifest: Manifest, into dir: URL, previous: URL?, memo: TableMemo? = nil) throws {
    if let previous,
       let existing = try? String(contentsOfFile: previous.appendingPathComponent(Self.markerName).path, encoding: .utf8),
       existing == manifest.outputDigest
    {
      try Self.linkOrCopy(previous, to: dir)
      return
    }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var tableIndex: [JSONValue] = []
    for a in manifest.artifacts {
      if a.role == .report { continue }
      let memoFrame = a.role == .table ? memo?.get(a.digest) : nil
      let bytes = memoFrame == nil ? try engine.store.blob(a.digest) : []
      switch a.role {
      case .result: try FileSystem.writeAtomically(bytes, to: dir.appendingPathComponent("result.json").path)
      case .report: continue
      case .file: try FileSystem.writeAtomically(bytes, to: dir.appendingPathComponent(a.name).path)
      case .table:
        let name = String(a.name.dropLast(OutputNames.tableSuffix.count))
        let frame = try memoFrame ?? FrameCodec.decode(bytes)
        let complete = frame.rowCount <= Self.fullExportRows
        let fileName = complete ? "\(name).csv" : "\(name).preview.csv"
        let rows = complete ? frame : frame.gathering(Array(0..<min(Self.previewRows, frame.rowCount)))
        try FileSystem.writeAtomically(TableCSV.render(rows), to: dir.appendingPathComponent(fileName).path)
        tableIndex.append(.object([
          "name": .string(name), "rows": .int(frame.rowCount), "file": .string(fileName), "complete": .bool(complete),
          "columns": .array(frame.columns.map { .object(["name": .string($0.name), "type": .string($0.type.rawValue),
                                                         "nulls": .int($0.nullCount)]) }),
        ]))
      }
    }
    if !tableIndex.isEmpty {
      try FileSystem.writeAtomically(JSONValue.array(tableIndex).serializedBytes(), to: dir.appendingPathComponent("tables.json").path)
    }
    try FileSystem.writeAtomically(manifest.outputDigest, to: dir.appendingPathComponent(Self.markerName).path)
  }

  /// Hard-links a file, or every file of a folder recursively, to `destination` (copies where links are refused).
  /// Published files are only ever replaced, never edited in place, so sharing inodes is safe.
  static func linkOrCopy(_ source: URL, to destination: URL) throws {
    var st = stat()
    guard lstat(source.path, &st) == 0 else { return }
    if st.st_mode & S_IFMT == S_IFDIR {
      try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
      for entry in try FileManager.default.contentsOfDirectory(atPath: source.path) {
        try linkOrCopy(source.appendingPathComponent(entry), to: destination.appendingPathComponent(entry))
      }
    } else if link(source.path, destination.path) != 0 {
      try FileManager.default.copyItem(at: source, to: destination)
    }
  }

  /// Puts `staging` at `destination` in one step: exchanged with the existing folder (`renameat2` with
  /// `RENAME_EXCHANGE`, after which `staging` holds the old outputs), or renamed when there is none. Where the
  /// exchange is not supported, the old folder is renamed aside and the new one in (a reader may find the folder
  /// absent for that instant).
  static func swap(_ staging: URL, into destination: URL) throws {
    var st = stat()
    if lstat(destination.path, &st) != 0 {
      guard rename(staging.path, destination.path) == 0 else { throw publishError(destination) }
      // The deferred removal of `staging` then finds nothing.
      return
    }
    if exchange(staging.path, destination.path) { return }
    // Named like a staging folder of this process, so the next run removes it if we die in between.
    let stagingName = staging.lastPathComponent
    let prefix = stagingName[..<(stagingName.lastIndex(of: "-") ?? stagingName.endIndex)]
    let aside = staging.deletingLastPathComponent().appendingPathComponent("\(prefix)-\(UInt32.random(in: 0...UInt32.max))")
    guard rename(destination.path, aside.path) == 0 else { throw publishError(destination) }
    guard rename(staging.path, destination.path) == 0 else {
      let error = publishError(destination)
      _ = rename(aside.path, destination.path)
      throw error
    }
    _ = rename(aside.path, staging.path)  // removed with the staging folder
  }

  private static func publishError(_ destination: URL) -> EngineError {
    EngineError("cannot publish the outputs to `\(destination.path)`: \(String(cString: strerror(errno)))",
                hint: "check permissions on the outputs folder; the previous outputs are unchanged")
  }

  /// `renameat2(RENAME_EXCHANGE)`: atomically swaps two paths. False when the system or file system lacks it.
  private static func exchange(_ a: String, _ b: String) -> Bool {
    #if os(Linux)
    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    guard let symbol = renameat2Symbol else { return false }
    let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
    let renameExchange: UInt32 = 2
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    #else
    return false
    #endif
  }

  /// glibc's `renameat2` (≥ 2.28), looked up at run time because Swift's Glibc module does not declare it.
  nonisolated(unsafe) private static let renameat2Symbol: UnsafeMutableRawPointer? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2")

  func runJSON(_ summary: RunSummary, folders: [String: Folder] = [:]) -> JSONValue {
    let wb = summary.workbook
    var tools: [String: JSONValue] = [:]
    for r in summary.records { for (k, v) in r.manifest?.components.tools ?? [:] { tools[k] = .string(v) } }
    let counts = Dictionary(grouping: summary.records, by: \.status).mapValues { JSONValue.int($0.count) }
    return .object([
      "format": .int(1),
      "workbook": .string(wb.workbook.name),
      "title": wb.workbook.title.map(JSONValue.string) ?? .null,
      "file": .string(wb.workbook.file),
      "status": .string(summary.status),
      "exit_code": .int(Int(summary.exitCode)),
      "workbench_version": .string(workbenchVersion),
      "cache_scheme": .int(cacheSchemeVersion),
      "params": Redaction.redact(.object(wb.params)),
      "gates": .array(summary.gates.map(\.json)),
      "tools": .object(tools),
      "counts": .object(Dictionary(uniqueKeysWithValues: [CellStatus.executed, .cached, .failed, .skipped].map {
        ($0.rawValue, counts[$0] ?? .int(0))
      })),
      "warnings": .array(summary.warnings.map { .string(Redaction.redact($0)) }),
      "cells": .array(summary.records.map { r in
        var o: [String: JSONValue] = [
          "id": .string(r.id), "kind": .string(r.kind), "status": .string(r.status.rawValue),
          "key": r.key.map(JSONValue.string) ?? .null, "output_digest": r.outputDigest.map(JSONValue.string) ?? .null,
          "duration_ms": .int(r.durationMs), "reason": r.reason.map { .string(Redaction.redact($0)) } ?? .null,
          "warnings": .array(r.warnings.map { .string(Redaction.redact($0)) }),
          "notes": .array((r.manifest?.notes ?? []).map(JSONValue.string)),
          "folder": .string((folders[r.id] ?? .absent).rawValue),
        ]
        if let m = r.manifest {
          o["outputs"] = .object(Dictionary(uniqueKeysWithValues: m.artifacts.filter { $0.role != .report }.map {
            ($0.name, JSONValue.string($0.digest))
          }))
        } else {
          o["outputs"] = .object([:])
        }
        return .object(o)
      }),
    ])
  }

  func reportDocument(_ summary: RunSummary, extraWarnings: [String] = []) -> ReportDocument {
    let wb = summary.workbook
    let language = wb.workbook.report.resolvedLanguage(wb.params)
    let translation = wb.workbook.report.translations[language]
    var sections: [ReportDocument.Section] = []
    for r in summary.records {
      let cell = wb.cell(r.id)!
      var blocks: [ReportBlock] = []
      var files: [String: [UInt8]] = [:]
      var links: [(text: String, target: String)] = []
      var status = r.status.rawValue
      var reason = r.reason
      // A failed or skipped cell shows its last good outputs, clearly marked.
      var manifest = r.manifest
      if manifest == nil, r.status == .failed, let last = engine.recordedState(workbook: wb.workbook.name)[r.id] {
        manifest = engine.manifest(forKey: last.key)
        if manifest != nil { reason = (reason ?? "") + " — showing the last good outputs" }
      }
      if let m = manifest {
        if let bytes = try? engine.artifactBytes(m, "report.json"),
           let decoded = try? JSONDecoder().decode([ReportBlock].self, from: Data(bytes))
        {
          blocks = decoded
        }
        for case .figure(let file, _) in blocks {
          if file.hasSuffix(".svg"), let bytes = try? engine.artifactBytes(m, file) { files[file] = bytes }
        }
        links.append(("result.json", "cells/\(r.id)/result.json"))
        for t in m.tables {
          let name = String(t.name.dropLast(OutputNames.tableSuffix.count))
          let complete = (t.rows ?? 0) <= Self.fullExportRows
          links.append(("\(name) (\(t.rows ?? 0) rows)", "cells/\(r.id)/\(name)\(complete ? "" : ".preview").csv"))
        }
      }
      if r.status == .skipped, reason == nil { status = "skipped" }
      for w in r.warnings { blocks.insert(.callout(level: .warning, text: Redaction.redact(w)), at: 0) }
      sections.append(ReportDocument.Section(
        id: r.id, kind: r.kind, title: translation?.cellTitles[r.id] ?? cell.spec.title, description: cell.spec.description, status: status,
        reason: reason.map(Redaction.redact), blocks: blocks, files: files, links: links))
    }
    return ReportDocument(
      workbook: wb.workbook.name, title: translation?.title ?? wb.workbook.title,
      description: translation?.description ?? wb.workbook.description,
      params: wb.workbook.params.map { ($0.name, Redaction.redact(wb.params[$0.name]?.displayText ?? "")) },
      sections: sections, warnings: wb.warnings.map(\.description) + extraWarnings,
      language: language, lead: wb.workbook.report.lead)
  }
}

/// The version printed by `workbench --version` and recorded in run.json.
public let workbenchVersion = "0.1.0"

/// Deterministic CSV for exported tables: RFC 4180 quoting, nulls empty, floats in shortest round-trip form.
public enum TableCSV {
  public static func render(_ frame: Frame) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(frame.rowCount * frame.columns.count * 6 + 64)
    func field(_ s: String) {
      if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.hasPrefix(" ") || s.hasSuffix(" ") {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
          if b == UInt8(ascii: "\"") { out.append(b) }
          out.append(b)
        }
        out.append(UInt8(ascii: "\""))
      } else {
        out.append(contentsOf: s.utf8)
      }
    }
    for (i, c) in frame.columns.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      field(c.name)
    }
    out.append(UInt8(ascii: "\n"))
    for row in 0..<frame.rowCount {
      for (i, c) in frame.columns.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        if c.isNull(row) { continue }
        switch c.storage {
        case .int(let v): out.append(contentsOf: String(v[row]).utf8)
        case .float(let v): out.append(contentsOf: formatFloat(v[row]).utf8)
        case .bool(let v): out.append(contentsOf: (v[row] ? "true" : "false").utf8)
        case .string(let codes, let dict): field(dict[Int(codes[row])])
        }
      }
      out.append(UInt8(ascii: "\n"))
    }
    return out
  }
}
