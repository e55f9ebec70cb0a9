/// Attempts, makes and efficiency of a set of shots in one ``ShotZone``.
public struct ShotProfile: Sendable, Equatable, Codable {
  public var zone: ShotZone
  public var attempts: Int
  public var made: Int
  /// Share of the group's attempts taken from this zone.
  public var frequency: Double

  public var fieldGoalPct: Double { attempts > 0 ? Double(made) / Double(attempts) : 0 }
  /// Points per attempt (2 or 3 per make).
  public var pointsPerShot: Double { attempts > 0 ? Double(made * (zone.isThree ? 3 : 2)) / Double(attempts) : 0 }
  /// eFG% of the zone = points per shot / 2.
  public var effectiveFieldGoalPct: Double { pointsPerShot / 2 }

  /// One row per zone (all zones, in ``ShotZone`` order, including empty ones).
  public static func compute(_ shots: [FibaShot]) -> [ShotProfile] {
    var attempts = [ShotZone: Int](), made = [ShotZone: Int]()
    for s in shots {
      attempts[s.zone, default: 0] += 1
      if s.made { made[s.zone, default: 0] += 1 }
    }
    let total = shots.count
    return ShotZone.allCases.map { z in
      ShotProfile(zone: z, attempts: attempts[z] ?? 0, made: made[z] ?? 0,
                  frequency: total > 0 ? Double(attempts[z] ?? 0) / Double(total) : 0)
    }
  }
}
