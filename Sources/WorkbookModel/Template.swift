/// A reference written as `${name}` (a workbook param) or `${cell.path.to.field}` (a field of an upstream
/// cell's `result.json`) inside a string option.
public struct TemplateReference: Sendable, Hashable {
  /// The first dotted component: a param name or a cell id.
  public var root: String
  /// The remaining components (empty for a param).
  public var path: [String]
  /// Where the `${` starts in the workbook.
  public var location: SourceLocation
  public var text: String { ([root] + path).joined(separator: ".") }

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
    func advance(_ c: Character) { if c == "\n" { line += 1; column = 1 } else { column += 1 } }
    while i < chars.count {
      if chars[i] == "$", i + 2 < chars.count, chars[i + 1] == "$", chars[i + 2] == "{" {
        literal += "${"
        for _ in 0..<3 { advance(chars[i]); i += 1 }
        continue
      }
      if chars[i] == "$", i + 1 < chars.count, chars[i + 1] == "{" {
        let start = SourceLocation(file: location.file, line: line, column: column)
        guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
          throw Diagnostics([.error("unterminated reference: `${` without a closing `}`", at: start,
                                    hint: "write `${name}`, or `$${` for a literal `${`")])
        }
        let body = String(chars[(i + 2)..<close]).trimmingCharacters(in: .whitespaces)
        let components = body.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !body.isEmpty, components.allSatisfy({ isIdentifier($0) }) else {
          throw Diagnostics([.error("invalid reference `${\(body)}`", at: start,
                                    hint: "use `${param}` or `${cell.field}` with letters, digits, `_` and `-`")])
        }
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
