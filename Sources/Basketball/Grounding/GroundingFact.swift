import Foundation

/// A number that a generated text may state: its value as displayed (percentages in percent units, e.g. 18.5),
/// the number of decimals shown and whether it is a percentage.
public struct GroundingFact: Sendable, Codable, Equatable, Hashable {
  public var label: String
  public var value: Double
  public var decimals: Int
  public var isPercent: Bool

  public init(label: String, value: Double, decimals: Int, isPercent: Bool = false) {
    self.label = label
    self.value = value
    self.decimals = decimals
    self.isPercent = isPercent
  }
}
