import Foundation

/// A value in an MLflow `meta.yaml`: the file store only uses strings, integers, null and one level of maps.
enum YAMLValue: Sendable, Equatable {
  case string(String)
  case int(Int64)
  case null
  case map([String: YAMLValue])

  var stringValue: String? {
    switch self {
    case .string(let s): s
    case .int(let i): String(i)
    default: nil
    }
  }
  var intValue: Int64? {
    switch self {
    case .int(let i): i
    case .string(let s): Int64(s)
    default: nil
    }
  }
}

/// Writes and reads the subset of YAML 1.1 MLflow's `meta.yaml` files use.
///
/// Writer rules (from the notes): keys sorted, every string double-quoted with only `\\`, `\"` and control
/// characters escaped, integers bare, absent values `null`, nested maps indented by two spaces.
enum MetaYAML {
  static func render(_ fields: [String: YAMLValue]) -> String {
    var out = ""
    render(fields, indent: "", into: &out)
    return out
  }

  private static func render(_ fields: [String: YAMLValue], indent: String, into out: inout String) {
    for key in fields.keys.sorted() {
      guard let value = fields[key] else { continue }
      out += indent + quoteKey(key) + ":"
      switch value {
      case .string(let s): out += " " + quote(s) + "\n"
      case .int(let i): out += " \(i)\n"
      case .null: out += " null\n"
      case .map(let m):
        if m.isEmpty {
          out += " {}\n"
        } else {
          out += "\n"
          render(m, indent: indent + "  ", into: &out)
        }
      }
    }
  }

  private static func quoteKey(_ key: String) -> String {
    let plain = key.unicodeScalars.allSatisfy {
      ($0.value < 128 && CharacterSet.alphanumerics.contains($0)) || $0 == "_" || $0 == "." || $0 == "-"
    }
    return plain && !key.isEmpty ? key : quote(key)
  }

  /// Double-quoted YAML scalar.
  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if u.value < 0x20 || u.value == 0x7F {
          out += String(format: "\\u%04X", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }

  /// Parses a flat `meta.yaml` (or a JSON object, which MLflow also accepts). Throws on anything else.
  static func parse(_ text: String, path: String) throws -> [String: YAMLValue] {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.isEmpty { throw TrackingError.storeCorrupt(path: path, reason: "empty meta.yaml") }
    if trimmed.hasPrefix("{") { return try parseJSON(trimmed, path: path) }
    var result: [String: YAMLValue] = [:]
    var currentMapKey: String?
    var currentMap: [String: YAMLValue] = [:]
    func flush() {
      if let k = currentMapKey { result[k] = .map(currentMap) }
      currentMapKey = nil
      currentMap = [:]
    }
    for (index, line) in logicalLines(text).enumerated() {
      if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
      let indented = line.hasPrefix(" ")
      let body = line.trimmingCharacters(in: .whitespaces)
      if body.hasPrefix("- ") || body == "-" { continue }  // list items (e.g. legacy `tags: []` spelled out): ignored
      guard let (key, rest) = splitKey(body) else {
        throw TrackingError.storeCorrupt(path: path, reason: "line \(index + 1) is not 'key: value'")
      }
      if indented {
        if currentMapKey != nil { currentMap[key] = try scalar(rest, path: path, line: index + 1) }
        continue
      }
      flush()
      if rest.isEmpty {
        currentMapKey = key
      } else {
        result[key] = try scalar(rest, path: path, line: index + 1)
      }
    }
    flush()
    return result
  }

  /// Joins PyYAML's folded continuation lines (an indented line after a line that already has a value) with a
  /// space, as YAML folding does. MLflow folds long names and descriptions at 80 columns.
  private static func logicalLines(_ text: String) -> [String] {
    var lines: [String] = []
    var previousHasValue = false
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = String(raw)
      let body = line.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix(" "), previousHasValue, !body.isEmpty, let last = lines.popLast() {
        lines.append(last + " " + body)
        continue
      }
      lines.append(line)
      if body.isEmpty || body.hasPrefix("#") { continue }
      if let (_, rest) = splitKey(body) { previousHasValue = !rest.isEmpty } else { previousHasValue = false }
    }
    return lines
  }

  private static func splitKey(_ body: String) -> (String, String)? {
    if body.hasPrefix("\"") || body.hasPrefix("'") {
      let q = body.first
      var i = body.index(after: body.startIndex)
      var escaped = false
      while i < body.endIndex {
        let c = body[i]
        if q == "\"" && c == "\\" && !escaped { escaped = true } else {
          if c == q && !escaped { break }
          escaped = false
        }
        i = body.index(after: i)
      }
      guard i < body.endIndex else { return nil }
      let keyLiteral = String(body[...i])
      let after = body[body.index(after: i)...]
      guard after.hasPrefix(":") else { return nil }
      guard case .string(let key)? = try? scalar(keyLiteral, path: "", line: 0) else { return nil }
      return (key, after.dropFirst().trimmingCharacters(in: .whitespaces))
    }
    guard let colon = body.range(of: ": ") ?? (body.hasSuffix(":") ? body.range(of: ":", options: .backwards) : nil)
    else { return nil }
    return (String(body[..<colon.lowerBound]), String(body[colon.upperBound...]).trimmingCharacters(in: .whitespaces))
  }

  private static func scalar(_ raw: String, path: String, line: Int) throws -> YAMLValue {
    if raw == "null" || raw == "~" || raw == "" { return .null }
    if raw == "{}" { return .map([:]) }
    if raw == "[]" { return .null }
    if raw.hasPrefix("\"") {
      guard raw.count >= 2, raw.hasSuffix("\"") else {
        throw TrackingError.storeCorrupt(path: path, reason: "line \(line): unterminated double-quoted string")
      }
      return .string(try unescapeDouble(String(raw.dropFirst().dropLast()), path: path, line: line))
    }
    if raw.hasPrefix("'") {
      guard raw.count >= 2, raw.hasSuffix("'") else {
        throw TrackingError.storeCorrupt(path: path, reason: "line \(line): unterminated single-quoted string")
      }
      return .string(String(raw.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'"))
    }
    if let i = Int64(raw) { return .int(i) }
    return .string(raw)
  }

  private static func unescapeDouble(_ s: String, path: String, line: Int) throws -> String {
    var out = String.UnicodeScalarView()
    var it = s.unicodeScalars.makeIterator()
    while let u = it.next() {
      guard u == "\\" else {
        out.append(u)
        continue
      }
      guard let e = it.next() else { break }
      switch e {
      case "n": out.append("\n")
      case "t": out.append("\t")
      case "r": out.append("\r")
      case "0": out.append("\0")
      case "u", "x", "U":
        let n = e == "x" ? 2 : (e == "u" ? 4 : 8)
        var hex = ""
        for _ in 0..<n { if let h = it.next() { hex.unicodeScalars.append(h) } }
        guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
          throw TrackingError.storeCorrupt(path: path, reason: "line \(line): bad escape \\\(e)\(hex)")
        }
        out.append(scalar)
      default: out.append(e)
      }
    }
    return String(out)
  }

  private static func parseJSON(_ text: String, path: String) throws -> [String: YAMLValue] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
      throw TrackingError.storeCorrupt(path: path, reason: "not a JSON object")
    }
    func convert(_ v: Any) -> YAMLValue {
      if let s = v as? String { return .string(s) }
      if let n = v as? NSNumber { return .int(n.int64Value) }
      if let m = v as? [String: Any] { return .map(m.mapValues(convert)) }
      return .null
    }
    return object.mapValues(convert)
  }
}
