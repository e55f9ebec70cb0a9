import Cells
import Engine
import Foundation
import Frame
import Testing
import TestSupport
import WorkbookModel

/// `sweep`, the `python` scripted cell, `track` and `promote` (MLflow file stores in temporary folders) in-process.
@Suite struct SearchScriptAndTrackingCellsTests {
  static var split: GivenCell { GivenCell(tables: [("train", learnableShots), ("test", learnableShots)], result: ["target": "made"]) }

  @Test func sweepPicksTheBestConfigurationByCrossValidation() async throws {
    var harness = CellHarness()
    harness.upstream["split"] = Self.split
    let output = try await harness.run("""
      id: search
      kind: sweep
      train: split.train
      test: split.test
      target: made
      features: [distance]
      models:
        logistic_regression: {C: [0.1, 1]}
      folds: 3
      plots: false
      """).succeeded()
    #expect(output.result.value(atPath: ["trials_total"]) == .int(2))
    #expect(output.result.value(atPath: ["trials"])?.arrayValue?.count == 2)
    #expect(output.files.contains { $0.name == "model.wbm" })
  }

  @Test func sweepOfAnUnknownParameterIsRefusedWithASuggestion() async throws {
    var harness = CellHarness()
    harness.upstream["split"] = Self.split
    let failure = try await harness.run("""
      id: search
      kind: sweep
      train: split.train
      target: made
      features: [distance]
      models:
        logistic_regression: {CC: [0.1, 1]}
      plots: false
      """).failed()
    #expect(!failure.diagnostics.isEmpty)
    #expect(failure.line == 7)
    #expect(failure.message.contains("CC"), "\(failure.message)")
  }

  @Test(.needsTool("python3", package: "python3"))
  func pythonCellReadsATableAndReportsAMetric() async throws {
    let output = try await CellHarness(input: "shots", tinyShots).run("""
      id: zones
      kind: python
      inputs: {shots: shots}
      outputs: {metrics: [made]}
      table_format: csv
      code: |
        wb.metric("made", sum(int(r["made"]) for r in wb.rows("shots")))
      """).succeeded()
    #expect(output.result.value(atPath: ["metrics", "made"])?.intValue == 3)
  }

  @Test(.needsTool("python3", package: "python3"))
  func aPythonExceptionFailsTheCellWithItsLine() async throws {
    let failure = try await CellHarness().run("""
      id: broken
      kind: python
      code: |
        x = 1
        raise ValueError("no shots")
      """).failed()
    #expect(failure.message.contains("no shots"), "\(failure.message)")
    #expect(failure.line == 5, "the `raise` line of the spec")
  }

  @Test func trackLogsTheModelAsAnMLflowRun() async throws {
    var harness = CellHarness()
    harness.upstream["model"] = try await ModelsAndStatisticsCellsTests.trainedModel()
    let output = try await harness.run("""
      id: tracked
      kind: track
      of: model
      uri: ./mlruns
      experiment: harness
      """).succeeded()
    let runId = try #require(output.result.value(atPath: ["run_id"])?.stringValue)
    #expect(!runId.isEmpty)
    #expect(output.result.value(atPath: ["experiment"]) == .string("harness"))
  }

  /// `track` then `promote` against one file store outside the harness's (per-run) project: with no champion yet,
  /// the first challenger becomes version 1 and the champion.
  @Test func promoteMakesTheFirstTrackedModelTheChampion() async throws {
    let store = try makeTemporaryDirectory("harness-mlruns")
    defer { try? FileManager.default.removeItem(at: store) }
    var tracking = CellHarness()
    tracking.upstream["split"] = Self.split
    tracking.upstream["model"] = try await ModelsAndStatisticsCellsTests.trainedModel()
    let tracked = try await tracking.run("""
      id: tracked
      kind: track
      of: model
      data: split.train
      uri: \(store.path)
      experiment: harness
      """).succeeded()
    var promoting = CellHarness()
    promoting.upstream["tracked"] = GivenCell(result: tracked.result)
    let spec = """
      id: champion
      kind: promote
      of: tracked
      model_name: harness_model
      metric: test_accuracy
      uri: \(store.path)
      """
    let first = try await promoting.run(spec).succeeded()
    #expect(first.result.value(atPath: ["decision"]) == .string("promoted"), "\(first.result)")
    #expect(first.result.value(atPath: ["champion_version"])?.intValue == 1, "\(first.result)")
  }
}
