import Foundation

/// A shot chart: shots at court coordinates (see ``CourtGeometry`` for the systems) drawn over a half court,
/// either as points coloured made/missed or as hexagonal bins coloured by success rate.
public struct ShotChart: Sendable, Equatable {
  public var court: CourtGeometry
  public var x: [Double]
  public var y: [Double]
  public var made: [Bool]
  public var style: Style
  /// Legend labels of the two point colours (e.g. `Réussi` / `Manqué` in a French report).
  public var madeLabel = "Made"
  public var missedLabel = "Missed"

  public enum Style: Sendable, Equatable {
    /// One point per shot, made and missed in two colours.
    case points
    /// Pointy-top hexagons of circumradius `size` (court units); colour = makes / attempts, hexagons with
    /// fewer than `minimumAttempts` shots are left out.
    case hexbin(size: Double, minimumAttempts: Int = 1)
  }

  public init(court: CourtGeometry = .nba(), x: [Double], y: [Double], made: [Bool], style: Style = .points,
              madeLabel: String = "Made", missedLabel: String = "Missed") {
    self.court = court; self.x = x; self.y = y; self.made = made; self.style = style
    self.madeLabel = madeLabel; self.missedLabel = missedLabel
  }

  /// Hexagonal bins of the shots: centre, attempts and makes, ordered by (row, column) for determinism.
  public func hexbins() throws(PlottingError) -> [HexBin] {
    guard case .hexbin(let size, let minimumAttempts) = style else { return [] }
    guard size > 0, size.isFinite else { throw .invalidChart("shot chart: hexbin size must be positive, got \(size)") }
    try validate()
    // Pointy-top axial coordinates: q along x, r along y.
    let sqrt3 = 3.0.squareRoot()
    var bins: [Key: (Int, Int)] = [:]
    for i in 0..<x.count where x[i].isFinite && y[i].isFinite {
      let qf = (sqrt3 / 3 * x[i] - y[i] / 3) / size
      let rf = (2.0 / 3 * y[i]) / size
      guard abs(qf) < 1e9, abs(rf) < 1e9 else { continue }  // far off court: not binnable as Int
      let key = Self.roundAxial(qf, rf)
      let old = bins[key] ?? (0, 0)
      bins[key] = (old.0 + 1, old.1 + (made[i] ? 1 : 0))
    }
    return bins.filter { $0.value.0 >= minimumAttempts }
      .sorted { ($0.key.r, $0.key.q) < ($1.key.r, $1.key.q) }
      .map { key, value in
        HexBin(
          centerX: size * sqrt3 * (Double(key.q) + Double(key.r) / 2), centerY: size * 1.5 * Double(key.r),
          attempts: value.0, makes: value.1)
      }
  }

  func validate() throws(PlottingError) {
    guard x.count == y.count, x.count == made.count else {
      throw .invalidChart("shot chart: x, y and made must have the same length (got \(x.count), \(y.count), \(made.count))")
    }
  }

  struct Key: Hashable { var q: Int; var r: Int }

  static func roundAxial(_ q: Double, _ r: Double) -> Key {
    let s = -q - r
    var rq = q.rounded(), rr = r.rounded()
    let rs = s.rounded()
    let dq = abs(rq - q), dr = abs(rr - r), ds = abs(rs - s)
    if dq > dr && dq > ds { rq = -rr - rs } else if dr > ds { rr = -rq - rs }
    return Key(q: Int(rq), r: Int(rr))
  }
}

/// One hexagonal bin of a shot chart.
public struct HexBin: Sendable, Equatable {
  public var centerX: Double
  public var centerY: Double
  public var attempts: Int
  public var makes: Int
  public var successRate: Double { attempts > 0 ? Double(makes) / Double(attempts) : 0 }
}
