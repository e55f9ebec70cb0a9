import Foundation
import Simulation
import Testing
@testable import Basketball

@Suite struct SimulatorTests {
  @Test func simulatedGamesReconcile() throws {
    for seed in UInt64(0)..<24 {
      let sim = GameSimulator(seed: seed)
      let data = try sim.liveStatsJSON()
      let game = try FibaLiveStatsParser.parse(data: data, fileName: sim.fileName)
      #expect(game.gameID == sim.gameID)
      let failed = Reconciliation.checks(game).filter { !$0.passed }
      #expect(failed.isEmpty, "seed \(seed): \(failed.map(\.summary).joined(separator: "\n"))")
      #expect(game.players.filter(\.didNotPlay).count == 4)
      #expect(game.stints.allSatisfy { $0.isFiveMan })
      #expect(game.teams[0].score != game.teams[1].score)
    }
  }

  @Test func sameSeedSameBytes() throws {
    let a = try GameSimulator(seed: 7).liveStatsJSON(), b = try GameSimulator(seed: 7).liveStatsJSON()
    let c = try GameSimulator(seed: 8).liveStatsJSON()
    #expect(a == b)
    #expect(a != c)
  }
}
