/// The checker's decision on a generated text.
public struct GroundingVerdict: Sendable, Equatable, Codable {
  public var accepted: Bool
  /// One entry per ungrounded number or unknown name.
  public var problems: [String]

  public var reason: String { problems.joined(separator: "; ") }
}
