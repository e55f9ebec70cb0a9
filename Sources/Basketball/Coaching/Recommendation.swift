/// A measurable training recommendation: move `metric` from `current` to `target`.
public struct Recommendation: Sendable, Codable, Equatable {
  public var teamNumber: Int
  public var teamName: String
  public var playerName: String?
  public var focus: String
  public var metric: String
  public var current: Double
  public var target: Double
  /// True when the target is "under" (lower is better).
  public var lowerIsBetter: Bool
  /// True when this only asks to keep a figure on the right side of its threshold.
  public var maintain: Bool
  public var text: String
}
