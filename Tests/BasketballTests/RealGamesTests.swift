import Foundation
import Testing
@testable import Basketball
import TestSupport

@Suite struct RealGamesTests {
  @Test(.needsDataset("fiba_livestats")) func everyRealGameParsesAndReconciles() throws {
    let games = try #require(try Fixtures.games())
    #expect(games.count == 80)
    var failures: [String] = []
    for g in games {
      for c in Reconciliation.checks(g) where !c.acceptable { failures.append(c.summary) }
    }
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
  }
}
