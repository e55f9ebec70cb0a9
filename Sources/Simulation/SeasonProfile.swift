/// Shot-selection and accuracy targets for one NBA season, interpolated linearly between anchor seasons
/// measured on real data (NBA.com regular-season shot logs 2003-04 … 2020-21 in
/// ../shared/datasets/nba_shots/nba_com_2004_2024, and the Kaggle 1997-99 sample for 1997-98/1998-99);
/// held constant before 1997 and after 2020. Seasons are named by their starting year (2019 = 2019-20).
public struct SeasonProfile: Sendable, Equatable {
  public var season: Int
  /// 3-point attempts / all field-goal attempts (backcourt heaves included).
  public var threePointShare: Double
  /// Corner threes / (corner + above-the-break threes).
  public var cornerShareOfThrees: Double
  /// Shares of the two-point attempts (sum to 1).
  public var restrictedShareOfTwos: Double
  public var paintShareOfTwos: Double
  public var midRangeShareOfTwos: Double
  /// Backcourt attempts / all attempts.
  public var backcourtShare: Double
  /// Make rates per zone at the zone's typical distance (see ``ShotSimulator/makeProbability(zone:distanceFeet:season:)``).
  public var restrictedMakeRate: Double
  public var paintMakeRate: Double
  public var midRangeMakeRate: Double
  public var cornerThreeMakeRate: Double
  public var aboveTheBreakMakeRate: Double

  /// (season, 3PA share, corner share of 3s, RA / paint / mid-range shares of 2s, RA make rate).
  static let anchors: [(Int, Double, Double, Double, Double, Double, Double)] = [
    (1997, 0.158, 0.180, 0.382, 0.181, 0.437, 0.590),
    (1998, 0.163, 0.180, 0.382, 0.181, 0.437, 0.590),
    (2003, 0.187, 0.270, 0.385, 0.177, 0.438, 0.582),
    (2004, 0.196, 0.280, 0.397, 0.162, 0.441, 0.590),
    (2007, 0.222, 0.273, 0.411, 0.166, 0.423, 0.600),
    (2011, 0.226, 0.269, 0.417, 0.192, 0.391, 0.605),
    (2015, 0.284, 0.258, 0.453, 0.203, 0.344, 0.602),
    (2017, 0.337, 0.219, 0.476, 0.237, 0.287, 0.615),
    (2019, 0.384, 0.225, 0.522, 0.262, 0.216, 0.625),
    (2020, 0.392, 0.236, 0.494, 0.294, 0.212, 0.625),
  ]

  /// The profile for `season` (start year).
  public static func profile(for season: Int) -> SeasonProfile {
    let a = anchors
    var lower = a[0], upper = a[0]
    if season <= a[0].0 {
      lower = a[0]; upper = a[0]
    } else if season >= a[a.count - 1].0 {
      lower = a[a.count - 1]; upper = lower
    } else {
      for i in 1..<a.count where a[i].0 >= season {
        lower = a[i - 1]; upper = a[i]
        break
      }
    }
    let t = upper.0 == lower.0 ? 0 : Double(season - lower.0) / Double(upper.0 - lower.0)
    func mix(_ l: Double, _ u: Double) -> Double { l + (u - l) * t }
    let ra = mix(lower.3, upper.3), paint = mix(lower.4, upper.4), mid = mix(lower.5, upper.5)
    let total = ra + paint + mid
    return SeasonProfile(
      season: season, threePointShare: mix(lower.1, upper.1), cornerShareOfThrees: mix(lower.2, upper.2),
      restrictedShareOfTwos: ra / total, paintShareOfTwos: paint / total, midRangeShareOfTwos: mid / total,
      backcourtShare: 0.002, restrictedMakeRate: mix(lower.6, upper.6), paintMakeRate: 0.390, midRangeMakeRate: 0.395,
      cornerThreeMakeRate: 0.385, aboveTheBreakMakeRate: 0.350)
  }

  /// Probability of each zone for one attempt.
  public var zoneProbabilities: [ShotZone: Double] {
    let threes = threePointShare - backcourtShare
    let twos = 1 - threePointShare
    return [
      .restrictedArea: twos * restrictedShareOfTwos, .paint: twos * paintShareOfTwos, .midRange: twos * midRangeShareOfTwos,
      .leftCorner3: threes * cornerShareOfThrees * 0.52, .rightCorner3: threes * cornerShareOfThrees * 0.48,
      .aboveTheBreak3: threes * (1 - cornerShareOfThrees), .backcourt: backcourtShare,
    ]
  }
}
