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
        #expect(!error.message.isEmpty, "\(file.lastPathComponent)")
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
        }
      }
    }
  }

  @Test func json() throws {
    let options = JSONReadOptions(nestedAsJSONText: true, limits: ReadLimits(maximumBytes: 1 << 24, maximumRows: 100_000))
    for file in Self.inputs("json") + Self.inputs("jsonl") {
      let bytes = [UInt8](try Data(contentsOf: file))
      do { _ = try JSONTableReader.readArray(bytes: bytes, source: "f", options: options) } catch { #expect(error.source == "f") }
      do { _ = try JSONTableReader.readLines(bytes: bytes, source: "f", options: options) } catch { #expect(error.source == "f") }
    }
  }
}
