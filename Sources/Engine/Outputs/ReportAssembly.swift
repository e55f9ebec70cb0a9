import Foundation
import Reporting
import WorkbookModel

/// The run's report document (rendered to index.html and report.md).
extension OutputWriter {
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
