import Testing
@testable import Frame

@Suite struct CSVFuzzTests {
  /// Random CSV-ish bytes: every input either reads or throws ReadError, and the result is the same for any
  /// thread count and chunk size.
  @Test func randomInputsAreDeterministicAndNeverTrap() throws {
    var g = FrameTestRandom(seed: 2024)
    let pieces: [[UInt8]] = [[44], [34], [10], [13, 10], [9], Array("12".utf8), Array("-3.5".utf8), Array("NA".utf8),
                             Array("true".utf8), Array("ab".utf8), [0xEF, 0xBB, 0xBF], [0xFF], Array("\"\"".utf8), [13]]
    for round in 0..<1500 {
      var bytes: [UInt8] = []
      for _ in 0..<Int(g.next() % 40) { bytes += pieces[Int(g.next() % UInt64(pieces.count))] }
      let policy: BadRowPolicy = [.fail, .skip, .quarantine][round % 3]
      let a = try? CSVReader.read(bytes: bytes, options: CSVOptions(badRows: policy, threads: 1, chunkBytes: 1 << 20))
      let b = try? CSVReader.read(bytes: bytes, options: CSVOptions(badRows: policy, threads: 3, chunkBytes: 3))
      #expect((a == nil) == (b == nil), "round \(round)")
      if let a, let b {
        #expect(a.frame == b.frame, "round \(round)")
        #expect(a.badRows == b.badRows, "round \(round)")
      }
    }
  }
}
