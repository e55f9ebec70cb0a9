import Foundation
import Testing
import WorkbenchCore

@Suite struct SeededSampleTests {
  @Test func sameSeedSameRowsAscendingAndDistinct() {
    let a = SeededSample.indices(count: 10, of: 1000, seed: 42)
    #expect(a == SeededSample.indices(count: 10, of: 1000, seed: 42))
    #expect(a != SeededSample.indices(count: 10, of: 1000, seed: 43))
    #expect(a == a.sorted() && Set(a).count == 10 && a.allSatisfy { (0..<1000).contains($0) })
  }

  @Test func countAtLeastPopulationGivesEveryRow() {
    #expect(SeededSample.indices(count: 5, of: 5, seed: 1) == [0, 1, 2, 3, 4])
    #expect(SeededSample.indices(count: 9, of: 3, seed: 1) == [0, 1, 2])
    #expect(SeededSample.indices(count: 0, of: 3, seed: 1) == [])
    #expect(SeededSample.indices(count: 2, of: 0, seed: 1) == [])
  }

  @Test func splitMix64MatchesTheReferenceImplementation() {
    // Vigna's splitmix64.c with state 1234567.
    var g = SplitMix64(state: 1_234_567)
    #expect(g.next() == 6_457_827_717_110_365_317)
    #expect(g.next() == 3_203_168_211_198_807_973)
  }

  @Test func seededGeneratorStreamsAreIndependentOfOrder() {
    let parent = SeededGenerator(seed: 7)
    var a = parent.stream(3), b = SeededGenerator(seed: 7).stream(3)
    #expect(a.next() == b.next())
    var c = SeededGenerator(seed: 7)
    for _ in 0..<1000 { #expect((0..<10).contains(c.nextInt(below: 10))) }
  }
}

@Suite struct SuggestTests {
  @Test func nearestWithinLimitCaseInsensitive() {
    #expect(Suggest.closest(to: "colum", in: ["column", "row"]) == "column")
    #expect(Suggest.closest(to: "SHOT", in: ["shot", "shots"]) == "shot")
    #expect(Suggest.closest(to: "zzzzzz", in: ["column"]) == nil)
    #expect(Suggest.hint(for: "meen", in: ["mean", "median"]) == "did you mean `mean`?")
  }

  @Test func tiesGoToTheAlphabeticallyFirstWhateverTheOrder() {
    #expect(Suggest.closest(to: "ab", in: ["ac", "aa"]) == "aa")
    #expect(Suggest.closest(to: "ab", in: ["aa", "ac"]) == "aa")
    #expect(Suggest.distance("kitten", "sitting") == 3)
  }
}

@Suite struct NumberTextTests {
  @Test func shortestRoundTripAndSpecials() {
    #expect(formatFloat(0.1) == "0.1")
    #expect(formatFloat(2) == "2.0")
    #expect(formatFloat(2, integralWithoutPoint: true) == "2")
    #expect(formatFloat(1e16, integralWithoutPoint: true) == "1e+16")
    #expect(formatFloat(.nan) == "NaN")
    #expect(formatFloat(-.infinity) == "-inf")
    #expect(JSONValue.formatDouble(.infinity) == "null")
    #expect(JSONValue.formatDouble(3) == "3.0")
  }
}

@Suite struct PairwiseSumTests {
  @Test func matchesNumpyOrderOfAdditions() {
    #expect(PairwiseSum.sum([]) == 0)
    #expect(PairwiseSum.sum([1, 2, 3]) == 6)
    let values = (0..<1000).map { 1.0 / Double($0 + 1) }
    // numpy: np.sum(1.0 / np.arange(1, 1001)) == 7.485470860550345
    #expect(PairwiseSum.sum(values) == 7.485470860550345)
  }
}

@Suite struct CSVFieldTests {
  @Test func quotesOnlyWhenNeeded() {
    #expect(CSVField.text("plain") == "plain")
    #expect(CSVField.text("a,b") == "\"a,b\"")
    #expect(CSVField.text("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(CSVField.text("line\nbreak") == "\"line\nbreak\"")
    #expect(CSVField.text("cr\r") == "\"cr\r\"")
    #expect(CSVField.text(" padded") == "\" padded\"")
    #expect(CSVField.text("") == "")
    var out: [UInt8] = []
    CSVField.append(Array("a;b".utf8), to: &out, delimiter: UInt8(ascii: ";"))
    #expect(String(decoding: out, as: UTF8.self) == "\"a;b\"")
  }
}

@Suite struct AtomicFileTests {
  func scratch() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func writesReplacesAndLeavesNoTempFiles() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/sub/file.txt"
    try AtomicFile.write(Array("one".utf8), to: path)
    try AtomicFile.write(Array("two".utf8), to: path, fsync: .fileAndFolder)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/sub") == ["file.txt"])
  }

  @Test func stagingFolderKeepsTheDestinationFolderClean() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try AtomicFile.write(Array("x".utf8), to: dir + "/store/params/a", stagingDirectory: dir + "/.staging")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/store/params") == ["a"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/.staging") == [])
  }

  @Test func unwritableDestinationIsAnErrorNamingThePath() throws {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try AtomicFile.write(Array("x".utf8), to: dir + "/file")
    #expect(throws: AtomicFileError.self) { try AtomicFile.write(Array("y".utf8), to: dir + "/file/inside") }
    #expect(try String(contentsOfFile: dir + "/file", encoding: .utf8) == "x")
  }
}

@Suite struct JSONValueTests {
  @Test func canonicalTextRoundTrips() throws {
    let v: JSONValue = ["b": [1, 2.5, nil, true], "a": "x<y", "c": ["nested": -0.0]]
    #expect(v.serialized(pretty: false) == #"{"a":"x\u003cy","b":[1,2.5,null,true],"c":{"nested":0.0}}"#)
    #expect(try JSONValue.parse(v.serializedBytes()) == ["b": [1, 2.5, nil, true], "a": "x<y", "c": ["nested": 0.0]])
    #expect(throws: JSONParseError.self) { try JSONValue.parse(Array("[1,".utf8)) }
  }

  /// Strings without a character to escape are written whole (the fast path); every escaped character still is.
  @Test func stringsAreEscapedExactlyWhereNeeded() throws {
    let cases: [(String, String)] = [
      ("plain id_1 é 🏀 — …", #""plain id_1 é 🏀 — …""#),
      ("q\"b\\", #""q\"b\\""#),
      ("<a>&", #""\u003ca\u003e\u0026""#),
      ("l1\nl2\r\t\u{01}", #""l1\nl2\r\t\u0001""#),
      ("sep\u{2028}para\u{2029}", #""sep\u2028para\u2029""#),
      ("", #""""#),
    ]
    for (input, expected) in cases {
      var out = ""
      JSONValue.writeString(input, into: &out)
      #expect(out == expected, "\(input.debugDescription)")
      #expect(try JSONValue.parse(Array(out.utf8)) == .string(input))
    }
  }
}
