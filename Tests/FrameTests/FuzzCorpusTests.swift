import Foundation
import Testing
@testable import Frame

/// Replays Tests/FuzzCorpus (seeds, inputs scripts/fuzz.sh found interesting, and the crashes it found, kept as
/// regression inputs): every input reads or fails with the reader's own error, never a trap.
@Suite("fuzz corpus: expressions and readers")
struct FuzzCorpusTests {
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("FuzzCorpus")

  static func inputs(_ target: String) -> [URL] {
    let folder = corpus.appendingPathComponent(target)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { !$0.hasSuffix(".md") }.sorted().map { folder.appendingPathComponent($0) }
  }

  static let frame = try! Frame(columns: [
    Column(name: "a", ints: [1, Int64.max, Int64.min, 0], validity: [true, true, true, false]),
    Column(name: "x", floats: [1.5, -0.0, .infinity, 3]),
    Column(name: "s", strings: ["hello", "", nil, "é😀"]),
    Column(name: "b", bools: [true, false, true, false], validity: [true, true, false, true]),
  ])

  /// The error's line (and column), when it names one, is a position in `bytes`: 1-based, at most one past the
  /// last line, and the column at most one past that line's length. CSV ends lines at a lone `\r` too, JSON
  /// (where `\r` is blank space) only at `\n`.
  static func isInside(_ error: ReadError, _ bytes: [UInt8], loneCarriageReturnEndsALine: Bool = true) -> Bool {
    guard let line = error.line else { return error.column == nil }
    let lines = loneCarriageReturnEndsALine
      ? physicalLines(bytes) : bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    guard line >= 1, line <= lines.count + 1 else { return false }
    guard let column = error.column else { return true }
    return column >= 1 && column <= (line <= lines.count ? lines[line - 1].count : 0) + 1
  }

  /// The lines of `bytes` as the readers count them: `\n`, `\r\n` and a lone `\r` each end one.
  static func physicalLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0, i = 0
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "\n") || bytes[i] == UInt8(ascii: "\r") {
        lines.append(bytes[start..<i])
        if bytes[i] == UInt8(ascii: "\r"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
        start = i + 1
      }
      i += 1
    }
    lines.append(bytes[start...])
    return lines
  }

  @Test func corpusIsPresent() {
    for target in ["expression", "csv", "json", "jsonl", "workbook"] {
      #expect(!Self.inputs(target).isEmpty, "Tests/FuzzCorpus/\(target) is empty")
    }
  }

  @Test func expressions() throws {
    for file in Self.inputs("expression") {
      let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
      do {
        _ = try RowExpression(text).evaluate(on: Self.frame, name: "out")
      } catch {
        // An ExpressionError (typed throws) pointing inside the text: the offending token's characters.
        #expect(!error.message.isEmpty, "\(file.lastPathComponent)")
        #expect(error.offset >= 0 && error.offset + error.length <= max(text.count, 1) + 1,
                "\(file.lastPathComponent): offset \(error.offset)+\(error.length) outside \(text.count) characters")
      }
    }
  }

  @Test func csv() throws {
    for file in Self.inputs("csv") {
      let bytes = [UInt8](try Data(contentsOf: file))
      for (threads, chunk) in [(1, 1 << 20), (2, 64)] {
        var options = CSVOptions(badRows: .skip, threads: threads, chunkBytes: chunk)
        options.limits = ReadLimits(maximumBytes: 1 << 24, maximumRows: 100_000)
        do { _ = try CSVReader.read(bytes: bytes, source: file.lastPathComponent, options: options) } catch {
          #expect(error.source == file.lastPathComponent)
          #expect(Self.isInside(error, bytes), "\(file.lastPathComponent): \(error)")
        }
      }
    }
  }

  @Test func json() throws {
    let options = JSONReadOptions(nestedAsJSONText: true, limits: ReadLimits(maximumBytes: 1 << 24, maximumRows: 100_000))
    for file in Self.inputs("json") + Self.inputs("jsonl") {
      let bytes = [UInt8](try Data(contentsOf: file))
      do { _ = try JSONTableReader.readArray(bytes: bytes, source: "f", options: options) } catch {
        #expect(error.source == "f" && Self.isInside(error, bytes, loneCarriageReturnEndsALine: false), "\(file.lastPathComponent): \(error)")
      }
      do { _ = try JSONTableReader.readLines(bytes: bytes, source: "f", options: options) } catch {
        #expect(error.source == "f" && Self.isInside(error, bytes, loneCarriageReturnEndsALine: false), "\(file.lastPathComponent): \(error)")
      }
    }
  }
}
