import Foundation
import Simulation
import Testing
@testable import Basketball

@Suite struct ImpactModelTests {
  @Test func ridgeRecoversAKnownLinearModel() throws {
    // y = 3 + 2·x1 − x2 exactly; tiny λ recovers it.
    var x: [Double] = [], y: [Double] = []
    for i in 0..<50 {
      let a = Double(i % 7), b = Double((i * 3) % 11)
      x += [a, b]; y.append(3 + 2 * a - b)
    }
    let m = try RidgeRegression.fit(x: x, rows: 50, columns: 2, y: y, lambda: 1e-9)
    #expect(abs(m.rawCoefficients[0] - 2) < 1e-6 && abs(m.rawCoefficients[1] + 1) < 1e-6)
    #expect(abs(m.predict([4, 5][...]) - (3 + 8 - 5)) < 1e-6)
    // Larger λ shrinks the standardised coefficients.
    let shrunk = try RidgeRegression.fit(x: x, rows: 50, columns: 2, y: y, lambda: 100)
    #expect(abs(shrunk.coefficients[0]) < abs(m.coefficients[0]))
    #expect(throws: RidgeRegression.FitError.self) { try RidgeRegression.fit(x: [1, 2], rows: 2, columns: 2, y: [1, 2], lambda: 1) }
  }

  @Test func groupFoldsNeverSplitAGame() {
    let groups = (0..<200).map { "g\($0 % 23)" }
    let folds = GroupKFold.assign(groups: groups, k: 5, seed: 9)
    var foldOf: [String: Set<Int>] = [:]
    for (g, f) in zip(groups, folds) { foldOf[g, default: []].insert(f) }
    #expect(foldOf.values.allSatisfy { $0.count == 1 })
    #expect(Set(folds) == Set(0..<5))
    #expect(folds == GroupKFold.assign(groups: groups, k: 5, seed: 9))
  }

  func games() throws -> [FibaGame] {
    if let real = try Fixtures.games() { return real }
    return try (0..<12).map { s in
      let sim = GameSimulator(seed: UInt64(s))
      return try FibaLiveStatsParser.parse(data: sim.liveStatsJSON(), fileName: sim.fileName)
    }
  }

  @Test func crossValidationIsGroupedAndHonest() throws {
    let games = try games()
    let report = try ImpactModel.run(games: games, folds: 5, seed: 42)
    // No leakage by construction: no +/- or composite feature.
    for banned in ["plus", "minus", "eff", "pir", "game_score", "pie", "on_court"] {
      #expect(!report.featureNames.contains { $0.contains(banned) })
    }
    // Grouped: all rows of a game share one fold, and every prediction is out-of-fold.
    var foldOf: [String: Set<Int>] = [:]
    for (p, f) in zip(report.predictions, report.rowFolds) { foldOf[p.gameID, default: []].insert(f) }
    #expect(foldOf.values.allSatisfy { $0.count == 1 })
    // The reported R² is the pooled out-of-fold one.
    #expect(abs(report.crossValidatedR2 - ImpactModel.r2(report.predictions.map(\.actual), report.predictions.map(\.expected))) < 1e-12)
    #expect(report.crossValidatedR2 < 0.9)  // an honest target is hard to predict from the box score
    #expect(report.foldR2.count == report.folds && report.players.count > 0)
    #expect(report.meanAbsoluteContribution.count == report.featureNames.count)
    // Deterministic (checked on a few simulated games to keep the test quick).
    let sims = try (0..<6).map { s in
      let sim = GameSimulator(seed: UInt64(100 + s))
      return try FibaLiveStatsParser.parse(data: sim.liveStatsJSON(), fileName: sim.fileName)
    }
    #expect(try ImpactModel.run(games: sims, folds: 3, seed: 1) == ImpactModel.run(games: sims, folds: 3, seed: 1))
    for language in ReportLanguage.allCases {
      let summary = report.summary(language: language)
      #expect(summary.lines.count >= 4)
      let text = summary.lines.joined(separator: "\n")
      #expect(GroundingChecker(facts: summary.facts).check(text).accepted, "\(GroundingChecker(facts: summary.facts).check(text).problems)")
    }
    print("impact model: \(report.rows) player-games, \(report.games) games, CV R² = \(report.crossValidatedR2), folds \(report.foldR2), λ \(report.foldLambdas)")
  }
}
