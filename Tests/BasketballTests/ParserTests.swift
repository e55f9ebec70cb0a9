import Foundation
import Simulation
import Testing
@testable import Basketball
import TestSupport

@Suite struct ParserTests {
  @Test func gameIdentityUsesTheGameIdNotTheYear() {
    #expect(FibaLiveStatsParser.gameIdentity(fileName: "data_2648661_2024.json").id == "2648661")
    #expect(FibaLiveStatsParser.gameIdentity(fileName: "data_2648661_2024.json").season == "2024")
    #expect(FibaLiveStatsParser.gameIdentity(fileName: "2648661.json").id == "2648661")
    #expect(FibaLiveStatsParser.gameIdentity(fileName: "match.json").id == "match")
  }

  /// A simulated game as a mutable JSON tree.
  func tree(seed: UInt64 = 1) throws -> [String: Any] {
    let data = try GameSimulator(seed: seed).liveStatsJSON()
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  func parse(_ tree: [String: Any], file: String = "data_x.json") throws -> FibaGame {
    try FibaLiveStatsParser.parse(data: JSONSerialization.data(withJSONObject: tree), fileName: file)
  }

  func setPlayerKey(_ tree: inout [String: Any], team: String, pno: String, key: String, value: Any?) {
    var tm = tree["tm"] as? [String: Any] ?? [:]
    var t = tm[team] as? [String: Any] ?? [:]
    var pl = t["pl"] as? [String: Any] ?? [:]
    var p = pl[pno] as? [String: Any] ?? [:]
    p[key] = value
    pl[pno] = p; t["pl"] = pl; tm[team] = t; tree["tm"] = tm
  }

  @Test func malformedMinutesNameFileAndPath() throws {
    var t = try tree()
    setPlayerKey(&t, team: "1", pno: "7", key: "sMinutes", value: "abc")
    #expect(throws: FibaParseError(file: "data_x.json", path: "$.tm.1.pl.7.sMinutes", message: "expected \"M:SS\", found \"abc\"")) {
      try parse(t)
    }
    let error = FibaParseError(file: "data_x.json", path: "$.tm.1.pl.7.sMinutes", message: "expected \"M:SS\", found \"abc\"")
    #expect(error.description == "data_x.json: $.tm.1.pl.7.sMinutes: expected \"M:SS\", found \"abc\"")
  }

  @Test func missingKeysAndBadTypesAreErrorsNotTraps() throws {
    var t = try tree()
    setPlayerKey(&t, team: "2", pno: "3", key: "sPoints", value: nil)
    #expect(throws: FibaParseError(file: "data_x.json", path: "$.tm.2.pl.3.sPoints", message: "missing key")) { try parse(t) }

    var u = try tree()
    setPlayerKey(&u, team: "2", pno: "3", key: "sAssists", value: "many")
    #expect(throws: FibaParseError(file: "data_x.json", path: "$.tm.2.pl.3.sAssists", message: "expected an integer, found \"many\"")) {
      try parse(u)
    }

    var v = try tree()
    var pbp = v["pbp"] as? [Any] ?? []
    var first = pbp[0] as? [String: Any] ?? [:]
    first["periodType"] = "HALF"
    pbp[0] = first
    v["pbp"] = pbp
    #expect(throws: FibaParseError.self) { try parse(v) }
    do { _ = try parse(v) } catch let e as FibaParseError { #expect(e.path == "$.pbp.0.periodType") }

    #expect(throws: FibaParseError.self) { try FibaLiveStatsParser.parse(data: Data("{\"tm\": ".utf8), fileName: "bad.json") }
    #expect(throws: FibaParseError(file: "arr.json", path: "$", message: "expected an object, found an array")) {
      try FibaLiveStatsParser.parse(data: Data("[]".utf8), fileName: "arr.json")
    }
    #expect(throws: FibaParseError.self) { try FibaLiveStatsParser.load(URL(fileURLWithPath: "/nonexistent/folder")) }
  }

  @Test func scoresAsIntsOrStringsAndOptionalKeys() throws {
    // Seeds of both parities write s1/s2 as strings and as ints.
    for seed in [UInt64(2), 3] {
      var t = try tree(seed: seed)
      setPlayerKey(&t, team: "1", pno: "4", key: "captain", value: nil)
      setPlayerKey(&t, team: "1", pno: "5", key: "scoreboardName", value: nil)
      let g = try parse(t)
      #expect(Reconciliation.checks(g).allSatisfy { $0.passed })
    }
  }

  @Test func clockParsing() {
    #expect(JSONCursor.parseClock("2:46") == 166)
    #expect(JSONCursor.parseClock("36:27") == 2187)
    #expect(JSONCursor.parseClock("199:60") == 12000)
    #expect(JSONCursor.parseClock(":35") == 35)
    #expect(JSONCursor.parseClock("00:05:40") == 5.4)
    #expect(JSONCursor.parseClock("abc") == nil)
    #expect(JSONCursor.parseClock("1:xx") == nil)
  }

  @Test func teamNamesAreNormalisedAcrossFiles() {
    #expect(TeamNameNormalizer.fold(" Roche  Vendée BC ") == "ROCHE VENDEE BC")
  }

  @Test(.needsDataset("fiba_livestats")) func realFolderQuirks() throws {
    let games = try #require(try Fixtures.games())
    // Overtime games order OT after Q4 and keep chronological events.
    let ot = try #require(games.first { $0.gameID == "2121871" })
    #expect(ot.periods.map(\.label) == ["Q1", "Q2", "Q3", "Q4", "OT1", "OT2"])
    #expect(zip(ot.events, ot.events.dropFirst()).allSatisfy { $0.elapsed <= $1.elapsed })
    #expect(ot.events.first?.actionType == "game" && ot.events.first?.subType == "start")
    #expect(PeriodScoring.compute(ot).count == 6)
    // Team names: every Villeneuve/Landerneau/Bourges spelling maps to one key and one display name.
    let keys = Dictionary(grouping: games.flatMap(\.teams), by: \.teamKey)
    #expect(Set(keys["VIL"]?.map(\.name) ?? []) == ["ESB VILLENEUVE D'ASCQ LILLE METROPOLE"])
    #expect(Set(keys["LDN"]?.map(\.name) ?? []).count == 1)
    #expect(keys["ESBVA"] == nil && keys["TBB"] == nil)
    #expect(Set(keys["ROC"]?.map(\.name) ?? []).count == 1)
    // Did-not-play lines are kept and flagged.
    #expect(games.flatMap(\.players).contains { $0.didNotPlay })
    #expect(games.flatMap(\.players).filter(\.didNotPlay).allSatisfy { $0.counts == BoxCounts() })
  }
}
