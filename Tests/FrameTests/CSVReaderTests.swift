import Foundation
import Testing
@testable import Frame
import WorkbenchCore

/// Reads CSV text with `options` (2 threads, tiny chunks so chunk-boundary code runs on small inputs).
func readCSV(_ text: String, _ options: CSVOptions = CSVOptions(chunkBytes: 7)) throws -> CSVReadResult {
  try CSVReader.read(bytes: Array(text.utf8), source: "t.csv", options: options)
}

func columnValues(_ frame: Frame, _ name: String) -> [Value] {
  guard let c = frame.column(named: name) else { return [] }
  return (0..<c.count).map { c.value(at: $0) }
}

@Suite struct CSVReaderTests {
  @Test func infersTypesOverAllRows() throws {
    let r = try readCSV("a,b,c,d,e\n1,1.5,true,x,1\n2,2,FALSE,y,2.5\n3,,True,,\n")
    let f = r.frame
    #expect(f.rowCount == 3)
    #expect(f.columns.map(\.type) == [.int, .float, .bool, .string, .float])
    #expect(columnValues(f, "a") == [.int(1), .int(2), .int(3)])
    #expect(columnValues(f, "b") == [.float(1.5), .float(2), .null])
    #expect(columnValues(f, "c") == [.bool(true), .bool(false), .bool(true)])
    #expect(columnValues(f, "d") == [.string("x"), .string("y"), .null])
    #expect(columnValues(f, "e") == [.float(1), .float(2.5), .null])
  }

  @Test func lateValueChangesTypeOfWholeColumn() throws {
    var text = "n,b\n"
    for i in 0..<500 { text += "\(i),true\n" }
    text += "abc,1\n"
    let f = try readCSV(text).frame
    #expect(f.column(named: "n")?.type == .string)
    #expect(f.column(named: "b")?.type == .string)
    #expect(columnValues(f, "n").first == .string("0"))
    #expect(columnValues(f, "n").last == .string("abc"))
    #expect(columnValues(f, "b").last == .string("1"))
    if case .string(_, let d)? = f.column(named: "n")?.storage { #expect(d.count == 501) }
  }

  @Test func nullTokens() throws {
    let f = try readCSV("x,y\nNA,1\nNaN,2\nnan,3\nnull,4\nNULL,5\nN/A,6\n,7\n\"\",8\n2.5,9\n").frame
    #expect(f.column(named: "x")?.type == .float)
    #expect(f.column(named: "x")?.nullCount == 8)
    #expect(columnValues(f, "x").last == .float(2.5))
    let custom = try readCSV("x\n-\n1\n", CSVOptions(nullTokens: ["-"])).frame
    #expect(columnValues(custom, "x") == [.null, .int(1)])
  }

  @Test func quotingAndEmbeddedNewlines() throws {
    let text = "id,text,n\r\n1,\"a,b\",1\r\n2,\"say \"\"hi\"\"\",2\r\n3,\"two\nlines\",3\r\n4,plain,4\r\n"
    let f = try readCSV(text).frame
    #expect(columnValues(f, "text") == [.string("a,b"), .string("say \"hi\""), .string("two\nlines"), .string("plain")])
    #expect(columnValues(f, "n") == [.int(1), .int(2), .int(3), .int(4)])
  }

  @Test func bomAndTabsAndExplicitDelimiter() throws {
    let bom = "\u{FEFF}a,b\n1,2\n"
    let f = try readCSV(bom).frame
    #expect(f.columnNames == ["a", "b"])
    let tsv = try readCSV("a\tb\n1\tx y\n")
    #expect(tsv.delimiter == 9)
    #expect(columnValues(tsv.frame, "b") == [.string("x y")])
    let semi = try readCSV("a;b\n1;2\n", CSVOptions(delimiter: UInt8(ascii: ";")))
    #expect(columnValues(semi.frame, "b") == [.int(2)])
  }

  @Test func lastLineWithoutNewlineAndBlankLines() throws {
    let r = try readCSV("a,b\n1,2\n\n3,4")
    #expect(r.frame.rowCount == 2)
    #expect(r.blankLines == 1)
    #expect(columnValues(r.frame, "a") == [.int(1), .int(3)])
  }

  @Test func duplicateAndEmptyHeaderNames() throws {
    let r = try readCSV("col,col,,x,col\n1,2,3,4,5\n")
    #expect(r.frame.columnNames == ["col", "col_2", "column_3", "x", "col_3"])
    #expect(r.renamedColumns.count == 3)
    #expect(r.renamedColumns[0] == ColumnRename(position: 2, original: "col", name: "col_2"))
  }

  @Test func failPolicyNamesLineAndCounts() throws {
    let text = "a,b\n1,2\n\"x\ny\",3\n4\n5,6\n"
    do {
      _ = try readCSV(text)
      Issue.record("expected an error")
    } catch let e as ReadError {
      #expect(e.line == 5)
      #expect(e.message.contains("expected 2 fields, found 1"))
      #expect(e.source == "t.csv")
      #expect(e.hint != nil)
    }
  }

  @Test func skipAndQuarantineKeepBadRows() throws {
    let text = "a,b\n1,2\n3\n4,5,6\n7,8\n"
    for policy in [BadRowPolicy.skip, .quarantine] {
      let r = try readCSV(text, CSVOptions(badRows: policy, chunkBytes: 5))
      #expect(r.frame.rowCount == 2)
      #expect(r.badRows.map(\.line) == [3, 4])
      #expect(r.badRows.map(\.text) == ["3", "4,5,6"])
      #expect(r.rowsRead == 4)
      #expect(r.skippedCount == (policy == .skip ? 2 : 0))
      #expect(r.quarantinedCount == (policy == .quarantine ? 2 : 0))
      #expect(r.badRowTable.rowCount == 2)
    }
  }

  @Test func explicitSchema() throws {
    let text = "id,score,flag\n1,2,true\n2,x,false\n03,4.5,true\n"
    let schema: [String: DataType] = ["id": .string, "score": .float, "flag": .bool]
    let r = try readCSV(text, CSVOptions(schema: schema, badRows: .skip))
    #expect(r.frame.columns.map(\.type) == [.string, .float, .bool])
    #expect(columnValues(r.frame, "id") == [.string("1"), .string("03")])
    #expect(columnValues(r.frame, "score") == [.float(2), .float(4.5)])
    #expect(r.badRows.count == 1)
    #expect(r.badRows.first?.line == 3)
    #expect(r.badRows.first?.reason.contains("score") == true)
    #expect(throws: ReadError.self) { try readCSV(text, CSVOptions(schema: ["nope": .int])) }
    #expect(throws: ReadError.self) { try readCSV(text, CSVOptions(schema: schema)) }
  }

  @Test func unterminatedQuoteReportsOpeningLine() throws {
    do {
      _ = try readCSV("a,b\n1,2\n3,\"open\n\nmore\n")
      Issue.record("expected an error")
    } catch let e as ReadError {
      #expect(e.line == 3)
      #expect(e.message.contains("unterminated"))
    }
  }

  @Test func integerOverflowBecomesFloat() throws {
    let f = try readCSV("a,b\n1,9223372036854775807\n99999999999999999999,-9223372036854775808\n").frame
    #expect(f.column(named: "a")?.type == .float)
    #expect(columnValues(f, "a") == [.float(1), .float(1e20)])
    #expect(columnValues(f, "b") == [.int(Int64.max), .int(Int64.min)])
  }

  @Test func gzipInput() throws {
    let text = "a,b\n1,x\n2,y\n"
    let gz = Gzip.deflate(Array(text.utf8))
    #expect(Gzip.isGzip(gz))
    let r = try CSVReader.read(bytes: gz, source: "t.csv.gz")
    #expect(columnValues(r.frame, "b") == [.string("x"), .string("y")])
    #expect(throws: ReadError.self) { try CSVReader.read(bytes: Array(gz.prefix(gz.count - 6)), source: "t.csv.gz") }
  }

  @Test func gzipMembersPaddingAndCorruption() throws {
    let a = Gzip.deflate(Array("a,b\n1,x\n".utf8)), b = Gzip.deflate(Array("2,y\n".utf8))
    let joined = try CSVReader.read(bytes: a + b + [0, 0, 0], source: "m.csv.gz")
    #expect(columnValues(joined.frame, "a") == [.int(1), .int(2)])
    var corrupt = a
    corrupt[corrupt.count / 2] ^= 0xFF
    #expect(throws: ReadError.self) { try CSVReader.read(bytes: corrupt, source: "c.csv.gz") }
    #expect(throws: ReadError.self) { try CSVReader.read(bytes: [0x1f, 0x8b], source: "tiny.gz") }
  }

  @Test func leniencyMatchesPandas() throws {
    // Text after a closing quote is joined; a quote inside an unquoted field is data.
    let f = try readCSV("a,b\n\"ab\"cd,x\"y\n").frame
    #expect(columnValues(f, "a") == [.string("abcd")])
    #expect(columnValues(f, "b") == [.string("x\"y")])
  }

  @Test func missingFileAndDirectoryAreErrors() throws {
    #expect(throws: ReadError.self) { try CSVReader.read(path: "/nonexistent/shots.csv") }
    #expect(throws: ReadError.self) { try CSVReader.read(path: "/tmp") }
    #expect(throws: ReadError.self) { try JSONTableReader.readLines(path: "/nonexistent/shots.jsonl") }
  }

  @Test func emptyAndHeaderOnly() throws {
    #expect(try readCSV("").frame.columns.isEmpty)
    let h = try readCSV("a,b\n").frame
    #expect(h.columnNames == ["a", "b"])
    #expect(h.rowCount == 0)
    let noHeader = try readCSV("1,2\n3,4\n", CSVOptions(hasHeader: false))
    #expect(noHeader.frame.columnNames == ["column_1", "column_2"])
    #expect(noHeader.frame.rowCount == 2)
  }

  @Test func identicalForAnyThreadCountAndChunkSize() throws {
    var g = FrameTestRandom(state: 7)
    var text = "i,s,f,q\n"
    for i in 0..<400 {
      let q = g.next() % 5 == 0 ? "\"multi\nline \(i % 7)\"" : "w\(g.next() % 13)"
      text += "\(i),s\(g.next() % 17),\(Double(g.next() % 1000) / 8),\(q)\n"
    }
    let reference = try readCSV(text, CSVOptions(threads: 1, chunkBytes: 1 << 20)).frame
    for (threads, chunk) in [(2, 13), (3, 64), (4, 1), (2, 1000)] {
      let f = try readCSV(text, CSVOptions(threads: threads, chunkBytes: chunk)).frame
      #expect(f == reference)
      #expect(FrameCodec.encode(f) == FrameCodec.encode(reference))
    }
  }

  @Test func floatsMatchStrtodExactly() throws {
    let cases = ["0.1", "1e23", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308", "123456789012345678901234",
                 "0.30000000000000004", "9007199254740993", "-0.0", "1e400", "-inf", "Infinity", ".5", "5.", "1E5"]
    for s in cases {
      let ours = NumberParsing.parseDouble(s)
      let libc = s.withCString { strtod($0, nil) }
      #expect(ours?.bitPattern == libc.bitPattern, "\(s)")
    }
    var g = FrameTestRandom(state: 11)
    for _ in 0..<3000 {
      let digits = Int(g.next() % 20) + 1
      var s = g.next() % 2 == 0 ? "-" : ""
      for k in 0..<digits {
        s += String(g.next() % 10)
        if k == Int(g.next() % UInt64(digits)) && !s.contains(".") { s += "." }
      }
      if g.next() % 3 == 0 { s += "e\(Int(g.next() % 60) - 30)" }
      let ours = NumberParsing.parseDouble(s)
      let libc = s.withCString { strtod($0, nil) }
      #expect(ours?.bitPattern == libc.bitPattern, "\(s)")
    }
    for bad in ["", "-", ".", "e5", "1e", "1.2.3", "0x10", "nanx", "1 "] { #expect(NumberParsing.parseDouble(bad) == nil, "\(bad)") }
  }
}

/// Small deterministic generator for tests (WorkbenchCore's SplitMix64).
typealias FrameTestRandom = SplitMix64
