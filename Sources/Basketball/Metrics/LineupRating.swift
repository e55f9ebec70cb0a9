/// A five-player unit's figures summed over all its stints in one or more games.
///
/// ORtg = 100 · points for / possessions for, DRtg = 100 · points against / possessions against (possessions
/// estimated from the stints' own events), net = ORtg − DRtg; nil ratings when the unit had no possession.
public struct LineupRating: Sendable, Equatable, Codable {
  public var teamNumber: Int
  public var players: [Int]
  /// Display names in `players` order.
  public var names: [String]
  public var seconds: Double
  public var stints: Int
  public var pointsFor: Int, pointsAgainst: Int
  public var possessionsFor: Double, possessionsAgainst: Double

  public var plusMinus: Int { pointsFor - pointsAgainst }
  public var minutes: Double { seconds / 60 }
  public var offensiveRating: Double? { possessionsFor > 0 ? 100 * Double(pointsFor) / possessionsFor : nil }
  public var defensiveRating: Double? { possessionsAgainst > 0 ? 100 * Double(pointsAgainst) / possessionsAgainst : nil }
  public var netRating: Double? {
    guard let o = offensiveRating, let d = defensiveRating else { return nil }
    return o - d
  }

  /// Units of one game, longest first (ties: team, then players).
  public static func compute(_ game: FibaGame) -> [LineupRating] {
    var byUnit: [PlayerKeyList: LineupRating] = [:]
    for s in game.stints {
      let key = PlayerKeyList(team: s.teamNumber, players: s.players)
      if byUnit[key] == nil {
        let names = s.players.map { game.player(team: s.teamNumber, pno: $0)?.name ?? "#\($0)" }
        byUnit[key] = LineupRating(teamNumber: s.teamNumber, players: s.players, names: names, seconds: 0, stints: 0,
                                   pointsFor: 0, pointsAgainst: 0, possessionsFor: 0, possessionsAgainst: 0)
      }
      byUnit[key]?.seconds += s.seconds
      byUnit[key]?.stints += 1
      byUnit[key]?.pointsFor += s.pointsFor
      byUnit[key]?.pointsAgainst += s.pointsAgainst
      byUnit[key]?.possessionsFor += s.possessionsFor
      byUnit[key]?.possessionsAgainst += s.possessionsAgainst
    }
    return byUnit.values.sorted {
      if $0.seconds != $1.seconds { return $0.seconds > $1.seconds }
      if $0.teamNumber != $1.teamNumber { return $0.teamNumber < $1.teamNumber }
      return $0.players.lexicographicallyPrecedes($1.players)
    }
  }
}

struct PlayerKeyList: Hashable {
  var team: Int
  var players: [Int]
}
