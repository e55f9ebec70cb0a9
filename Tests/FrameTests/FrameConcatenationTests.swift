import Testing
@testable import Frame

@Suite struct FrameConcatenationTests {
  @Test func unionOfColumnsWithTypeJoinAndSource() throws {
    let a = try Frame(columns: [
      Column(name: "x", ints: [1, 2]), Column(name: "s", strings: ["p", "q"]), Column(name: "b", bools: [true, false]),
    ])
    let b = try Frame(columns: [Column(name: "s", strings: ["q", nil])])
    let c = try Frame(columns: [Column(name: "x", floats: [0.5]), Column(name: "b", ints: [3])])
    let f = try Frame.concatenating([a, b, c], sourceColumn: "source_file", sources: ["a.csv", "b.csv", "c.csv"])
    #expect(f.columnNames == ["x", "s", "b", "source_file"])
    #expect(f.rowCount == 5)
    #expect(columnValues(f, "x") == [.float(1), .float(2), .null, .null, .float(0.5)])
    #expect(columnValues(f, "s") == [.string("p"), .string("q"), .string("q"), .null, .null])
    #expect(columnValues(f, "b") == [.string("true"), .string("false"), .null, .null, .string("3")])
    #expect(columnValues(f, "source_file") == ["a.csv", "a.csv", "b.csv", "b.csv", "c.csv"].map { .string($0) })
    #expect(throws: FrameError.self) { try Frame.concatenating([a], sourceColumn: "x", sources: ["a"]) }
    #expect(try Frame.concatenating([]) == .empty)
  }
}
