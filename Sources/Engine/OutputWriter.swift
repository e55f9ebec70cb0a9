import Foundation
import Frame
import Reporting
import WorkbookModel

/// Writes the output contract of DESIGN §4: `outputs/<workbook>/{index.html, report.md, run.json, cells/<id>/…}`.
///
/// A cell's folder is rebuilt in a staging folder and swapped in, so it always holds one complete set of
/// outputs; a failed cell's folder is never touched (its last good outputs stay).
struct OutputWriter {
  let engine: Engine

  /// Tables up to this many rows are exported in full as CSV; larger ones get a preview (see docs/outputs.md).
  static let fullExportRows = 100_000
  static let previewRows = 1_000
  static let markerName = ".output-digest"

  func materialize(_ manifest: Manifest, workbook: String, memo: TableMemo? = nil) throws {
    let dir = engine.layout.cellOutputs(workbook: workbook, cell: manifest.cell)
    let marker = dir.appendingPathComponent(Self.markerName).path
    if let existing = try? String(contentsOfFile: marker, encoding: .utf8), existing == manifest.outputDigest { return }

    let staging = dir.deletingLastPathComponent().appendingPathComponent(".staging-\(manifest.cell)-\(getpid())")
    FileSystem.removeItem(staging.path)
    try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    var tableIndex: [JSONValue] = []
    for a in manifest.artifacts {
      if a.role == .report { continue }
      let memoFrame = a.role == .table ? memo?.get(a.digest) : nil
      let bytes = memoFrame == nil ? try engine.store.blob(a.digest) : []
      switch a.role {
      case .result: try FileSystem.writeAtomically(bytes, to: staging.appendingPathComponent("result.json").path)
      case .report: continue
      case .file: try FileSystem.writeAtomically(bytes, to: staging.appendingPathComponent(a.name).path)
      case .table:
        let name = String(a.name.dropLast(OutputNames.tableSuffix.count))
        let frame = try memoFrame ?? FrameCodec.decode(bytes)
        let complete = frame.rowCount <= Self.fullExportRows
        let fileName = complete ? "\(name).csv" : "\(name).preview.csv"
        let rows = complete ? frame : frame.gathering(Array(0..<min(Self.previewRows, frame.rowCount)))
        try FileSystem.writeAtomically(TableCSV.render(rows), to: staging.appendingPathComponent(fileName).path)
        tableIndex.append(.object([
          "name": .string(name), "rows": .int(frame.rowCount), "file": .string(fileName), "complete": .bool(complete),
          "columns": .array(frame.columns.map { .object(["name": .string($0.name), "type": .string($0.type.rawValue),
                                                         "nulls": .int($0.nullCount)]) }),
        ]))
      }
    }
    if !tableIndex.isEmpty {
      try FileSystem.writeAtomically(JSONValue.array(tableIndex).serializedBytes(), to: staging.appendingPathComponent("tables.json").path)
    }
    try FileSystem.writeAtomically(manifest.outputDigest, to: staging.appendingPathComponent(Self.markerName).path)
    let old = dir.deletingLastPathComponent().appendingPathComponent(".old-\(manifest.cell)-\(getpid())")
    if FileSystem.exists(dir.path) { try FileManager.default.moveItem(at: dir, to: old) }
    try FileManager.default.moveItem(at: staging, to: dir)
    FileSystem.removeItem(old.path)
  }

  /// Writes run.json, the reports and the warehouse; returns the summary with the warehouse's warnings added.
  func writeRunOutputs(_ summary: RunSummary) throws -> RunSummary {
    var summary = summary
    let wb = summary.workbook
    let out = engine.layout.outputs(workbook: wb.workbook.name)
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let warehouseWarnings = try Warehouse(engine: engine).publish(summary)
    summary.warnings += warehouseWarnings
    summary.outputWarnings = warehouseWarnings
    try FileSystem.writeAtomically(runJSON(summary).serializedBytes(), to: out.appendingPathComponent("run.json").path)
    let doc = reportDocument(summary, extraWarnings: warehouseWarnings)
    try FileSystem.writeAtomically(HTMLRenderer.render(doc), to: out.appendingPathComponent("index.html").path)
    try FileSystem.writeAtomically(MarkdownRenderer.render(doc), to: out.appendingPathComponent("report.md").path)
    // Folders of cells that no longer exist in the workbook.
    let cellsDir = out.appendingPathComponent("cells")
    let ids = Set(wb.cells.map(\.id))
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: cellsDir.path)) ?? [] where !ids.contains(entry) {
      FileSystem.removeItem(cellsDir.appendingPathComponent(entry).path)
    }
    return summary
  }

  func runJSON(_ summary: RunSummary) -> JSONValue {
    let wb = summary.workbook
    var tools: [String: JSONValue] = [:]
    for r in summary.records { for (k, v) in r.manifest?.components.tools ?? [:] { tools[k] = .string(v) } }
    let counts = Dictionary(grouping: summary.records, by: \.status).mapValues { JSONValue.int($0.count) }
    return .object([
      "format": .int(1),
      "workbook": .string(wb.workbook.name),
      "title": wb.workbook.title.map(JSONValue.string) ?? .null,
      "file": .string(wb.workbook.file),
      "status": .string(summary.exitCode == 0 ? "succeeded" : "failed"),
      "exit_code": .int(Int(summary.exitCode)),
      "workbench_version": .string(workbenchVersion),
      "cache_scheme": .int(cacheSchemeVersion),
      "params": .object(wb.params),
      "tools": .object(tools),
      "counts": .object(Dictionary(uniqueKeysWithValues: [CellStatus.executed, .cached, .failed, .skipped].map {
        ($0.rawValue, counts[$0] ?? .int(0))
      })),
      "warnings": .array(summary.warnings.map(JSONValue.string)),
      "cells": .array(summary.records.map { r in
        var o: [String: JSONValue] = [
          "id": .string(r.id), "kind": .string(r.kind), "status": .string(r.status.rawValue),
          "key": r.key.map(JSONValue.string) ?? .null, "output_digest": r.outputDigest.map(JSONValue.string) ?? .null,
          "duration_ms": .int(r.durationMs), "reason": r.reason.map(JSONValue.string) ?? .null,
          "warnings": .array(r.warnings.map(JSONValue.string)),
          "notes": .array((r.manifest?.notes ?? []).map(JSONValue.string)),
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
      for w in r.warnings { blocks.insert(.callout(level: .warning, text: w), at: 0) }
      sections.append(ReportDocument.Section(
        id: r.id, kind: r.kind, title: translation?.cellTitles[r.id] ?? cell.spec.title, description: cell.spec.description, status: status,
        reason: reason, blocks: blocks, files: files, links: links))
    }
    return ReportDocument(
      workbook: wb.workbook.name, title: translation?.title ?? wb.workbook.title,
      description: translation?.description ?? wb.workbook.description,
      params: wb.workbook.params.map { ($0.name, wb.params[$0.name]?.displayText ?? "") },
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
