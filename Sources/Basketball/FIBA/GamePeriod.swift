/// A period of play: regulation quarters 1…4, then overtimes 1, 2, … (LiveStats restarts `period` at 1 in overtime).
///
/// Ordered by (regulation before overtime, number), so OT1 sorts after Q4.
public struct GamePeriod: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  public var number: Int
  public var isOvertime: Bool

  public init(number: Int, isOvertime: Bool) {
    self.number = number
    self.isOvertime = isOvertime
  }

  /// 1…4 for quarters, 5, 6, … for overtimes (with 4 regulation periods).
  public func ordinal(regulationPeriods: Int = 4) -> Int { isOvertime ? regulationPeriods + number : number }

  /// "Q1"…"Q4", "OT1", "OT2".
  public var label: String { isOvertime ? "OT\(number)" : "Q\(number)" }
  public var description: String { label }

  public static func < (a: GamePeriod, b: GamePeriod) -> Bool {
    if a.isOvertime != b.isOvertime { return !a.isOvertime }
    return a.number < b.number
  }
}
