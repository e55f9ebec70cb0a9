import Foundation
import WorkbenchCore

/// A position inside a parsed JSON document (WorkbenchCore's `JSONValue`) that knows its path, so every type error names the file and path.
///
/// Accepts the LiveStats quirks: numbers written as strings ("75") or as JSON numbers, integral floats.
struct JSONCursor {
  let value: JSONValue
  let path: String
  let file: String

  func fail(_ message: String) -> FibaParseError { FibaParseError(file: file, path: path, message: message) }

  static func describe(_ value: JSONValue) -> String {
    switch value {
    case .string(let s): "\"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
    case .array: "an array"
    case .object: "an object"
    default: value.displayText
    }
  }

  func object() throws -> [String: JSONValue] {
    guard case .object(let o) = value else { throw fail("expected an object, found \(Self.describe(value))") }
    return o
  }

  /// The child at `key`; throws when the key is missing.
  func child(_ key: String) throws -> JSONCursor {
    let o = try object()
    guard let v = o[key] else { throw FibaParseError(file: file, path: path + "." + key, message: "missing key") }
    return JSONCursor(value: v, path: path + "." + key, file: file)
  }

  /// The child at `key`, or nil when absent or null.
  func optionalChild(_ key: String) -> JSONCursor? {
    guard case .object(let o) = value, let v = o[key], v != .null else { return nil }
    return JSONCursor(value: v, path: path + "." + key, file: file)
  }

  func array() throws -> [JSONCursor] {
    guard case .array(let a) = value else { throw fail("expected an array, found \(Self.describe(value))") }
    return a.enumerated().map { JSONCursor(value: $0.element, path: path + ".\($0.offset)", file: file) }
  }

  /// A string, or a number's text ("75", "1.5").
  func string() throws -> String {
    switch value {
    case .string(let s): return s
    case .int, .double: return value.displayText
    default: throw fail("expected a string, found \(Self.describe(value))")
    }
  }

  /// The text of a string value, nil for any other value.
  var stringValue: String? { value.stringValue }

  /// An integer written as a JSON number (integral) or as a decimal string.
  func int() throws -> Int {
    switch value {
    case .string(let s):
      if let i = Int(s.trimmingCharacters(in: .whitespaces)) { return i }
    case .int(let i): return i
    case .double(let d):
      if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return Int(d) }
    default: break
    }
    throw fail("expected an integer, found \(Self.describe(value))")
  }

  func double() throws -> Double {
    switch value {
    case .string(let s):
      if let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite { return d }
      throw fail("expected a number, found \(Self.describe(value))")
    case .int(let i): return Double(i)
    case .double(let d) where d.isFinite: return d
    default: throw fail("expected a number, found \(Self.describe(value))")
    }
  }

  /// Playing time "M:SS" / "MM:SS" (also "MM:SS:cc") → seconds; minutes may exceed 59 ("199:60" is tolerated).
  func clockSeconds() throws -> Double {
    let s = try string()
    guard let seconds = Self.parseClock(s) else { throw fail("expected \"M:SS\", found \(Self.describe(value))") }
    return seconds
  }

  /// Parses "M:SS", "MM:SS" or "MM:SS:cc"; empty minutes (":35") count as 0; nil when not a clock.
  static func parseClock(_ text: String) -> Double? {
    let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2 || parts.count == 3 else { return nil }
    let minutes: Int
    if parts[0].isEmpty { minutes = 0 } else {
      guard let m = Int(parts[0]), m >= 0, m < 1_000_000 else { return nil }
      minutes = m
    }
    guard parts[1].count >= 1, parts[1].count <= 2, let sec = Int(parts[1]), sec >= 0, sec <= 60 else { return nil }
    var total = Double(minutes * 60 + sec)
    if parts.count == 3 {
      guard parts[2].count >= 1, parts[2].count <= 2, let cc = Int(parts[2]), cc >= 0 else { return nil }
      total += Double(cc) / 100
    }
    return total
  }

  // Optional helpers: absent key → default, present but wrong type → error.
  func int(_ key: String) throws -> Int { try child(key).int() }
  func int(_ key: String, default d: Int) throws -> Int { try optionalChild(key)?.int() ?? d }
  func string(_ key: String, default d: String = "") throws -> String { try optionalChild(key)?.string() ?? d }
  func double(_ key: String, default d: Double) throws -> Double { try optionalChild(key)?.double() ?? d }
}
