/// Renders the report as GitHub-flavoured Markdown (for CI summaries and code review). Figures are linked,
/// not inlined; data values are escaped.
public enum MarkdownRenderer {
  /// `figureBase` is prefixed to figure file names (e.g. `cells/<id>/`).
  public static func render(_ doc: ReportDocument) -> String {
    var m = "# " + markdownEscape(doc.title ?? doc.workbook) + "\n\n"
    m += "Workbook `" + doc.workbook + "`"
    if let d = doc.description { m += " — " + markdownEscape(d) }
    m += "\n\n"
    if !doc.params.isEmpty {
      m += "| param | value |\n|---|---|\n"
      for p in doc.params { m += "| `" + p.name + "` | " + markdownEscape(p.value) + " |\n" }
      m += "\n"
    }
    for w in doc.warnings { m += "> **warning:** " + markdownEscape(w) + "\n\n" }
    m += "| cell | kind | status |\n|---|---|---|\n"
    for s in doc.sections { m += "| " + markdownEscape(s.title ?? s.id) + " | " + s.kind + " | " + s.status + " |\n" }
    m += "\n"
    for s in doc.sections {
      m += "## " + markdownEscape(s.title ?? s.id) + " (`" + s.id + "`, " + s.kind + ", " + s.status + ")\n\n"
      if let d = s.description { m += markdownEscape(d) + "\n\n" }
      if let r = s.reason { m += "> " + markdownEscape(r) + "\n\n" }
      for b in s.blocks { m += block(b, cell: s.id) }
    }
    return m
  }

  static func block(_ b: ReportBlock, cell: String) -> String {
    switch b {
    case .text(let t): return markdownEscape(t) + "\n\n"
    case .markdown(let md): return md + "\n\n"
    case .table(let caption, let columns, let rows, let note):
      var m = caption.map { "**" + markdownEscape($0) + "**\n\n" } ?? ""
      m += "| " + columns.map(markdownEscape).joined(separator: " | ") + " |\n"
      m += "|" + String(repeating: "---|", count: columns.count) + "\n"
      for r in rows { m += "| " + r.map(markdownEscape).joined(separator: " | ") + " |\n" }
      if let note { m += "\n_" + markdownEscape(note) + "_\n" }
      return m + "\n"
    case .facts(let facts):
      return facts.map { "- **" + markdownEscape($0.label) + ":** " + markdownEscape($0.value) }.joined(separator: "\n") + "\n\n"
    case .figure(let file, let caption):
      return "![" + markdownEscape(caption ?? file) + "](cells/" + cell + "/" + file + ")\n\n"
    case .callout(let level, let text): return "> **" + level.rawValue + ":** " + markdownEscape(text) + "\n\n"
    case .code(let c): return "```\n" + c + "\n```\n\n"
    case .link(let text, let target): return "[" + markdownEscape(text) + "](" + target + ")\n\n"
    }
  }
}
