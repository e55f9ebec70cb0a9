import Foundation

/// A JSON document with deterministic serialisation: object keys sorted, floats in shortest round-trip form,
/// integers without a decimal point, no trailing spaces. Used for `result.json`, `run.json`, manifests and the
/// canonical spec hashed into cache keys, so equal values always give equal bytes.
public indirect enum JSONValue: Sendable, Hashable, Codable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() { self = .null; return }
    if let b = try? c.decode(Bool.self) { self = .bool(b); return }
    if let i = try? c.decode(Int.self) { self = .int(i); return }
    if let d = try? c.decode(Double.self) { self = .double(d); return }
    if let s = try? c.decode(String.self) { self = .string(s); return }
    if let a = try? c.decode([JSONValue].self) { self = .array(a); return }
    self = .object(try c.decode([String: JSONValue].self))
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .null: try c.encodeNil()
    case .bool(let b): try c.encode(b)
    case .int(let i): try c.encode(i)
    case .double(let d): try c.encode(d)
    case .string(let s): try c.encode(s)
    case .array(let a): try c.encode(a)
    case .object(let o): try c.encode(o)
    }
  }

  // MARK: Access

  public subscript(key: String) -> JSONValue? {
    if case .object(let o) = self { return o[key] }
    return nil
  }

  /// Follows a dotted path (`best.roc_auc`, `trials.0.score`); list elements by index.
  public func value(atPath path: [String]) -> JSONValue? {
    var current = self
    for part in path {
      switch current {
      case .object(let o):
        guard let next = o[part] else { return nil }
        current = next
      case .array(let a):
        guard let i = Int(part), a.indices.contains(i) else { return nil }
        current = a[i]
      default: return nil
      }
    }
    return current
  }

  public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
  public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
  public var intValue: Int? {
    switch self {
    case .int(let i): i
    case .double(let d): d == d.rounded() && abs(d) < 9e15 ? Int(d) : nil
    default: nil
    }
  }
  public var doubleValue: Double? {
    switch self {
    case .int(let i): Double(i)
    case .double(let d): d
    default: nil
    }
  }
  public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
  public var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }

  /// Text for templates and messages: strings unquoted, numbers in shortest form, others as JSON.
  public var displayText: String {
    switch self {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .int(let i): String(i)
    case .double(let d): JSONValue.formatDouble(d)
    case .string(let s): s
    default: serialized(pretty: false)
    }
  }

  // MARK: Serialisation

  /// Canonical text. `pretty` adds two-space indentation and a trailing newline (for files people read).
  public func serialized(pretty: Bool = true) -> String {
    var out = ""
    write(into: &out, pretty: pretty, indent: 0)
    if pretty { out += "\n" }
    return out
  }

  public func serializedBytes(pretty: Bool = true) -> [UInt8] { Array(serialized(pretty: pretty).utf8) }

  /// Non-finite doubles have no JSON form: they are written as `null` (documented in docs/outputs.md). JSON's own
  /// contract, distinct from `formatFloat` (data text: "NaN", "inf"): integral values keep ".0", and -0 is "0.0".
  public static func formatDouble(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) + ".0" }
    return "\(d)"
  }

  private func write(into out: inout String, pretty: Bool, indent: Int) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d): out += JSONValue.formatDouble(d)
    case .string(let s): JSONValue.writeString(s, into: &out)
    case .array(let a):
      if a.isEmpty { out += "[]"; return }
      out += "["
      for (i, v) in a.enumerated() {
        if i > 0 { out += "," }
        if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
        v.write(into: &out, pretty: pretty, indent: indent + 1)
      }
      if pretty { out += "\n" + String(repeating: "  ", count: indent) }
      out += "]"
    case .object(let o):
      if o.isEmpty { out += "{}"; return }
      out += "{"
      for (i, key) in o.keys.sorted().enumerated() {
        if i > 0 { out += "," }
        if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
        JSONValue.writeString(key, into: &out)
        out += pretty ? ": " : ":"
        o[key]!.write(into: &out, pretty: pretty, indent: indent + 1)
      }
      if pretty { out += "\n" + String(repeating: "  ", count: indent) }
      out += "}"
    }
  }

  public static func writeString(_ s: String, into out: inout String) {
    out += "\""
    // Most strings (ids, column names, numbers as text) need no escape: appended whole, not scalar by scalar. A byte
    // that may need one: a control character, `"`, `\\`, `<`, `>`, `&`, or 0xE2 (the lead byte of U+2028/U+2029).
    if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0xE2 }) {
      out += s
      out += "\""
      return
    }
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "<": out += "\\u003c"  // safe to embed in HTML <script> blocks
      case ">": out += "\\u003e"
      case "&": out += "\\u0026"
      default:
        if u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029 {
          out += String(format: "\\u%04x", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    out += "\""
  }

  /// Parses JSON bytes (RFC 8259) with ``JSONScanner``: manifests and results are read on every run, and this is
  /// several times faster than going through `JSONDecoder`. Integers that fit in `Int` and are written without
  /// `.`/exponent become `.int`; other numbers `.double` (correctly rounded by `Double(_:)`).
  public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
    var scanner = JSONScanner(bytes: bytes)
    let value = try parseValue(&scanner, depth: 0)
    scanner.skipWhitespace()
    guard scanner.isAtEnd else { throw scanner.error("unexpected text after the JSON value") }
    return value
  }

  private static func parseValue(_ scanner: inout JSONScanner, depth: Int) throws(JSONParseError) -> JSONValue {
    try scanner.checkDepth(depth)
    scanner.skipWhitespace()
    guard let c = scanner.peek() else { throw scanner.error("unexpected end of input") }
    switch c {
    case UInt8(ascii: "{"):
      var object: [String: JSONValue] = [:]
      if scanner.openContainer() { return .object(object) }
      repeat {
        let key = try scanner.objectKey()
        object[key] = try parseValue(&scanner, depth: depth + 1)
      } while try scanner.nextMember(closing: UInt8(ascii: "}"))
      return .object(object)
    case UInt8(ascii: "["):
      var array: [JSONValue] = []
      if scanner.openContainer() { return .array(array) }
      repeat {
        array.append(try parseValue(&scanner, depth: depth + 1))
      } while try scanner.nextMember(closing: UInt8(ascii: "]"))
      return .array(array)
    default:
      switch try scanner.scalar() {
      case .null: return .null
      case .bool(let b): return .bool(b)
      case .string(let s): return .string(s)
      case .number(let range, let integral):
        let text = String(decoding: scanner.bytes[range], as: UTF8.self)
        if integral, let i = Int(text) { return .int(i) }
        guard let d = Double(text) else { throw JSONParseError(offset: range.lowerBound, message: "invalid number `\(text)`") }
        return .double(d)
      }
    }
  }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, b in b }))
  }
  public init(nilLiteral: ()) { self = .null }
}
