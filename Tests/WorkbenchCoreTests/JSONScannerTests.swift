import Testing
import WorkbenchCore

/// The one JSON tokenizer, directly and through `JSONValue.parse` (Frame's `JSONTableReader` is tested in FrameTests).
@Suite struct JSONScannerTests {
  func scanString(_ text: String) throws(JSONParseError) -> String {
    var scanner = JSONScanner(bytes: Array(text.utf8))
    return try scanner.string()
  }

  func scanNumber(_ text: String) throws(JSONParseError) -> (range: Range<Int>, isIntegral: Bool) {
    var scanner = JSONScanner(bytes: Array(text.utf8))
    return try scanner.number()
  }

  func skip(_ text: String) throws(JSONParseError) -> String {
    var scanner = JSONScanner(bytes: Array(text.utf8))
    let range = try scanner.skipValue(depth: 0)
    return String(decoding: scanner.bytes[range], as: UTF8.self)
  }

  @Test func stringsDecodeEscapesAndSurrogatePairs() throws {
    #expect(try scanString(#""plain é""#) == "plain é")
    #expect(try scanString(#""a\n\t\"\\\/\u00e9\ud83d\ude00\u0000b""#) == "a\n\t\"\\/é😀\u{0}b")
  }

  @Test(arguments: [
    (#""\ud83d""#, "unpaired surrogate in \\u escape"),
    (#""\udc00x""#, "unpaired surrogate in \\u escape"),
    (#""\ud83d\u0041""#, "invalid low surrogate in \\u escape"),
    (#""\u12"#, "truncated \\u escape"),
    (#""\u12zz""#, "invalid hex digit in \\u escape"),
    (#""\q""#, "invalid escape `\\q`"),
    ("\"a\u{01}\"", "control character in string (escape it)"),
    (#""abc"#, "unterminated string"),
    (#""ab\"#, "unterminated string"),
  ])
  func badStringsAreErrors(text: String, message: String) {
    let error = #expect(throws: JSONParseError.self) { try scanString(text) }
    #expect(error?.message == message)
  }

  @Test func numbersFollowTheRFCGrammarAndKeepTheirText() throws {
    for (text, integral) in [("0", true), ("-0", true), ("12", true), ("-1.5e+3", false), ("2E-2", false), ("1.0", false)] {
      let number = try scanNumber(text + ",")
      #expect(number.range == 0..<text.utf8.count && number.isIntegral == integral, "\(text)")
    }
    for bad in ["-", "+1", ".5", "1.", "1.e3", "1e", "1e+", "-x"] {
      #expect(throws: JSONParseError.self, "\(bad)") { _ = try scanNumber(bad) }
    }
  }

  @Test func jsonValueNumbers() throws {
    #expect(try JSONValue.parse(Array("-0".utf8)) == .int(0))
    #expect(try JSONValue.parse(Array("1E2".utf8)) == .double(100))
    #expect(try JSONValue.parse(Array("-9223372036854775808".utf8)) == .int(Int.min))
    #expect(try JSONValue.parse(Array("99999999999999999999".utf8)) == .double(1e20))
    #expect(try JSONValue.parse(Array("0.1".utf8)) == .double(0.1))
    // Not JSON numbers (RFC 8259): errors, as in JSONTableReader.
    for bad in ["01", "+1", ".5", "1.", "1e", "-", "--1", "0x10", "Infinity", "NaN"] {
      #expect(throws: JSONParseError.self, "\(bad)") { try JSONValue.parse(Array(bad.utf8)) }
    }
  }

  @Test func nestingIsBoundedNotATrap() throws {
    func nested(_ n: Int) -> [UInt8] { Array((String(repeating: "[", count: n) + String(repeating: "]", count: n)).utf8) }
    #expect(try JSONValue.parse(nested(JSONScanner.maximumDepth)).arrayValue?.count == 1)
    let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(nested(JSONScanner.maximumDepth + 1)) }
    #expect(error?.message == "nesting deeper than 512 levels")
    #expect(error?.offset == JSONScanner.maximumDepth)
    #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(repeating: UInt8(ascii: "["), count: 200_000)) }
    #expect(throws: JSONParseError.self) { try skip(String(repeating: "{\"a\":", count: 100_000)) }
  }

  @Test func skipValueReturnsTheSourceRangeAndThePathOfAnError() throws {
    #expect(try skip(#"  {"a": [1, {"b c": "x"}], "d": null} ,"#) == #"{"a": [1, {"b c": "x"}], "d": null}"#)
    #expect(try skip(" -1.5e3]") == "-1.5e3")
    var scanner = JSONScanner(bytes: Array(#"{"a": [1, {"b c": tru}]}"#.utf8))
    do {
      _ = try scanner.skipValue(depth: 0)
      Issue.record("expected an error")
    } catch {
      #expect(scanner.errorPath == #".a[1]["b c"]"#)
      #expect(error.message == "invalid literal, expected `true`")
      #expect(error.offset == 18)
    }
  }

  @Test func linesAndColumnsCountBytesAfterTheLastNewline() {
    let scanner = JSONScanner(bytes: Array("ab\n\ncé\nx".utf8))
    let positions = [0, 2, 3, 4, 6, 7, 8, 99].map { scanner.lineAndColumn(at: $0) }
    #expect(positions.map(\.line) == [1, 1, 2, 3, 3, 3, 4, 4])
    #expect(positions.map(\.column) == [1, 3, 1, 1, 3, 4, 1, 2])
  }

  @Test func parseRoundTripsGeneratedValues() throws {
    var generator = SplitMix64(state: 12)
    func value(_ depth: Int) -> JSONValue {
      switch generator.next() % (depth > 3 ? 5 : 7) {
      case 0: return .null
      case 1: return .bool(generator.next() % 2 == 0)
      case 2: return .int(Int(bitPattern: UInt(generator.next())) >> Int(generator.next() % 64))
      case 3: return .double(Double(bitPattern: generator.next() >> 2) * (generator.next() % 2 == 0 ? 1 : -1))
      case 4:
        let scalars = [0x41, 0x22, 0x5C, 0x0A, 0x01, 0xE9, 0x2028, 0x1F600, 0x3C].compactMap { Unicode.Scalar(UInt32($0)) }
        return .string(String(String.UnicodeScalarView((0..<Int(generator.next() % 6)).map { _ in
          scalars[Int(generator.next() % UInt64(scalars.count))]
        })))
      case 5: return .array((0..<Int(generator.next() % 4)).map { _ in value(depth + 1) })
      default:
        return .object(Dictionary((0..<Int(generator.next() % 4)).map { _ in ("k\(generator.next() % 5)", value(depth + 1)) },
                                  uniquingKeysWith: { _, last in last }))
      }
    }
    for _ in 0..<500 {
      let v = value(0)
      #expect(try JSONValue.parse(v.serializedBytes(pretty: true)) == v)
      #expect(try JSONValue.parse(v.serializedBytes(pretty: false)) == v)
    }
  }

  @Test func fuzzNeverTraps() {
    var generator = SplitMix64(state: 5)
    let pieces: [[UInt8]] = ["[", "]", "{", "}", "\"a\"", ":", ",", "-1.5e3", "01", "true", "nul", "\"\\u12", "\"\\ud83d\"",
                             "\"\\", "\n", " ", "x"].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xEF, 0xBB, 0xBF]]
    for _ in 0..<3000 {
      let bytes = (0..<Int(generator.next() % 20)).flatMap { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
      _ = try? JSONValue.parse(bytes)
      _ = try? skip(String(decoding: bytes, as: UTF8.self))
    }
  }
}
