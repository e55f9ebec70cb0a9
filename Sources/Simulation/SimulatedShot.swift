/// One field-goal attempt in the Kaggle "NBA Shot Locations 1997 - 2020" bronze schema (22 columns).
public struct SimulatedShot: Sendable, Equatable {
  public var gameID: Int
  public var gameEventID: Int
  public var playerID: Int
  public var playerName: String
  public var teamID: Int
  public var teamName: String
  public var period: Int
  public var minutesRemaining: Int
  public var secondsRemaining: Int
  public var actionType: String
  public var shotType: String
  public var shotZoneBasic: String
  public var shotZoneArea: String
  public var shotZoneRange: String
  public var shotDistance: Int
  public var xLocation: Int
  public var yLocation: Int
  public var shotMadeFlag: Int
  /// yyyymmdd.
  public var gameDate: Int
  public var homeTeam: String
  public var awayTeam: String
  public var seasonType: String

  /// The Kaggle header, in order.
  public static let columns = [
    "Game ID", "Game Event ID", "Player ID", "Player Name", "Team ID", "Team Name", "Period", "Minutes Remaining",
    "Seconds Remaining", "Action Type", "Shot Type", "Shot Zone Basic", "Shot Zone Area", "Shot Zone Range",
    "Shot Distance", "X Location", "Y Location", "Shot Made Flag", "Game Date", "Home Team", "Away Team", "Season Type",
  ]

  /// Appends the row as one CSV line (fields quoted when needed) to `text`.
  public func appendCSVLine(to text: inout String) {
    func add(_ value: Int) { text += String(value); text += "," }
    func add(_ value: String) { text += CSVText.field(value); text += "," }
    add(gameID); add(gameEventID); add(playerID); add(playerName); add(teamID); add(teamName); add(period)
    add(minutesRemaining); add(secondsRemaining); add(actionType); add(shotType); add(shotZoneBasic); add(shotZoneArea)
    add(shotZoneRange); add(shotDistance); add(xLocation); add(yLocation); add(shotMadeFlag); add(gameDate); add(homeTeam)
    add(awayTeam)
    text += CSVText.field(seasonType)
    text += "\n"
  }

  /// The row's values as text, in ``columns`` order, formatted as in the Kaggle CSV.
  public var fields: [String] {
    [
      String(gameID), String(gameEventID), String(playerID), playerName, String(teamID), teamName, String(period),
      String(minutesRemaining), String(secondsRemaining), actionType, shotType, shotZoneBasic, shotZoneArea, shotZoneRange,
      String(shotDistance), String(xLocation), String(yLocation), String(shotMadeFlag), String(gameDate), homeTeam, awayTeam,
      seasonType,
    ]
  }
}
