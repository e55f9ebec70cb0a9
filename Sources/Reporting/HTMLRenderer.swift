import Foundation

/// Renders a self-contained HTML page: inline CSS, SVG figures inlined, every data value escaped.
/// No scripts, no external resources, no timestamps (the page is identical for identical outputs).
public enum HTMLRenderer {
  public static func render(_ doc: ReportDocument) -> String {
    var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    h += "<title>" + htmlEscape(doc.title ?? doc.workbook) + "</title>\n<style>\n" + css + "</style>\n</head>\n<body>\n"
    h += "<header><h1>" + htmlEscape(doc.title ?? doc.workbook) + "</h1>\n"
    h += "<p class=\"meta\">workbook <code>" + htmlEscape(doc.workbook) + "</code></p>\n"
    if let d = doc.description { h += "<p>" + htmlEscape(d) + "</p>\n" }
    if !doc.params.isEmpty {
      h += "<table class=\"params\"><tr><th>param</th><th>value</th></tr>\n"
      for p in doc.params { h += "<tr><td><code>" + htmlEscape(p.name) + "</code></td><td>" + htmlEscape(p.value) + "</td></tr>\n" }
      h += "</table>\n"
    }
    h += "</header>\n<nav><ol>\n"
    for s in doc.sections {
      h += "<li><a href=\"#cell-" + htmlEscape(s.id) + "\">" + htmlEscape(s.title ?? s.id) + "</a> <span class=\"status "
        + htmlEscape(s.status) + "\">" + htmlEscape(s.status) + "</span></li>\n"
    }
    h += "</ol></nav>\n<main>\n"
    for w in doc.warnings { h += "<div class=\"callout warning\">" + htmlEscape(w) + "</div>\n" }
    for s in doc.sections { h += section(s) }
    h += "</main>\n</body>\n</html>\n"
    return h
  }

  static func section(_ s: ReportDocument.Section) -> String {
    var h = "<section id=\"cell-" + htmlEscape(s.id) + "\">\n<h2>" + htmlEscape(s.title ?? s.id)
    h += " <span class=\"kind\">" + htmlEscape(s.kind) + "</span> <span class=\"status " + htmlEscape(s.status) + "\">"
      + htmlEscape(s.status) + "</span></h2>\n"
    if let d = s.description { h += "<p class=\"description\">" + htmlEscape(d) + "</p>\n" }
    if let r = s.reason { h += "<div class=\"callout " + (s.status == "failed" ? "danger" : "info") + "\">" + htmlEscape(r) + "</div>\n" }
    if !s.links.isEmpty {
      h += "<p class=\"links\">" + s.links.map { "<a href=\"" + htmlEscape($0.target) + "\">" + htmlEscape($0.text) + "</a>" }
        .joined(separator: " · ") + "</p>\n"
    }
    for b in s.blocks { h += block(b, files: s.files) }
    h += "</section>\n"
    return h
  }

  static func block(_ b: ReportBlock, files: [String: [UInt8]]) -> String {
    switch b {
    case .text(let t): return "<p>" + htmlEscape(t) + "</p>\n"
    case .markdown(let m): return "<div class=\"note\">\n" + MarkdownSubset.html(m) + "</div>\n"
    case .table(let caption, let columns, let rows, let note):
      var h = "<div class=\"table-wrap\"><table>\n"
      if let caption { h += "<caption>" + htmlEscape(caption) + "</caption>\n" }
      h += "<thead><tr>" + columns.map { "<th>" + htmlEscape($0) + "</th>" }.joined() + "</tr></thead>\n<tbody>\n"
      for r in rows { h += "<tr>" + r.map { "<td>" + htmlEscape($0) + "</td>" }.joined() + "</tr>\n" }
      h += "</tbody></table></div>\n"
      if let note { h += "<p class=\"table-note\">" + htmlEscape(note) + "</p>\n" }
      return h
    case .facts(let facts):
      return "<dl class=\"facts\">" + facts.map { "<dt>" + htmlEscape($0.label) + "</dt><dd>" + htmlEscape($0.value) + "</dd>" }
        .joined() + "</dl>\n"
    case .figure(let file, let caption):
      var h = "<figure>"
      if file.hasSuffix(".svg"), let bytes = files[file], let svg = sanitizedSVG(bytes) {
        h += svg
      } else {
        h += "<a href=\"" + htmlEscape(file) + "\">" + htmlEscape(file) + "</a>"
      }
      if let caption { h += "<figcaption>" + htmlEscape(caption) + "</figcaption>" }
      return h + "</figure>\n"
    case .callout(let level, let text):
      return "<div class=\"callout " + level.rawValue + "\">" + htmlEscape(text) + "</div>\n"
    case .code(let c): return "<pre><code>" + htmlEscape(c) + "</code></pre>\n"
    case .link(let text, let target):
      return "<p><a href=\"" + htmlEscape(target) + "\">" + htmlEscape(text) + "</a></p>\n"
    }
  }

  /// Inlines an SVG produced by our plotting layer: drops the XML prolog/doctype and refuses anything with
  /// script or event-handler content (gnuplot never writes those; data strings are escaped by the plotter).
  static func sanitizedSVG(_ bytes: [UInt8]) -> String? {
    let s = String(decoding: bytes, as: UTF8.self)
    let lower = s.lowercased()
    if lower.contains("<script") || lower.contains("javascript:") || lower.contains("<foreignobject") { return nil }
    if lower.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) != nil { return nil }
    guard let start = s.range(of: "<svg") else { return nil }
    return String(s[start.lowerBound...])
  }

  static let css = """
    body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;background:#f7f8fa;line-height:1.45}
    header,main,nav{max-width:1100px;margin:0 auto;padding:0 1.2rem}
    header{padding-top:1.2rem}h1{margin:.2rem 0}.meta{color:#5b6575;margin:.2rem 0}
    nav ol{columns:2;font-size:.9rem}
    section{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:.8rem 1.2rem;margin:1rem 0}
    h2{font-size:1.2rem;margin:.2rem 0 .6rem}
    .kind{font-size:.75rem;background:#eef1f6;color:#3a4556;padding:.1rem .4rem;border-radius:4px;font-weight:normal}
    .status{font-size:.75rem;padding:.1rem .4rem;border-radius:4px;font-weight:normal}
    .status.executed{background:#e4f4e8;color:#1e6b34}.status.cached{background:#e8eef9;color:#23478a}
    .status.failed{background:#fbe5e5;color:#9b1c1c}.status.skipped{background:#f2f2f2;color:#666}
    table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0}th,td{border:1px solid #dde2ea;padding:.2rem .5rem;text-align:left}
    th{background:#f1f4f8}.table-wrap{overflow-x:auto}caption{text-align:left;font-weight:600;padding:.2rem 0}
    .table-note{font-size:.8rem;color:#5b6575}
    dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;font-size:.9rem}dt{color:#5b6575}dd{margin:0}
    .callout{padding:.5rem .8rem;border-radius:6px;margin:.5rem 0}.callout.info{background:#eef4fd}
    .callout.success{background:#e9f7ee}.callout.warning{background:#fff5e0}.callout.danger{background:#fdecec}
    figure{margin:.6rem 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.85rem;color:#5b6575}
    pre{background:#f4f6f9;padding:.6rem;overflow-x:auto;font-size:.8rem}code{font-size:.9em}
    .links{font-size:.85rem}

    """
}
