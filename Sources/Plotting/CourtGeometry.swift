import Foundation

/// Half-court dimensions in the chart's coordinate units, with the hoop centre at (0, 0), x across the
/// court (positive to the right when looking at the hoop from half court… as in NBA.com data, where +x is the
/// shooter's left seen from the baseline) and y growing from the baseline towards half court.
///
/// * ``nba(unitsPerFoot:)`` — the NBA.com / Kaggle shot-log system: units are tenths of a foot by default,
///   so the baseline is at y = −47.5 (the hoop centre is 4.75 ft inside the baseline) and the sidelines at
///   x = ±250. 3-point arc radius 23.75 ft, corner threes 22 ft from the hoop, paint 16 ft wide × 19 ft
///   deep, free-throw circle radius 6 ft, restricted-area arc radius 4 ft, backboard 4 ft from the baseline.
/// * ``fiba(unitsPerMetre:)`` — FIBA court (28 m × 15 m), units are centimetres by default: hoop centre
///   1.575 m from the baseline, sidelines at ±7.5 m, 3-point arc 6.75 m with corner lines 6.6 m from the
///   hoop, paint 4.9 m wide × 5.8 m, free-throw circle 1.8 m, no-charge semicircle 1.25 m, backboard 1.2 m
///   from the baseline.
public struct CourtGeometry: Sendable, Equatable {
  public var name: String
  public var halfWidth: Double
  /// y of the baseline (negative: behind the hoop).
  public var baselineY: Double
  /// y of the half-court line.
  public var halfCourtY: Double
  public var threePointRadius: Double
  /// |x| of the straight corner 3-point lines.
  public var cornerThreeX: Double
  public var paintHalfWidth: Double
  /// y of the free-throw line (the end of the paint).
  public var freeThrowLineY: Double
  public var freeThrowCircleRadius: Double
  public var restrictedAreaRadius: Double
  public var backboardY: Double
  public var backboardHalfWidth: Double
  public var rimRadius: Double
  public var centerCircleRadius: Double

  /// NBA half court in NBA.com shot-log coordinates (tenths of feet when `unitsPerFoot` is 10).
  public static func nba(unitsPerFoot u: Double = 10) -> CourtGeometry {
    CourtGeometry(
      name: "NBA", halfWidth: 25 * u, baselineY: -4.75 * u, halfCourtY: (47 - 4.75) * u,
      threePointRadius: 23.75 * u, cornerThreeX: 22 * u, paintHalfWidth: 8 * u, freeThrowLineY: (19 - 4.75) * u,
      freeThrowCircleRadius: 6 * u, restrictedAreaRadius: 4 * u, backboardY: (4 - 4.75) * u, backboardHalfWidth: 3 * u,
      rimRadius: 0.75 * u, centerCircleRadius: 6 * u)
  }

  /// FIBA half court, hoop at the origin (centimetres when `unitsPerMetre` is 100).
  public static func fiba(unitsPerMetre u: Double = 100) -> CourtGeometry {
    CourtGeometry(
      name: "FIBA", halfWidth: 7.5 * u, baselineY: -1.575 * u, halfCourtY: (14 - 1.575) * u,
      threePointRadius: 6.75 * u, cornerThreeX: 6.6 * u, paintHalfWidth: 2.45 * u, freeThrowLineY: (5.8 - 1.575) * u,
      freeThrowCircleRadius: 1.8 * u, restrictedAreaRadius: 1.25 * u, backboardY: (1.2 - 1.575) * u,
      backboardHalfWidth: 0.9 * u, rimRadius: 0.225 * u, centerCircleRadius: 1.8 * u)
  }

  /// Throws when a dimension is not finite or the lines cannot be drawn (a corner line outside the arc…).
  public func validate() throws(PlottingError) {
    let values = [halfWidth, baselineY, halfCourtY, threePointRadius, cornerThreeX, paintHalfWidth, freeThrowLineY,
                  freeThrowCircleRadius, restrictedAreaRadius, backboardY, backboardHalfWidth, rimRadius, centerCircleRadius]
    guard values.allSatisfy(\.isFinite) else { throw .invalidChart("court \(name): every dimension must be finite") }
    guard halfWidth > 0, halfCourtY > baselineY, threePointRadius > 0, cornerThreeX >= 0, cornerThreeX <= threePointRadius else {
      throw .invalidChart("court \(name): need halfWidth > 0, halfCourtY > baselineY and 0 <= cornerThreeX <= threePointRadius")
    }
  }

  /// y where the corner 3-point lines meet the arc.
  public var cornerThreeTopY: Double {
    (threePointRadius * threePointRadius - cornerThreeX * cornerThreeX).squareRoot()
  }

  /// The court lines as polylines (each a list of (x, y) points), arcs sampled every degree.
  public func lines() -> [[(Double, Double)]] {
    func arc(_ cx: Double, _ cy: Double, _ r: Double, from a0: Double, to a1: Double) -> [(Double, Double)] {
      let span = abs(a1 - a0)
      let steps = span.isFinite ? max(2, min(720, Int(span.rounded(.up)))) : 2
      return (0...steps).map { i in
        let a = (a0 + (a1 - a0) * Double(i) / Double(steps)) * Double.pi / 180
        return (cx + r * cos(a), cy + r * sin(a))
      }
    }
    let w = halfWidth, b = baselineY, top = halfCourtY
    let cornerAngle = atan2(cornerThreeTopY, cornerThreeX) * 180 / Double.pi
    return [
      [(-w, b), (w, b), (w, top), (-w, top), (-w, b)],  // boundary
      [(-paintHalfWidth, b), (-paintHalfWidth, freeThrowLineY), (paintHalfWidth, freeThrowLineY), (paintHalfWidth, b)],
      arc(0, freeThrowLineY, freeThrowCircleRadius, from: 0, to: 180),
      [(-cornerThreeX, b), (-cornerThreeX, cornerThreeTopY)] + arc(0, 0, threePointRadius, from: 180 - cornerAngle, to: cornerAngle)
        + [(cornerThreeX, cornerThreeTopY), (cornerThreeX, b)],
      arc(0, 0, restrictedAreaRadius, from: 0, to: 180),
      [(-backboardHalfWidth, backboardY), (backboardHalfWidth, backboardY)],
      arc(0, 0, rimRadius, from: 0, to: 360),
      arc(0, top, centerCircleRadius, from: 180, to: 360),
    ]
  }
}
