/// Points per period for both teams, read from the running score at the end of each period of the play-by-play.
public struct PeriodScoring: Sendable, Equatable, Codable {
  public var period: GamePeriod
  public var team1: Int, team2: Int

  public static func compute(_ game: FibaGame) -> [PeriodScoring] {
    var last: [GamePeriod: (Int, Int)] = [:]
    for e in game.events { last[e.period] = (e.score1, e.score2) }
    var previous = (0, 0)
    var out: [PeriodScoring] = []
    for p in game.periods {
      let end = last[p] ?? previous
      out.append(PeriodScoring(period: p, team1: end.0 - previous.0, team2: end.1 - previous.1))
      previous = end
    }
    return out
  }
}
