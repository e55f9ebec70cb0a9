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
