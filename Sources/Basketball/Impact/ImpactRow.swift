/// One player-game of the impact dataset.
public struct ImpactRow: Sendable, Codable, Equatable {
  public var gameID: String
  public var teamNumber: Int
  public var teamKey: String
  public var pno: Int
  public var playerName: String
  public var minutes: Double
  /// Values in ``ImpactModel/featureNames`` order.
  public var features: [Double]
  /// On-court point differential per 40 minutes, from the stints.
  public var target: Double
}
