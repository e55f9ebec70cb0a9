import WorkbenchCore

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
    var parser = try recordParser(bytes: bytes, source: source, options: options)
    var builder = RecordTableBuilder()
    parser.scanner.skipWhitespace()
    guard parser.scanner.peek() == UInt8(ascii: "[") else {
      throw parser.readError("expected a JSON array of records `[ {...}, ... ]`")
    }
    parser.scanner.index += 1
    parser.scanner.skipWhitespace()
    var index = 0
    if parser.scanner.peek() == UInt8(ascii: "]") { parser.scanner.index += 1 } else {
      while true {
        let record = try parser.record(path: "$[\(index)]")
        builder.add(record)
        index += 1
        try options.limits.check(rows: index, source: source)
        parser.scanner.skipWhitespace()
        guard let c = parser.scanner.peek() else { throw parser.readError("unterminated array (missing `]`)") }
        if c == UInt8(ascii: "]") { parser.scanner.index += 1; break }
        guard c == UInt8(ascii: ",") else { throw parser.readError("expected `,` or `]` after record $[\(index - 1)]") }
        parser.scanner.index += 1
        parser.scanner.skipWhitespace()
      }
    }
    parser.scanner.skipWhitespace()
    guard parser.scanner.isAtEnd else { throw parser.readError("unexpected text after the array") }
    return try builder.frame(source: source)
  }

  /// A parser at the start of the text: gzip inflated, size checked, UTF-8 checked, BOM skipped.
  static func recordParser(bytes: [UInt8], source: String, options: JSONReadOptions) throws(ReadError) -> JSONRecordParser {
    let text = Gzip.isGzip(bytes) ? try Gzip.inflate(bytes, source: source, limits: options.limits) : bytes
    if text.count > options.limits.maximumBytes { throw options.limits.tooManyBytes(source, "holds") }
    try requireUTF8(text, source: source)
    var parser = JSONRecordParser(bytes: text, source: source, nestedAsText: options.nestedAsJSONText)
    parser.scanner.skipByteOrderMark()
    return parser
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
    var parser = try recordParser(bytes: bytes, source: source, options: options)
    var builder = RecordTableBuilder()
    var line = 1
    var records = 0
    while !parser.scanner.isAtEnd {
      parser.scanner.skipWhitespaceOnLine()
      if parser.scanner.peek() == 10 { parser.scanner.index += 1; line += 1; continue }
      if parser.scanner.isAtEnd { break }
      let record = try parser.record(path: "$", line: line)
      builder.add(record)
      records += 1
      try options.limits.check(rows: records, source: source)
      parser.scanner.skipWhitespaceOnLine()
      if let c = parser.scanner.peek() {
        guard c == 10 else { throw parser.readError("expected one JSON object per line (text after the object)") }
        parser.scanner.index += 1
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

/// Reads records with ``JSONScanner`` (which does all the lexing) and reports errors with line:column and the
/// record's JSON path.
struct JSONRecordParser {
  var scanner: JSONScanner
  let source: String
  let nestedAsText: Bool

  init(bytes: [UInt8], source: String, nestedAsText: Bool) {
    self.scanner = JSONScanner(bytes: bytes)
    self.source = source
    self.nestedAsText = nestedAsText
  }

  /// An error at the scanner's position.
  func readError(_ message: String, path: String? = nil) -> ReadError {
    readError(message, at: scanner.index, path: path)
  }

  /// A scanner error under `path`.
  func readError(_ error: JSONParseError, path: String) -> ReadError {
    readError(error.message, at: error.offset, path: path)
  }

  func readError(_ message: String, at offset: Int, path: String?) -> ReadError {
    let (line, column) = scanner.lineAndColumn(at: offset)
    return ReadError(source: source, line: line, column: column, jsonPath: path, message: message)
  }

  /// One object whose values are scalars (or nested text); `line` set for JSON Lines, where a newline ends the
  /// record so only spaces and tabs are skipped between its tokens.
  mutating func record(path: String, line: Int? = nil) throws(ReadError) -> [(String, JSONScalar)] {
    guard scanner.peek() == UInt8(ascii: "{") else {
      throw readError(line != nil ? "expected a JSON object on this line" : "expected a JSON object (a record)", path: path)
    }
    let onOneLine = line != nil
    scanner.index += 1
    var fields: [(String, JSONScalar)] = []
    skipSpace(onOneLine)
    if scanner.peek() == UInt8(ascii: "}") { scanner.index += 1; return fields }
    while true {
      skipSpace(onOneLine)
      guard scanner.peek() == UInt8(ascii: "\"") else { throw readError("expected a quoted key", path: path) }
      let key: String
      do { key = try scanner.string() } catch { throw readError(error, path: path) }
      skipSpace(onOneLine)
      guard scanner.peek() == UInt8(ascii: ":") else { throw readError("expected `:` after key \"\(key)\"", path: path) }
      scanner.index += 1
      skipSpace(onOneLine)
      fields.append((key, try scalar(path: path + JSONScanner.pathComponent(key))))
      skipSpace(onOneLine)
      guard let c = scanner.peek() else { throw readError("unterminated object (missing `}`)", path: path) }
      if c == UInt8(ascii: "}") { scanner.index += 1; return fields }
      guard c == UInt8(ascii: ",") else { throw readError("expected `,` or `}` in object", path: path) }
      scanner.index += 1
    }
  }

  mutating func skipSpace(_ onOneLine: Bool) {
    if onOneLine { scanner.skipWhitespaceOnLine() } else { scanner.skipWhitespace() }
  }

  /// One field value at `path`.
  mutating func scalar(path: String) throws(ReadError) -> JSONScalar {
    guard let c = scanner.peek() else { throw readError("unexpected end of input, expected a value", path: path) }
    if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
      guard nestedAsText else {
        throw readError("nested \(c == UInt8(ascii: "[") ? "array" : "object") is not a table value",
                        path: path).withHint("flatten it first, or enable nested values as JSON text")
      }
      do {
        let range = try scanner.skipValue(depth: 1)
        return .nested(String(decoding: scanner.bytes[range], as: UTF8.self))
      } catch {
        throw readError(error, path: path + scanner.errorPath)
      }
    }
    do throws(JSONParseError) {
      switch try scanner.scalar() {
      case .null: return .null
      case .bool(let b): return .bool(b)
      case .string(let s): return .string(s)
      case .number(let range, let integral):
        return scanner.bytes.withUnsafeBufferPointer { buf -> JSONScalar in
          guard let base = buf.baseAddress else { return .null }
          let p = base + range.lowerBound, n = range.count
          if integral, let v = NumberParsing.parseInt(p, n) { return .int(v) }
          return .float(NumberParsing.parseDouble(p, n) ?? .nan, String(decoding: buf[range], as: UTF8.self))
        }
      }
    } catch {
      throw readError(error, path: path)
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
