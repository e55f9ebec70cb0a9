import Cells
import Engine
import Foundation
import Frame
import Testing
import TestSupport
import WorkbookModel

/// `predict`, `evaluate`, `correlate`, `drift` and `plot` in-process; a model comes from a `train` cell run in the
/// harness first and is handed on as a given upstream cell.
@Suite struct ModelsAndStatisticsCellsTests {
  /// The outputs of a gradient-boosting `train` cell fitted on `learnableShots`, as an upstream cell.
  static func trainedModel() async throws -> GivenCell {
    var harness = CellHarness()
    harness.upstream["split"] = GivenCell(tables: [("train", learnableShots), ("test", learnableShots)])
    let model = try await harness.run("""
      id: model
      kind: train
      train: split.train
      test: split.test
      target: made
      features: [distance]
      model: logistic_regression
      plots: false
      """).succeeded()
    return GivenCell(result: model.result, files: model.files)
  }

  @Test func predictAddsAScoreAndAPrediction() async throws {
    var harness = CellHarness(input: "shots", learnableShots)
    harness.upstream["model"] = try await Self.trainedModel()
    let output = try await harness.run("""
      id: scored
      kind: predict
      model: model
      input: shots
      """).succeeded()
    let table = try output.table()
    #expect(table.rowCount == 40)
    #expect(table.columnNames.suffix(2) == ["score", "predicted"])
    // The signal is clean: the model predicts every row right.
    #expect(texts(table, "predicted") == texts(table, "made"))
  }

  @Test func predictWithoutTheFeatureColumnsNamesThem() async throws {
    var harness = CellHarness(input: "shots", try learnableShots.selecting(["game", "made"]))
    harness.upstream["model"] = try await Self.trainedModel()
    let failure = try await harness.run("""
      id: scored
      kind: predict
      model: model
      input: shots
      """).failed()
    #expect(failure.message.contains("distance"), "\(failure.message)")
  }

  @Test func evaluateMeasuresTheModelOnATable() async throws {
    var harness = CellHarness(input: "shots", learnableShots)
    harness.upstream["model"] = try await Self.trainedModel()
    let output = try await harness.run("""
      id: holdout
      kind: evaluate
      model: model
      input: shots
      plots: false
      """).succeeded()
    #expect(output.result.value(atPath: ["metrics", "accuracy"])?.doubleValue == 1)
    #expect(output.result.value(atPath: ["metrics", "rows"]) == .int(40))
  }

  @Test func correlateGivesPearsonBetweenColumns() async throws {
    let output = try await CellHarness(input: "shots", learnableShots).run("""
      id: correlations
      kind: correlate
      input: shots
      columns: [distance, made]
      plots: false
      """).succeeded()
    let r = try #require(output.result.value(atPath: ["pearson", "distance", "made"])?.doubleValue)
    #expect(r < -0.8, "made falls with distance: r = \(r)")
    #expect(output.result.value(atPath: ["pearson", "made", "made"])?.doubleValue == 1)
  }

  @Test func correlateOfAnUnknownColumnNamesItsLine() async throws {
    let failure = try await CellHarness(input: "shots", learnableShots).run("""
      id: correlations
      kind: correlate
      input: shots
      columns: [distance, mde]
      plots: false
      """).failed()
    #expect(failure.line == 4)
    #expect(failure.message.contains("mde"))
  }

  @Test func driftFindsAShiftAndNotItsAbsence() async throws {
    let shifted = try learnableShots.setting(Column(name: "distance", floats: (0..<40).map { Double(($0 * 7) % 20) + 15 }))
    var harness = CellHarness()
    harness.upstream["before"] = GivenCell(learnableShots)
    harness.upstream["after"] = GivenCell(shifted)
    let spec = """
      id: drift
      kind: drift
      reference: before
      current: CURRENT
      columns: [distance]
      method: ks
      """
    let same = try await harness.run(spec.replacingOccurrences(of: "CURRENT", with: "before")).succeeded()
    #expect(same.result.value(atPath: ["dataset_drift"]) == .bool(false))
    let moved = try await harness.run(spec.replacingOccurrences(of: "CURRENT", with: "after")).succeeded()
    #expect(moved.result.value(atPath: ["dataset_drift"]) == .bool(true))
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox"))
  func plotWritesAnSVGAndItsScript() async throws {
    let output = try await CellHarness(input: "shots", tinyShots).run("""
      id: by_zone
      kind: plot
      input: shots
      chart: bar
      x: zone
      y: made
      """).succeeded()
    #expect(String(decoding: try output.file("by_zone.svg"), as: UTF8.self).contains("<svg"))
    #expect(output.files.contains { $0.name == "by_zone.gp" })
  }

  @Test func plotOfAnUnknownColumnNamesItsLine() async throws {
    let failure = try await CellHarness(input: "shots", tinyShots).run("""
      id: by_zone
      kind: plot
      input: shots
      chart: bar
      x: zone
      y: mad
      """).failed()
    #expect(failure.line == 6)
    #expect(failure.message.contains("unknown column `mad` in `y`"), "\(failure.message)")
  }
}
