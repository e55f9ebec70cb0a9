/// A player's average over their games: actual vs expected impact.
public struct PlayerImpactSummary: Sendable, Codable, Equatable {
  public var teamKey: String
  public var playerName: String
  public var games: Int
  public var minutes: Double
  public var meanActual: Double
  public var meanExpected: Double
  /// Mean actual − expected: > 0 out-performed the box-score expectation, < 0 under-performed.
  public var meanResidual: Double
}
