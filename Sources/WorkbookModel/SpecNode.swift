import Yams

/// A YAML value that remembers where it came from.
///
/// Workbooks are decoded into this tree (not straight into Codable structs) so every error can point at the
/// exact line and column, unknown keys can be rejected with a suggestion, and the canonical form used in the
/// cache key can be computed. Scalars follow YAML 1.2 core resolution: only `true`/`false` are booleans
/// (`yes`/`no`/`on`/`off` stay strings), quoted scalars are always strings.
public struct SpecNode: Sendable, Hashable {
  public indirect enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list([SpecNode])
    /// Key order is kept as written (display order); canonical forms sort it.
    case map([(key: String, keyLocation: SourceLocation, value: SpecNode)])

    public static func == (a: Value, b: Value) -> Bool {
      switch (a, b) {
      case (.null, .null): true
      case (.bool(let x), .bool(let y)): x == y
      case (.int(let x), .int(let y)): x == y
      case (.float(let x), .float(let y)): x == y || (x.isNaN && y.isNaN)
      case (.string(let x), .string(let y)): x == y
      case (.list(let x), .list(let y)): x == y
      case (.map(let x), .map(let y)):
        x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
      default: false
      }
    }
    public func hash(into h: inout Hasher) {
      switch self {
      case .null: h.combine(0)
      case .bool(let v): h.combine(v)
      case .int(let v): h.combine(v)
      case .float(let v): h.combine(v)
      case .string(let v): h.combine(v)
      case .list(let v): h.combine(v)
      case .map(let v): for e in v { h.combine(e.key); h.combine(e.value) }
      }
    }
  }

  public var value: Value
  public var location: SourceLocation
  /// True for a scalar written in quotes (so `"42"` is a string even where a number is allowed).
  public var quoted: Bool

  public init(_ value: Value, at location: SourceLocation, quoted: Bool = false) {
    self.value = value
    self.location = location
    self.quoted = quoted
  }

  /// Location equality is deliberately ignored: two specs that differ only in layout are equal.
  public static func == (a: SpecNode, b: SpecNode) -> Bool { a.value == b.value }
  public func hash(into h: inout Hasher) { h.combine(value) }

  // MARK: Accessors

  public var string: String? { if case .string(let s) = value { s } else { nil } }
  public var bool: Bool? { if case .bool(let b) = value { b } else { nil } }
  public var int: Int? { if case .int(let i) = value { i } else { nil } }
  public var double: Double? {
    switch value {
    case .int(let i): Double(i)
    case .float(let d): d
    default: nil
    }
  }
  public var list: [SpecNode]? { if case .list(let l) = value { l } else { nil } }
  public var entries: [(key: String, keyLocation: SourceLocation, value: SpecNode)]? {
    if case .map(let m) = value { m } else { nil }
  }
  public var isNull: Bool { if case .null = value { true } else { false } }

  public subscript(key: String) -> SpecNode? { entries?.first { $0.key == key }?.value }

  /// A short name for the value's type, used in "expected X, found Y" messages.
  public var typeName: String {
    switch value {
    case .null: "null"
    case .bool: "boolean"
    case .int: "integer"
    case .float: "number"
    case .string: "string"
    case .list: "list"
    case .map: "mapping"
    }
  }

  /// The value rendered back as compact text (for messages and `--param` echo).
  public var displayText: String {
    switch value {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .int(let i): String(i)
    case .float(let d): "\(d)"
    case .string(let s): s
    case .list(let l): "[" + l.map(\.displayText).joined(separator: ", ") + "]"
    case .map(let m): "{" + m.map { "\($0.key): \($0.value.displayText)" }.joined(separator: ", ") + "}"
    }
  }
}

/// Parses YAML text into a located ``SpecNode`` tree.
public enum YAMLReader {
  /// Parses `text` (the contents of `file`). Syntax errors, duplicate keys, non-string keys, anchors/aliases
  /// misuse become diagnostics with the line and column where the parser stopped.
  public static func parse(_ text: String, file: String) throws(Diagnostics) -> SpecNode {
    do {
      try YAMLExpansionBound.check(text)
    } catch {
      throw Diagnostics([.error(error.message, at: SourceLocation(file: file, line: error.line, column: error.column), hint: error.hint)])
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw Diagnostics([yamlDiagnostic(error, file: file)])
    } catch {
      throw Diagnostics([.error("cannot parse YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))])
    }
    guard let root else {
      throw Diagnostics([.error("the file is empty", at: SourceLocation(file: file, line: 1, column: 1),
                                hint: "a workbook needs at least `workbook:` and `cells:`")])
    }
    var diagnostics = Diagnostics()
    let node = convert(root, file: file, depth: 0, diagnostics: &diagnostics)
    try diagnostics.throwIfErrors()
    return node
  }

  static func yamlDiagnostic(_ error: YamlError, file: String) -> Diagnostic {
    func loc(_ m: Mark) -> SourceLocation { SourceLocation(file: file, line: m.line, column: m.column) }
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
         .composer(let context, let problem, let mark, _):
      var message = "invalid YAML: \(problem)"
      if let context { message += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
      return .error(message, at: loc(mark), hint: "check indentation and quoting on this line")
    case .duplicatedKeysInMapping(let duplicates, let context):
      return .error("duplicate key \(duplicates.map { "`\($0)`" }.joined(separator: ", ")) in a mapping",
                    at: loc(context.mark), hint: "each key may appear once; remove or rename the repeated one")
    case .reader(let problem, _, _, _):
      return .error("cannot read the file as UTF-8 text: \(problem)", at: SourceLocation(file: file, line: 1, column: 1))
    default:
      return .error("invalid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
    }
  }

  static func convert(_ node: Node, file: String, depth: Int, diagnostics: inout Diagnostics) -> SpecNode {
    let location = SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    guard depth < 64 else {
      diagnostics.error("the document nests deeper than 64 levels", at: location)
      return SpecNode(.null, at: location)
    }
    switch node {
    case .scalar(let scalar):
      let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
      let explicitString = scalar.tag.rawValue == "tag:yaml.org,2002:str"
      if quoted || explicitString || scalar.style == .literal || scalar.style == .folded {
        return SpecNode(.string(scalar.string), at: location, quoted: true)
      }
      return SpecNode(resolvePlain(scalar.string), at: location)
    case .sequence(let seq):
      return SpecNode(.list(seq.map { convert($0, file: file, depth: depth + 1, diagnostics: &diagnostics) }), at: location)
    case .mapping(let mapping):
      var entries: [(key: String, keyLocation: SourceLocation, value: SpecNode)] = []
      var seen: [String: SourceLocation] = [:]
      for (k, v) in mapping {
        let keyLoc = SourceLocation(file: file, line: k.mark?.line ?? location.line, column: k.mark?.column ?? location.column)
        guard case .scalar(let ks) = k else {
          diagnostics.error("mapping keys must be plain text", at: keyLoc)
          continue
        }
        if let first = seen[ks.string] {
          diagnostics.error("duplicate key `\(ks.string)` (first at line \(first.line))", at: keyLoc,
                            hint: "each key may appear once")
          continue
        }
        seen[ks.string] = keyLoc
        entries.append((ks.string, keyLoc, convert(v, file: file, depth: depth + 1, diagnostics: &diagnostics)))
      }
      return SpecNode(.map(entries), at: location)
    case .alias:
      diagnostics.error("YAML aliases are not supported in workbooks", at: location,
                        hint: "write the value out, or use a param and `${name}`")
      return SpecNode(.null, at: location)
    }
  }

  /// YAML 1.2 core-schema resolution of a plain scalar.
  public static func resolvePlain(_ s: String) -> SpecNode.Value {
    switch s {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    case ".inf", ".Inf", ".INF", "+.inf": return .float(.infinity)
    case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
    case ".nan", ".NaN", ".NAN": return .float(.nan)
    default: break
    }
    if isDecimalInteger(s), let i = Int(s) { return .int(i) }
    if isDecimalFloat(s), let d = Double(s) { return .float(d) }
    return .string(s)
  }

  static func isDecimalInteger(_ s: String) -> Bool {
    var u = Substring(s)
    if u.first == "-" || u.first == "+" { u = u.dropFirst() }
    return !u.isEmpty && u.allSatisfy { $0.isASCII && $0.isNumber }
  }

  static func isDecimalFloat(_ s: String) -> Bool {
    // [-+]? (\.[0-9]+ | [0-9]+(\.[0-9]*)?) ([eE][-+]?[0-9]+)?
    var chars = Array(s)
    if chars.first == "-" || chars.first == "+" { chars.removeFirst() }
    var i = 0, digits = 0
    while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1; digits += 1 }
    if i < chars.count, chars[i] == "." {
      i += 1
      while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1; digits += 1 }
    }
    guard digits > 0 else { return false }
    if i < chars.count, chars[i] == "e" || chars[i] == "E" {
      i += 1
      if i < chars.count, chars[i] == "-" || chars[i] == "+" { i += 1 }
      var expDigits = 0
      while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1; expDigits += 1 }
      guard expDigits > 0 else { return false }
    }
    return i == chars.count
  }
}
