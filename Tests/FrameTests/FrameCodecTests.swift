import Testing
@testable import Frame

func codecSampleFrame(rows: Int, seed: UInt64) throws -> Frame {
  var g = FrameTestRandom(state: seed)
  let ints = (0..<rows).map { _ in Int64(bitPattern: g.next()) }
  let floats = (0..<rows).map { _ in Double(bitPattern: g.next() & 0x7FEF_FFFF_FFFF_FFFF) }
  let bools = (0..<rows).map { _ in g.next() % 2 == 0 }
  let strings: [String?] = (0..<rows).map { _ in g.next() % 7 == 0 ? nil : ["a", "b,c", "é\"q", "", "line\nbreak"][Int(g.next() % 5)] }
  let validity = (0..<rows).map { _ in g.next() % 5 != 0 }
  return try Frame(columns: [
    Column(name: "i", ints: ints, validity: validity),
    Column(name: "f", floats: floats),
    Column(name: "b", bools: bools, validity: validity),
    Column(name: "s", strings: strings),
  ])
}

@Suite struct FrameCodecTests {
  @Test func roundTripAndDeterminism() throws {
    for rows in [0, 1, 7, 8, 9, 100] {
      let f = try codecSampleFrame(rows: rows, seed: UInt64(rows))
      let bytes = FrameCodec.encode(f)
      #expect(try FrameCodec.decode(bytes) == f)
      #expect(FrameCodec.encode(try FrameCodec.decode(bytes)) == bytes)
      #expect(FrameCodec.encode(try codecSampleFrame(rows: rows, seed: UInt64(rows))) == bytes)
    }
    #expect(try FrameCodec.decode(FrameCodec.encode(.empty)) == .empty)
  }

  /// The streamed encoding (how the cache hashes and writes tables) is byte for byte the in-memory one, for a
  /// frame large enough to be cut into many pieces; a sink that stops early receives nothing more.
  @Test func streamingEncodingEqualsWholeEncoding() throws {
    let f = try codecSampleFrame(rows: 150_000, seed: 42)
    let whole = FrameCodec.encode(f)
    var streamed: [UInt8] = []
    var pieces = 0
    FrameCodec.encode(f) { piece in
      streamed.append(contentsOf: piece)
      pieces += 1
      #expect(piece.count <= 1 << 20)
      return true
    }
    #expect(streamed == whole)
    #expect(pieces > 3)
    var calls = 0
    FrameCodec.encode(f) { _ in
      calls += 1
      return false
    }
    #expect(calls == 1)
  }

  /// The documented layout, byte by byte, for a two-row frame (pins format version 1 for existing caches).
  @Test func layoutMatchesTheDocumentedFormat() throws {
    let f = try Frame(columns: [
      Column(name: "n", ints: [1, -2], validity: [true, false]),
      Column(name: "x", floats: [0.5, -0.0]),
      Column(name: "ok", bools: [true, false]),
      Column(name: "s", strings: ["b", "a"]),
    ])
    func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    var expected: [UInt8] = Array("WBFRAME".utf8) + [0] + le(UInt32(1)) + le(UInt64(2)) + le(UInt32(4))
    expected += le(UInt32(1)) + Array("n".utf8) + [0, 1, 0b01] + le(Int64(1)) + le(Int64(-2))
    expected += le(UInt32(1)) + Array("x".utf8) + [1, 0] + le((0.5).bitPattern) + le((-0.0).bitPattern)
    expected += le(UInt32(2)) + Array("ok".utf8) + [3, 0, 1, 0]
    expected += le(UInt32(1)) + Array("s".utf8) + [2, 0] + le(UInt32(2)) + le(UInt32(1)) + le(UInt32(1))
      + Array("ba".utf8) + le(UInt32(0)) + le(UInt32(1))
    let encoded = FrameCodec.encode(f)
    #expect(Array(encoded.dropLast(4)) == expected)
    let crc = expected.withUnsafeBytes { Gzip.crc32($0) }
    #expect(Array(encoded.suffix(4)) == le(crc))
  }

  @Test func rejectsTruncationEverywhere() throws {
    let bytes = FrameCodec.encode(try codecSampleFrame(rows: 20, seed: 3))
    for n in 0..<bytes.count {
      #expect(throws: ReadError.self) { try FrameCodec.decode(Array(bytes.prefix(n))) }
    }
    #expect(throws: ReadError.self) { try FrameCodec.decode(bytes + [0]) }
  }

  @Test func fuzzCorruptionsThrowOrDecode() throws {
    var g = FrameTestRandom(state: 99)
    let valid = FrameCodec.encode(try codecSampleFrame(rows: 30, seed: 5))
    for _ in 0..<2000 {
      var b = valid
      let k = Int(g.next() % UInt64(b.count))
      b[k] ^= UInt8(truncatingIfNeeded: g.next() % 255 + 1)
      #expect(throws: ReadError.self) { try FrameCodec.decode(b) }  // the CRC catches any single-byte change
    }
    for _ in 0..<2000 {
      let n = Int(g.next() % 200)
      var b = (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) }
      if g.next() % 2 == 0 { b = FrameCodec.magic + b }
      _ = try? FrameCodec.decode(b)
    }
  }

  /// Structural checks behind the CRC: corrupt a field, then fix up the CRC so only validation can catch it.
  @Test func structuralValidationBehindChecksum() throws {
    var g = FrameTestRandom(state: 123)
    let valid = FrameCodec.encode(try codecSampleFrame(rows: 12, seed: 8))
    var decoded = 0
    for _ in 0..<3000 {
      var b = Array(valid.dropLast(4))
      let k = Int(g.next() % UInt64(b.count))
      b[k] = UInt8(truncatingIfNeeded: g.next())
      let crc = b.withUnsafeBytes { Gzip.crc32($0) }
      for s in 0..<4 { b.append(UInt8(truncatingIfNeeded: crc >> (8 * UInt32(s)))) }
      if let f = try? FrameCodec.decode(b) {
        decoded += 1
        #expect(FrameCodec.encode(f).count == b.count || f.columns.contains { $0.validity != nil })
      }
    }
    #expect(decoded > 0)
  }
}
