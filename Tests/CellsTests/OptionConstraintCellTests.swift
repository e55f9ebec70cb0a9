import Engine
import Testing
import WorkbookModel

/// Declared option constraints, in-process: a value that arrives through `${param}` is
/// checked when the cell is about to run, with the diagnostic validation gives a written value.
@Suite struct OptionConstraintCellTests {
  func describe(top: String, overrides: [String: String] = [:]) async throws -> CellRun {
    var harness = CellHarness(input: "shots", tinyShots)
    harness.params["n"] = 3
    harness.overrides = overrides
    return try await harness.run("""
      id: profile
      kind: describe
      input: shots
      top: \(top)
      """)
  }

  @Test func aParamOutOfRangeFailsTheCellAtTheOptionsLine() async throws {
    let failure = try await describe(top: "${n}", overrides: ["n": "-3"]).failed()
    #expect(failure.message == "`top` must be ≥ 0, got -3")
    #expect(failure.line == 4)
    #expect(failure.code == .optionInvalid)
  }

  @Test func theSameValueWrittenOutIsRefusedByValidationWithTheSameMessage() async throws {
    let failure = try await describe(top: "-3").failed()
    #expect(failure.message == "`top` must be ≥ 0, got -3")
    #expect(failure.line == 4)
    #expect(failure.code == nil)
  }

  @Test func aParamInRangeRuns() async throws {
    _ = try await describe(top: "${n}", overrides: ["n": "2"]).succeeded()
  }
}
