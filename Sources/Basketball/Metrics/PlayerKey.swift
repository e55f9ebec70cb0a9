/// A player within a game: team number and pno.
public struct PlayerKey: Sendable, Hashable, Codable, Comparable {
  public var team: Int
  public var pno: Int
  public init(team: Int, pno: Int) { self.team = team; self.pno = pno }
  public static func < (a: PlayerKey, b: PlayerKey) -> Bool { (a.team, a.pno) < (b.team, b.pno) }
}
