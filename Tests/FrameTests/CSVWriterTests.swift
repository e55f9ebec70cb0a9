import Testing
@testable import Frame

@Suite struct CSVWriterTests {
  @Test func writesDeterministicQuotedText() throws {
    let f = try Frame(columns: [
      Column(name: "n", ints: [1, 0, 3], validity: [true, false, true]),
      Column(name: "x", floats: [0.1, 2, -1.5e-7]),
      Column(name: "s", strings: ["plain", "a,b", "say \"hi\"\nnow"]),
      Column(name: "b", bools: [true, false, true]),
    ])
    let text = CSVWriter.string(f)
    #expect(text == "n,x,s,b\n1,0.1,plain,true\n,2.0,\"a,b\",false\n3,-1.5e-07,\"say \"\"hi\"\"\nnow\",true\n")
    let back = try CSVReader.read(bytes: CSVWriter.write(f)).frame
    #expect(back == f)
  }

  @Test func randomFramesRoundTripThroughText() throws {
    var g = FrameTestRandom(state: 21)
    for round in 0..<200 {
      let rows = Int(g.next() % 30) + 1
      let alphabet = ["a", "b", ",", "\"", "\n", "x y", "\r\n", "é", "7", "true"]
      let strings: [String?] = (0..<rows).map { _ in
        if g.next() % 6 == 0 { return nil }
        return "s" + (0..<Int(g.next() % 4)).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }.joined()
      }
      let floats = (0..<rows).map { _ in Double(Int64(g.next() % 2_000_001) - 1_000_000) / 1024 + 0.5 }
      let ints = (0..<rows).map { _ in Int64(bitPattern: g.next()) }
      let f = try Frame(columns: [
        Column(name: "s", strings: strings), Column(name: "f", floats: floats), Column(name: "i", ints: ints),
      ])
      let back = try CSVReader.read(bytes: CSVWriter.write(f), options: CSVOptions(chunkBytes: 16)).frame
      #expect(back == f, "round \(round)")
    }
  }

  /// The cases the cell exports meet: every special float, Int64 extremes, nulls of each type, quotes, both line
  /// ends and edge spaces inside fields, a header that needs quoting.
  @Test func writesEdgeValuesExactly() throws {
    let f = try Frame(columns: [
      Column(name: "i", ints: [Int64.min, Int64.max, 0], validity: [true, true, false]),
      Column(name: "x", floats: [.nan, .infinity, -.infinity]),
      Column(name: "f", floats: [-0.0, 1e300, 5e-324], validity: [true, true, false]),
      Column(name: "s, t", strings: ["line\nbreak", "cr\r", nil]),
      Column(name: "e", strings: [" lead", "trail ", ""]),
    ])
    #expect(CSVWriter.string(f) == """
      i,x,f,"s, t",e
      -9223372036854775808,NaN,-0.0,"line
      break"," lead"
      9223372036854775807,inf,1e+300,"cr\r","trail "
      ,-inf,,,

      """)
  }

}
