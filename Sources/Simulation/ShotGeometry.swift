/// Classifies a shot location in the NBA.com / Kaggle coordinate system (tenths of feet, hoop at (0, 0),
/// baseline at y = −47.5, half-court line at y = 422.5, +x is the right side seen facing the hoop from half
/// court… in the data "Right Corner 3" has x > 0) into the Kaggle zone columns.
///
/// Rules (documented in docs/simulation.md; they reproduce NBA.com's zones on the real Kaggle sample apart
/// from a few boundary rows):
/// * distance r = √(x² + y²) / 10 ft, `Shot Distance` = ⌊r⌋ (exactly as in the Kaggle data);
/// * three-pointer: y > 422.5 (backcourt), or y ≤ 89.48 and |x| > 220 (corners), or r > 23.75 ft;
/// * zone basic: Backcourt; Left/Right Corner 3 (x < 0 / x > 0); Above the Break 3; Restricted Area
///   (r ≤ 4 ft); In The Paint (Non-RA) (|x| < 80 and y < 142.5); otherwise Mid-Range;
/// * zone area by the angle θ = atan2(y, x) in degrees (0 = right baseline direction, 90 = straight on),
///   as NBA.com does it: Center(C) for the restricted area and shots under 8 ft in the paint; from 8 to
///   16 ft, Center(C) when 60° ≤ θ ≤ 120°, else Left Side(L) / Right Side(R) by the sign of x; from 16 ft,
///   R (θ < 36°), RC (36–72°), C (72–108°), LC (108–144°), L (beyond, or below the hoop line on the left);
///   above-the-break threes RC (θ < 72°), C (72–108°), LC (> 108°); corners L/R side; Back Court(BC);
/// * zone range: Less Than 8 ft. (r < 8), 8-16 ft. (r < 16), 16-24 ft. (2-pointers beyond), 24+ ft. for
///   every three, Back Court Shot for backcourt.
public struct ShotGeometry: Sendable, Equatable {
  public var x: Int
  public var y: Int
  /// Unrounded distance in feet.
  public var distanceFeet: Double
  /// ⌊distance⌋, the Kaggle `Shot Distance`.
  public var shotDistance: Int
  public var isThree: Bool
  public var zone: ShotZone
  public var area: String
  public var range: String

  public var shotType: String { isThree ? "3PT Field Goal" : "2PT Field Goal" }

  /// y where the straight corner-three lines meet the 23.75 ft arc.
  public static let cornerTopY = (237.5 * 237.5 - 220.0 * 220.0).squareRoot()
  public static let halfCourtY = 422.5

  public init(x: Int, y: Int) {
    self.x = x; self.y = y
    let fx = Double(x), fy = Double(y)
    let r = (fx * fx + fy * fy).squareRoot() / 10
    distanceFeet = r
    shotDistance = Int(r.rounded(.down))
    let angle = Self.degrees(fy, fx)
    if fy > Self.halfCourtY {
      isThree = true; zone = .backcourt; area = "Back Court(BC)"; range = "Back Court Shot"
      return
    }
    if fy <= Self.cornerTopY && abs(fx) > 220 {
      isThree = true
      zone = fx < 0 ? .leftCorner3 : .rightCorner3
      area = fx < 0 ? "Left Side(L)" : "Right Side(R)"
      range = "24+ ft."
      return
    }
    if fy > Self.cornerTopY && r > 23.75 {
      isThree = true; zone = .aboveTheBreak3; range = "24+ ft."
      area = angle < 72 ? "Right Side Center(RC)" : angle <= 108 ? "Center(C)" : "Left Side Center(LC)"
      return
    }
    isThree = false
    range = r < 8 ? "Less Than 8 ft." : r < 16 ? "8-16 ft." : "16-24 ft."
    let side = fx < 0 ? "Left Side(L)" : "Right Side(R)"
    if r <= 4 {
      zone = .restrictedArea; area = "Center(C)"
      return
    }
    zone = abs(fx) < 80 && fy < 142.5 ? .paint : .midRange
    if r < 8 {
      area = zone == .paint ? "Center(C)" : side
    } else if r < 16 {
      area = (60...120).contains(angle) ? "Center(C)" : side
    } else {
      area = angle < 0 ? side : angle < 36 ? "Right Side(R)" : angle < 72 ? "Right Side Center(RC)" : angle <= 108 ? "Center(C)"
        : angle <= 144 ? "Left Side Center(LC)" : "Left Side(L)"
    }
  }

  static func degrees(_ y: Double, _ x: Double) -> Double {
    guard x != 0 || y != 0 else { return 90 }
    return atan2Degrees(y, x)
  }
}

/// The seven `Shot Zone Basic` values.
public enum ShotZone: String, Sendable, CaseIterable, Hashable {
  case restrictedArea = "Restricted Area"
  case paint = "In The Paint (Non-RA)"
  case midRange = "Mid-Range"
  case leftCorner3 = "Left Corner 3"
  case rightCorner3 = "Right Corner 3"
  case aboveTheBreak3 = "Above the Break 3"
  case backcourt = "Backcourt"

  public var isThree: Bool { self == .leftCorner3 || self == .rightCorner3 || self == .aboveTheBreak3 || self == .backcourt }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

func atan2Degrees(_ y: Double, _ x: Double) -> Double { atan2(y, x) * 180 / Double.pi }
