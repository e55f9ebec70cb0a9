/// Escapes text for HTML element content and attribute values (`& < > " '`).
public func htmlEscape(_ s: String) -> String {
  var out = ""
  out.reserveCapacity(s.utf8.count)
  for c in s.unicodeScalars {
    switch c {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    default: out.unicodeScalars.append(c)
    }
  }
  return out
}

/// Escapes text for a Markdown table cell or paragraph (pipes, backslashes, markup characters, newlines).
public func markdownEscape(_ s: String) -> String {
  var out = ""
  for c in s {
    switch c {
    case "|", "\\", "`", "*", "_", "[", "]", "<", ">", "#": out += "\\\(c)"
    case "\n", "\r": out += " "
    default: out.append(c)
    }
  }
  return out
}

/// Makes author-written Markdown safe to publish as report.md: `<`, `>` and `&` outside code spans and
/// fenced blocks are backslash-escaped, so raw HTML (`<img src=x onerror=…>`) shows as text on GitHub too.
/// Markdown markup (emphasis, links, lists) is kept.
public func markdownNeutralizingHTML(_ markdown: String) -> String {
  var out = ""
  var inFence = false
  for (i, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
    if i > 0 { out += "\n" }
    if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inFence.toggle(); out += line; continue }
    if inFence { out += line; continue }
    var inCode = false
    var escaped = false
    for c in line {
      if escaped { out.append(c); escaped = false; continue }
      switch c {
      case "\\" where !inCode: out.append(c); escaped = true
      case "`": inCode.toggle(); out.append(c)
      case "<", ">", "&": out += inCode ? String(c) : "\\\(c)"
      default: out.append(c)
      }
    }
  }
  return out
}
