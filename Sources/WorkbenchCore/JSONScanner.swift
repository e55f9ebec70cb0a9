/// The one JSON tokenizer (RFC 8259) over UTF-8 bytes: whitespace, strings (escapes and surrogate pairs checked),
/// numbers as their source range, literals, and skipping a whole value. `JSONValue.parse` builds values from its
/// tokens and Frame's `JSONTableReader` builds tables; each keeps its own structure and error wording, none lexes.
///
/// Errors are ``JSONParseError``s at the byte offset where scanning stopped; ``lineAndColumn(at:)`` turns an offset
/// into the 1-based line and byte column that readers report. Nesting is bounded by ``maximumDepth``, so no input
/// can exhaust the stack. The scanner does not check that bytes are UTF-8: readers that promise it check first.
public struct JSONScanner: Sendable {
  /// Deepest nesting of arrays and objects accepted (recursion is bounded by it).
  public static let maximumDepth = 512

  public let bytes: [UInt8]
  /// Offset of the next byte to read.
  public var index: Int
  /// After ``skipValue(depth:)`` failed: where in the skipped value the error is, relative to it (`.stats[2]`);
  /// empty when it is at the value's top level.
  public private(set) var errorPath = ""

  public init(bytes: [UInt8], index: Int = 0) {
    self.bytes = bytes
    self.index = index
  }

  /// Whether every byte has been read.
  @inlinable public var isAtEnd: Bool { index >= bytes.count }

  /// The next byte, or nil at the end.
  @inlinable public func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

  /// An error at the current offset.
  @inlinable public func error(_ message: String) -> JSONParseError { JSONParseError(offset: index, message: message) }

  /// 1-based line (counting `\n`) and byte column of `offset`, for messages.
  public func lineAndColumn(at offset: Int) -> (line: Int, column: Int) {
    var line = 1, column = 1
    for k in 0..<min(max(offset, 0), bytes.count) {
      if bytes[k] == 10 { line += 1; column = 1 } else { column += 1 }
    }
    return (line, column)
  }

  /// Skips a UTF-8 byte order mark at the start.
  public mutating func skipByteOrderMark() {
    if index == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
  }

  /// Skips JSON whitespace: space, tab, `\r`, `\n`.
  @inlinable public mutating func skipWhitespace() {
    while index < bytes.count {
      let b = bytes[index]
      guard b == 32 || b == 10 || b == 13 || b == 9 else { return }
      index += 1
    }
  }

  /// Skips whitespace except `\n` (inside one JSON Lines record).
  @inlinable public mutating func skipWhitespaceOnLine() {
    while index < bytes.count {
      let b = bytes[index]
      guard b == 32 || b == 13 || b == 9 else { return }
      index += 1
    }
  }

  /// Throws when `depth` (0 for the top value) is past ``maximumDepth``.
  @inlinable public func checkDepth(_ depth: Int) throws(JSONParseError) {
    guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
  }

  /// Reads `true`, `false` or `null` (the scanner is at its first byte).
  @inlinable public mutating func literal(_ word: StaticString) throws(JSONParseError) {
    let n = word.utf8CodeUnitCount
    let start = word.utf8Start
    guard index + n <= bytes.count else { throw error("invalid literal, expected `\(word)`") }
    for k in 0..<n where bytes[index + k] != start[k] { throw error("invalid literal, expected `\(word)`") }
    index += n
  }

  /// Reads a number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) and returns where its text is; `isIntegral`
  /// when it has no fraction or exponent. Conversion is the caller's (values keep their own typing rules).
  @inlinable public mutating func number() throws(JSONParseError) -> (range: Range<Int>, isIntegral: Bool) {
    let start = index
    if peek() == 45 { index += 1 }
    guard let first = peek(), first >= 48 && first <= 57 else { throw error("invalid number") }
    if first == 48 { index += 1 } else { skipDigits() }
    var integral = true
    if peek() == 46 {
      integral = false
      index += 1
      guard let d = peek(), d >= 48 && d <= 57 else { throw error("invalid number (digit expected after `.`)") }
      skipDigits()
    }
    if let e = peek(), e == 101 || e == 69 {
      integral = false
      index += 1
      if let s = peek(), s == 43 || s == 45 { index += 1 }
      guard let d = peek(), d >= 48 && d <= 57 else { throw error("invalid number (exponent digits expected)") }
      skipDigits()
    }
    return (start..<index, integral)
  }

  @inlinable mutating func skipDigits() {
    while index < bytes.count, bytes[index] &- 48 <= 9 { index += 1 }
  }

  /// Reads a string (the scanner is at its opening quote) and returns its decoded text. Escapes are checked,
  /// `\u` surrogates must pair, raw control characters are errors.
  @inlinable public mutating func string() throws(JSONParseError) -> String {
    index += 1  // opening quote
    let start = index
    // Fast path: no escapes, the text is a slice of the input.
    while index < bytes.count {
      let c = bytes[index]
      if c == 34 {
        let s = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return s
      }
      if c == 92 { break }
      if c < 0x20 { throw error("control character in string (escape it)") }
      index += 1
    }
    guard index < bytes.count else { throw error("unterminated string") }
    var out = Array(bytes[start..<index])
    while index < bytes.count {
      let c = bytes[index]
      if c == 34 {
        index += 1
        return String(decoding: out, as: UTF8.self)
      }
      if c < 0x20 { throw error("control character in string (escape it)") }
      if c == 92 {
        index += 1
        guard index < bytes.count else { break }
        try escape(into: &out)
        continue
      }
      out.append(c)
      index += 1
    }
    throw error("unterminated string")
  }

  /// Decodes the escape after a backslash into UTF-8 bytes.
  @usableFromInline mutating func escape(into out: inout [UInt8]) throws(JSONParseError) {
    let e = bytes[index]
    index += 1
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
      var scalar = try hex4()
      if scalar >= 0xD800 && scalar < 0xDC00 {
        guard index + 1 < bytes.count, bytes[index] == 92, bytes[index + 1] == 117 else {
          throw error("unpaired surrogate in \\u escape")
        }
        index += 2
        let low = try hex4()
        guard low >= 0xDC00 && low < 0xE000 else { throw error("invalid low surrogate in \\u escape") }
        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
      } else if scalar >= 0xDC00 && scalar < 0xE000 {
        throw error("unpaired surrogate in \\u escape")
      }
      guard scalar <= 0x10FFFF else { throw error("invalid \\u escape") }
      Self.appendUTF8(scalar, to: &out)
    default: throw error("invalid escape `\\\(Character(Unicode.Scalar(e)))`")
    }
  }

  /// Appends the UTF-8 bytes of a Unicode scalar value (surrogates already excluded).
  @usableFromInline static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
    if v < 0x80 {
      out.append(UInt8(v))
    } else if v < 0x800 {
      out.append(UInt8(0xC0 | v >> 6)); out.append(UInt8(0x80 | v & 0x3F))
    } else if v < 0x10000 {
      out.append(UInt8(0xE0 | v >> 12)); out.append(UInt8(0x80 | v >> 6 & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
    } else {
      out.append(UInt8(0xF0 | v >> 18)); out.append(UInt8(0x80 | v >> 12 & 0x3F))
      out.append(UInt8(0x80 | v >> 6 & 0x3F)); out.append(UInt8(0x80 | v & 0x3F))
    }
  }

  @usableFromInline mutating func hex4() throws(JSONParseError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[index]
      let d: UInt32
      switch c {
      case 48...57: d = UInt32(c - 48)
      case 65...70: d = UInt32(c - 55)
      case 97...102: d = UInt32(c - 87)
      default: throw error("invalid hex digit in \\u escape")
      }
      v = v << 4 | d
      index += 1
    }
    return v
  }

  /// Reads a string, number or literal at the current byte (an array or object is the caller's to structure).
  @inlinable public mutating func scalar() throws(JSONParseError) -> JSONScalarToken {
    guard let c = peek() else { throw error("unexpected end of input") }
    switch c {
    case 34: return .string(try string())
    case 116: try literal("true"); return .bool(true)
    case 102: try literal("false"); return .bool(false)
    case 110: try literal("null"); return .null
    case 45, 48...57:
      let (range, integral) = try number()
      return .number(range, isIntegral: integral)
    default: throw unexpectedCharacter(c)
    }
  }

  /// Reads an object member's key and its `:`, skipping whitespace around them.
  @inlinable public mutating func objectKey() throws(JSONParseError) -> String {
    skipWhitespace()
    guard peek() == 34 else { throw error("expected a quoted key") }
    let key = try string()
    skipWhitespace()
    guard peek() == 58 else { throw error("expected `:`") }
    index += 1
    return key
  }

  /// After an array element or object member: skips whitespace, then reads `,` (true: another follows) or the
  /// `closing` byte, `]` or `}` (false: the container ends).
  @inlinable public mutating func nextMember(closing: UInt8) throws(JSONParseError) -> Bool {
    skipWhitespace()
    guard let c = peek() else { throw error(closing == 93 ? "unterminated array" : "unterminated object") }
    guard c == 44 || c == closing else { throw error("expected `,` or `\(Character(Unicode.Scalar(closing)))`") }
    index += 1
    return c == 44
  }

  /// Reads the opening `[` or `{` and following whitespace; true when the container is empty (its closing byte
  /// is read too).
  @inlinable public mutating func openContainer() -> Bool {
    let closing: UInt8 = peek() == 91 ? 93 : 125
    index += 1
    skipWhitespace()
    guard peek() == closing else { return false }
    index += 1
    return true
  }

  /// Checks and skips one value (leading whitespace included) at nesting `depth`, returning its source range.
  /// On an error, ``errorPath`` tells where inside the value it is.
  public mutating func skipValue(depth: Int) throws(JSONParseError) -> Range<Int> {
    errorPath = ""
    try checkDepth(depth)
    skipWhitespace()
    let start = index
    guard let c = peek() else { throw error("unexpected end of input") }
    if c == 91 {
      if openContainer() { return start..<index }
      var k = 0
      repeat {
        do { _ = try skipValue(depth: depth + 1) } catch {
          errorPath = "[\(k)]" + errorPath
          throw error
        }
        k += 1
      } while try nextMember(closing: 93)
    } else if c == 123 {
      if openContainer() { return start..<index }
      repeat {
        let key = try objectKey()
        do { _ = try skipValue(depth: depth + 1) } catch {
          errorPath = Self.pathComponent(key) + errorPath
          throw error
        }
      } while try nextMember(closing: 125)
    } else {
      _ = try scalar()
    }
    return start..<index
  }

  /// The error for a byte that cannot start a value.
  public func unexpectedCharacter(_ c: UInt8) -> JSONParseError {
    error("unexpected character `\(Character(Unicode.Scalar(c)))`, expected a value")
  }

  /// A key as a JSON path component: `.name` for identifiers, `["a b"]` otherwise.
  public static func pathComponent(_ key: String) -> String {
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
}

/// A JSON value that is not an array or object, as ``JSONScanner/scalar()`` reads it.
public enum JSONScalarToken: Sendable, Equatable {
  case null
  case bool(Bool)
  case string(String)
  /// Where the number's text is in the input; `isIntegral` when it has no fraction or exponent.
  case number(Range<Int>, isIntegral: Bool)
}

/// An error in JSON text, with the byte offset where parsing stopped.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
  public var offset: Int
  public var message: String

  public init(offset: Int, message: String) {
    self.offset = offset
    self.message = message
  }

  public var description: String { "invalid JSON at byte \(offset): \(message)" }
}
