import Cells
import Engine
import Foundation
import Frame
import Testing
import TestSupport
import WorkbookModel

/// docs/adding-a-cell-kind.md followed literally: the toy kind `clamp` (ClampCell.swift, step 1), registered with
/// the doc's registry line (step 2), unit-tested in the harness with the doc's test (step 4). The last test checks
/// that every Swift block of the page appears verbatim in these two files, so the page cannot drift from them.
@Suite struct AddingACellKindTests {
  /// The shipped kinds plus the toy one, registered with the line of step 2.
  static let registry: KindRegistry = {
    var r = CellRegistry.standard
    r.register(ClampCell.implementation)
    return r
  }()

  // Step 4 of docs/adding-a-cell-kind.md, verbatim from here to the end of `clampRejectsAnUnknownColumn`.
  @Test func clampLimitsAColumnAndCountsChanges() async throws {
    let shots = try Frame(columns: [Column(name: "distance", floats: [-2, 5, 40])])
    let output = try await CellHarness(input: "shots", shots, registry: Self.registry).run("""
      id: limited
      kind: clamp
      input: shots
      column: distance
      max: 30
      """).succeeded()
    #expect(texts(try output.table(), "distance") == ["0.0", "5.0", "30.0"])
    #expect(output.result.value(atPath: ["changed"]) == .int(2))
  }

  @Test func clampRejectsAnUnknownColumn() async throws {
    let shots = try Frame(columns: [Column(name: "distance", floats: [1])])
    let failure = try await CellHarness(input: "shots", shots, registry: Self.registry).run("""
      id: limited
      kind: clamp
      input: shots
      column: distanse
      max: 30
      """).failed()
    #expect(failure.line == 4)  // the `column:` line of the spec
    #expect(failure.message == "no column `distanse`")
    #expect(failure.code == .dataInvalid)
  }
  // End of step 4.

  @Test func boundsInTheWrongOrderAreRefusedBeforeRunning() async throws {
    let shots = try Frame(columns: [Column(name: "distance", floats: [1])])
    let run = try await CellHarness(input: "shots", shots, registry: Self.registry).run("""
      id: limited
      kind: clamp
      input: shots
      column: distance
      min: 10
      max: 3
      """)
    let failure = try run.failed()
    #expect(failure.diagnostics.count == 1)
    #expect(failure.line == 6 && failure.column == 6)
    #expect(failure.message == "`max` (3.0) is below `min` (10.0)")
  }

  @Test func nothingToClampIsAWarningNotSilence() async throws {
    let shots = try Frame(columns: [Column(name: "distance", floats: [1, 2])])
    let output = try await CellHarness(input: "shots", shots, registry: Self.registry).run("""
      id: limited
      kind: clamp
      input: shots
      column: distance
      max: 30
      """).succeeded()
    #expect(output.warnings == ["no value of `distance` was outside [0.0, 30.0]"])
  }

  @Test func theKindIsInTheSchemaWithItsOptions() {
    let descriptor = Self.registry.descriptors["clamp"]
    #expect(descriptor?.options.map(\.name) == ["input", "column", "min", "max"])
    #expect(CellRegistry.standard.descriptors["clamp"] == nil, "the toy kind is not shipped")
  }

  /// Every ```swift block of the page is a verbatim excerpt of ClampCell.swift or of this file.
  @Test func thePageShowsThisCode() throws {
    let page = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("docs/adding-a-cell-kind.md"), encoding: .utf8)
    let folder = TestPaths.repositoryRoot.appendingPathComponent("Tests/CellsTests")
    let sources = try ["ClampCell.swift", "AddingACellKindTests.swift"].map {
      try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)
    }
    let blocks = Self.swiftBlocks(in: page)
    #expect(blocks.count >= 3, "the page shows the kind, the registry line and the test")
    for block in blocks {
      let lines = block.split(separator: "\n", omittingEmptySubsequences: false)
      let excerpt = lines.map { $0.drop(while: { $0 == " " }) }.joined(separator: "\n")
      let found = sources.contains { source in
        source.split(separator: "\n", omittingEmptySubsequences: false).map { $0.drop(while: { $0 == " " }) }
          .joined(separator: "\n").contains(excerpt)
      }
      #expect(found, "docs/adding-a-cell-kind.md shows code that is not in Tests/CellsTests/ClampCell.swift or AddingACellKindTests.swift:\n\(block)")
    }
  }

  /// The contents of the ```swift fences of a Markdown page.
  static func swiftBlocks(in page: String) -> [String] {
    var blocks: [String] = []
    var current: [Substring]?
    for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil, line == "```swift" {
        current = []
      } else if current != nil, line == "```" {
        blocks.append(current.map { $0.joined(separator: "\n") } ?? "")
        current = nil
      } else {
        current?.append(line)
      }
    }
    return blocks
  }
}
