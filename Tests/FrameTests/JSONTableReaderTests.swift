import Testing
@testable import Frame

@Suite struct JSONTableReaderTests {
  @Test func arrayOfRecords() throws {
    let json = """
      [{"a": 1, "b": "x", "c": true},
       {"b": "y\\n\\u00e9", "a": 2.5, "d": null},
       {"a": 3, "c": false, "e": -4}]
      """
    let f = try JSONTableReader.readArray(bytes: Array(json.utf8))
    #expect(f.columnNames == ["a", "b", "c", "d", "e"])
    #expect(columnValues(f, "a") == [.float(1), .float(2.5), .float(3)])
    #expect(columnValues(f, "b") == [.string("x"), .string("y\né"), .null])
    #expect(columnValues(f, "c") == [.bool(true), .null, .bool(false)])
    #expect(f.column(named: "d")?.nullCount == 3)
    #expect(columnValues(f, "e") == [.null, .null, .int(-4)])
  }

  @Test func jsonLinesAndErrors() throws {
    let lines = "{\"a\": 1, \"s\": \"p\"}\n\n{\"a\": 2}\n"
    let f = try JSONTableReader.readLines(bytes: Array(lines.utf8))
    #expect(columnValues(f, "a") == [.int(1), .int(2)])
    #expect(columnValues(f, "s") == [.string("p"), .null])
    do {
      _ = try JSONTableReader.readLines(bytes: Array("{\"a\": 1}\n{\"a\": 2,}\n".utf8), source: "x.jsonl")
      Issue.record("expected an error")
    } catch let e {
      #expect(e.line == 2)
      #expect(e.column != nil)
    }
  }

  @Test func nestedValuesNamePathOrBecomeText() throws {
    let json = "[{\"a\": 1}, {\"a\": 2, \"stats\": {\"x\": [1, 2]}}]"
    do {
      _ = try JSONTableReader.readArray(bytes: Array(json.utf8))
      Issue.record("expected an error")
    } catch let e {
      #expect(e.jsonPath == "$[1].stats")
    }
    let f = try JSONTableReader.readArray(bytes: Array(json.utf8), options: JSONReadOptions(nestedAsJSONText: true))
    #expect(columnValues(f, "stats") == [.null, .string("{\"x\": [1, 2]}")])
  }

  @Test func malformedJSONReportsLineAndColumn() throws {
    for bad in ["[{\"a\": 1},\n {\"a\": tru}]", "[{\"a\": 1}", "{\"a\": 1}", "[1, 2]", "[{\"a\": \"unterminated}]", "[{\"a\": 01}]"] {
      #expect(throws: ReadError.self) { try JSONTableReader.readArray(bytes: Array(bad.utf8)) }
    }
    do {
      _ = try JSONTableReader.readArray(bytes: Array("[{\"a\": 1},\n {\"a\": tru}]".utf8))
      Issue.record("expected an error")
    } catch let e {
      #expect(e.line == 2)
      #expect(e.column == 8)
    }
  }

  @Test func mixedTypesBecomeStrings() throws {
    let f = try JSONTableReader.readArray(bytes: Array("[{\"a\": 1}, {\"a\": \"x\"}, {\"a\": 1.50}, {\"a\": true}]".utf8))
    #expect(columnValues(f, "a") == [.string("1"), .string("x"), .string("1.50"), .string("true")])
  }

  /// Errors inside a nested value kept as text name the path down to the bad token (the scanner's path).
  @Test func errorsInsideNestedTextNameTheFullPath() throws {
    let json = "[{\"a\": 1},\n {\"stats\": {\"x\": [1, tru], \"y\": 2}}]"
    do {
      _ = try JSONTableReader.readArray(bytes: Array(json.utf8), options: JSONReadOptions(nestedAsJSONText: true))
      Issue.record("expected an error")
    } catch let e {
      #expect(e.jsonPath == "$[1].stats.x[1]")
      #expect(e.message == "invalid literal, expected `true`")
      #expect(e.line == 2 && e.column == 22)
    }
  }

  @Test func nestedTextDepthIsBounded() throws {
    func record(_ depth: Int) -> [UInt8] {
      Array(("[{\"a\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}]").utf8)
    }
    let options = JSONReadOptions(nestedAsJSONText: true)
    let f = try JSONTableReader.readArray(bytes: record(511), options: options)
    #expect(f.column(named: "a")?.value(at: 0) == .string(String(repeating: "[", count: 511) + String(repeating: "]", count: 511)))
    #expect(throws: ReadError.self) { try JSONTableReader.readArray(bytes: record(512), options: options) }
    #expect(throws: ReadError.self) { try JSONTableReader.readLines(bytes: Array(("{\"a\": " + String(repeating: "[", count: 100_000)).utf8), options: options) }
  }

  @Test func tokenErrorsNameTheFieldPath() {
    let cases = [
      (#"[{"s": "\ud83d"}]"#, "$[0].s", "unpaired surrogate in \\u escape"),
      (#"[{"s": "\ud83d\u0041"}]"#, "$[0].s", "invalid low surrogate in \\u escape"),
      (#"[{"s": "\u00"}]"#, "$[0].s", "invalid hex digit in \\u escape"),
      (#"[{"s": "\x"}]"#, "$[0].s", "invalid escape `\\x`"),
      (#"[{"a b": 1e}]"#, #"$[0]["a b"]"#, "invalid number (exponent digits expected)"),
      (#"[{"a": -}]"#, "$[0].a", "invalid number"),
      (#"[{"a": 1.}]"#, "$[0].a", "invalid number (digit expected after `.`)"),
      (#"[{"a": x}]"#, "$[0].a", "unexpected character `x`, expected a value"),
    ]
    for (json, path, message) in cases {
      let error = #expect(throws: ReadError.self) { try JSONTableReader.readArray(bytes: Array(json.utf8)) }
      #expect(error?.jsonPath == path && error?.message == message && error?.line == 1, "\(json): \(String(describing: error))")
    }
  }

  @Test func numbersKeepTheirTypingRules() throws {
    let f = try JSONTableReader.readLines(bytes: Array("{\"z\": -0, \"big\": 99999999999999999999, \"e\": 1E2}\n".utf8))
    #expect(columnValues(f, "z") == [.float(-0.0)])
    #expect(columnValues(f, "big") == [.float(1e20)])
    #expect(columnValues(f, "e") == [.float(100)])
  }

  @Test func fuzzNeverTraps() throws {
    var g = FrameTestRandom(state: 4)
    let pieces = ["[", "]", "{", "}", "\"a\"", ":", ",", "1", "-2.5e3", "true", "null", "\"\\u12", "\n", " ", "\"x\""]
    for _ in 0..<2000 {
      let text = (0..<Int(g.next() % 20)).map { _ in pieces[Int(g.next() % UInt64(pieces.count))] }.joined()
      _ = try? JSONTableReader.readArray(bytes: Array(text.utf8))
      _ = try? JSONTableReader.readLines(bytes: Array(text.utf8))
    }
  }
}
