import Cells
import Engine
import Foundation
import Frame
import Testing
import WorkbookModel

/// 40 shots with a clean signal: `made` is 1 exactly when `distance` < 10; `game` groups them by 4.
let learnableShots: Frame = {
  let distances = (0..<40).map { Double(($0 * 7) % 20) }
  do {
    return try Frame(columns: [
      Column(name: "game", strings: (0..<40).map { "G\($0 / 4)" }),
      Column(name: "distance", floats: distances),
      Column(name: "made", ints: distances.map { $0 < 10 ? 1 : 0 }),
    ])
  } catch {
    fatalError("learnableShots: \(error)")
  }
}()

/// `split` and `train` in-process.
@Suite struct SplitAndTrainCellsTests {
  @Test func splitIsSeededStratifiedAndComplete() async throws {
    let spec = """
      id: split
      kind: split
      input: shots
      target: made
      test_fraction: 0.25
      seed: 3
      """
    let first = try await CellHarness(input: "shots", learnableShots).run(spec).succeeded()
    let again = try await CellHarness(input: "shots", learnableShots).run(spec).succeeded()
    #expect(first.result.value(atPath: ["rows", "train"]) == .int(30))
    #expect(first.result.value(atPath: ["rows", "test"]) == .int(10))
    #expect(first.result.value(atPath: ["class_balance", "test", "positives"]) == .int(5), "stratified: half the rows are 1s")
    #expect(try first.table("test") == (try again.table("test")), "same seed, same rows")
  }

  @Test func splitGroupsKeepEachGameInOnePart() async throws {
    let output = try await CellHarness(input: "shots", learnableShots).run("""
      id: split
      kind: split
      input: shots
      target: made
      groups: game
      """).succeeded()
    let train = Set(texts(try output.table("train"), "game")), test = Set(texts(try output.table("test"), "game"))
    #expect(train.isDisjoint(with: test))
    #expect(train.count + test.count == 10)
  }

  @Test func splitOfAnUnknownTargetNamesTheTargetLine() async throws {
    let failure = try await CellHarness(input: "shots", learnableShots).run("""
      id: split
      kind: split
      input: shots
      target: mad
      """).failed()
    #expect(failure.line == 4)
    #expect(failure.message.contains("mad"))
  }

  @Test func splitFractionOutsideZeroOneIsRefusedBeforeRunning() async throws {
    let failure = try await CellHarness(input: "shots", learnableShots).run("""
      id: split
      kind: split
      input: shots
      target: made
      test_fraction: 1.5
      """).failed()
    #expect(!failure.diagnostics.isEmpty)
    #expect(failure.line == 5)
  }

  @Test func trainFitsAModelAndTestsItOnce() async throws {
    var harness = CellHarness()
    harness.upstream["split"] = GivenCell(
      tables: [("train", learnableShots), ("test", learnableShots.gathering(Array(0..<10)))],
      result: ["target": "made"])
    let output = try await harness.run("""
      id: model
      kind: train
      train: split.train
      test: split.test
      target: made
      features: [distance]
      model: gradient_boosting
      plots: false
      """).succeeded()
    #expect(output.files.contains { $0.name == "model.wbm" })
    #expect(output.files.contains { $0.name == "model.json" })
  }

  @Test func trainWithAnUnknownFeatureNamesTheFeaturesLine() async throws {
    var harness = CellHarness()
    harness.upstream["split"] = GivenCell(tables: [("train", learnableShots), ("test", learnableShots)])
    let failure = try await harness.run("""
      id: model
      kind: train
      train: split.train
      test: split.test
      target: made
      features: [distanse]
      model: logistic_regression
      plots: false
      """).failed()
    #expect(failure.line == 6)
    #expect(failure.message.contains("distanse"))
  }
}
