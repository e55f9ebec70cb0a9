/// A reference written as `${name}` (a workbook param) or `${cell.path.to.field}` (a field of an upstream
/// cell's `result.json`) inside a string option.
public struct TemplateReference: Sendable, Hashable {
  /// The first dotted component: a param name or a cell id.
  public var root: String
  /// The remaining components (empty for a param).
  public var path: [String]
  /// Where the `${` starts in the workbook.
  public var location: SourceLocation
  /// The reference as written back (plain names dotted, others bracketed: `profile.columns["Shot Made Flag"]`).
  public var text: String { ValueReference.spell([root] + path) }

  public init(root: String, path: [String], location: SourceLocation) {
    self.root = root
    self.path = path
    self.location = location
  }

  public static func == (a: TemplateReference, b: TemplateReference) -> Bool { a.root == b.root && a.path == b.path }
  public func hash(into h: inout Hasher) { h.combine(root); h.combine(path) }
}

/// A string split into literal text and `${…}` references. `$${` escapes a literal `${`.
public struct Template: Sendable, Hashable {
  public enum Part: Sendable, Hashable {
    case literal(String)
    case reference(TemplateReference)
  }
  public var parts: [Part]

  /// The single reference when the whole string is exactly `${…}` (then the value keeps its type).
  public var soleReference: TemplateReference? {
    if parts.count == 1, case .reference(let r) = parts[0] { return r }
    return nil
  }

  public var references: [TemplateReference] {
    parts.compactMap { if case .reference(let r) = $0 { r } else { nil } }
  }

  /// Parses `text`, whose first character is at `location` (columns advance per character; for quoted or
  /// multi-line scalars the column is approximate but the line is right).
  public static func parse(_ text: String, at location: SourceLocation, quoted: Bool = false) throws(Diagnostics) -> Template {
    var parts: [Part] = []
    var literal = ""
    let chars = Array(text)
    var i = 0
    var line = location.line, column = location.column + (quoted ? 1 : 0)
    let positions = ScalarPositions(text: text, location: location, quoted: quoted)
    func advance(_ c: Character) { if c == "\n" { line += 1; column = 1 } else { column += 1 } }
    while i < chars.count {
      if chars[i] == "$", i + 2 < chars.count, chars[i + 1] == "$", chars[i + 2] == "{" {
        literal += "${"
        for _ in 0..<3 { advance(chars[i]); i += 1 }
        continue
      }
      if chars[i] == "$", i + 1 < chars.count, chars[i + 1] == "{" {
        let start = SourceLocation(file: location.file, line: line, column: column)
        guard let close = ValueTemplate.findClose(chars, from: i + 2, closing: ["}"]) else {
          throw Diagnostics([.error("unterminated reference: `${` without a closing `}`", at: start,
                                    hint: "write `${name}`, or `$${` for a literal `${`")])
        }
        // The path syntax of `{{ … }}` values (names with spaces in brackets or backquotes), without a format.
        var parser = ValuePathParser(chars: chars, start: i + 2, end: close, positions: positions, allowsFormat: false)
        let components = try parser.parse().path
        if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
        parts.append(.reference(TemplateReference(root: components[0], path: Array(components.dropFirst()), location: start)))
        while i <= close { advance(chars[i]); i += 1 }
        continue
      }
      literal.append(chars[i])
      advance(chars[i])
      i += 1
    }
    if !literal.isEmpty { parts.append(.literal(literal)) }
    return Template(parts: parts)
  }

  static func isIdentifier(_ s: String) -> Bool {
    !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
  }
}

import Foundation

// MARK: - `{{ … }}` values in prose

/// One `{{ path | format }}` in prose (note cells): a path into a param or an upstream cell's `result.json`.
///
/// Path syntax: `root(.name | .`any name` | ["any name"] | ['any name'] | [index])*`. The root is a param or a
/// cell id; a field whose name has spaces, dots or other punctuation is written in backquotes (as in
/// expressions; double a backquote to include one) or in brackets with quotes (`\"` and `\\` escape inside
/// double quotes, a doubled `'` inside single quotes): `{{ profile.columns["Shot Made Flag"].mean }}` = `` {{ profile.columns.`Shot Made Flag`.mean }} ``.
public struct ValueReference: Sendable, Hashable {
  public var path: [String]
  public var format: String?
  /// Where the `{{` is in the workbook.
  public var location: SourceLocation

  public var root: String { path[0] }
  /// The path written back in the canonical syntax (plain names dotted, others bracketed).
  public var text: String { ValueReference.spell(path) }

  /// The `${…}`-style dependency this value implies (so the engine orders the cell after the one it quotes).
  public var dependency: TemplateReference {
    TemplateReference(root: path[0], path: Array(path.dropFirst()), location: location)
  }

  /// The formats a value may take: `%.Nf` (N in 0…12), `percent`, `percent1`, `count`, `round`.
  public static let namedFormats = ["percent", "percent1", "count", "round"]
  public static func isValidFormat(_ f: String) -> Bool {
    if namedFormats.contains(f) { return true }
    return f.hasPrefix("%.") && f.hasSuffix("f") && Int(f.dropFirst(2).dropLast()).map { (0...12).contains($0) } == true
  }

  static func spell(_ path: [String]) -> String {
    var s = path.first ?? ""
    for p in path.dropFirst() {
      if Template.isIdentifier(p) { s += "." + p } else if Int(p) != nil { s += "[\(p)]" } else {
        s += "[\"" + p.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"]"
      }
    }
    return s
  }

  /// Why a path does not resolve in a value: the field that is missing, and what exists there.
  public struct LookupFailure: Error, Sendable {
    public var message: String
    public var hint: String?
  }

  /// Follows `path` (without the root) into `value`; on failure names the first missing step, with a
  /// did-you-mean among the fields that exist at that point.
  public static func lookup(_ path: [String], in value: JSONValue, root: String) -> Result<JSONValue, LookupFailure> {
    var current = value
    for (i, part) in path.enumerated() {
      let here = spell([root] + path[..<i])
      switch current {
      case .object(let o):
        guard let next = o[part] else {
          let keys = o.keys.sorted()
          let hint = Suggest.closest(to: part, in: keys).map { "did you mean `\(spell([root] + path[..<i] + [$0]))`?" }
            ?? (keys.isEmpty ? "`\(here)` is empty" : "fields of `\(here)`: \(keys.prefix(12).map { "`\($0)`" }.joined(separator: ", "))\(keys.count > 12 ? ", …" : "")")
          return .failure(LookupFailure(message: "`\(here)` has no field `\(part)`", hint: hint))
        }
        current = next
      case .array(let a):
        guard let index = Int(part), a.indices.contains(index) else {
          return .failure(LookupFailure(message: "`\(here)` is a list of \(a.count); `\(part)` is not an index of it",
                                        hint: a.isEmpty ? nil : "write `\(here)[0]` … `\(here)[\(a.count - 1)]`"))
        }
        current = a[index]
      default:
        return .failure(LookupFailure(message: "`\(here)` is `\(current.displayText)`, which has no field `\(part)`", hint: nil))
      }
    }
    return .success(current)
  }
}

/// Prose split into literal text and `{{ … }}` values (see `ValueReference` for the path syntax).
public struct ValueTemplate: Sendable, Hashable {
  public enum Part: Sendable, Hashable {
    case literal(String)
    case value(ValueReference)
  }
  public var parts: [Part]
  public var values: [ValueReference] { parts.compactMap { if case .value(let v) = $0 { v } else { nil } } }

  /// Parses `text`, the scalar found at `location` (`quoted`: written in quotes or as a `|`/`>` block, as
  /// `SpecNode.quoted` records). Every error points at the character, as `file:line:col`.
  public static func parse(_ text: String, at location: SourceLocation, quoted: Bool = false) throws(Diagnostics) -> ValueTemplate {
    let positions = ScalarPositions(text: text, location: location, quoted: quoted)
    let chars = Array(text)
    var parts: [Part] = []
    var literal = ""
    var i = 0
    while i < chars.count {
      guard chars[i] == "{", i + 1 < chars.count, chars[i + 1] == "{" else { literal.append(chars[i]); i += 1; continue }
      let open = i
      guard let close = findClose(chars, from: i + 2) else {
        throw Diagnostics([.error("`{{` without a closing `}}`", at: positions.location(of: open),
                                  hint: "write `{{ cell.field }}` or `{{ param }}`")])
      }
      if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
      var parser = ValuePathParser(chars: chars, start: open + 2, end: close, positions: positions)
      let parsed = try parser.parse()
      parts.append(.value(ValueReference(path: parsed.path, format: parsed.format, location: positions.location(of: open))))
      i = close + 2
    }
    if !literal.isEmpty { parts.append(.literal(literal)) }
    return ValueTemplate(parts: parts)
  }

  /// The index of the `closing` sequence (`}}` of a value, `}` of a `${…}`), skipping quoted names (which may
  /// contain it); nil at the end of the line.
  static func findClose(_ chars: [Character], from start: Int, closing: [Character] = ["}", "}"]) -> Int? {
    var i = start
    var quote: Character?
    while i < chars.count {
      let c = chars[i]
      if let q = quote {
        if c == "\\", q == "\"" { i += 2; continue }
        if c == q { quote = nil }
      } else if c == "\"" || c == "'" || c == "`" {
        quote = c
      } else if c == "\n" {
        return nil
      } else if i + closing.count <= chars.count, Array(chars[i..<(i + closing.count)]) == closing {
        return i
      }
      i += 1
    }
    return nil
  }
}

/// Parses the inside of one `{{ … }}`.
struct ValuePathParser {
  let chars: [Character]
  var i: Int
  let end: Int
  let positions: ScalarPositions
  /// How the reference is written in messages: `{{ … }}` (with an optional `| format`) or `${…}` (without).
  let allowsFormat: Bool
  /// A bare reference (`CellReference`: an option value such as `split.train`), shown without `${…}`.
  var bare = false

  init(chars: [Character], start: Int, end: Int, positions: ScalarPositions, allowsFormat: Bool = true) {
    self.chars = chars
    self.i = start
    self.end = end
    self.positions = positions
    self.allowsFormat = allowsFormat
  }

  func shown(_ body: String) -> String { bare ? body : allowsFormat ? "{{ \(body) }}" : "${\(body)}" }

  func fail(_ message: String, at index: Int, hint: String? = nil) -> Diagnostics {
    Diagnostics([.error(message, at: positions.location(of: index), hint: hint)])
  }

  mutating func skipSpaces() { while i < end, chars[i] == " " || chars[i] == "\t" { i += 1 } }

  mutating func identifier() -> String {
    var s = ""
    while i < end, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "-" { s.append(chars[i]); i += 1 }
    return s
  }

  mutating func parse() throws(Diagnostics) -> (path: [String], format: String?) {
    // The whole reference, for messages only (built when one is needed: this runs for every reference of a workbook).
    let first = i
    var whole: String { String(chars[first..<end]).trimmingCharacters(in: .whitespaces) }
    skipSpaces()
    let rootStart = i
    let root = identifier()
    guard !root.isEmpty else {
      throw fail("expected a param or cell id in `\(shown(whole))`", at: rootStart,
                 hint: "write `\(shown("cell.field"))` or `\(shown("param"))`")
    }
    var path = [root]
    while i < end {
      let c = chars[i]
      if c == "." {
        i += 1
        if i < end, chars[i] == "`" {
          path.append(try quoted(closing: "`", doubledEscapes: true))
        } else {
          let start = i
          let name = identifier()
          guard !name.isEmpty else { throw fail("expected a field name after `.` in `\(shown(whole))`", at: start) }
          path.append(name)
        }
      } else if c == "[" {
        let start = i
        i += 1
        skipSpaces()
        if i < end, chars[i] == "\"" || chars[i] == "'" {
          path.append(try quoted(closing: chars[i], doubledEscapes: chars[i] == "'"))
        } else {
          let digits = identifier()
          guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else {
            throw fail("expected a quoted name or an index inside `[…]` in `\(shown(whole))`", at: start,
                       hint: "write `[\"a name\"]` or `[0]`")
          }
          path.append(digits)
        }
        skipSpaces()
        guard i < end, chars[i] == "]" else { throw fail("expected `]` in `\(shown(whole))`", at: i) }
        i += 1
      } else if c == " " || c == "\t" {
        let spaceAt = i
        skipSpaces()
        if i == end || (allowsFormat && chars[i] == "|") { break }
        // A name with spaces written plainly: suggest the bracketed form.
        let pieces = whole.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let fixed = ValueReference.spell(pieces[0].split(separator: ".", omittingEmptySubsequences: false).map(String.init))
          + (pieces.count > 1 ? " | " + pieces[1] : "")
        throw fail("a field name with spaces must be quoted in `\(shown(whole))`", at: spaceAt,
                   hint: "did you mean `\(shown(fixed))`? A name in backquotes works too: .`a name`")
      } else if c == "|", allowsFormat {
        break
      } else {
        throw fail("unexpected `\(c)` in `\(shown(whole))`", at: i,
                   hint: "names with punctuation are written `[\"name\"]` or .`name`")
      }
    }
    var format: String?
    if i < end, chars[i] == "|" {
      let formatStart = i + 1
      let f = String(chars[formatStart..<end]).trimmingCharacters(in: .whitespaces)
      guard ValueReference.isValidFormat(f) else {
        throw fail("unknown format `\(f)` in `\(shown(whole))`", at: formatStart,
                   hint: Suggest.hint(for: f, in: ValueReference.namedFormats)
                     ?? "use %.Nf (N from 0 to 12), \(ValueReference.namedFormats.joined(separator: ", "))")
      }
      format = f
    }
    return (path, format)
  }

  /// A name between `closing` quotes starting at `chars[i]`; backquotes and `'` double to escape, `"` takes `\"`, `\\`.
  mutating func quoted(closing: Character, doubledEscapes: Bool) throws(Diagnostics) -> String {
    let start = i
    i += 1
    var s = ""
    while i < end {
      let c = chars[i]
      if c == closing {
        if doubledEscapes, i + 1 < end, chars[i + 1] == closing { s.append(c); i += 2; continue }
        i += 1
        guard !s.isEmpty else { throw fail("empty name \(closing)\(closing)", at: start) }
        return s
      }
      if c == "\\", closing == "\"", i + 1 < end { s.append(chars[i + 1]); i += 2; continue }
      s.append(c)
      i += 1
    }
    throw fail("unterminated name: \(closing) without a closing \(closing)", at: start)
  }
}

/// Maps character offsets in a scalar's text to file positions. A `|` or `>` block starts on the line after
/// its indicator, indented as its first line is in the file (read when available); a quoted scalar starts one
/// column after its quote. Lines are exact for literal blocks and single-line scalars; columns of continuation
/// lines of folded or multi-line flow scalars are approximate.
final class ScalarPositions {
  let location: SourceLocation
  let text: String
  let quoted: Bool
  let lineStarts: [Int]
  /// Where the text's first character is, and the indentation of a block's lines (read from the file on the
  /// first error or value that needs a position, not before).
  lazy var origin: (line: Int, column: Int, blockIndent: Int?) = {
    let fileLines = ScalarPositions.lines(of: location.file, around: location.line)
    let rest = fileLines?.first.map { String($0.dropFirst(max(0, location.column - 1))) } ?? ""
    let isBlock = rest.hasPrefix("|") || rest.hasPrefix(">") || (fileLines == nil && quoted && text.hasSuffix("\n"))
    guard isBlock else { return (location.line, location.column + (quoted ? 1 : 0), nil) }
    let contentLine = fileLines?.dropFirst().first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    let indent = contentLine.map { $0.prefix { $0 == " " }.count } ?? 2
    return (location.line + 1, indent + 1, indent)
  }()

  init(text: String, location: SourceLocation, quoted: Bool) {
    self.location = location
    self.text = text
    self.quoted = quoted
    var starts = [0]
    for (k, c) in text.enumerated() where c == "\n" { starts.append(k + 1) }
    lineStarts = starts
  }

  func location(of offset: Int) -> SourceLocation {
    let k = (lineStarts.lastIndex { $0 <= offset }) ?? 0
    let column = offset - lineStarts[k]
    let o = origin
    if k == 0 { return SourceLocation(file: location.file, line: o.line, column: o.column + column) }
    return SourceLocation(file: location.file, line: o.line + k, column: (o.blockIndent ?? 0) + 1 + column)
  }

  /// The file's lines from `line` on (a few), or nil when it cannot be read.
  static func lines(of file: String, around line: Int) -> [Substring]? {
    guard line >= 1, let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
    else { return nil }
    let all = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard line <= all.count else { return nil }
    return Array(all[(line - 1)..<min(all.count, line + 8)])
  }
}
