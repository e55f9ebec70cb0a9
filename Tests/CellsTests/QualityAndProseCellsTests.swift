import Cells
import Engine
import Foundation
import Frame
import Testing
import TestSupport
import WorkbookModel

/// `expect`, `note` and the `shell` scripted cell in-process.
@Suite struct QualityAndProseCellsTests {
  @Test func expectPassesAndHandsOnItsInputUnchanged() async throws {
    let output = try await CellHarness(input: "shots", tinyShots).run("""
      id: contract
      kind: expect
      input: shots
      checks:
        - row_count: {min: 6, max: 6}
        - in_set: {column: zone, values: [paint, mid, three]}
      """).succeeded()
    #expect(try output.table() == tinyShots)
    #expect(output.failure == nil)
  }

  @Test func aBrokenContractFailsWithItsOutputs() async throws {
    let run = try await CellHarness(input: "shots", tinyShots).run("""
      id: contract
      kind: expect
      input: shots
      checks:
        - between: {column: distance, max: 20}
      """)
    #expect(run.status == .failed)
    let output = try #require(run.output, "a failed contract still has outputs (the report shows what broke)")
    #expect(output.failure?.contains("data contract broken") == true, "\(output.failure ?? "no failure")")
    #expect(output.failure?.contains("distance") == true, "\(output.failure ?? "no failure")")
    #expect(try run.failed().message == output.failure)
  }

  @Test func expectOfAnUnknownColumnNamesTheCheckLine() async throws {
    let failure = try await CellHarness(input: "shots", tinyShots).run("""
      id: contract
      kind: expect
      input: shots
      checks:
        - row_count: {min: 1}
        - between: {column: distanse, max: 20}
      """).failed()
    #expect(failure.line == 6)
    #expect(failure.message.contains("distanse"))
  }

  @Test func noteFillsInUpstreamValues() async throws {
    var harness = CellHarness()
    harness.upstream["profile"] = GivenCell(result: ["rows": 1234])
    let output = try await harness.run("""
      id: summary
      kind: note
      text: "{{ profile.rows | count }} shots profiled."
      """).succeeded()
    let markdown = output.files.first { $0.name.hasSuffix(".md") }.map { String(decoding: $0.bytes, as: UTF8.self) }
      ?? String(describing: output.result)
    #expect(markdown.contains("shots profiled"), "\(markdown)")
    #expect(markdown.contains("1") && markdown.contains("234"), "\(markdown)")
  }

  @Test func noteOfAMissingFieldNamesItsLine() async throws {
    var harness = CellHarness()
    harness.upstream["profile"] = GivenCell(result: ["rows": 1234])
    let failure = try await harness.run("""
      id: summary
      kind: note
      text: "{{ profile.rowz | count }} shots profiled."
      """).failed()
    #expect(failure.line == 3)
    #expect(failure.message.contains("rowz"))
  }

  @Test(.needsTool("bash", package: "bash"))
  func shellCellReadsATableAndWritesMetricsAndFiles() async throws {
    let output = try await CellHarness(input: "shots", tinyShots).run("""
      id: count
      kind: shell
      inputs: {shots: shots}
      outputs: {files: [lines.txt], metrics: [rows]}
      code: |
        wc -l < "$WB_INPUT_SHOTS" | tr -d ' ' > "$WB_OUTPUT_LINES_TXT"
        echo $(( $(cat "$WB_OUTPUT_LINES_TXT") - 1 )) > "$WB_OUTPUT_ROWS"
      """).succeeded()
    #expect(String(decoding: try output.file("lines.txt"), as: UTF8.self) == "7\n", "a header and 6 rows")
    #expect(output.result.value(atPath: ["metrics", "rows"])?.intValue == 6)
  }

  @Test(.needsTool("bash", package: "bash"))
  func aFailingShellLineIsMappedToTheSpec() async throws {
    let failure = try await CellHarness().run("""
      id: broken
      kind: shell
      code: |
        true
        exit 3
      """).failed()
    #expect(failure.message.contains("3"), "\(failure.message)")
  }
}
