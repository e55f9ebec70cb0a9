import Foundation

/// A position inside a decoded JSON document that knows its path, so every type error names the file and path.
///
/// Accepts the LiveStats quirks: numbers written as strings ("75") or as JSON numbers, integral floats.
struct JSONCursor {
  let value: Any
  let path: String
  let file: String

  func fail(_ message: String) -> FibaParseError { FibaParseError(file: file, path: path, message: message) }

  static func describe(_ value: Any) -> String {
    if value is NSNull { return "null" }
    if let s = value as? String { return "\"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\"" }
    if let n = value as? NSNumber { return n.stringValue }
    if value is [Any] { return "an array" }
    if value is [String: Any] { return "an object" }
    return "\(type(of: value))"
  }

  func object() throws -> [String: Any] {
    guard let o = value as? [String: Any] else { throw fail("expected an object, found \(Self.describe(value))") }
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
    guard let o = value as? [String: Any], let v = o[key], !(v is NSNull) else { return nil }
    return JSONCursor(value: v, path: path + "." + key, file: file)
  }

  func array() throws -> [JSONCursor] {
    guard let a = value as? [Any] else { throw fail("expected an array, found \(Self.describe(value))") }
    return a.enumerated().map { JSONCursor(value: $0.element, path: path + ".\($0.offset)", file: file) }
  }

  func string() throws -> String {
    if let s = value as? String { return s }
    if let n = value as? NSNumber { return n.stringValue }
    throw fail("expected a string, found \(Self.describe(value))")
  }

  /// An integer written as a JSON number (integral) or as a decimal string.
  func int() throws -> Int {
    if let s = value as? String {
      let t = s.trimmingCharacters(in: .whitespaces)
      if let i = Int(t) { return i }
      throw fail("expected an integer, found \(Self.describe(value))")
    }
    if let n = value as? NSNumber {
      let d = n.doubleValue
      if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return Int(d) }
    }
    throw fail("expected an integer, found \(Self.describe(value))")
  }

  func double() throws -> Double {
    if let s = value as? String {
      if let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite { return d }
      throw fail("expected a number, found \(Self.describe(value))")
    }
    if let n = value as? NSNumber, n.doubleValue.isFinite { return n.doubleValue }
    throw fail("expected a number, found \(Self.describe(value))")
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
