import Foundation

/// Renders a safe subset of Markdown to HTML: headings, paragraphs, bullet and numbered lists, `code`,
/// **bold**, *italic* and _italic_ (never inside a word: `snake_case` stays literal), backslash escapes
/// (`\_`, `\<`), [links](https://…) and fenced code blocks. Every character of the source is
/// HTML-escaped first, so raw HTML in a note shows as text; link targets are limited to http(s), relative
/// paths and anchors (no `javascript:`).
public enum MarkdownSubset {
  public static func html(_ markdown: String) -> String {
    var out = ""
    var paragraph: [String] = []
    var listKind: String?
    var inFence = false
    var fence: [String] = []

    func flushParagraph() {
      if !paragraph.isEmpty {
        out += "<p>" + inline(paragraph.joined(separator: " ")) + "</p>\n"
        paragraph = []
      }
    }
    func closeList() {
      if let k = listKind { out += "</\(k)>\n"; listKind = nil }
    }

    for rawLine in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = String(rawLine)
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("```") {
        if inFence {
          out += "<pre><code>" + htmlEscape(fence.joined(separator: "\n")) + "</code></pre>\n"
          fence = []
          inFence = false
        } else {
          flushParagraph(); closeList()
          inFence = true
        }
        continue
      }
      if inFence { fence.append(line); continue }
      if trimmed.isEmpty { flushParagraph(); closeList(); continue }
      if let level = headingLevel(trimmed) {
        flushParagraph(); closeList()
        let text = trimmed.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
        let h = min(level + 2, 6)  // a note's "#" sits under the cell's own heading
        out += "<h\(h)>" + inline(text) + "</h\(h)>\n"
        continue
      }
      if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") {
        flushParagraph()
        if listKind != "ul" { closeList(); out += "<ul>\n"; listKind = "ul" }
        out += "<li>" + inline(String(trimmed.dropFirst(2))) + "</li>\n"
        continue
      }
      if let dot = trimmed.firstIndex(of: "."), trimmed[..<dot].allSatisfy(\.isNumber), !trimmed[..<dot].isEmpty,
         trimmed[trimmed.index(after: dot)...].hasPrefix(" ")
      {
        flushParagraph()
        if listKind != "ol" { closeList(); out += "<ol>\n"; listKind = "ol" }
        out += "<li>" + inline(String(trimmed[trimmed.index(dot, offsetBy: 2)...])) + "</li>\n"
        continue
      }
      closeList()
      paragraph.append(trimmed)
    }
    if inFence { out += "<pre><code>" + htmlEscape(fence.joined(separator: "\n")) + "</code></pre>\n" }
    flushParagraph(); closeList()
    return out
  }

  static func headingLevel(_ s: String) -> Int? {
    let hashes = s.prefix { $0 == "#" }.count
    guard (1...6).contains(hashes), s.dropFirst(hashes).first == " " else { return nil }
    return hashes
  }

  /// Inline markup on escaped text.
  static func inline(_ raw: String) -> String {
    var out = ""
    let chars = Array(raw)
    var i = 0
    func find(_ target: String, from start: Int) -> Int? {
      let t = Array(target)
      var j = start
      while j + t.count <= chars.count {
        if Array(chars[j..<(j + t.count)]) == t { return j }
        j += 1
      }
      return nil
    }
    func isWordCharacter(_ j: Int) -> Bool { j >= 0 && j < chars.count && (chars[j].isLetter || chars[j].isNumber) }
    /// The `_` closing an emphasis opened at `start`: not inside a word (`snake_case` stays literal).
    func underscoreCloser(from start: Int) -> Int? {
      var j = start
      while j < chars.count {
        if chars[j] == "_", !chars[j - 1].isWhitespace, !isWordCharacter(j + 1) { return j }
        j += 1
      }
      return nil
    }
    while i < chars.count {
      let c = chars[i]
      if c == "\\", i + 1 < chars.count, chars[i + 1].isASCII, chars[i + 1].isPunctuation || chars[i + 1].isSymbol {
        out += htmlEscape(String(chars[i + 1]))
        i += 2
      } else if c == "`", let end = find("`", from: i + 1) {
        out += "<code>" + htmlEscape(String(chars[(i + 1)..<end])) + "</code>"
        i = end + 1
      } else if c == "*", i + 1 < chars.count, chars[i + 1] == "*", let end = find("**", from: i + 2), end > i + 2 {
        out += "<strong>" + inline(String(chars[(i + 2)..<end])) + "</strong>"
        i = end + 2
      } else if c == "*", let end = find("*", from: i + 1), end > i + 1, !chars[i + 1].isWhitespace {
        out += "<em>" + inline(String(chars[(i + 1)..<end])) + "</em>"
        i = end + 1
      } else if c == "_", !isWordCharacter(i - 1), i + 1 < chars.count, !chars[i + 1].isWhitespace,
                let end = underscoreCloser(from: i + 2)
      {
        out += "<em>" + inline(String(chars[(i + 1)..<end])) + "</em>"
        i = end + 1
      } else if c == "[", let mid = find("](", from: i + 1), let end = find(")", from: mid + 2) {
        let text = String(chars[(i + 1)..<mid])
        let target = String(chars[(mid + 2)..<end])
        if isSafeLink(target) {
          out += "<a href=\"" + htmlEscape(target) + "\">" + inline(text) + "</a>"
        } else {
          out += inline(text)
        }
        i = end + 1
      } else {
        out += htmlEscape(String(c))
        i += 1
      }
    }
    return out
  }

  static func isSafeLink(_ target: String) -> Bool {
    let lower = target.lowercased()
    if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("#") { return true }
    return !lower.contains(":") && !lower.hasPrefix("//")
  }
}
