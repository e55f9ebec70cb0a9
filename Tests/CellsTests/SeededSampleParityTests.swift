import Cells
import Engine
import Foundation
import Frame
import Testing
import TestSupport
import WorkbookModel

/// The transform `sample` step and the plot `sample:` option draw rows through the one `SeededSample`
/// (WorkbenchCore): the same seed and count keep the same rows in both kinds.
@Suite struct SeededSampleParityTests {
  /// 300 rows whose `x` is the row number, so a sample is read back from either output as row numbers.
  static let numbered: Frame = {
    do {
      return try Frame(columns: [
        Column(name: "x", ints: (0..<300).map { Int64($0) }),
        Column(name: "y", ints: (0..<300).map { Int64($0 * 2) }),
      ])
    } catch {
      fatalError("numbered: \(error)")
    }
  }()

  @Test(.needsTool("gnuplot", package: "gnuplot-nox"), arguments: [(rows: 7, seed: 1), (rows: 40, seed: 20_261_204)])
  func transformAndPlotKeepTheSameRows(rows: Int, seed: Int) async throws {
    let transformed = try await CellHarness(input: "shots", Self.numbered).run("""
      id: picked
      kind: transform
      input: shots
      steps:
        - sample: {rows: \(rows), seed: \(seed)}
      """).succeeded().table()
    let column = try #require(transformed.column(named: "x"))
    let transformRows = (column.doubles() ?? []).map { Int64($0 ?? -1) }

    let plotted = try await CellHarness(input: "shots", Self.numbered).run("""
      id: picture
      kind: plot
      input: shots
      chart: scatter
      x: x
      y: y
      sample: {rows: \(rows), seed: \(seed)}
      """).succeeded()
    let script = String(decoding: try plotted.file("picture.gp"), as: UTF8.self)
    // Data lines of the inline data block: "<x> <y>" with y = 2x.
    let plotRows = script.split(separator: "\n").compactMap { line -> Int64? in
      let fields = line.split(separator: " ")
      guard fields.count == 2, let x = Double(fields[0]), let y = Double(fields[1]), y == 2 * x else { return nil }
      return Int64(x)
    }
    #expect(transformRows.count == rows)
    #expect(plotRows.sorted() == transformRows)
    #expect(transformRows == SeededSample.indices(count: rows, of: 300, seed: UInt64(seed)).map { Int64($0) })
  }
}
