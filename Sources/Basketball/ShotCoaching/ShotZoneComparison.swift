/// A player's shooting in one zone compared with the league (all shots given).
public struct ShotZoneComparison: Sendable, Codable, Equatable {
  public var player: String
  public var zone: String
  public var attempts: Int
  public var made: Int
  public var rate: Double
  /// Share of the player's attempts taken from this zone.
  public var share: Double
  public var leagueRate: Double
  public var leagueShare: Double
  /// (rate − league rate) / √(league rate·(1 − league rate)/attempts).
  public var zScore: Double
  /// Points per shot in the zone (player, league).
  public var pointsPerShot: Double, leaguePointsPerShot: Double
}
