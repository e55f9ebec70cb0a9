import Foundation
import Testing
import TestSupport
@testable import Simulation

@Suite struct ShotGeometryTests {
  @Test func landmarks() {
    #expect(ShotGeometry(x: 0, y: 0).zone == .restrictedArea)
    #expect(ShotGeometry(x: 0, y: 0).range == "Less Than 8 ft.")
    #expect(ShotGeometry(x: 0, y: 100).zone == .paint)
    #expect(ShotGeometry(x: 0, y: 200).zone == .midRange)
    #expect(ShotGeometry(x: 0, y: 200).area == "Center(C)")
    #expect(ShotGeometry(x: -230, y: 10).zone == .leftCorner3)
    #expect(ShotGeometry(x: 230, y: 10).area == "Right Side(R)")
    #expect(ShotGeometry(x: 0, y: 240).zone == .aboveTheBreak3)
    #expect(ShotGeometry(x: 0, y: 237).zone == .midRange)
    #expect(ShotGeometry(x: 0, y: 500).zone == .backcourt)
    #expect(ShotGeometry(x: 150, y: 150).area == "Right Side Center(RC)")
    #expect(ShotGeometry(x: -150, y: 150).area == "Left Side Center(LC)")
    #expect(ShotGeometry(x: 200, y: -20).area == "Right Side(R)")
    #expect(ShotGeometry(x: 0, y: 239).shotDistance == 23)
  }

  /// Our zone rules against NBA.com's labels on real Kaggle rows (boundary rows and a few mislabelled
  /// rows in the source disagree; see docs/simulation.md for the measured agreement).
  @Test(.needsDataset("nba_shots/kaggle_random_10000.csv")) func agreesWithRealLabels() throws {
    let url = try #require(try Oracles.sharedDataset("nba_shots/kaggle_random_10000.csv"))
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline)
    let header = lines.removeFirst().split(separator: ",").map(String.init)
    let ix = { (name: String) throws -> Int in try #require(header.firstIndex(of: name)) }
    let (xi, yi, di, ti, zi, ai, ri) = (try ix("X Location"), try ix("Y Location"), try ix("Shot Distance"), try ix("Shot Type"),
      try ix("Shot Zone Basic"), try ix("Shot Zone Area"), try ix("Shot Zone Range"))
    var n = 0, distance = 0, type = 0, zone = 0, area = 0, range = 0
    for line in lines {
      let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard f.count == header.count, let x = Int(f[xi]), let y = Int(f[yi]) else { continue }
      let g = ShotGeometry(x: x, y: y)
      n += 1
      if String(g.shotDistance) == f[di] { distance += 1 }
      if g.shotType == f[ti] { type += 1 }
      if g.zone.rawValue == f[zi] { zone += 1 }
      if g.area == f[ai] { area += 1 }
      if g.range == f[ri] { range += 1 }
    }
    let rate = { (k: Int) in Double(k) / Double(max(1, n)) }
    print("agreement on \(n) real rows: distance \(rate(distance)) type \(rate(type)) zone \(rate(zone)) area \(rate(area)) range \(rate(range))")
    #expect(n == 10_000)
    #expect(rate(distance) == 1)
    #expect(rate(type) > 0.995)
    #expect(rate(zone) > 0.995)
    #expect(rate(area) > 0.995)
    #expect(rate(range) > 0.995)
  }
}
