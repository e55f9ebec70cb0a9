/// A field-goal attempt with court coordinates (`tm[t].shot[]`).
///
/// `x` runs along the court length and `y` across its width, both in percent (0–100); both halves are used,
/// so ``ShotZone`` mirrors shots taken at x > 50 onto the left basket.
public struct FibaShot: Sendable, Equatable, Codable {
  public var gameID: String
  public var teamNumber: Int
  public var pno: Int
  public var period: GamePeriod
  public var made: Bool
  public var isThree: Bool
  public var x: Double, y: Double
  public var actionNumber: Int
  public var subType: String
  /// Zone computed from the coordinates (see ``ShotZone``).
  public var zone: ShotZone
}
