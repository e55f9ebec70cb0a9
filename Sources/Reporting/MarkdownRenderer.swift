/// Renders the report as GitHub-flavoured Markdown (for CI summaries and code review). Figures are linked,
/// not inlined; data values are escaped, and author Markdown has its raw HTML neutralised. Folded detail is a
/// `<details>` block, which GitHub renders collapsed.
public enum MarkdownRenderer {
  public static func render(_ doc: ReportDocument) -> String {
    let chrome = ReportChrome(language: doc.language)
    var m = "# " + markdownEscape(doc.title ?? doc.workbook) + "\n\n"
    m += markdownEscape(chrome.workbook.prefix(1).uppercased() + chrome.workbook.dropFirst()) + " `" + doc.workbook + "`"
    if let d = doc.description { m += " — " + markdownEscape(d) }
    m += "\n\n"
    let (lead, rest) = doc.arrangedSections
    var run = ""
    if !doc.params.isEmpty {
      run += "| " + chrome.param + " | " + chrome.value + " |\n|---|---|\n"
      for p in doc.params { run += "| `" + p.name + "` | " + markdownEscape(p.value) + " |\n" }
      run += "\n"
    }
    run += "| " + chrome.cell + " | " + chrome.kind + " | " + chrome.status + " |\n|---|---|---|\n"
    for s in lead + rest {
      run += "| " + markdownEscape(s.title ?? s.id) + " | " + s.kind + " | " + chrome.statusText(s.status) + " |\n"
    }
    m += doc.lead.isEmpty ? run + "\n" : folded(chrome.runDetails, run)
    for w in doc.warnings { m += "> **" + chrome.warning + ":** " + markdownEscape(w) + "\n\n" }
    if doc.lead.isEmpty {
      for s in doc.sections { m += heading(s, chrome) + body(s, chrome) }
    } else {
      for s in lead { m += heading(s, chrome) + body(s, chrome) }
      if !rest.isEmpty {
        m += "## " + markdownEscape(chrome.details) + "\n\n"
        for s in rest {
          m += folded(plain(s.title ?? s.id) + " (" + s.kind + ", " + chrome.statusText(s.status) + ")", body(s, chrome), open: s.status == "failed")
        }
      }
    }
    return m
  }

  static func heading(_ s: ReportDocument.Section, _ chrome: ReportChrome) -> String {
    "## " + markdownEscape(s.title ?? s.id) + " (`" + s.id + "`, " + s.kind + ", " + chrome.statusText(s.status) + ")\n\n"
  }

  static func body(_ s: ReportDocument.Section, _ chrome: ReportChrome) -> String {
    var m = ""
    if let d = s.description { m += markdownEscape(d) + "\n\n" }
    if let r = s.reason { m += "> " + markdownEscape(r) + "\n\n" }
    for b in s.blocks { m += block(b, cell: s.id, chrome) }
    return m
  }

  /// A `<details>` block; the blank lines around the body make GitHub render it as Markdown.
  static func folded(_ summary: String, _ body: String, open: Bool = false) -> String {
    let separated = body.hasSuffix("\n\n") ? body : body + (body.hasSuffix("\n") ? "\n" : "\n\n")
    return "<details" + (open ? " open" : "") + "><summary>" + htmlEscape(summary) + "</summary>\n\n" + separated + "</details>\n\n"
  }

  /// Summary text for `<details>`: HTML-escaped there, so no Markdown escaping.
  static func plain(_ s: String) -> String { s.replacingOccurrences(of: "\n", with: " ") }

  static func block(_ b: ReportBlock, cell: String, _ chrome: ReportChrome) -> String {
    switch b {
    case .text(let t): return markdownEscape(t) + "\n\n"
    case .markdown(let md): return markdownNeutralizingHTML(md) + "\n\n"
    case .table(let caption, let columns, let rows, let note):
      var m = caption.map { "**" + markdownEscape($0) + "**\n\n" } ?? ""
      m += "| " + columns.map(markdownEscape).joined(separator: " | ") + " |\n"
      m += "|" + String(repeating: "---|", count: columns.count) + "\n"
      for r in rows { m += "| " + r.map { markdownEscape(ReadableNumber.tidy($0)) }.joined(separator: " | ") + " |\n" }
      if let note { m += "\n_" + markdownEscape(note) + "_\n" }
      return m + "\n"
    case .facts(let facts):
      return facts.map { "- **" + markdownEscape($0.label) + ":** " + markdownEscape($0.value) }.joined(separator: "\n") + "\n\n"
    case .figure(let file, let caption):
      return "![" + markdownEscape(caption ?? file) + "](cells/" + cell + "/" + file + ")\n\n"
    case .callout(let level, let text): return "> **" + chrome.levelText(level) + ":** " + markdownEscape(text) + "\n\n"
    case .code(let c): return "```\n" + c.replacingOccurrences(of: "```", with: "` ` `") + "\n```\n\n"
    case .link(let text, let target):
      // Only a safe target that cannot end the link early (no space, parenthesis or angle bracket) becomes a link.
      guard MarkdownSubset.isSafeLink(target), !target.contains(where: { $0.isWhitespace || "()<>".contains($0) }) else {
        return markdownEscape(text) + "\n\n"
      }
      return "[" + markdownEscape(text) + "](" + target + ")\n\n"
    case .details(let summary, let blocks):
      return folded(summary, blocks.map { block($0, cell: cell, chrome) }.joined())
    }
  }
}
