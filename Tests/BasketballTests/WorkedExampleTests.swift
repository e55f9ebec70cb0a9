import Foundation
import Testing
@testable import Basketball
import TestSupport

/// Game 2648661 (LANDERNEAU 75 – 73 VILLENEUVE D'ASCQ), the worked example of fiba.md §8.
@Suite struct WorkedExampleTests {
  static func game() throws -> FibaGame? {
    guard let url = try Oracles.sharedDataset("fiba_livestats/data_2648661_2024.json") else { return nil }
    return try FibaLiveStatsParser.load(file: url)
  }

  func r1(_ x: Double) -> Double { (x * 10).rounded() / 10 }

  @Test(.needsDataset("fiba_livestats/data_2648661_2024.json")) func teamTotalsAndFourFactors() throws {
    let g = try #require(try Self.game())
    #expect(g.gameID == "2648661")
    let m = TeamGameMetrics.compute(g)
    try #require(m.count == 2)
    let ldn = m[0], vil = m[1]
    #expect(ldn.teamKey == "LDN" && vil.teamKey == "VIL")
    #expect(ldn.points == 75 && vil.points == 73)
    #expect(ldn.totals.fieldGoalsMade == 29 && ldn.totals.fieldGoalsAttempted == 58 && ldn.totals.threePointersMade == 3)
    #expect(ldn.totals.freeThrowsMade == 14 && ldn.totals.freeThrowsAttempted == 18)
    #expect(vil.totals.fieldGoalsMade == 26 && vil.totals.fieldGoalsAttempted == 59 && vil.totals.threePointersMade == 10)
    #expect(ldn.totals.offensiveRebounds == 10 && ldn.totals.defensiveRebounds == 27 && ldn.totals.turnovers == 15)
    #expect(vil.totals.offensiveRebounds == 8 && vil.totals.defensiveRebounds == 20 && vil.totals.turnovers == 13)
    #expect(g.teams[0].teamRebounds == 3 && g.teams[0].teamTurnovers == 0)
    #expect(g.teams[1].teamRebounds == 4 && g.teams[1].teamTurnovers == 1)
    #expect(r1(ldn.possessions) == 70.9 && r1(vil.possessions) == 70.6 && r1(ldn.gamePossessions) == 70.8)
    #expect(r1(ldn.offensiveRating) == 106.0 && r1(ldn.defensiveRating) == 103.2)
    #expect(r1(vil.offensiveRating) == 103.2 && r1(vil.defensiveRating) == 106.0)
    #expect(r1(100 * ldn.effectiveFieldGoalPct) == 52.6 && r1(100 * vil.effectiveFieldGoalPct) == 52.5)
    #expect(r1(100 * ldn.turnoverPct) == 18.5 && r1(100 * vil.turnoverPct) == 16.5)
    #expect(r1(100 * ldn.offensiveReboundPct) == 33.3 && r1(100 * vil.offensiveReboundPct) == 22.9)
    #expect(r1(100 * ldn.freeThrowRate) == 24.1 && r1(100 * vil.freeThrowRate) == 18.6)
    #expect(r1(100 * ldn.trueShootingPct) == 56.9 && r1(100 * vil.trueShootingPct) == 55.6)
    #expect(r1(ldn.netRating) == 2.8)
    #expect(ldn.pace > 60 && ldn.pace < 80)
  }

  @Test(.needsDataset("fiba_livestats/data_2648661_2024.json")) func topPlayerLines() throws {
    let g = try #require(try Self.game())
    let players = PlayerGameMetrics.compute(g)
    let woolfolk = try #require(players.first { $0.teamNumber == 1 && $0.shirtNumber == "13" })
    #expect(woolfolk.name == "N. Woolfolk")
    #expect(Int(woolfolk.minutes * 60) == 36 * 60 + 27)
    #expect(woolfolk.counts.points == 23 && woolfolk.efficiency == 25 && woolfolk.pir == 30)
    #expect(r1(woolfolk.gameScore) == 20.2 && woolfolk.plusMinus == -5 && r1(100 * woolfolk.pie) == 18.6)
    let akhator = try #require(players.first { $0.teamNumber == 1 && $0.shirtNumber == "23" })
    #expect(akhator.name == "E. Akhator" && Int(akhator.minutes * 60) == 38 * 60 + 33)
    #expect(akhator.counts.points == 20 && akhator.counts.rebounds == 12 && akhator.efficiency == 27 && akhator.pir == 29)
    #expect(akhator.plusMinus == 0 && r1(100 * akhator.pie) == 17.4)
    // Vendor values agree with the recomputed ones for every player line.
    for p in players {
      let line = try #require(g.player(team: p.teamNumber, pno: p.pno))
      #expect(line.vendorEFF == Double(p.efficiency))
      #expect(line.vendorPIR == Double(p.pirWithTechnicals))
      #expect(line.vendorGameScore.map(r1) == r1(p.gameScore))
      #expect(p.onCourt.plusMinus == p.plusMinus)
    }
  }

  @Test(.needsDataset("fiba_livestats/data_2648661_2024.json")) func periodsRunsLineupsAndShots() throws {
    let g = try #require(try Self.game())
    let periods = PeriodScoring.compute(g)
    #expect(periods.map(\.team1) == [17, 24, 20, 14])
    #expect(periods.map(\.team1).reduce(0, +) == 75 && periods.map(\.team2).reduce(0, +) == 73)
    let largest = ScoringRun.largest(g)
    #expect(largest.allSatisfy { $0 > 0 })
    let lineups = LineupRating.compute(g)
    #expect(lineups.allSatisfy { $0.players.count == 5 })
    for t in [1, 2] {
      let unitSeconds = lineups.filter { $0.teamNumber == t }.reduce(0) { $0 + $1.seconds }
      #expect(abs(unitSeconds - 2400) < 1)
      let pm = lineups.filter { $0.teamNumber == t }.reduce(0) { $0 + $1.plusMinus }
      #expect(pm == (t == 1 ? 2 : -2))
    }
    let profile = ShotProfile.compute(g.shots.filter { $0.teamNumber == 1 })
    #expect(profile.reduce(0) { $0 + $1.attempts } == 58 && profile.reduce(0) { $0 + $1.made } == 29)
    #expect(profile.filter { $0.zone.isThree }.reduce(0) { $0 + $1.made } == 3)
  }
}
