/// Player-level metrics of one game (players who did not play are skipped).
///
/// * TS% = PTS / (2·(FGA + 0.44·FTA)); eFG% = (FGM + 0.5·3PM) / FGA.
/// * USG% = (FGA + 0.44·FTA + TOV)·(team minutes / 5) / (minutes·(team FGA + 0.44·team FTA + team TOV)),
///   team minutes = Σ player minutes, team TOV incl. team turnovers.
/// * EFF (FIBA) = PTS + REB + AST + STL + BLK − missed FG − missed FT − TOV.
/// * PIR = EFF + fouls drawn − blocks received − personal fouls (plain Euroleague valuation; the vendor's eff_5
///   also subtracts the player's technical fouls: ``pirWithTechnicals``).
/// * Game Score (Hollinger) = PTS + 0.4·FGM − 0.7·FGA − 0.4·(FTA − FTM) + 0.7·ORB + 0.3·DRB + STL + 0.7·AST + 0.7·BLK − 0.4·PF − TOV.
/// * PIE = (PTS + FGM + FTM − FGA − FTA + DRB + 0.5·ORB + AST + STL + 0.5·BLK − PF − TOV) / same over both teams' totals.
public struct PlayerGameMetrics: Sendable, Equatable, Codable {
  public var gameID: String
  public var teamNumber: Int
  public var pno: Int
  public var name: String
  public var shirtNumber: String
  public var starter: Bool
  public var minutes: Double
  public var counts: BoxCounts
  public var plusMinus: Int
  public var trueShootingPct: Double
  public var effectiveFieldGoalPct: Double
  public var usagePct: Double
  public var assistToTurnover: Double?
  public var efficiency: Int
  public var pir: Int
  public var pirWithTechnicals: Int
  public var gameScore: Double
  public var pie: Double
  /// Turnovers per (FGA + 0.44·FTA + TOV).
  public var turnoverPct: Double
  /// On-court figures from the stints.
  public var onCourt: OnCourtTotals

  public static func efficiency(_ c: BoxCounts) -> Int {
    c.points + c.rebounds + c.assists + c.steals + c.blocks - (c.fieldGoalsAttempted - c.fieldGoalsMade)
      - (c.freeThrowsAttempted - c.freeThrowsMade) - c.turnovers
  }

  public static func pir(_ c: BoxCounts) -> Int {
    efficiency(c) + c.foulsDrawn - c.blocksReceived - c.personalFouls
  }

  public static func gameScore(_ c: BoxCounts) -> Double {
    Double(c.points) + 0.4 * Double(c.fieldGoalsMade) - 0.7 * Double(c.fieldGoalsAttempted)
      - 0.4 * Double(c.freeThrowsAttempted - c.freeThrowsMade) + 0.7 * Double(c.offensiveRebounds)
      + 0.3 * Double(c.defensiveRebounds) + Double(c.steals) + 0.7 * Double(c.assists) + 0.7 * Double(c.blocks)
      - 0.4 * Double(c.personalFouls) - Double(c.turnovers)
  }

  /// The PIE numerator (also used over team totals for the denominator).
  public static func pieContribution(_ c: BoxCounts) -> Double {
    Double(c.points + c.fieldGoalsMade + c.freeThrowsMade - c.fieldGoalsAttempted - c.freeThrowsAttempted
      + c.defensiveRebounds + c.assists + c.steals - c.personalFouls - c.turnovers)
      + 0.5 * Double(c.offensiveRebounds) + 0.5 * Double(c.blocks)
  }

  public static func compute(_ game: FibaGame) -> [PlayerGameMetrics] {
    let onCourt = OnCourtTotals.compute(game)
    let pieTotal = game.teams.reduce(0.0) { $0 + pieContribution($1.totals) }
    var technicals: [PlayerKey: Int] = [:]
    for e in game.events where e.actionType == "foul" && e.subType == "technical" && e.pno != 0 {
      technicals[PlayerKey(team: e.teamNumber, pno: e.pno), default: 0] += 1
    }
    var out: [PlayerGameMetrics] = []
    for p in game.players where !p.didNotPlay {
      guard let team = game.team(p.teamNumber) else { continue }
      let c = p.counts, tc = team.totals
      let fga = Double(c.fieldGoalsAttempted), fta = Double(c.freeThrowsAttempted)
      let teamMinutes = team.playedSeconds / 60
      let usageDenominator = p.minutes * (Double(tc.fieldGoalsAttempted) + 0.44 * Double(tc.freeThrowsAttempted) + Double(tc.turnovers))
      let key = PlayerKey(team: p.teamNumber, pno: p.pno)
      out.append(PlayerGameMetrics(
        gameID: game.gameID, teamNumber: p.teamNumber, pno: p.pno, name: p.name, shirtNumber: p.shirtNumber,
        starter: p.starter, minutes: p.minutes, counts: c, plusMinus: p.plusMinus,
        trueShootingPct: TeamGameMetrics.ratio(Double(c.points), 2 * (fga + 0.44 * fta)),
        effectiveFieldGoalPct: TeamGameMetrics.ratio(Double(c.fieldGoalsMade) + 0.5 * Double(c.threePointersMade), fga),
        usagePct: TeamGameMetrics.ratio((fga + 0.44 * fta + Double(c.turnovers)) * teamMinutes / 5, usageDenominator),
        assistToTurnover: c.turnovers > 0 ? Double(c.assists) / Double(c.turnovers) : nil,
        efficiency: efficiency(c), pir: pir(c), pirWithTechnicals: pir(c) - (technicals[key] ?? 0),
        gameScore: gameScore(c), pie: TeamGameMetrics.ratio(pieContribution(c), pieTotal),
        turnoverPct: TeamGameMetrics.ratio(Double(c.turnovers), fga + 0.44 * fta + Double(c.turnovers)),
        onCourt: onCourt[key] ?? OnCourtTotals()))
    }
    return out
  }
}
