import Testing
@testable import Frame

@Suite struct CSVFuzzTests {
  /// Random CSV-ish bytes: every input either reads or throws ReadError, and the result is the same for any
  /// thread count and chunk size.
  /// Reading `bytes` as a value: the table, or the reader's typed error.
  static func read(_ bytes: [UInt8], _ options: CSVOptions) -> Result<CSVReadResult, ReadError> {
    do { return .success(try CSVReader.read(bytes: bytes, options: options)) } catch { return .failure(error) }
  }

  @Test func randomInputsAreDeterministicAndNeverTrap() throws {
    var g = FrameTestRandom(state: 2024)
    let pieces: [[UInt8]] = [[44], [34], [10], [13, 10], [9], Array("12".utf8), Array("-3.5".utf8), Array("NA".utf8),
                             Array("true".utf8), Array("ab".utf8), [0xEF, 0xBB, 0xBF], [0xFF], Array("\"\"".utf8), [13]]
    for round in 0..<1500 {
      var bytes: [UInt8] = []
      for _ in 0..<Int(g.next() % 40) { bytes += pieces[Int(g.next() % UInt64(pieces.count))] }
      let policy: BadRowPolicy = [.fail, .skip, .quarantine][round % 3]
      let a = Self.read(bytes, CSVOptions(badRows: policy, threads: 1, chunkBytes: 1 << 20))
      let b = Self.read(bytes, CSVOptions(badRows: policy, threads: 3, chunkBytes: 3))
      switch (a, b) {
      case (.success(let a), .success(let b)):
        #expect(a.frame == b.frame, "round \(round)")
        #expect(a.badRows == b.badRows, "round \(round)")
      case (.failure(let a), .failure(let b)):
        // The same ReadError whatever the chunking, located inside the input.
        #expect(a == b, "round \(round)")
        #expect(FuzzCorpusTests.isInside(a, bytes), "round \(round): \(a)")
      default:
        Issue.record("round \(round): one chunking read the input, the other failed: \(a) vs \(b)")
      }
    }
  }
}
