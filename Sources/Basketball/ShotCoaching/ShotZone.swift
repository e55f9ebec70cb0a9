/// Court zone of a field-goal attempt, from LiveStats coordinates (x along the length, y across, in percent).
///
/// Geometry (FIBA court 28 m × 15 m, basket centre 1.575 m from the baseline): a shot with x > 50 is mirrored
/// (x → 100 − x) so both halves map onto the left basket. Then, in metres from the basket centre:
/// * `restrictedArea`: 2-pt attempt within 1.25 m;
/// * `paint`: other 2-pt attempt inside the key (≤ 5.8 m from the baseline and ≤ 2.45 m either side of the axis);
/// * `midRange`: every other 2-pt attempt;
/// * `corner3`: 3-pt attempt ≤ 2.99 m from the baseline (the straight part of the line, 6.6 m off the axis);
/// * `aboveBreak3`: every other 3-pt attempt.
/// Two or three points is taken from the action type, not the coordinates (recorded positions are approximate).
public enum ShotZone: String, Sendable, Codable, CaseIterable, Comparable {
  case restrictedArea = "restricted_area"
  case paint
  case midRange = "mid_range"
  case corner3 = "corner_3"
  case aboveBreak3 = "above_break_3"

  public static let courtLength = 28.0, courtWidth = 15.0, basketFromBaseline = 1.575

  public static func < (a: ShotZone, b: ShotZone) -> Bool {
    allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
  }

  /// The zone of an attempt at (`x`, `y`) percent; `isThree` from the action type.
  public static func classify(x: Double, y: Double, isThree: Bool) -> ShotZone {
    let xp = x > 50 ? 100 - x : x
    let fromBaseline = xp / 100 * courtLength
    let lateral = (y / 100 - 0.5) * courtWidth
    let dx = fromBaseline - basketFromBaseline
    let distance = (dx * dx + lateral * lateral).squareRoot()
    if isThree { return fromBaseline <= 2.99 ? .corner3 : .aboveBreak3 }
    if distance <= 1.25 { return .restrictedArea }
    if fromBaseline <= 5.8 && abs(lateral) <= 2.45 { return .paint }
    return .midRange
  }

  /// Distance to the basket in metres (after mirroring).
  public static func distance(x: Double, y: Double) -> Double {
    let xp = x > 50 ? 100 - x : x
    let dx = xp / 100 * courtLength - basketFromBaseline
    let lateral = (y / 100 - 0.5) * courtWidth
    return (dx * dx + lateral * lateral).squareRoot()
  }

  public var isThree: Bool { self == .corner3 || self == .aboveBreak3 }

  public func label(_ language: ReportLanguage) -> String {
    switch (self, language) {
    case (.restrictedArea, .english): return "restricted area"
    case (.restrictedArea, .french): return "zone restrictive"
    case (.paint, .english): return "paint (non-RA)"
    case (.paint, .french): return "raquette (hors zone restrictive)"
    case (.midRange, .english): return "mid-range"
    case (.midRange, .french): return "mi-distance"
    case (.corner3, .english): return "corner three"
    case (.corner3, .french): return "tir à 3 pts dans le corner"
    case (.aboveBreak3, .english): return "above-the-break three"
    case (.aboveBreak3, .french): return "tir à 3 pts de face/aile"
    }
  }
}
