import Engine
import Frame
import Testing
import TestSupport
import WorkbookModel

/// Keys of mapping options (`performance.tolerated_drop`, `llm.timeout_s`, `sample.seed`) are declared once in the
/// descriptor: their defaults are what the cell reads, and they are checked like top-level options, statically and
/// after `${…}` substitution, with the nested path in the message and the key's own line.
@Suite struct NestedOptionCellTests {
  /// 40 labelled, scored rows: `made` (0/1) and `score` (a probability), with a numeric feature.
  static func scoredShots(shift: Double) throws -> Frame {
    let made: [Int64] = (0..<40).map { $0 % 3 == 0 ? 1 : 0 }
    return try Frame(columns: [
      Column(name: "distance", floats: (0..<40).map { Double(($0 * 7) % 20) + shift }),
      Column(name: "made", ints: made),
      Column(name: "score", floats: made.enumerated().map { i, m in m == 1 ? 0.6 + Double(i % 4) / 10 : 0.1 + Double(i % 5) / 10 }),
    ])
  }

  static func driftHarness() throws -> CellHarness {
    var harness = CellHarness()
    harness.upstream["before"] = GivenCell(try scoredShots(shift: 0))
    harness.upstream["after"] = GivenCell(try scoredShots(shift: 1))
    return harness
  }

  @Test func driftPerformanceTakesTheDeclaredDefaultsOfItsKeys() async throws {
    let output = try await Self.driftHarness().run("""
      id: drift
      kind: drift
      reference: before
      current: after
      columns: [distance]
      plots: 0
      performance:
        target: made
      """).succeeded()
    // tolerated_drop 0.02 and the three metrics come from the descriptor, not from the call site.
    #expect(output.result.value(atPath: ["performance", "tolerated_drop"]) == .double(0.02))
    let metrics = output.result.value(atPath: ["performance"])?.objectValue?.keys.filter { !["status", "tolerated_drop"].contains($0) }
    #expect(metrics?.sorted() == ["accuracy", "log_loss", "roc_auc"])
  }

  @Test func driftPerformanceReadsAWrittenKeyThroughAParam() async throws {
    var harness = try Self.driftHarness()
    harness.params["drop"] = 0.1
    let output = try await harness.run("""
      id: drift
      kind: drift
      reference: before
      current: after
      columns: [distance]
      plots: 0
      performance:
        target: made
        tolerated_drop: ${drop}
        metrics: [accuracy]
      """).succeeded()
    #expect(output.result.value(atPath: ["performance", "tolerated_drop"]) == .double(0.1))
    #expect(output.result.value(atPath: ["performance", "roc_auc"]) == nil)
  }

  @Test func anUnknownNestedKeyIsRefusedAtItsLineWithASuggestion() async throws {
    let failure = try await Self.driftHarness().run("""
      id: drift
      kind: drift
      reference: before
      current: after
      performance:
        target: made
        tolerated_drp: 0.1
      """).failed()
    #expect(failure.message == "unknown option `tolerated_drp` in `performance`")
    #expect(failure.hint == "did you mean `tolerated_drop`?")
    #expect(failure.line == 7)
    #expect(failure.code == nil)  // refused by validation, before anything ran
  }

  @Test func aNestedValueThroughAParamIsCheckedAtRunTimeAtItsLine() async throws {
    var harness = CellHarness(input: "game", tinyShots)
    harness.params["timeout"] = 30
    harness.overrides = ["timeout": "0"]
    let failure = try await harness.run("""
      id: report
      kind: coach
      input: game
      llm:
        enabled: true
        timeout_s: ${timeout}
      """).failed()
    #expect(failure.message == "`llm.timeout_s` must be > 0, got 0")
    #expect(failure.code == .optionInvalid)
    #expect(failure.line == 6)
  }

  @Test func theSameNestedValueWrittenOutIsRefusedByValidationWithTheSameMessage() async throws {
    let failure = try await CellHarness(input: "game", tinyShots).run("""
      id: report
      kind: coach
      input: game
      llm:
        enabled: true
        timeout_s: 0
      """).failed()
    #expect(failure.message == "`llm.timeout_s` must be > 0, got 0")
    #expect(failure.code == nil)
    #expect(failure.line == 6)
  }

  @Test func aWholeMappingFromAnUpstreamResultIsCheckedKeyByKeyAtRunTime() async throws {
    var harness = CellHarness(input: "shots", tinyShots)
    harness.upstream["settings"] = GivenCell(result: .object(["sample": .object(["rows": 3, "sed": 1])]))
    let failure = try await harness.run("""
      id: by_zone
      kind: plot
      input: shots
      chart: bar
      x: zone
      y: made
      sample: ${settings.sample}
      """).failed()
    #expect(failure.message == "unknown option `sed` in `sample`")
    #expect(failure.hint == "did you mean `seed`?")
    #expect(failure.code == .optionInvalid)
    #expect(failure.line == 7)
  }

  @Test func aMissingRequiredKeyOfAMappingFromAnUpstreamResultIsAnError() async throws {
    var harness = CellHarness(input: "shots", tinyShots)
    harness.upstream["settings"] = GivenCell(result: .object(["sample": .object(["seed": 1])]))
    let failure = try await harness.run("""
      id: by_zone
      kind: plot
      input: shots
      chart: bar
      x: zone
      y: made
      sample: ${settings.sample}
      """).failed()
    #expect(failure.message == "missing required option `rows` in `sample`")
    #expect(failure.code == .optionInvalid)
    #expect(failure.line == 7)
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox"))
  func plotSampleSeedDefaultsToTheDeclaredZero() async throws {
    let spec = """
      id: by_zone
      kind: plot
      input: shots
      chart: bar
      x: zone
      y: made
      sample: {rows: 4SEED}
      """
    let implicit = try await CellHarness(input: "shots", tinyShots).run(spec.replacingOccurrences(of: "SEED", with: "")).succeeded()
    let explicit = try await CellHarness(input: "shots", tinyShots).run(spec.replacingOccurrences(of: "SEED", with: ", seed: 0")).succeeded()
    #expect(implicit.result.value(atPath: ["sampling", "seed"]) == .int(0))
    #expect(implicit.result == explicit.result)
    #expect(try implicit.file("by_zone.svg") == explicit.file("by_zone.svg"))
  }

  // MARK: CellOptions.mapping

  static let performance = OptionSpec("performance", .object([
    OptionSpec("target", .string, required: true, doc: "label"),
    OptionSpec("tolerated_drop", .number, default: 0.02, doc: "drop"),
  ]), doc: "performance")

  static func options(_ performance: JSONValue?) -> CellOptions {
    let at = { (line: Int, column: Int) in WorkbookModel.SourceLocation(file: "w.yaml", line: line, column: column) }
    var values: [String: JSONValue] = [:]
    values["performance"] = performance
    return CellOptions(values: values, locations: ["performance": at(7, 7)], cellLocation: at(3, 5), defaults: [:],
                       specs: [Self.performance])
  }

  @Test func mappingReadsKeysWithTheirDeclaredDefaults() throws {
    let performance = try #require(try Self.options(["target": "made"]).mapping("performance"))
    #expect(try performance.text("target") == "made")
    #expect(try performance.number("tolerated_drop") == 0.02)
    #expect(performance.qualified("tolerated_drop") == "performance.tolerated_drop")
  }

  @Test func anAbsentMappingIsNil() throws {
    #expect(try Self.options(nil).mapping("performance") == nil)
    #expect(try Self.options(.null).mapping("performance") == nil)
  }

  @Test func errorsInsideAMappingNameTheNestedPathAtTheMappingsLine() throws {
    let performance = try #require(try Self.options(["target": "made", "tolerated_drop": "a lot"]).mapping("performance"))
    let error = try #require(throws: CellError.self) { try performance.number("tolerated_drop") }
    #expect(error.message == "option `performance.tolerated_drop` must be a number, got `a lot`")
    #expect(error.location?.line == 7)
    let missing = try #require(throws: CellError.self) { try Self.options([:]).mapping("performance")?.text("target") }
    #expect(missing.message == "missing option `performance.target`")
  }

  @Test func aMappingOptionThatIsNotAMappingIsAnError() throws {
    let error = try #require(throws: CellError.self) { try Self.options("fast").mapping("performance") }
    #expect(error.message == "option `performance` must be a mapping, got `fast`")
    #expect(error.code == .optionInvalid)
  }
}
