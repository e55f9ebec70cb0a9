/// Byte-level checks a reader runs over its whole input: invalid UTF-8 (a Latin-1 file read as UTF-8 would silently
/// get U+FFFD characters) and old Mac CR-only line ends (which would read as one header line and no rows).
public struct InvalidUTF8: Sendable, Equatable, CustomStringConvertible {
  /// Invalid bytes (each becomes U+FFFD in the text).
  public var count: Int
  /// 1-based physical line and byte column of the first one.
  public var line: Int
  public var column: Int

  public var description: String {
    "\(count) byte(s) are not valid UTF-8 and were replaced with U+FFFD (first at line \(line), column \(column)); "
      + "if the file is Latin-1, convert it first: iconv -f latin1 -t utf-8"
  }
}

enum TextEncodingCheck {
  /// Counts invalid UTF-8 bytes (RFC 3629: no overlongs, surrogates or code points past U+10FFFF); nil when valid.
  static func invalidUTF8(_ buffer: UnsafeBufferPointer<UInt8>) -> InvalidUTF8? {
    guard let base = buffer.baseAddress else { return nil }
    let n = buffer.count
    var i = 0, count = 0, first = -1
    while i < n {
      // ASCII fast path, 8 bytes at a time.
      while i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
      guard i < n else { break }
      let b = base[i]
      if b < 0x80 { i += 1; continue }
      let length = sequenceLength(base, i, n)
      if length == 0 {
        count += 1
        if first < 0 { first = i }
        i += 1
      } else {
        i += length
      }
    }
    guard count > 0 else { return nil }
    var line = 1, lineStart = 0
    for j in 0..<first where base[j] == 10 { line += 1; lineStart = j + 1 }
    return InvalidUTF8(count: count, line: line, column: first - lineStart + 1)
  }

  /// Length of the valid multi-byte sequence starting at `i`, or 0 when it is invalid.
  @inline(__always)
  private static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
    func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool { k < n && p[k] >= low && p[k] <= high }
    let b = p[i]
    switch b {
    case 0xC2...0xDF: return continuation(i + 1) ? 2 : 0
    case 0xE0: return continuation(i + 1, 0xA0) && continuation(i + 2) ? 3 : 0
    case 0xE1...0xEC, 0xEE...0xEF: return continuation(i + 1) && continuation(i + 2) ? 3 : 0
    case 0xED: return continuation(i + 1, 0x80, 0x9F) && continuation(i + 2) ? 3 : 0
    case 0xF0: return continuation(i + 1, 0x90) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
    case 0xF1...0xF3: return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
    case 0xF4: return continuation(i + 1, 0x80, 0x8F) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
    default: return 0
    }
  }

  /// True when the text has carriage returns but no line feed at all: old Mac (CR-only) line ends.
  static func usesCROnlyLineEnds(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
    var sawCR = false
    for b in buffer {
      if b == 10 { return false }
      if b == 13 { sawCR = true }
    }
    return sawCR
  }
}
