/// What happened while a player was on court, summed over the stints containing them.
public struct OnCourtTotals: Sendable, Equatable, Codable {
  public var seconds = 0.0
  public var pointsFor = 0, pointsAgainst = 0
  public var possessionsFor = 0.0, possessionsAgainst = 0.0

  public var plusMinus: Int { pointsFor - pointsAgainst }
  /// On-court point differential per 40 minutes (nil when the player never was on court).
  public var plusMinusPer40: Double? { seconds > 0 ? Double(plusMinus) * 2400 / seconds : nil }

  public static func compute(_ game: FibaGame) -> [PlayerKey: OnCourtTotals] {
    var out: [PlayerKey: OnCourtTotals] = [:]
    for s in game.stints {
      for p in s.players {
        let k = PlayerKey(team: s.teamNumber, pno: p)
        out[k, default: OnCourtTotals()].seconds += s.seconds
        out[k, default: OnCourtTotals()].pointsFor += s.pointsFor
        out[k, default: OnCourtTotals()].pointsAgainst += s.pointsAgainst
        out[k, default: OnCourtTotals()].possessionsFor += s.possessionsFor
        out[k, default: OnCourtTotals()].possessionsAgainst += s.possessionsAgainst
      }
    }
    return out
  }
}
