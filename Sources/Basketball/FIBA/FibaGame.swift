/// A parsed FIBA LiveStats game: both box scores, play-by-play, shots and stints.
public struct FibaGame: Sendable, Equatable, Codable {
  /// The FIBA LiveStats game id: from `data_<id>_<year>.json` (the second underscore field, not the year).
  public var gameID: String
  public var fileName: String
  /// The `<year>` suffix of the file name when present (added by the collector; the file holds no date).
  public var seasonLabel: String?
  /// Teams 1 (home) and 2.
  public var teams: [FibaTeam]
  /// All player lines of both teams (team 1 first, then by pno), including did-not-play lines.
  public var players: [FibaPlayer]
  /// Chronological play-by-play.
  public var events: [PlayByPlayEvent]
  public var shots: [FibaShot]
  public var stints: [Stint]
  /// Periods in play order, with their lengths in seconds.
  public var periods: [GamePeriod]
  public var periodLengths: [Double]
  public var attendance: Int?
  public var wentToOvertime: Bool

  /// Game length in seconds (sum of the periods played).
  public var lengthSeconds: Double { periodLengths.reduce(0, +) }

  /// Team 1 or 2, nil otherwise.
  public func team(_ number: Int) -> FibaTeam? { teams.first { $0.teamNumber == number } }
  public func opponent(of number: Int) -> FibaTeam? { teams.first { $0.teamNumber != number } }
  public func players(of teamNumber: Int) -> [FibaPlayer] { players.filter { $0.teamNumber == teamNumber } }
  public func player(team: Int, pno: Int) -> FibaPlayer? {
    players.first { $0.teamNumber == team && $0.pno == pno }
  }
}
