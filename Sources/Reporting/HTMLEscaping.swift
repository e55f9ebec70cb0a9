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
