/// Team-level advanced metrics of one game (Dean Oliver's possessions, ratings and Four Factors).
///
/// Possessions = FGA − ORB + TOV + 0.44·FTA from team totals (team rebounds and team turnovers included); the
/// game's possessions are the mean of both teams' estimates and ratings use that mean.
public struct TeamGameMetrics: Sendable, Equatable, Codable {
  public var gameID: String
  public var teamNumber: Int
  public var teamKey: String
  public var teamName: String
  public var opponentName: String
  public var points: Int, opponentPoints: Int
  public var won: Bool
  /// Own possession estimate and the game mean.
  public var possessions: Double, gamePossessions: Double
  /// Possessions per 40 minutes: 40 · game possessions / (Σ team player minutes / 5).
  public var pace: Double
  public var offensiveRating: Double, defensiveRating: Double, netRating: Double
  /// Four Factors, as fractions (0.526 = 52.6 %).
  public var effectiveFieldGoalPct: Double, turnoverPct: Double
  public var offensiveReboundPct: Double, defensiveReboundPct: Double
  /// FTM / FGA (Oliver's factor) and FTA / FGA (variant).
  public var freeThrowRate: Double, freeThrowAttemptRate: Double
  public var trueShootingPct: Double
  public var fieldGoalPct: Double, threePointPct: Double, twoPointPct: Double, freeThrowPct: Double
  /// Share of field-goal attempts that are threes.
  public var threePointAttemptRate: Double
  public var assistRatio: Double?
  public var assistToTurnover: Double?
  public var totals: BoxCounts
  public var pointsFromTurnovers: Int, pointsSecondChance: Int, pointsFastBreak: Int, pointsInThePaint: Int, benchPoints: Int

  /// a / b, 0 when b is 0.
  static func ratio(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }

  /// Oliver's possession estimate from a line of team totals.
  public static func possessions(_ c: BoxCounts) -> Double {
    Double(c.fieldGoalsAttempted - c.offensiveRebounds + c.turnovers) + 0.44 * Double(c.freeThrowsAttempted)
  }

  /// Metrics of both teams (team 1 first).
  public static func compute(_ game: FibaGame) -> [TeamGameMetrics] {
    guard game.teams.count == 2 else { return [] }
    let own = game.teams.map { possessions($0.totals) }
    let mean = (own[0] + own[1]) / 2
    return game.teams.indices.map { i in
      let team = game.teams[i], opp = game.teams[1 - i]
      let c = team.totals, o = opp.totals
      let fga = Double(c.fieldGoalsAttempted), fta = Double(c.freeThrowsAttempted)
      let minutes = team.playedSeconds > 0 ? team.playedSeconds / 60 : game.lengthSeconds / 60 * 5
      let ortg = ratio(100 * Double(c.points), mean), drtg = ratio(100 * Double(o.points), mean)
      return TeamGameMetrics(
        gameID: game.gameID, teamNumber: team.teamNumber, teamKey: team.teamKey, teamName: team.name,
        opponentName: opp.name, points: c.points, opponentPoints: o.points, won: team.score > opp.score,
        possessions: own[i], gamePossessions: mean, pace: ratio(40 * mean, minutes / 5),
        offensiveRating: ortg, defensiveRating: drtg, netRating: ortg - drtg,
        effectiveFieldGoalPct: ratio(Double(c.fieldGoalsMade) + 0.5 * Double(c.threePointersMade), fga),
        turnoverPct: ratio(Double(c.turnovers), fga + 0.44 * fta + Double(c.turnovers)),
        offensiveReboundPct: ratio(Double(c.offensiveRebounds), Double(c.offensiveRebounds + o.defensiveRebounds)),
        defensiveReboundPct: ratio(Double(c.defensiveRebounds), Double(c.defensiveRebounds + o.offensiveRebounds)),
        freeThrowRate: ratio(Double(c.freeThrowsMade), fga), freeThrowAttemptRate: ratio(fta, fga),
        trueShootingPct: ratio(Double(c.points), 2 * (fga + 0.44 * fta)),
        fieldGoalPct: ratio(Double(c.fieldGoalsMade), fga),
        threePointPct: ratio(Double(c.threePointersMade), Double(c.threePointersAttempted)),
        twoPointPct: ratio(Double(c.twoPointersMade), Double(c.twoPointersAttempted)),
        freeThrowPct: ratio(Double(c.freeThrowsMade), fta),
        threePointAttemptRate: ratio(Double(c.threePointersAttempted), fga),
        assistRatio: c.fieldGoalsMade > 0 ? Double(c.assists) / Double(c.fieldGoalsMade) : nil,
        assistToTurnover: c.turnovers > 0 ? Double(c.assists) / Double(c.turnovers) : nil,
        totals: c, pointsFromTurnovers: team.pointsFromTurnovers, pointsSecondChance: c.pointsSecondChance,
        pointsFastBreak: c.pointsFastBreak, pointsInThePaint: c.pointsInThePaint, benchPoints: team.benchPoints)
    }
  }
}
