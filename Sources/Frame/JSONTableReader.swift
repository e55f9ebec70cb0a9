/// Reads JSON records into a ``Frame``: a JSON array of objects, or JSON Lines (one object per line).
///
/// Columns appear in first-appearance order of keys; a key missing from a record is null; `null` is null.
/// Types per column: all bools → bool; all integers (fitting Int64) → int; integers and other numbers → float;
/// all strings → string; any other mix → string (numbers keep their source text, bools become `true`/`false`).
/// A nested array or object is an error naming its JSON path (`$[12].stats`) unless
/// ``JSONReadOptions/nestedAsJSONText`` is set, in which case its exact source text is stored as a string.
public enum JSONTableReader {
  public static func readArray(path: String, options: JSONReadOptions = JSONReadOptions()) throws(ReadError) -> Frame {
    try readArray(bytes: try CSVReader.readFile(path, limits: options.limits), source: path, options: options)
  }

  public static func readLines(path: String, options: JSONReadOptions = JSONReadOptions()) throws(ReadError) -> Frame {
    try readLines(bytes: try CSVReader.readFile(path, limits: options.limits), source: path, options: options)
  }

  /// A JSON array of records (gzip detected by magic bytes).
  public static func readArray(bytes: [UInt8], source: String = "<memory>", options: JSONReadOptions = JSONReadOptions())
    throws(ReadError) -> Frame
  {
    let text = Gzip.isGzip(bytes) ? try Gzip.inflate(bytes, source: source, limits: options.limits) : bytes
    if text.count > options.limits.maximumBytes { throw options.limits.tooManyBytes(source, "holds") }
    try requireUTF8(text, source: source)
    var builder = RecordTableBuilder()
    var parser = JSONParser(bytes: text, source: source, nestedAsText: options.nestedAsJSONText)
    try parser.skipBOM()
    try parser.skipSpace()
    guard parser.peek() == UInt8(ascii: "[") else { throw parser.error("expected a JSON array of records `[ {...}, ... ]`") }
    parser.i += 1
    try parser.skipSpace()
    var index = 0
    if parser.peek() == UInt8(ascii: "]") { parser.i += 1 } else {
      while true {
        let record = try parser.record(path: "$[\(index)]")
        builder.add(record)
        index += 1
        try options.limits.check(rows: index, source: source)
        try parser.skipSpace()
        guard let c = parser.peek() else { throw parser.error("unterminated array (missing `]`)") }
        parser.i += 1
        if c == UInt8(ascii: "]") { break }
        guard c == UInt8(ascii: ",") else { parser.i -= 1; throw parser.error("expected `,` or `]` after record $[\(index - 1)]") }
        try parser.skipSpace()
      }
    }
    try parser.skipSpace()
    guard parser.i == parser.bytes.count else { throw parser.error("unexpected text after the array") }
    return try builder.frame(source: source)
  }

  /// JSON text must be UTF-8 (RFC 8259): other bytes are an error naming the first, not silent U+FFFD characters.
  static func requireUTF8(_ text: [UInt8], source: String) throws(ReadError) {
    guard let invalid = text.withUnsafeBufferPointer({ TextEncodingCheck.invalidUTF8($0) }) else { return }
    throw ReadError(source: source, line: invalid.line, column: invalid.column,
                    message: "\(invalid.count) byte(s) are not valid UTF-8 (JSON must be UTF-8)",
                    hint: "if the file is Latin-1, convert it first: iconv -f latin1 -t utf-8")
  }

  /// JSON Lines: one object per line; blank lines are ignored; errors name the line.
  public static func readLines(bytes: [UInt8], source: String = "<memory>", options: JSONReadOptions = JSONReadOptions())
    throws(ReadError) -> Frame
  {
    let text = Gzip.isGzip(bytes) ? try Gzip.inflate(bytes, source: source, limits: options.limits) : bytes
    if text.count > options.limits.maximumBytes { throw options.limits.tooManyBytes(source, "holds") }
    try requireUTF8(text, source: source)
    var builder = RecordTableBuilder()
    var parser = JSONParser(bytes: text, source: source, nestedAsText: options.nestedAsJSONText)
    try parser.skipBOM()
    var line = 1
    var records = 0
    while parser.i < parser.bytes.count {
      parser.skipInlineSpace()
      if parser.peek() == 10 { parser.i += 1; line += 1; continue }
      if parser.i >= parser.bytes.count { break }
      let record = try parser.record(path: "$", line: line)
      builder.add(record)
      records += 1
      try options.limits.check(rows: records, source: source)
      parser.skipInlineSpace()
      if let c = parser.peek() {
        guard c == 10 else { throw parser.error("expected one JSON object per line (text after the object)") }
        parser.i += 1
        line += 1
      }
    }
    return try builder.frame(source: source)
  }
}

/// Options of ``JSONTableReader``.
public struct JSONReadOptions: Sendable, Equatable {
  /// Store nested arrays/objects as their JSON source text instead of failing.
  public var nestedAsJSONText: Bool
  /// Bounds on the decompressed size and the records of one file.
  public var limits: ReadLimits
  public init(nestedAsJSONText: Bool = false, limits: ReadLimits = ReadLimits()) {
    self.nestedAsJSONText = nestedAsJSONText
    self.limits = limits
  }
}

/// One record field value.
enum JSONScalar {
  case null
  case bool(Bool)
  case int(Int64)
  /// A number that is not an Int64, with its source text.
  case float(Double, String)
  case string(String)
  /// A nested array/object kept as source text.
  case nested(String)
}

/// Accumulates records column by column.
struct RecordTableBuilder {
  var names: [String] = []
  var index: [String: Int] = [:]
  var values: [[JSONScalar]] = []
  var rows = 0

  mutating func add(_ record: [(String, JSONScalar)]) {
    for (key, value) in record {
      let c: Int
      if let k = index[key] { c = k } else {
        c = names.count
        index[key] = c
        names.append(key)
        values.append(Array(repeating: .null, count: rows))
      }
      if values[c].count == rows { values[c].append(value) } else { values[c][rows] = value }  // duplicate key: last wins
    }
    rows += 1
    for c in values.indices where values[c].count < rows { values[c].append(.null) }
  }

  func frame(source: String) throws(ReadError) -> Frame {
    var columns: [Column] = []
    for (c, name) in names.enumerated() {
      columns.append(Self.column(name: name, values: values[c]))
    }
    do { return try Frame(columns: columns) } catch { throw ReadError(source: source, message: error.message) }
  }

  static func column(name: String, values: [JSONScalar]) -> Column {
    var bools = 0, ints = 0, floats = 0, strings = 0
    for v in values {
      switch v {
      case .null: break
      case .bool: bools += 1
      case .int: ints += 1
      case .float: floats += 1
      case .string, .nested: strings += 1
      }
    }
    let validity = values.map { if case .null = $0 { return false } else { return true } }
    if strings == 0 && bools > 0 && ints == 0 && floats == 0 {
      return Column(name: name, bools: values.map { if case .bool(let b) = $0 { return b } else { return false } },
                    validity: validity)
    }
    if strings == 0 && bools == 0 && floats == 0 && ints > 0 {
      return Column(name: name, ints: values.map { if case .int(let v) = $0 { return v } else { return 0 } },
                    validity: validity)
    }
    if strings == 0 && bools == 0 && floats > 0 {
      return Column(name: name, floats: values.map {
        switch $0 {
        case .int(let v): Double(v)
        case .float(let d, _): d
        default: 0
        }
      }, validity: validity)
    }
    return Column(name: name, strings: values.map {
      switch $0 {
      case .null: nil
      case .bool(let b): b ? "true" : "false"
      case .int(let v): String(v)
      case .float(_, let text): text
      case .string(let s): s
      case .nested(let s): s
      }
    })
  }
}

/// A small byte-level JSON parser that reports line:column and JSON paths.
struct JSONParser {
  let bytes: [UInt8]
  let source: String
  let nestedAsText: Bool
  var i = 0
  var depth = 0

  init(bytes: [UInt8], source: String, nestedAsText: Bool) {
    self.bytes = bytes
    self.source = source
    self.nestedAsText = nestedAsText
  }

  func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

  func error(_ message: String, path: String? = nil) -> ReadError {
    var line = 1, column = 1
    var k = 0
    while k < min(i, bytes.count) {
      if bytes[k] == 10 { line += 1; column = 1 } else { column += 1 }
      k += 1
    }
    return ReadError(source: source, line: line, column: column, jsonPath: path, message: message)
  }

  mutating func skipBOM() throws(ReadError) {
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }
  }

  mutating func skipSpace() throws(ReadError) {
    while i < bytes.count, bytes[i] == 32 || bytes[i] == 10 || bytes[i] == 13 || bytes[i] == 9 { i += 1 }
  }

  mutating func skipInlineSpace() {
    while i < bytes.count, bytes[i] == 32 || bytes[i] == 13 || bytes[i] == 9 { i += 1 }
  }

  /// One object whose values are scalars (or nested text); `line` set for JSON Lines messages.
  mutating func record(path: String, line: Int? = nil) throws(ReadError) -> [(String, JSONScalar)] {
    guard peek() == UInt8(ascii: "{") else {
      throw error(line != nil ? "expected a JSON object on this line" : "expected a JSON object (a record)", path: path)
    }
    i += 1
    var fields: [(String, JSONScalar)] = []
    try skipSpaceIn(line)
    if peek() == UInt8(ascii: "}") { i += 1; return fields }
    while true {
      try skipSpaceIn(line)
      guard peek() == UInt8(ascii: "\"") else { throw error("expected a quoted key", path: path) }
      let key = try string(path: path)
      try skipSpaceIn(line)
      guard peek() == UInt8(ascii: ":") else { throw error("expected `:` after key \"\(key)\"", path: path) }
      i += 1
      try skipSpaceIn(line)
      let fieldPath = path + Self.pathComponent(key)
      fields.append((key, try scalar(path: fieldPath)))
      try skipSpaceIn(line)
      guard let c = peek() else { throw error("unterminated object (missing `}`)", path: path) }
      i += 1
      if c == UInt8(ascii: "}") { return fields }
      guard c == UInt8(ascii: ",") else { i -= 1; throw error("expected `,` or `}` in object", path: path) }
    }
  }

  /// Inside a JSON Lines record a newline ends the line, so only spaces and tabs are skipped there.
  mutating func skipSpaceIn(_ line: Int?) throws(ReadError) {
    if line != nil {
      while i < bytes.count, bytes[i] == 32 || bytes[i] == 13 || bytes[i] == 9 { i += 1 }
    } else {
      try skipSpace()
    }
  }

  static func pathComponent(_ key: String) -> String {
    let simple = !key.isEmpty && key.utf8.allSatisfy {
      ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95
    } && !(key.utf8.first.map { $0 >= 48 && $0 <= 57 } ?? false)
    if simple { return "." + key }
    var escaped = ""
    for ch in key {
      if ch == "\\" || ch == "\"" { escaped.append("\\") }
      escaped.append(ch)
    }
    return "[\"" + escaped + "\"]"
  }

  mutating func scalar(path: String) throws(ReadError) -> JSONScalar {
    guard let c = peek() else { throw error("unexpected end of input, expected a value", path: path) }
    switch c {
    case UInt8(ascii: "\""): return .string(try string(path: path))
    case UInt8(ascii: "t"): try literal("true", path: path); return .bool(true)
    case UInt8(ascii: "f"): try literal("false", path: path); return .bool(false)
    case UInt8(ascii: "n"): try literal("null", path: path); return .null
    case UInt8(ascii: "["), UInt8(ascii: "{"):
      guard nestedAsText else {
        throw error("nested \(c == UInt8(ascii: "[") ? "array" : "object") is not a table value",
                    path: path).withHint("flatten it first, or enable nested values as JSON text")
      }
      let start = i
      try skipValue(path: path)
      return .nested(String(decoding: bytes[start..<i], as: UTF8.self))
    default:
      if c == UInt8(ascii: "-") || (c >= 48 && c <= 57) { return try number(path: path) }
      throw error("unexpected character `\(Character(Unicode.Scalar(c)))`, expected a value", path: path)
    }
  }

  mutating func literal(_ word: String, path: String) throws(ReadError) {
    let w = Array(word.utf8)
    guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else {
      throw error("invalid literal, expected `\(word)`", path: path)
    }
    i += w.count
  }

  mutating func number(path: String) throws(ReadError) -> JSONScalar {
    let start = i
    if peek() == UInt8(ascii: "-") { i += 1 }
    guard let first = peek(), first >= 48 && first <= 57 else { throw error("invalid number", path: path) }
    if first == 48 { i += 1 } else { while let d = peek(), d >= 48 && d <= 57 { i += 1 } }
    var integral = true
    if peek() == UInt8(ascii: ".") {
      integral = false
      i += 1
      guard let d = peek(), d >= 48 && d <= 57 else { throw error("invalid number (digit expected after `.`)", path: path) }
      while let d = peek(), d >= 48 && d <= 57 { i += 1 }
    }
    if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
      integral = false
      i += 1
      if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { i += 1 }
      guard let d = peek(), d >= 48 && d <= 57 else { throw error("invalid number (exponent digits expected)", path: path) }
      while let d = peek(), d >= 48 && d <= 57 { i += 1 }
    }
    let end = i
    return bytes.withUnsafeBufferPointer { buf -> JSONScalar in
      guard let base = buf.baseAddress else { return .null }
      let p = base + start, n = end - start
      let text = String(decoding: buf[start..<end], as: UTF8.self)
      if integral, let v = NumberParsing.parseInt(p, n) { return .int(v) }
      return .float(NumberParsing.parseDouble(p, n) ?? .nan, text)
    }
  }

  mutating func string(path: String) throws(ReadError) -> String {
    i += 1  // opening quote
    var out: [UInt8] = []
    let start = i
    while i < bytes.count {
      let c = bytes[i]
      if c == 34 {
        let s = out.isEmpty ? String(decoding: bytes[start..<i], as: UTF8.self) : String(decoding: out, as: UTF8.self)
        i += 1
        return s
      }
      if c < 0x20 { throw error("control character in string (escape it)", path: path) }
      if c == 92 {
        if out.isEmpty { out.append(contentsOf: bytes[start..<i]) }
        i += 1
        guard i < bytes.count else { break }
        let e = bytes[i]
        i += 1
        switch e {
        case 34: out.append(34)
        case 92: out.append(92)
        case 47: out.append(47)
        case 98: out.append(8)
        case 102: out.append(12)
        case 110: out.append(10)
        case 114: out.append(13)
        case 116: out.append(9)
        case 117:
          var scalar = try hex4(path: path)
          if scalar >= 0xD800 && scalar < 0xDC00 {
            guard i + 1 < bytes.count, bytes[i] == 92, bytes[i + 1] == 117 else {
              throw error("unpaired surrogate in \\u escape", path: path)
            }
            i += 2
            let low = try hex4(path: path)
            guard low >= 0xDC00 && low < 0xE000 else { throw error("invalid low surrogate in \\u escape", path: path) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else if scalar >= 0xDC00 && scalar < 0xE000 {
            throw error("unpaired surrogate in \\u escape", path: path)
          }
          guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape", path: path) }
          out.append(contentsOf: Array(String(Character(u)).utf8))
        default: throw error("invalid escape `\\\(Character(Unicode.Scalar(e)))`", path: path)
        }
        continue
      }
      if !out.isEmpty { out.append(c) }
      i += 1
    }
    throw error("unterminated string", path: path)
  }

  mutating func hex4(path: String) throws(ReadError) -> UInt32 {
    guard i + 4 <= bytes.count else { throw error("truncated \\u escape", path: path) }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[i]
      let d: UInt32
      switch c {
      case 48...57: d = UInt32(c - 48)
      case 65...70: d = UInt32(c - 55)
      case 97...102: d = UInt32(c - 87)
      default: throw error("invalid hex digit in \\u escape", path: path)
      }
      v = v << 4 | d
      i += 1
    }
    return v
  }

  /// Validates and skips any JSON value (used for nested values kept as text).
  mutating func skipValue(path: String) throws(ReadError) {
    depth += 1
    defer { depth -= 1 }
    guard depth < 512 else { throw error("nesting deeper than 512 levels", path: path) }
    try skipSpace()
    guard let c = peek() else { throw error("unexpected end of input", path: path) }
    if c == UInt8(ascii: "[") {
      i += 1
      try skipSpace()
      if peek() == UInt8(ascii: "]") { i += 1; return }
      var k = 0
      while true {
        try skipValue(path: path + "[\(k)]")
        k += 1
        try skipSpace()
        guard let d = peek() else { throw error("unterminated array", path: path) }
        i += 1
        if d == UInt8(ascii: "]") { return }
        guard d == UInt8(ascii: ",") else { i -= 1; throw error("expected `,` or `]`", path: path) }
      }
    } else if c == UInt8(ascii: "{") {
      i += 1
      try skipSpace()
      if peek() == UInt8(ascii: "}") { i += 1; return }
      while true {
        try skipSpace()
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a quoted key", path: path) }
        let key = try string(path: path)
        try skipSpace()
        guard peek() == UInt8(ascii: ":") else { throw error("expected `:`", path: path) }
        i += 1
        try skipValue(path: path + Self.pathComponent(key))
        try skipSpace()
        guard let d = peek() else { throw error("unterminated object", path: path) }
        i += 1
        if d == UInt8(ascii: "}") { return }
        guard d == UInt8(ascii: ",") else { i -= 1; throw error("expected `,` or `}`", path: path) }
      }
    } else {
      _ = try scalar(path: path)
    }
  }
}

extension ReadError {
  func withHint(_ hint: String) -> ReadError {
    var copy = self
    copy.hint = hint
    return copy
  }
}
