/// Post-mortem facts of one team: collective lines then individual lines (deterministic text).
public struct TeamPostMortem: Sendable, Codable, Equatable {
  public var teamNumber: Int
  public var teamName: String
  public var collective: [String]
  public var individual: [String]
}
