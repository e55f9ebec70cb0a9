/// One play-by-play action, in chronological order (the file stores them newest first).
public struct PlayByPlayEvent: Sendable, Equatable, Codable {
  public var gameID: String
  /// Position in chronological order, 0 = `game/start`.
  public var sequence: Int
  public var actionNumber: Int
  /// Linked action (rebound → shot, assist → basket, …), nil when "".
  public var previousAction: Int?
  public var period: GamePeriod
  /// Clock remaining in the period, seconds (from `clock` "MM:SS:cc", else `gt`).
  public var clockRemaining: Double
  /// Seconds since tip-off (previous periods' full lengths plus elapsed time in this one).
  public var elapsed: Double
  /// Running score after the action.
  public var score1: Int, score2: Int
  /// 1 or 2; 0 for game/period events and officials' timeouts.
  public var teamNumber: Int
  /// Player id; 0 for team actions (team rebound/turnover, timeout, bench technical).
  public var pno: Int
  public var actionType: String
  public var subType: String
  public var qualifiers: [String]
  /// 1 made / 0 missed for shots and free throws, 1 otherwise.
  public var success: Bool
  /// Shot or free-throw attempt flag (`scoring` in the file — not points).
  public var isAttempt: Bool

  /// Points produced by this action (value of a made shot or free throw).
  public var points: Int {
    guard success else { return 0 }
    switch actionType {
    case "2pt": return 2
    case "3pt": return 3
    case "freethrow": return 1
    default: return 0
    }
  }

  public var isFieldGoalAttempt: Bool { actionType == "2pt" || actionType == "3pt" }
  /// A rebound counted in the box score (`offensivedeadball` rebounds are not).
  public var isCountedRebound: Bool { actionType == "rebound" && subType != "offensivedeadball" }
}
