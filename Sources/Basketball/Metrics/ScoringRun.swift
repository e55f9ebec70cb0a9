/// Unanswered points by one team: the run starts with its first score after an opponent's score and ends at the
/// opponent's next score (or the final buzzer).
public struct ScoringRun: Sendable, Equatable, Codable {
  public var teamNumber: Int
  public var points: Int
  public var startElapsed: Double, endElapsed: Double
  public var startPeriod: GamePeriod, endPeriod: GamePeriod
  /// Score (team 1 – team 2) when the run started and ended.
  public var startScore: [Int], endScore: [Int]

  /// Every run of at least `minimumPoints`, in game order.
  public static func compute(_ game: FibaGame, minimumPoints: Int = 8) -> [ScoringRun] {
    var runs: [ScoringRun] = []
    var current: ScoringRun? = nil
    var score = (0, 0)
    for e in game.events {
      let d1 = e.score1 - score.0, d2 = e.score2 - score.1
      let before = score
      score = (e.score1, e.score2)
      guard d1 > 0 || d2 > 0 else { continue }
      let team = d1 > 0 && d2 == 0 ? 1 : (d2 > 0 && d1 == 0 ? 2 : 0)
      if let c = current, c.teamNumber == team {
        current?.points += team == 1 ? d1 : d2
        current?.endElapsed = e.elapsed
        current?.endPeriod = e.period
        current?.endScore = [score.0, score.1]
      } else {
        if let c = current, c.points >= minimumPoints { runs.append(c) }
        current = team == 0 ? nil : ScoringRun(
          teamNumber: team, points: team == 1 ? d1 : d2, startElapsed: e.elapsed, endElapsed: e.elapsed,
          startPeriod: e.period, endPeriod: e.period, startScore: [before.0, before.1], endScore: [score.0, score.1])
      }
    }
    if let c = current, c.points >= minimumPoints { runs.append(c) }
    return runs
  }

  /// The largest run of each team (points, 0 when none), [team1, team2].
  public static func largest(_ game: FibaGame) -> [Int] {
    let all = compute(game, minimumPoints: 1)
    return [1, 2].map { t in all.filter { $0.teamNumber == t }.map(\.points).max() ?? 0 }
  }
}
