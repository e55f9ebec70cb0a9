import Learn
import WorkbenchCore

/// Simulated NBA field-goal attempts in the Kaggle bronze schema, following real published tendencies of a
/// season (``SeasonProfile``): zone mix, the 3-point attempt share, make rate by zone and distance, corner
/// threes better than above-the-break threes. Names, teams and IDs are fictional (``FictionalLeague``).
///
/// Deterministic: row `i` is drawn from `SeededGenerator(seed:).stream(i)`, so the same seed gives the same
/// rows whatever `count` (row i of a 10-row file equals row i of a 1M-row file) and whatever the thread count.
/// Every location is generated as integer X/Y and then classified by ``ShotGeometry``, so distance, zone,
/// area, range and shot type are always consistent with the coordinates.
public struct ShotSimulator: Sendable {
  public let seed: UInt64
  public let season: Int
  public let profile: SeasonProfile
  /// Share of playoff rows.
  public var playoffShare = 0.05
  /// Zone probabilities in ``zoneOrder`` order.
  let zoneWeights: [Double]

  /// `season` is the starting year (2019 = 2019-20), 1979...2100 (the 3-point line exists from 1979-80).
  public init(seed: UInt64, season: Int = 2019) throws(SimulationError) {
    guard (1979...2100).contains(season) else {
      throw SimulationError.invalidSeason("season \(season) is out of range 1979...2100 (use the starting year, e.g. 2019 for 2019-20)")
    }
    self.seed = seed; self.season = season
    let profile = SeasonProfile.profile(for: season)
    self.profile = profile
    let probabilities = profile.zoneProbabilities
    zoneWeights = Self.zoneOrder.map { probabilities[$0] ?? 0 }
  }

  /// The first `count` rows.
  public func rows(count: Int) throws(SimulationError) -> [SimulatedShot] {
    guard count >= 0, count <= 50_000_000 else { throw .invalidCount("row count \(count) must be in 0...50000000") }
    let base = SeededGenerator(seed: seed)
    return (0..<count).map { row(index: $0, generator: base.stream($0)) }
  }

  /// The rows as CSV text with the Kaggle header.
  public func csv(count: Int) throws(SimulationError) -> String { CSVText.document(try rows(count: count)) }

  /// Streams the CSV (header first) in chunks of `rowsPerChunk` rows, for files too large to hold in memory;
  /// the concatenated chunks equal ``csv(count:)``. Errors thrown by `write` are rethrown.
  public func writeCSV(count: Int, rowsPerChunk: Int = 10_000, _ write: (String) throws -> Void) throws {
    guard count >= 0, count <= 50_000_000 else { throw SimulationError.invalidCount("row count \(count) must be in 0...50000000") }
    let chunk = max(1, rowsPerChunk)
    let base = SeededGenerator(seed: seed)
    try write(CSVText.line(SimulatedShot.columns))
    var start = 0
    while start < count {
      let end = min(count, start + chunk)
      var text = ""
      text.reserveCapacity((end - start) * 160)
      for i in start..<end { row(index: i, generator: base.stream(i)).appendCSVLine(to: &text) }
      try write(text)
      start = end
    }
  }

  // MARK: - One row

  static let zoneOrder: [ShotZone] = [.restrictedArea, .paint, .midRange, .leftCorner3, .rightCorner3, .aboveTheBreak3, .backcourt]
  static let playerWeights: [Double] = [0.16, 0.14, 0.13, 0.12, 0.11, 0.09, 0.07, 0.06, 0.05, 0.03, 0.02, 0.01, 0.005, 0.005]

  func row(index: Int, generator: SeededGenerator) -> SimulatedShot {
    var g = generator
    // Game: regular season or playoffs, facts derived from the game number only.
    let playoffs = g.nextDouble() < playoffShare
    let game = playoffs ? Self.playoffGame(&g) : 1 + g.nextInt(below: 1230)
    let gameID = (playoffs ? 40_000_000 : 20_000_000) + (season % 100) * 100_000 + game
    var gameRandom = SeededGenerator(seed: seed).stream(-1 - gameID)
    let home = gameRandom.nextInt(below: 30)
    let away = (home + 1 + gameRandom.nextInt(below: 29)) % 30
    let date = playoffs ? Self.playoffDate(season: season, game: game) : Self.regularDate(season: season, game: game)

    // Shooter.
    let shootingTeam = g.nextDouble() < 0.5 ? home : away
    let slot = Self.pick(Self.playerWeights, &g)
    let player = FictionalLeague.roster[shootingTeam * FictionalLeague.playersPerTeam + slot]
    let skill = Double((shootingTeam * 14 + slot) * 37 % 61) / 1000 - 0.03  // −0.03…+0.03, fixed per player

    // Clock.
    let u = g.nextDouble()
    let period = u < 0.99 ? 1 + Int(u / 0.2475) : u < 0.999 ? 5 : 6
    let minutes = g.nextInt(below: period <= 4 ? 12 : 5)
    let seconds = g.nextInt(below: 60)
    let elapsed = (period <= 4 ? (period - 1) * 720 : 2880 + (period - 5) * 300) + ((period <= 4 ? 11 : 4) - minutes) * 60 + (59 - seconds)
    let eventID = 2 + elapsed / 5 + g.nextInt(below: 12)

    // Location and outcome.
    let zone = Self.zoneOrder[Self.pick(zoneWeights, &g)]
    let geometry = Self.location(in: zone, &g)
    let p = min(0.99, max(0.01, makeProbability(zone: geometry.zone, distanceFeet: geometry.distanceFeet) + (geometry.zone == .backcourt ? 0 : skill)))
    let made = g.nextDouble() < p
    let action = Self.actionType(geometry.zone, &g)

    let team = FictionalLeague.teams[shootingTeam]
    return SimulatedShot(
      gameID: gameID, gameEventID: eventID, playerID: player.id, playerName: player.name, teamID: team.id, teamName: team.name,
      period: period, minutesRemaining: minutes, secondsRemaining: seconds, actionType: action, shotType: geometry.shotType,
      shotZoneBasic: geometry.zone.rawValue, shotZoneArea: geometry.area, shotZoneRange: geometry.range,
      shotDistance: geometry.shotDistance, xLocation: geometry.x, yLocation: geometry.y, shotMadeFlag: made ? 1 : 0,
      gameDate: date, homeTeam: FictionalLeague.teams[home].abbreviation, awayTeam: FictionalLeague.teams[away].abbreviation,
      seasonType: playoffs ? "Playoffs" : "Regular Season")
  }

  /// Make probability before the player's skill offset: the zone's season rate, adjusted by distance
  /// (closer is better inside each zone; above-the-break heaves beyond 28 ft fall off fast).
  public func makeProbability(zone: ShotZone, distanceFeet d: Double) -> Double {
    let p: Double
    switch zone {
    case .restrictedArea: p = profile.restrictedMakeRate - 0.04 * (d - 1)
    case .paint: p = profile.paintMakeRate - 0.008 * (d - 8)
    case .midRange: p = profile.midRangeMakeRate - 0.004 * (d - 16)
    case .leftCorner3, .rightCorner3: p = profile.cornerThreeMakeRate
    case .aboveTheBreak3: p = d <= 28 ? profile.aboveTheBreakMakeRate + 0.01 * (25 - d) : profile.aboveTheBreakMakeRate - 0.03 - 0.02 * (d - 28)
    case .backcourt: p = 0.02
    }
    return min(0.99, max(0.01, p))
  }

  // MARK: - Sampling helpers

  static func pick(_ weights: [Double], _ g: inout SeededGenerator) -> Int {
    let total = weights.reduce(0, +)
    var u = g.nextDouble() * total
    for (i, w) in weights.enumerated() {
      if u < w { return i }
      u -= w
    }
    return weights.count - 1
  }

  static func uniform(_ lo: Double, _ hi: Double, _ g: inout SeededGenerator) -> Double { lo + (hi - lo) * g.nextDouble() }

  /// A location whose classification is `zone` (rejection sampling, with a fixed fallback point).
  static func location(in zone: ShotZone, _ g: inout SeededGenerator) -> ShotGeometry {
    for _ in 0..<200 {
      let x: Double, y: Double
      switch zone {
      case .restrictedArea:
        let r = 40 * g.nextDouble() * g.nextDouble(), a = uniform(-30, 210, &g) * Double.pi / 180
        (x, y) = (r * cosine(a), r * sine(a))
      case .paint:
        x = uniform(-79, 79, &g); y = -40 + 182 * power(g.nextDouble(), 1.4)
      case .midRange:
        let d = 16.5 + 4 * g.nextGaussian(), a = uniform(-15, 195, &g) * Double.pi / 180
        (x, y) = (10 * d * cosine(a), 10 * d * sine(a))
      case .leftCorner3, .rightCorner3:
        x = (zone == .leftCorner3 ? -1 : 1) * uniform(221, 248, &g); y = uniform(-45, 89, &g)
      case .aboveTheBreak3:
        let d = g.nextDouble() < 0.96 ? 23.8 + abs(1.5 * g.nextGaussian()) : uniform(27, 40, &g)
        let lowest = arcSine(min(1, 89.5 / (10 * d))) * 180 / Double.pi
        let a = uniform(lowest, 180 - lowest, &g) * Double.pi / 180
        (x, y) = (10 * d * cosine(a), 10 * d * sine(a))
      case .backcourt:
        x = uniform(-240, 240, &g); y = uniform(425, 800, &g)
      }
      guard y >= -47, abs(x) <= 250 else { continue }
      let geometry = ShotGeometry(x: Int(x.rounded()), y: Int(y.rounded()))
      if geometry.zone == zone { return geometry }
    }
    switch zone {
    case .restrictedArea: return ShotGeometry(x: 0, y: 0)
    case .paint: return ShotGeometry(x: 0, y: 100)
    case .midRange: return ShotGeometry(x: 0, y: 180)
    case .leftCorner3: return ShotGeometry(x: -230, y: 0)
    case .rightCorner3: return ShotGeometry(x: 230, y: 0)
    case .aboveTheBreak3: return ShotGeometry(x: 0, y: 250)
    case .backcourt: return ShotGeometry(x: 0, y: 500)
    }
  }

  static let actionTable: [ShotZone: [(String, Double)]] = [
    .restrictedArea: [
      ("Layup Shot", 0.42), ("Driving Layup Shot", 0.18), ("Dunk Shot", 0.08), ("Slam Dunk Shot", 0.06), ("Tip Shot", 0.07),
      ("Reverse Layup Shot", 0.04), ("Running Layup Shot", 0.04), ("Driving Dunk Shot", 0.03), ("Hook Shot", 0.03),
      ("Putback Layup Shot", 0.02), ("Alley Oop Dunk Shot", 0.03),
    ],
    .paint: [
      ("Jump Shot", 0.60), ("Hook Shot", 0.15), ("Turnaround Jump Shot", 0.06), ("Floating Jump shot", 0.06),
      ("Driving Floating Jump Shot", 0.04), ("Running Jump Shot", 0.04), ("Turnaround Hook Shot", 0.05),
    ],
    .midRange: [
      ("Jump Shot", 0.80), ("Pullup Jump shot", 0.06), ("Step Back Jump shot", 0.03), ("Fadeaway Jump Shot", 0.04),
      ("Turnaround Jump Shot", 0.04), ("Running Jump Shot", 0.03),
    ],
    .leftCorner3: [("Jump Shot", 0.92), ("Pullup Jump shot", 0.04), ("Step Back Jump shot", 0.04)],
    .rightCorner3: [("Jump Shot", 0.92), ("Pullup Jump shot", 0.04), ("Step Back Jump shot", 0.04)],
    .aboveTheBreak3: [("Jump Shot", 0.85), ("Pullup Jump shot", 0.07), ("Step Back Jump shot", 0.05), ("Running Jump Shot", 0.03)],
    .backcourt: [("Jump Shot", 1)],
  ]

  /// Action names and weights per zone, in ``zoneOrder`` order.
  static let actionNames: [[String]] = zoneOrder.map { (actionTable[$0] ?? [("Jump Shot", 1)]).map(\.0) }
  static let actionWeights: [[Double]] = zoneOrder.map { (actionTable[$0] ?? [("Jump Shot", 1)]).map(\.1) }

  static func actionType(_ zone: ShotZone, _ g: inout SeededGenerator) -> String {
    let z = zoneOrder.firstIndex(of: zone) ?? 0
    return actionNames[z][pick(actionWeights[z], &g)]
  }

  // MARK: - Calendar

  /// Playoff game number: round·100 + series·10 + game (as in NBA game IDs, e.g. 154).
  static func playoffGame(_ g: inout SeededGenerator) -> Int {
    let round = pick([8, 4, 2, 1], &g) + 1
    let series = g.nextInt(below: 8 >> (round - 1))
    return round * 100 + series * 10 + 1 + g.nextInt(below: 7)
  }

  /// Regular season: game 1 on 28 October of `season`, game 1230 about 170 days later (mid-April).
  static func regularDate(season: Int, game: Int) -> Int {
    CivilDate.yyyymmdd(year: season, month: 10, day: 28, plusDays: (game - 1) * 170 / 1230)
  }

  /// Playoffs: from 19 April of the following year, two weeks per round, two days per game.
  static func playoffDate(season: Int, game: Int) -> Int {
    let round = game / 100, number = game % 10
    return CivilDate.yyyymmdd(year: season + 1, month: 4, day: 19, plusDays: (round - 1) * 14 + (number - 1) * 2)
  }
}

/// Errors from the simulator, saying what to change.
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
  case invalidSeason(String)
  case invalidCount(String)
  public var description: String {
    switch self {
    case .invalidSeason(let s), .invalidCount(let s): return s
    }
  }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
func cosine(_ x: Double) -> Double { cos(x) }
func sine(_ x: Double) -> Double { sin(x) }
func power(_ x: Double, _ y: Double) -> Double { pow(x, y) }
func arcSine(_ x: Double) -> Double { asin(x) }
