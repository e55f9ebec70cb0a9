import Cells
import Engine
import Foundation
import Frame
import Testing
import WorkbookModel

/// Shots small enough to check by eye: 6 rows, 3 zones, one null distance.
let tinyShots: Frame = {
  do {
    return try Frame(columns: [
      Column(name: "player", strings: ["A", "B", "A", "C", "B", "A"]),
      Column(name: "zone", strings: ["paint", "three", "paint", "mid", "three", "mid"]),
      Column(name: "distance", floats: [2, 24, 3, 15, 25, 0], validity: [true, true, true, true, true, false]),
      Column(name: "made", ints: [1, 0, 1, 0, 1, 0]),
    ])
  } catch {
    fatalError("tinyShots: \(error)")
  }
}()

/// The values of column `name` as text ("null" for nulls), for compact expectations.
func texts(_ frame: Frame, _ name: String) -> [String] {
  guard let column = frame.column(named: name) else { return ["no column \(name)"] }
  return (0..<column.count).map { column.value(at: $0).description }
}

/// `load`, `transform`, `sql`, `describe` in-process.
@Suite struct TableCellsTests {
  @Test func loadReadsACSVFromTheProject() async throws {
    var harness = CellHarness()
    harness.files["data/shots.csv"] = Array("player,made\nA,1\nB,0\n".utf8)
    let output = try await harness.run("""
      id: bronze
      kind: load
      source: data/shots.csv
      """).succeeded()
    let table = try output.table()
    #expect(table.columnNames == ["player", "made"])
    #expect(texts(table, "made") == ["1", "0"])
    #expect(output.result.value(atPath: ["rows"]) == .int(2))
  }

  @Test func loadOfAMissingFileNamesTheSourceLine() async throws {
    let failure = try await CellHarness().run("""
      id: bronze
      kind: load
      source: data/absent.csv
      """).failed()
    #expect(failure.line == 3)
    #expect(failure.message.contains("absent.csv"))
  }

  @Test func transformAppliesStepsInOrder() async throws {
    let output = try await CellHarness(input: "shots", tinyShots).run("""
      id: silver
      kind: transform
      input: shots
      steps:
        - filter: "made == 1"
        - derive:
            feet: "distance * 2"
        - select: [player, feet]
      """).succeeded()
    let table = try output.table()
    #expect(table.columnNames == ["player", "feet"])
    #expect(texts(table, "player") == ["A", "A", "B"])
    #expect(texts(table, "feet") == ["4.0", "6.0", "50.0"])
    #expect(output.result.value(atPath: ["rows_in"]) == .int(6))
    #expect(output.result.value(atPath: ["rows"]) == .int(3))
  }

  @Test func transformUnknownColumnPointsAtTheStep() async throws {
    let failure = try await CellHarness(input: "shots", tinyShots).run("""
      id: silver
      kind: transform
      input: shots
      steps:
        - select: [player]
        - drop: [zonee]
      """).failed()
    #expect(failure.line == 6)
    #expect(failure.message.contains("zonee"))
  }

  @Test func transformUnknownStepIsRefusedBeforeRunning() async throws {
    let run = try await CellHarness(input: "shots", tinyShots).run("""
      id: silver
      kind: transform
      input: shots
      steps:
        - filtr: "made == 1"
      """)
    let failure = try run.failed()
    #expect(!failure.diagnostics.isEmpty, "a validation error, not a runtime one")
    #expect(failure.line == 5)
    #expect(failure.message == "unknown step `filtr`")
    #expect(failure.hint?.contains("`filter`") == true, "did you mean `filter`: \(failure.hint ?? "no hint")")
    #expect(run.output == nil)
  }

  @Test func sqlRunsOneSelectOverUpstreamTables() async throws {
    let output = try await CellHarness(input: "shots", tinyShots).run("""
      id: rates
      kind: sql
      tables: {s: shots}
      query: SELECT zone, count(*) AS n, avg(made) AS rate FROM s GROUP BY zone ORDER BY zone
      """).succeeded()
    let table = try output.table()
    #expect(texts(table, "zone") == ["mid", "paint", "three"])
    #expect(texts(table, "n") == ["2", "2", "2"])
    #expect(texts(table, "rate") == ["0.0", "1.0", "0.5"])
  }

  @Test func sqlRefusesWrites() async throws {
    let failure = try await CellHarness(input: "shots", tinyShots).run("""
      id: rates
      kind: sql
      tables: {s: shots}
      query: DELETE FROM s
      """).failed()
    #expect(failure.line == 4)
  }

  @Test func describeProfilesNumericAndTextColumns() async throws {
    let output = try await CellHarness(input: "shots", tinyShots).run("""
      id: profile
      kind: describe
      input: shots
      columns: [distance, zone]
      """).succeeded()
    let distance = output.result.value(atPath: ["columns", "distance"])
    #expect(distance?.value(atPath: ["count"]) == .int(5))
    #expect(distance?.value(atPath: ["missing"]) == .int(1))
    #expect(distance?.value(atPath: ["max"])?.doubleValue == 25)
    #expect(output.result.value(atPath: ["columns", "zone", "distinct"]) == .int(3))
  }

  @Test func describeUnknownColumnNamesItsLine() async throws {
    let failure = try await CellHarness(input: "shots", tinyShots).run("""
      id: profile
      kind: describe
      input: shots
      columns: [distanse]
      """).failed()
    #expect(failure.line == 4)
    #expect(failure.message.contains("distanse"))
  }
}
