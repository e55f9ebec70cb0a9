import Foundation

/// Renders a self-contained HTML page: inline CSS, SVG figures inlined, every data value escaped.
/// No scripts, no external resources, no timestamps (the page is identical for identical outputs).
public enum HTMLRenderer {
  public static func render(_ doc: ReportDocument) -> String {
    let chrome = ReportChrome(language: doc.language)
    var h = "<!DOCTYPE html>\n<html lang=\"" + chrome.language + "\">\n<head>\n<meta charset=\"utf-8\">\n"
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    h += "<title>" + htmlEscape(doc.title ?? doc.workbook) + "</title>\n<style>\n" + css + "</style>\n</head>\n<body>\n"
    h += "<header><h1>" + htmlEscape(doc.title ?? doc.workbook) + "</h1>\n"
    h += "<p class=\"meta\">" + chrome.workbook + " <code>" + htmlEscape(doc.workbook) + "</code></p>\n"
    if let d = doc.description { h += "<p>" + htmlEscape(d) + "</p>\n" }
    let (lead, rest) = doc.arrangedSections
    // With a lead, the params and the cell list are run details: folded, like the engineering sections.
    h += doc.lead.isEmpty ? "" : "<details class=\"run\"><summary>" + htmlEscape(chrome.runDetails) + "</summary>\n"
    if !doc.params.isEmpty {
      h += "<table class=\"params\"><tr><th>" + chrome.param + "</th><th>" + chrome.value + "</th></tr>\n"
      for p in doc.params { h += "<tr><td><code>" + htmlEscape(p.name) + "</code></td><td>" + htmlEscape(p.value) + "</td></tr>\n" }
      h += "</table>\n"
    }
    h += "<nav aria-label=\"" + htmlEscape(chrome.contents) + "\"><ol>\n"
    for s in lead + rest {
      h += "<li><a href=\"#cell-" + htmlEscape(s.id) + "\">" + htmlEscape(s.title ?? s.id) + "</a> " + statusBadge(s.status, chrome) + "</li>\n"
    }
    h += "</ol></nav>\n"
    h += doc.lead.isEmpty ? "" : "</details>\n"
    h += "</header>\n<main>\n"
    for w in doc.warnings { h += "<div class=\"callout warning\">" + htmlEscape(w) + "</div>\n" }
    if doc.lead.isEmpty {
      for s in doc.sections { h += section(s, chrome) }
    } else {
      for s in lead { h += section(s, chrome) }
      if !rest.isEmpty {
        h += "<h2 class=\"details-heading\">" + htmlEscape(chrome.details) + "</h2>\n"
        for s in rest {
          // A failed cell stays open: it is news, not detail.
          h += "<details class=\"section\"" + (s.status == "failed" ? " open" : "") + "><summary>" + htmlEscape(s.title ?? s.id)
            + " <span class=\"kind\">" + htmlEscape(s.kind) + "</span> " + statusBadge(s.status, chrome) + "</summary>\n"
          h += section(s, chrome, folded: true) + "</details>\n"
        }
      }
    }
    h += "</main>\n</body>\n</html>\n"
    return h
  }

  static func statusBadge(_ status: String, _ chrome: ReportChrome) -> String {
    "<span class=\"status " + htmlEscape(status) + "\">" + htmlEscape(chrome.statusText(status)) + "</span>"
  }

  /// One cell's section; `folded` sections sit in a `<details>` whose summary already shows the heading.
  static func section(_ s: ReportDocument.Section, _ chrome: ReportChrome, folded: Bool = false) -> String {
    var h = "<section id=\"cell-" + htmlEscape(s.id) + "\">\n"
    if !folded {
      h += "<h2>" + htmlEscape(s.title ?? s.id) + " <span class=\"kind\">" + htmlEscape(s.kind) + "</span> "
        + statusBadge(s.status, chrome) + "</h2>\n"
    }
    if let d = s.description { h += "<p class=\"description\">" + htmlEscape(d) + "</p>\n" }
    if let r = s.reason { h += "<div class=\"callout " + (s.status == "failed" ? "danger" : "info") + "\">" + htmlEscape(r) + "</div>\n" }
    if !s.links.isEmpty {
      h += "<p class=\"links\">" + s.links.map {
        MarkdownSubset.isSafeLink($0.target) ? "<a href=\"" + htmlEscape($0.target) + "\">" + htmlEscape($0.text) + "</a>" : htmlEscape($0.text)
      }
        .joined(separator: " · ") + "</p>\n"
    }
    var figures = 0
    for b in s.blocks { h += block(b, section: s, figures: &figures) }
    h += "</section>\n"
    return h
  }

  static func block(_ b: ReportBlock, section s: ReportDocument.Section, figures: inout Int) -> String {
    switch b {
    case .text(let t): return "<p>" + htmlEscape(t) + "</p>\n"
    case .markdown(let m): return "<div class=\"note\">\n" + MarkdownSubset.html(m) + "</div>\n"
    case .table(let caption, let columns, let rows, let note):
      var h = "<div class=\"table-wrap\"><table>\n"
      if let caption { h += "<caption>" + htmlEscape(caption) + "</caption>\n" }
      h += "<thead><tr>" + columns.map { "<th>" + htmlEscape($0) + "</th>" }.joined() + "</tr></thead>\n<tbody>\n"
      for r in rows { h += "<tr>" + r.map { "<td>" + htmlEscape(ReadableNumber.tidy($0)) + "</td>" }.joined() + "</tr>\n" }
      h += "</tbody></table></div>\n"
      if let note { h += "<p class=\"table-note\">" + htmlEscape(note) + "</p>\n" }
      return h
    case .facts(let facts):
      return "<dl class=\"facts\">" + facts.map { "<dt>" + htmlEscape($0.label) + "</dt><dd>" + htmlEscape($0.value) + "</dd>" }
        .joined() + "</dl>\n"
    case .figure(let file, let caption):
      figures += 1
      var h = "<figure>"
      if file.hasSuffix(".svg"), let bytes = s.files[file], let svg = sanitizedSVG(bytes, idPrefix: "cell-\(s.id)-f\(figures)-") {
        h += svg
      } else {
        h += "<a href=\"" + htmlEscape("cells/\(s.id)/\(file)") + "\">" + htmlEscape(file) + "</a>"
      }
      if let caption { h += "<figcaption>" + htmlEscape(caption) + "</figcaption>" }
      return h + "</figure>\n"
    case .callout(let level, let text):
      return "<div class=\"callout " + level.rawValue + "\">" + htmlEscape(text) + "</div>\n"
    case .code(let c): return "<pre><code>" + htmlEscape(c) + "</code></pre>\n"
    case .link(let text, let target):
      // An unsafe target (`javascript:`, `data:`…) is shown as text, never as a live link.
      guard MarkdownSubset.isSafeLink(target) else { return "<p>" + htmlEscape(text) + "</p>\n" }
      return "<p><a href=\"" + htmlEscape(target) + "\">" + htmlEscape(text) + "</a></p>\n"
    case .details(let summary, let blocks):
      return "<details><summary>" + htmlEscape(summary) + "</summary>\n"
        + blocks.map { block($0, section: s, figures: &figures) }.joined() + "</details>\n"
    }
  }

  /// Inlines an SVG produced by our plotting layer: drops the XML prolog/doctype and refuses anything with
  /// script or event-handler content (gnuplot never writes those; data strings are escaped by the plotter).
  /// Every id, and every `#id` reference to it (`href="#…"`, `url(#…)`), gets `idPrefix`: gnuplot reuses ids
  /// (`gnuplot_canvas`, `gpPt0`…) in each figure, and ids must be unique in the page. gnuplot repeats ids inside
  /// one SVG too (`gnuplot_plot_1` for a plot and again for its key entry): the second and later uses of an id
  /// get `-2`, `-3`… (references keep pointing at the first).
  ///
  /// One pass over the bytes: this runs for every figure of every report a run publishes, cached or not.
  static func sanitizedSVG(_ bytes: [UInt8], idPrefix: String) -> String? {
    if SVGScan.isUnsafe(bytes) { return nil }
    guard let start = SVGScan.find(Array("<svg".utf8), in: bytes) else { return nil }
    let prefix = Array(idPrefix.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + bytes.count / 16)
    var seen: [ArraySlice<UInt8>: Int] = [:]
    var i = start
    let n = bytes.count
    while i < n {
      let b = bytes[i]
      // ` id = "value"` → ` id = "<prefix>value[-n]"`
      if SVGScan.isSpace(b), SVGScan.matches("id", bytes, at: i + 1),
         let quote = SVGScan.attributeValueStart(bytes, after: i + 3) {
        var end = quote + 1
        while end < n, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "'") { end += 1 }
        if end < n {
          let id = bytes[(quote + 1)..<end]
          let count = (seen[id] ?? 0) + 1
          seen[id] = count
          out += bytes[i...quote]
          out += prefix
          out += id
          if count > 1 { out += Array("-\(count)".utf8) }
          i = end
          continue
        }
      }
      // `href = "#x"` → `href = "#<prefix>x"`
      if b == UInt8(ascii: "h"), SVGScan.matches("href", bytes, at: i),
         let quote = SVGScan.attributeValueStart(bytes, after: i + 4), quote + 1 < n, bytes[quote + 1] == UInt8(ascii: "#") {
        out += bytes[i...(quote + 1)]
        out += prefix
        i = quote + 2
        continue
      }
      // `url( #x)` → `url( #<prefix>x)`
      if b == UInt8(ascii: "u"), SVGScan.matches("url(", bytes, at: i) {
        var j = i + 4
        while j < n, SVGScan.isSpace(bytes[j]) { j += 1 }
        if j < n, bytes[j] == UInt8(ascii: "#") {
          out += bytes[i...j]
          out += prefix
          i = j + 1
          continue
        }
      }
      out.append(b)
      i += 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  static let css = """
    body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;background:#f7f8fa;line-height:1.45;font-size:1rem}
    header,main{max-width:1100px;margin:0 auto;padding:0 1.2rem}
    header{padding-top:1.2rem}h1{margin:.2rem 0;font-size:2rem}.meta{color:#5b6575;margin:.2rem 0}
    nav ol{columns:2;font-size:.9rem}
    section{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:.8rem 1.2rem;margin:1rem 0}
    h2{font-size:1.5rem;margin:.2rem 0 .6rem}h3{font-size:1.25rem;margin:1rem 0 .4rem}h4{font-size:1.1rem;margin:.8rem 0 .3rem}
    h5{font-size:1.15rem;margin:.8rem 0 .3rem}h6{font-size:1.05rem;margin:.6rem 0 .2rem}
    h2.details-heading{margin-top:2rem;color:#3a4556}
    details.section{background:#fff;border:1px solid #dde2ea;border-radius:8px;margin:.6rem 0;padding:.2rem 1.2rem}
    details.section>summary{font-size:1.15rem;font-weight:600;padding:.5rem 0;cursor:pointer}
    details.section>section{border:0;padding:0;margin:.2rem 0 .8rem}
    details.run{margin:.6rem 0}details.run>summary,section details>summary{cursor:pointer;color:#23478a}
    section details{margin:.5rem 0}
    .kind{font-size:.75rem;background:#eef1f6;color:#3a4556;padding:.1rem .4rem;border-radius:4px;font-weight:normal}
    .status{font-size:.75rem;padding:.1rem .4rem;border-radius:4px;font-weight:normal}.kind,.status{white-space:nowrap}
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

/// Byte-level helpers of ``HTMLRenderer/sanitizedSVG(_:idPrefix:)``.
enum SVGScan {
  static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
  static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

  static func matches(_ word: StaticString, _ bytes: [UInt8], at i: Int) -> Bool {
    let count = word.utf8CodeUnitCount
    guard i >= 0, i + count <= bytes.count else { return false }
    return word.withUTF8Buffer { w in (0..<count).allSatisfy { bytes[i + $0] == w[$0] } }
  }

  /// After an attribute name ending before `i`: optional spaces, `=`, optional spaces, then a quote, whose index
  /// is returned.
  static func attributeValueStart(_ bytes: [UInt8], after i: Int) -> Int? {
    var j = i
    while j < bytes.count, isSpace(bytes[j]) { j += 1 }
    guard j < bytes.count, bytes[j] == UInt8(ascii: "=") else { return nil }
    j += 1
    while j < bytes.count, isSpace(bytes[j]) { j += 1 }
    guard j < bytes.count, bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") else { return nil }
    return j
  }

  static func find(_ needle: [UInt8], in bytes: [UInt8], caseInsensitive: Bool = false) -> Int? {
    guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
    let first = needle[0]
    var i = 0
    while i + needle.count <= bytes.count {
      let b = caseInsensitive ? lower(bytes[i]) : bytes[i]
      if b == first {
        var k = 1
        while k < needle.count, (caseInsensitive ? lower(bytes[i + k]) : bytes[i + k]) == needle[k] { k += 1 }
        if k == needle.count { return i }
      }
      i += 1
    }
    return nil
  }

  /// Script, `javascript:` URLs, foreign objects or an event-handler attribute (` on<letters> =`), in any case.
  static func isUnsafe(_ bytes: [UInt8]) -> Bool {
    for word in ["<script", "javascript:", "<foreignobject"] where find(Array(word.utf8), in: bytes, caseInsensitive: true) != nil {
      return true
    }
    let n = bytes.count
    var i = 0
    while i + 3 < n {
      if isSpace(bytes[i]), lower(bytes[i + 1]) == UInt8(ascii: "o"), lower(bytes[i + 2]) == UInt8(ascii: "n") {
        var j = i + 3
        while j < n, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lower(bytes[j])) { j += 1 }
        if j > i + 3 {
          while j < n, isSpace(bytes[j]) { j += 1 }
          if j < n, bytes[j] == UInt8(ascii: "=") { return true }
        }
      }
      i += 1
    }
    return false
  }
}
