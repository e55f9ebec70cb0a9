import Foundation
import Learn
import Testing
import TestSupport
@testable import Simulation

/// Per-zone attempts and makes of simulated rows.
struct ZoneTally {
  var attempts: [String: Int] = [:]
  var makes: [String: Int] = [:]
  var threes = 0
  var threeMakes = 0
  var total = 0
  init(_ rows: [SimulatedShot]) {
    for r in rows {
      attempts[r.shotZoneBasic, default: 0] += 1
      makes[r.shotZoneBasic, default: 0] += r.shotMadeFlag
      if r.shotType == "3PT Field Goal" { threes += 1; threeMakes += r.shotMadeFlag }
      total += 1
    }
  }
  func rate(_ zone: ShotZone) -> Double { Double(makes[zone.rawValue] ?? 0) / Double(max(1, attempts[zone.rawValue] ?? 0)) }
  func rate(_ zones: [ShotZone]) -> Double {
    Double(zones.map { makes[$0.rawValue] ?? 0 }.reduce(0, +)) / Double(max(1, zones.map { attempts[$0.rawValue] ?? 0 }.reduce(0, +)))
  }
  func share(_ zone: ShotZone) -> Double { Double(attempts[zone.rawValue] ?? 0) / Double(max(1, total)) }
  var threeShare: Double { Double(threes) / Double(max(1, total)) }
}

@Suite struct ShotSimulatorTests {
  @Test func deterministicPerSeedAndPrefixStable() throws {
    let a = try ShotSimulator(seed: 42, season: 2015).csv(count: 500)
    let b = try ShotSimulator(seed: 42, season: 2015).csv(count: 500)
    #expect(a == b)
    #expect(try ShotSimulator(seed: 43, season: 2015).csv(count: 500) != a)
    let short = try ShotSimulator(seed: 42, season: 2015).rows(count: 20)
    let long = try ShotSimulator(seed: 42, season: 2015).rows(count: 200)
    #expect(Array(long.prefix(20)) == short)
    #expect(try ShotSimulator(seed: 1).rows(count: 0).isEmpty)
    var streamed = ""
    try ShotSimulator(seed: 42, season: 2015).writeCSV(count: 500, rowsPerChunk: 77) { streamed += $0 }
    #expect(streamed == a)
  }

  @Test(.needsDataset("nba_shots/kaggle_random_1000_parivision.csv")) func headerMatchesKaggleFile() throws {
    let header = String(CSVText.document([]).dropLast())
    #expect(header.split(separator: ",").count == 22)
    let url = try #require(try Oracles.sharedDataset("nba_shots/kaggle_random_1000_parivision.csv"))
    let real = try String(contentsOf: url, encoding: .utf8)
    let realHeader = real.prefix { $0 != "\n" && $0 != "\r\n" }
    #expect(String(realHeader) == header)
  }

  @Test func valueFormatsFollowKaggle() throws {
    let rows = try ShotSimulator(seed: 7, season: 2000).rows(count: 2000)
    let csv = CSVText.document(rows)
    let lines = csv.split(separator: "\n")
    #expect(lines.count == 2001)
    for line in lines { #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == 22) }
    for r in rows {
      let id = String(r.gameID)
      #expect(id.count == 8 && (id.hasPrefix("2") || id.hasPrefix("4")))
      #expect(id.dropFirst().prefix(2) == "00")  // season 2000-01
      #expect((r.seasonType == "Playoffs") == id.hasPrefix("4"))
      #expect((20_001_028...20_010_630).contains(r.gameDate))
      let month = r.gameDate / 100 % 100, day = r.gameDate % 100
      #expect((1...12).contains(month) && (1...31).contains(day))
      #expect((1...6).contains(r.period) && (0...11).contains(r.minutesRemaining) && (0...59).contains(r.secondsRemaining))
      #expect(r.period <= 4 || r.minutesRemaining <= 4)
      #expect(r.shotMadeFlag == 0 || r.shotMadeFlag == 1)
      #expect(r.homeTeam != r.awayTeam)
      let team = try #require(FictionalLeague.teams.first { $0.id == r.teamID })
      #expect(team.name == r.teamName && [r.homeTeam, r.awayTeam].contains(team.abbreviation))
    }
    // One game, one date and one pair of teams.
    var games: [Int: (Int, String, String)] = [:]
    for r in rows {
      if let seen = games[r.gameID] { #expect(seen == (r.gameDate, r.homeTeam, r.awayTeam)) } else { games[r.gameID] = (r.gameDate, r.homeTeam, r.awayTeam) }
    }
  }

  @Test func coordinatesDistanceZoneAndTypeAreConsistent() throws {
    for season in [1997, 2019] {
      for r in try ShotSimulator(seed: 11, season: season).rows(count: 5000) {
        let g = ShotGeometry(x: r.xLocation, y: r.yLocation)
        let distance = (Double(r.xLocation * r.xLocation + r.yLocation * r.yLocation)).squareRoot() / 10
        #expect(r.shotDistance == Int(distance.rounded(.down)))
        #expect(g.zone.rawValue == r.shotZoneBasic && g.area == r.shotZoneArea && g.range == r.shotZoneRange && g.shotType == r.shotType)
        let zone = try #require(ShotZone(rawValue: r.shotZoneBasic))
        #expect(zone.isThree == (r.shotType == "3PT Field Goal"))
        switch zone {
        case .restrictedArea: #expect(distance <= 4)
        case .paint: #expect(abs(r.xLocation) < 80 && r.yLocation < 143 && distance > 4)
        case .midRange: #expect(distance >= 4 && distance <= 23.75)
        case .leftCorner3: #expect(r.xLocation < -220 && r.yLocation <= 90)
        case .rightCorner3: #expect(r.xLocation > 220 && r.yLocation <= 90)
        case .aboveTheBreak3: #expect(distance > 23.75)
        case .backcourt: #expect(r.yLocation > 422)
        }
        if r.shotZoneRange == "Less Than 8 ft." { #expect(distance < 8) }
        if r.shotType == "3PT Field Goal" { #expect(distance >= 22) }
        #expect(abs(r.xLocation) <= 250 && r.yLocation >= -47)
      }
    }
  }

  /// Make rates and zone mix within tolerance of the published tendencies (n = 20000 per season:
  /// one binomial standard error is about 0.005–0.01 per zone).
  @Test(arguments: [1997, 2004, 2007, 2015, 2019, 2022])
  func marginalsFollowTargets(season: Int) throws {
    let rows = try ShotSimulator(seed: 2024, season: season).rows(count: 20_000)
    let t = ZoneTally(rows)
    let profile = SeasonProfile.profile(for: season)
    #expect(abs(t.threeShare - profile.threePointShare) < 0.012, "3PA share \(t.threeShare) vs \(profile.threePointShare)")
    #expect((0.585...0.645).contains(t.rate(.restrictedArea)), "RA \(t.rate(.restrictedArea))")
    #expect((0.36...0.42).contains(t.rate(.paint)), "paint \(t.rate(.paint))")
    #expect((0.37...0.42).contains(t.rate(.midRange)), "mid \(t.rate(.midRange))")
    let threeRate = Double(t.threeMakes) / Double(t.threes)
    #expect((0.33...0.38).contains(threeRate), "3PT \(threeRate)")
    #expect(t.rate([.leftCorner3, .rightCorner3]) > t.rate(.aboveTheBreak3) + 0.01)
    #expect((0.43...0.48).contains(t.rate(ShotZone.allCases)), "FG% \(t.rate(ShotZone.allCases))")
    let twos = 1 - t.threeShare
    #expect(abs(t.share(.restrictedArea) / twos - profile.restrictedShareOfTwos) < 0.02)
    #expect(abs(t.share(.midRange) / twos - profile.midRangeShareOfTwos) < 0.02)
  }

  /// The rise of the three: ~16 % of attempts in 1997-98, ~19–22 % in the mid-2000s, ~39 % from 2019-20.
  @Test func threePointShareRisesAcrossSeasons() throws {
    let share = { (season: Int) throws -> Double in ZoneTally(try ShotSimulator(seed: 5, season: season).rows(count: 10_000)).threeShare }
    let s1997 = try share(1997), s2004 = try share(2004), s2008 = try share(2008), s2020 = try share(2020)
    #expect(abs(s1997 - 0.16) < 0.015)
    #expect(abs(s2004 - 0.20) < 0.02)
    #expect(abs(s2008 - 0.22) < 0.015)
    #expect((0.375...0.41).contains(s2020))
    #expect(s1997 < s2004 && s2004 < s2008 && s2008 < s2020)
  }

  /// Make rate falls with distance inside the mid-range and beyond 28 ft.
  @Test func makeRateFallsWithDistance() throws {
    let sim = try ShotSimulator(seed: 1, season: 2010)
    #expect(sim.makeProbability(zone: .midRange, distanceFeet: 10) > sim.makeProbability(zone: .midRange, distanceFeet: 22))
    #expect(sim.makeProbability(zone: .aboveTheBreak3, distanceFeet: 24) > sim.makeProbability(zone: .aboveTheBreak3, distanceFeet: 35))
    #expect(sim.makeProbability(zone: .restrictedArea, distanceFeet: 0) > sim.makeProbability(zone: .paint, distanceFeet: 6))
  }

  @Test(.needsDataset("nba_shots/kaggle_random_10000.csv")) func namesAreFictionalAndUnique() throws {
    var names = Set<String>(), ids = Set<Int>()
    for team in 0..<30 {
      for slot in 0..<FictionalLeague.playersPerTeam {
        let p = FictionalLeague.player(team: team, slot: slot)
        names.insert(p.name); ids.insert(p.id)
      }
    }
    #expect(names.count == 420 && ids.count == 420)
    #expect(Set(FictionalLeague.teams.map(\.abbreviation)).count == 30)
    let url = try #require(try Oracles.sharedDataset("nba_shots/kaggle_random_10000.csv"))
    let real = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
    var realNames = Set<String>(), realTeams = Set<String>()
    for line in real {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == 22 else { continue }
      realNames.insert(String(fields[3])); realTeams.insert(String(fields[5]))
    }
    #expect(realNames.count > 400)
    #expect(names.isDisjoint(with: realNames))
    #expect(Set(FictionalLeague.teams.map(\.name)).isDisjoint(with: realTeams))
  }

  @Test func csvQuoting() {
    #expect(CSVText.field("plain") == "plain")
    #expect(CSVText.field("a,b") == "\"a,b\"")
    #expect(CSVText.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(CSVText.field("a\r\nb") == "\"a\r\nb\"")
    #expect(CSVText.field("O'Dallow") == "O'Dallow")
  }

  @Test func invalidArgumentsThrow() {
    #expect(throws: SimulationError.self) { try ShotSimulator(seed: 1, season: 1950) }
    #expect(throws: SimulationError.self) { try ShotSimulator(seed: 1, season: 2019).rows(count: -1) }
  }
}
