import Foundation
import Testing
@testable import Basketball

@Suite struct ShotCoachingTests {
  /// League: 60 % at the rim, 40 % mid-range, 35 % from three. "Cold Shooter" takes half his shots mid-range at 20 %.
  func table() -> (players: [String], zones: [String], made: [Bool]) {
    var players: [String] = [], zones: [String] = [], made: [Bool] = []
    func add(_ p: String, _ z: String, _ attempts: Int, _ makes: Int) {
      for i in 0..<attempts { players.append(p); zones.append(z); made.append(i < makes) }
    }
    for k in 0..<10 {
      let p = "League Player \(k)"
      add(p, "Restricted Area", 40, 24); add(p, "Mid-Range", 20, 8); add(p, "Above the Break 3", 40, 14)
    }
    add("Cold Shooter", "Mid-Range", 50, 10); add("Cold Shooter", "Restricted Area", 30, 18); add("Cold Shooter", "Above the Break 3", 20, 7)
    return (players, zones, made)
  }

  @Test func makeRateAndShotSelectionFindings() throws {
    let t = table()
    let report = try ShotCoaching.analyze(players: t.players, zones: t.zones, made: t.made, language: .english)
    let mid = try #require(report.comparisons.first { $0.player == "Cold Shooter" && $0.zone == "Mid-Range" })
    #expect(mid.attempts == 50 && abs(mid.rate - 0.2) < 1e-12 && mid.zScore < -1.96)
    #expect(report.recommendations.filter { $0.playerName == "Cold Shooter" }.count == 2)
    #expect(report.recommendations.contains { $0.text == "Cold Shooter — Mid-Range: raise the make rate from 20.0 % to 36.0 % (league average) or cut these attempts." })
    #expect(report.recommendations.contains { $0.metric == "zone_share" && $0.playerName == "Cold Shooter" })
    #expect(GroundingChecker(facts: report.facts).check(report.markdown()).accepted)
    let fr = try ShotCoaching.analyze(players: t.players, zones: t.zones, made: t.made, language: .french)
    #expect(fr.markdown().contains("20,0 %"))
    #expect(GroundingChecker(facts: fr.facts).check(fr.markdown()).accepted)
    #expect(throws: ShotCoachingError.self) { try ShotCoaching.analyze(players: ["a"], zones: [], made: []) }
  }
}
