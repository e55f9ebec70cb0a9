import Cells
import Engine
import Foundation
import Frame
import Testing
import TestSupport
import WorkbookModel

/// `load` of a FIBA LiveStats game, `coach`, `shot_coaching` (on the bundled samples) and `alert` in-process.
@Suite struct BasketballAndAlertCellsTests {
  /// A bundled sample of the repository's datasets/ folder, as harness files under the same path.
  static func bundled(_ name: String) throws -> [String: [UInt8]] {
    ["datasets/\(name)": [UInt8](try Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("datasets/\(name)")))]
  }

  /// The outputs of `load` with `format: fiba_livestats` on datasets/fiba_game_sample.json, as an upstream cell.
  static func loadedGame() async throws -> GivenCell {
    var harness = CellHarness()
    harness.files = try bundled("fiba_game_sample.json")
    let game = try await harness.run("""
      id: game
      kind: load
      source: datasets/fiba_game_sample.json
      format: fiba_livestats
      """).succeeded()
    return GivenCell(tables: game.tables, result: game.result, files: game.files)
  }

  @Test func fibaGameLoadsIntoItsTables() async throws {
    let game = try await Self.loadedGame()
    #expect(game.tables.map(\.name).prefix(3) == ["games", "teams", "players"])
    #expect(game.result.value(atPath: ["games"]) == .int(1))
    #expect(try #require(game.tables.first { $0.name == "teams" }).frame.rowCount == 2)
  }

  @Test func coachWritesFindingsForBothTeams() async throws {
    var harness = CellHarness()
    harness.upstream["game"] = try await Self.loadedGame()
    let output = try await harness.run("""
      id: report
      kind: coach
      input: game
      """).succeeded()
    #expect(!output.report.isEmpty)
    #expect(output.result.objectValue?.isEmpty == false, "\(output.result)")
  }

  @Test func coachOfAnUnknownTeamNamesTheOption() async throws {
    var harness = CellHarness()
    harness.upstream["game"] = try await Self.loadedGame()
    let failure = try await harness.run("""
      id: report
      kind: coach
      input: game
      team: NOBODY
      """).failed()
    #expect(failure.message.contains("NOBODY"), "\(failure.message)")
    #expect(failure.line == 4)
  }

  @Test func shotCoachingOnTheBundledShots() async throws {
    var load = CellHarness()
    load.files = try Self.bundled("nba_shots_sample.csv")
    let shots = try await load.run("""
      id: bronze
      kind: load
      source: datasets/nba_shots_sample.csv
      """).succeeded()
    let output = try await CellHarness(input: "bronze", try shots.table()).run("""
      id: coaching
      kind: shot_coaching
      input: bronze
      """).succeeded()
    #expect(output.result.value(atPath: ["shots"]) == .int(try shots.table().rowCount))
    #expect(output.result.value(atPath: ["recommendations"])?.arrayValue != nil)
  }

  @Test func shotCoachingOfAnUnknownZoneColumnNamesItsLine() async throws {
    let failure = try await CellHarness(input: "shots", tinyShots).run("""
      id: coaching
      kind: shot_coaching
      input: shots
      player: player
      zone: Shot Zone Basik
      made: made
      """).failed()
    #expect(failure.line == 5)
    #expect(failure.message.contains("Shot Zone Basik"), "\(failure.message)")
  }

  @Test func anAlertWithoutItsWebhookVariableIsRecordedNotSent() async throws {
    let output = try await CellHarness().run("""
      id: alert
      kind: alert
      webhook_env: WORKBENCH_TEST_UNSET_WEBHOOK
      text: Shots drifted.
      """).succeeded()
    #expect(output.result.value(atPath: ["sent"]) == .bool(false))
    #expect(output.result.value(atPath: ["reason"])?.stringValue?.contains("WORKBENCH_TEST_UNSET_WEBHOOK") == true,
            "\(output.result)")
  }
}
