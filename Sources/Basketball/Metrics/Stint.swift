/// A stretch of play during which one team's on-court unit did not change, rebuilt from substitutions.
///
/// Stints are split at period boundaries; `players` is normally five `pno`s (``isFiveMan``).
public struct Stint: Sendable, Equatable, Codable {
  public var gameID: String
  public var teamNumber: Int
  /// Sorted player ids on court.
  public var players: [Int]
  public var period: GamePeriod
  /// Clock remaining in the period at start and end (seconds).
  public var startClock: Double, endClock: Double
  /// Seconds since tip-off at start and end.
  public var startElapsed: Double, endElapsed: Double
  public var pointsFor: Int, pointsAgainst: Int
  /// Possession estimates from the stint's events (FGA − ORB + TOV + 0.44·FTA), own and opponent.
  public var possessionsFor: Double, possessionsAgainst: Double

  public var seconds: Double { endElapsed - startElapsed }
  public var isFiveMan: Bool { players.count == 5 }
  public var plusMinus: Int { pointsFor - pointsAgainst }
}
