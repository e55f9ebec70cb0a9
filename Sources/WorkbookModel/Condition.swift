/// A `when:` condition: references, literals, comparisons and boolean logic.
///
/// Grammar: `expr := or; or := and ('or' and)*; and := not ('and' not)*; not := 'not' not | cmp;`
/// `cmp := atom (('=='|'!='|'<'|'<='|'>'|'>=') atom)?; atom := ${ref} | number | 'text' | true | false | null | (expr)`.
public indirect enum Condition: Sendable, Hashable {
  case literal(JSONValue)
  case reference(TemplateReference)
  case not(Condition)
  case and(Condition, Condition)
  case or(Condition, Condition)
  case compare(Condition, String, Condition)

  public var references: [TemplateReference] {
    switch self {
    case .literal: []
    case .reference(let r): [r]
    case .not(let c): c.references
    case .and(let a, let b), .or(let a, let b), .compare(let a, _, let b): a.references + b.references
    }
  }

  /// Parses a `when:` node: a boolean literal or an expression string.
  public static func parse(_ node: SpecNode) throws(Diagnostics) -> Condition {
    switch node.value {
    case .bool(let b): return .literal(.bool(b))
    case .string(let s):
      var parser = ConditionParser(text: s, location: node.location, quoted: node.quoted)
      return try parser.parse()
    default:
      throw Diagnostics([.error("`when` must be true/false or an expression like `${drift.dataset_drift}`", at: node.location)])
    }
  }

  /// Evaluates the condition; `lookup` returns the value of a reference (nil when it does not exist).
  public func evaluate(_ lookup: (TemplateReference) -> JSONValue?) throws(ConditionError) -> Bool {
    let v = try value(lookup)
    guard case .bool(let b) = v else {
      throw ConditionError(message: "the condition gives \(v.displayText), not true/false")
    }
    return b
  }

  func value(_ lookup: (TemplateReference) -> JSONValue?) throws(ConditionError) -> JSONValue {
    switch self {
    case .literal(let v): return v
    case .reference(let r):
      guard let v = lookup(r) else { throw ConditionError(message: "`${\(r.text)}` has no value") }
      return v
    case .not(let c):
      return .bool(!(try c.evaluate(lookup)))
    case .and(let a, let b):
      let x = try a.evaluate(lookup)
      if !x { return .bool(false) }
      return .bool(try b.evaluate(lookup))
    case .or(let a, let b):
      let x = try a.evaluate(lookup)
      if x { return .bool(true) }
      return .bool(try b.evaluate(lookup))
    case .compare(let a, let op, let b):
      let x = try a.value(lookup), y = try b.value(lookup)
      if let p = x.doubleValue, let q = y.doubleValue {
        switch op {
        case "==": return .bool(p == q)
        case "!=": return .bool(p != q)
        case "<": return .bool(p < q)
        case "<=": return .bool(p <= q)
        case ">": return .bool(p > q)
        default: return .bool(p >= q)
        }
      }
      switch op {
      case "==": return .bool(x == y)
      case "!=": return .bool(x != y)
      default:
        if let s = x.stringValue, let t = y.stringValue {
          switch op {
          case "<": return .bool(s < t)
          case "<=": return .bool(s <= t)
          case ">": return .bool(s > t)
          default: return .bool(s >= t)
          }
        }
        throw ConditionError(message: "cannot compare \(x.displayText) \(op) \(y.displayText)")
      }
    }
  }
}

public struct ConditionError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

/// Nesting (parentheses, `not`) and chains (`and`/`or`) deeper than ``maximumDepth`` are errors, not stack overflows:
/// the parser tracks the height of the tree it builds, since evaluation and hashing recurse over it.
struct ConditionParser {
  static let maximumDepth = 100
  /// A condition and the height of its tree (a leaf is 1).
  typealias Parsed = (condition: Condition, height: Int)

  let chars: [Character]
  let location: SourceLocation
  let quoted: Bool
  var i = 0
  var depth = 0

  init(text: String, location: SourceLocation, quoted: Bool) {
    chars = Array(text)
    self.location = location
    self.quoted = quoted
  }

  func here() -> SourceLocation {
    SourceLocation(file: location.file, line: location.line, column: location.column + i + (quoted ? 1 : 0))
  }

  func fail(_ message: String) -> Diagnostics {
    Diagnostics([.error("in `when`: \(message)", at: here(),
                        hint: "example: `when: \"${drift.dataset_drift} or ${perf.drop} > 0.02\"`")])
  }

  mutating func skipSpace() { while i < chars.count, chars[i].isWhitespace { i += 1 } }

  mutating func keyword(_ word: String) -> Bool {
    skipSpace()
    let w = Array(word)
    guard i + w.count <= chars.count, Array(chars[i..<(i + w.count)]) == w else { return false }
    let after = i + w.count
    if after < chars.count, chars[after].isLetter || chars[after].isNumber || chars[after] == "_" { return false }
    i = after
    return true
  }

  mutating func parse() throws(Diagnostics) -> Condition {
    let c = try parseOr()
    skipSpace()
    if i < chars.count { throw fail("unexpected `\(String(chars[i...]).prefix(20))`") }
    return c.condition
  }

  /// `condition` over children whose tallest has height `childHeight`; too tall is an error.
  func built(_ condition: Condition, over childHeight: Int) throws(Diagnostics) -> Parsed {
    guard childHeight < Self.maximumDepth else {
      throw fail("the condition is too long or nested too deeply (more than \(Self.maximumDepth) levels of operators and parentheses)")
    }
    return (condition, childHeight + 1)
  }

  /// Counts one level of parser recursion (parentheses, `not`), failing past ``maximumDepth``.
  mutating func enter() throws(Diagnostics) {
    depth += 1
    if depth > Self.maximumDepth {
      throw fail("the condition is nested too deeply (more than \(Self.maximumDepth) levels of parentheses or `not`)")
    }
  }

  mutating func parseOr() throws(Diagnostics) -> Parsed {
    var left = try parseAnd()
    while keyword("or") {
      let right = try parseAnd()
      left = try built(.or(left.condition, right.condition), over: max(left.height, right.height))
    }
    return left
  }

  mutating func parseAnd() throws(Diagnostics) -> Parsed {
    var left = try parseNot()
    while keyword("and") {
      let right = try parseNot()
      left = try built(.and(left.condition, right.condition), over: max(left.height, right.height))
    }
    return left
  }

  mutating func parseNot() throws(Diagnostics) -> Parsed {
    if keyword("not") {
      try enter(); defer { depth -= 1 }
      let operand = try parseNot()
      return try built(.not(operand.condition), over: operand.height)
    }
    return try parseComparison()
  }

  mutating func parseComparison() throws(Diagnostics) -> Parsed {
    let left = try parseAtom()
    skipSpace()
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
      let o = Array(op)
      if i + o.count <= chars.count, Array(chars[i..<(i + o.count)]) == o {
        i += o.count
        let right = try parseAtom()
        return try built(.compare(left.condition, op, right.condition), over: max(left.height, right.height))
      }
    }
    return left
  }

  mutating func parseAtom() throws(Diagnostics) -> Parsed {
    skipSpace()
    guard i < chars.count else { throw fail("expression ends too early") }
    let c = chars[i]
    if c == "(" {
      i += 1
      try enter(); defer { depth -= 1 }
      let inner = try parseOr()
      skipSpace()
      guard i < chars.count, chars[i] == ")" else { throw fail("missing `)`") }
      i += 1
      return inner
    }
    if c == "$" {
      let start = i
      // The closing `}` of the reference, skipping quoted names (`${p.columns["a}b"]}`), as `Template` does.
      guard i + 1 < chars.count, chars[i + 1] == "{", let close = ValueTemplate.findClose(chars, from: i + 2, closing: ["}"]) else {
        throw fail("unterminated `${`")
      }
      let text = String(chars[start...close])
      let loc = here()
      i = close + 1
      let t = try Template.parse(text, at: loc)
      guard let ref = t.soleReference else { throw fail("invalid reference `\(text)`") }
      return (.reference(ref), 1)
    }
    if c == "'" || c == "\"" {
      i += 1
      var s = ""
      while i < chars.count, chars[i] != c { s.append(chars[i]); i += 1 }
      guard i < chars.count else { throw fail("unterminated string") }
      i += 1
      return (.literal(.string(s)), 1)
    }
    if keyword("true") { return (.literal(.bool(true)), 1) }
    if keyword("false") { return (.literal(.bool(false)), 1) }
    if keyword("null") { return (.literal(.null), 1) }
    var num = ""
    while i < chars.count, chars[i].isNumber || chars[i] == "." || chars[i] == "-" || chars[i] == "e" || chars[i] == "+" {
      num.append(chars[i]); i += 1
    }
    if let v = Int(num) { return (.literal(.int(v)), 1) }
    if let d = Double(num) { return (.literal(.double(d)), 1) }
    throw fail("expected a `${reference}`, a number, a quoted string, true or false")
  }
}
