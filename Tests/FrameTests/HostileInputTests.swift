import Foundation
import Testing
@testable import Frame

#if canImport(Glibc)
import Glibc
#endif

/// Hostile inputs to the expression language and the readers (issue 11): each is a clear error or a documented
/// value, never a trap, a hang or unbounded memory. Big inputs are generated here, not committed.
@Suite("hostile inputs: expressions and readers")
struct HostileInputTests {
  static let frame = try! Frame(columns: [
    Column(name: "s", strings: ["hello", "ab", nil]),
    Column(name: "n", ints: [Int64.min, Int64.max, 2]),
    Column(name: "a", ints: [1, 2, 3]),
  ])

  func expressionError(_ text: String) -> ExpressionError? {
    do {
      _ = try RowExpression(text).evaluate(on: Self.frame, name: "out")
      return nil
    } catch {
      return error
    }
  }

  func values(_ text: String) throws -> [Value] {
    let c = try RowExpression(text).evaluate(on: Self.frame, name: "out")
    return (0..<c.count).map { c.value(at: $0) }
  }

  @Test(arguments: [
    String(repeating: "(", count: 10_000) + "1 > 0" + String(repeating: ")", count: 10_000),
    String(repeating: "not ", count: 30_000) + "true",
    Array(repeating: "true", count: 50_000).joined(separator: " and "),
    Array(repeating: "a", count: 50_000).joined(separator: " + "),
    Array(repeating: "a > 0", count: 50_000).joined(separator: " and "),
    String(repeating: "-", count: 50_000) + "a",
    String(repeating: "abs(", count: 10_000) + "a" + String(repeating: ")", count: 10_000),
  ])
  func deepOrLongExpressionsAreErrors(_ text: String) throws {
    let error = try #require(expressionError(text))
    #expect(error.message.contains("too deeply") || error.message.contains("too long"), "\(error)")
  }

  @Test func longButBoundedChainsStillWork() throws {
    let sum = Array(repeating: "a", count: ExpressionParser.maximumDepth).joined(separator: " + ")
    #expect(try values(sum) == [.int(200), .int(400), .int(600)])
    let tooLong = Array(repeating: "a", count: ExpressionParser.maximumDepth + 2).joined(separator: " + ")
    #expect(expressionError(tooLong) != nil)
  }

  @Test func substrClampsExtremeStartsAndLengths() throws {
    #expect(try values("substr(s, 2, 9223372036854775807)") == [.string("ello"), .string("b"), .null])
    #expect(try values("substr(s, -9223372036854775807 - 1, 5)") == [.string("hello"), .string("ab"), .null])
    #expect(try values("substr(s, 9223372036854775807)") == [.string(""), .string(""), .null])
    #expect(try values("substr(s, n, 5)") == [.string("hello"), .string(""), .null])
    #expect(try values("substr(s, 2, n)") == [.string(""), .string("b"), .null])
  }

  /// Int64 arithmetic overflow gives null (docs/expressions.md), in every operator and function.
  @Test func integerOverflowIsNullEverywhere() throws {
    #expect(try values("n + 1") == [.int(Int64.min + 1), .null, .int(3)])
    #expect(try values("n - 1") == [.null, .int(Int64.max - 1), .int(1)])
    #expect(try values("n * 2") == [.null, .null, .int(4)])
    #expect(try values("-n") == [.null, .int(-Int64.max), .int(-2)])
    #expect(try values("abs(n)") == [.null, .int(Int64.max), .int(2)])
    #expect(try values("n % -1") == [.int(0), .int(0), .int(0)])
    #expect(try values("to_int(1e300 * a)") == [.null, .null, .null])
    #expect(try values("to_int('99999999999999999999')") == [.null, .null, .null])
    // Digits are clamped to ±300: rounding to the 10^300 place gives 0.
    #expect(try values("round(1.5, n)") == [.float(0), .float(1.5), .float(1.5)])
    #expect(try values("(-9223372036854775807 - 1) - a") == [.null, .null, .null])
  }

  // MARK: Readers

  @Test func gzipBombStopsAtTheLimit() throws {
    let member = Gzip.deflate([UInt8](repeating: 0, count: 4 << 20))
    let bomb = Array([[UInt8]](repeating: member, count: 4).joined())  // 16 MiB from a few KB
    let limits = ReadLimits(maximumBytes: 1 << 20, raiseBytesWith: "`max_megabytes: 4`")
    let error = #expect(throws: ReadError.self) { try Gzip.inflate(bomb, source: "bomb.csv.gz", limits: limits) }
    #expect(error?.message == "decompresses to more than 1 MiB, the size limit", "\(String(describing: error))")
    #expect(error?.description.contains("bomb.csv.gz") == true)
    #expect(error?.hint?.contains("`max_megabytes: 4`") == true)
    #expect(try Gzip.inflate(bomb, source: "bomb.csv.gz", limits: ReadLimits(maximumBytes: 16 << 20)).count == 16 << 20)
    // CSV and JSON readers pass the limit on.
    var options = CSVOptions()
    options.limits = limits
    #expect(throws: ReadError.self) { try CSVReader.read(bytes: bomb, source: "bomb.csv.gz", options: options) }
    #expect(throws: ReadError.self) {
      try JSONTableReader.readLines(bytes: bomb, source: "bomb.jsonl.gz", options: JSONReadOptions(limits: limits))
    }
  }

  @Test func theDefaultLimitsLeaveRealDataFarBelow() {
    #expect(ReadLimits().maximumBytes == 1 << 30)
    #expect(ReadLimits().maximumRows == 50_000_000)
  }

  @Test func rowLimit() throws {
    var options = CSVOptions()
    options.limits = ReadLimits(maximumRows: 10)
    let csv = Array(("x\n" + (0..<11).map { "\($0)\n" }.joined()).utf8)
    let error = #expect(throws: ReadError.self) { try CSVReader.read(bytes: csv, source: "many.csv", options: options) }
    #expect(error?.message == "has more than 10 rows, the row limit")
    options.limits.maximumRows = 11
    #expect(try CSVReader.read(bytes: csv, options: options).frame.rowCount == 11)
    let jsonl = Array((0..<11).map { "{\"x\": \($0)}\n" }.joined().utf8)
    #expect(throws: ReadError.self) {
      try JSONTableReader.readLines(bytes: jsonl, source: "many.jsonl", options: JSONReadOptions(limits: ReadLimits(maximumRows: 10)))
    }
  }

  @Test func devicesAndPipesAreRefusedWithoutReading() throws {
    for device in ["/dev/zero", "/dev/urandom"] {
      let error = #expect(throws: ReadError.self) { try CSVReader.read(path: device) }
      #expect(error?.message.contains("not a regular file") == true, "\(String(describing: error))")
      #expect(throws: ReadError.self) { try CSVReader.readFile(device) }
    }
    let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(getpid()).fifo").path
    unlink(fifo)
    #expect(mkfifo(fifo, 0o600) == 0)
    defer { unlink(fifo) }
    // Opening a FIFO with no writer would block: the reader must refuse before opening it.
    let error = #expect(throws: ReadError.self) { try CSVReader.read(path: fifo) }
    #expect(error?.message.contains("not a regular file") == true)
    #expect(throws: ReadError.self) { try JSONTableReader.readLines(path: fifo) }
  }

  @Test func crOnlyLineEndsAreLineEnds() throws {
    let r = try CSVReader.read(bytes: Array("a,b\r1,2\r3,\"x\"\r".utf8), source: "mac.csv")
    #expect(r.frame.rowCount == 2)
    #expect(r.frame.columnNames == ["a", "b"])
    #expect(r.crLineEnds)
    #expect(r.frame.columns[1].value(at: 1) == .string("x"))
    // CRLF files are unchanged.
    let crlf = try CSVReader.read(bytes: Array("a,b\r\n1,2\r\n".utf8))
    #expect(crlf.frame.rowCount == 1 && !crlf.crLineEnds)
  }

  @Test func latin1BytesAreReportedWithCountAndPlace() throws {
    let bytes: [UInt8] = Array("name,city\nx,caf".utf8) + [0xE9] + Array("\ny,M".utf8) + [0xFC] + Array("nchen\n".utf8)
    let r = try CSVReader.read(bytes: bytes, source: "latin1.csv")
    let invalid = try #require(r.invalidUTF8)
    #expect(invalid == InvalidUTF8(count: 2, line: 2, column: 6))
    #expect(invalid.description.contains("iconv -f latin1"))
    #expect(try CSVReader.read(bytes: Array("a\ncafé 😀\n".utf8)).invalidUTF8 == nil)
    // Overlong encodings and surrogates are not UTF-8 either.
    #expect(try CSVReader.read(bytes: Array("a\n".utf8) + [0xC0, 0xAF, 0x0A, 0xED, 0xA0, 0x80]).invalidUTF8?.count == 5)
    // JSON must be UTF-8: an error naming the line.
    let json: [UInt8] = Array("{\"a\": \"ok\"}\n{\"a\": \"caf".utf8) + [0xE9] + Array("\"}\n".utf8)
    let error = #expect(throws: ReadError.self) { try JSONTableReader.readLines(bytes: json, source: "l.jsonl") }
    #expect(error?.line == 2)
  }

  @Test func integersBeyondInt64AreReportedByColumnAndRow() throws {
    let csv = "id,v,t\n1,2,3\n2,99999999999999999999,x\n3,4,5\n"
    let r = try CSVReader.read(bytes: Array(csv.utf8), options: CSVOptions(threads: 1))
    #expect(r.frame.columns[1].type == .float)
    #expect(r.integerOverflows == [IntegerOverflow(column: "v", row: 2, text: "99999999999999999999")])
    #expect(r.integerOverflows[0].description.contains("schema: {v: string}"))
    // Chunked parsing reports the same row.
    let many = "v\n" + (0..<5000).map { "\($0)\n" }.joined() + "-99999999999999999999\n1\n"
    for (threads, chunk) in [(1, 1 << 20), (3, 97)] {
      let m = try CSVReader.read(bytes: Array(many.utf8), options: CSVOptions(threads: threads, chunkBytes: chunk))
      #expect(m.integerOverflows == [IntegerOverflow(column: "v", row: 5001, text: "-99999999999999999999")])
    }
    // A decimal column, or one kept as text, is not an overflow.
    #expect(try CSVReader.read(bytes: Array("v\n1.5\n2\n".utf8)).integerOverflows.isEmpty)
    #expect(try CSVReader.read(bytes: Array("v\nx\n99999999999999999999\n".utf8)).integerOverflows.isEmpty)
  }
}
