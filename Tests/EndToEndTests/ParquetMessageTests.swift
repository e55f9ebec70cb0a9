import Foundation
import Testing
import TestSupport

/// A Parquet file given to `load` is named as such, with a conversion command, instead of being read as CSV.
@Suite struct ParquetMessageTests {
  /// Starts and ends with the `PAR1` magic, like every Parquet file.
  let parquetLike = Data("PAR1".utf8) + Data([0x15, 0x04, 0x15, 0x10, 0x15, 0x14, 0x4c, 0x15, 0x04, 0x15, 0x00]) + Data("PAR1".utf8)

  func load(_ source: String, bytes: Data) throws -> ProcessOutput {
    let p = try Project()
    defer { p.remove() }
    try bytes.write(to: p.root.appendingPathComponent(source))
    try p.write("w.yaml", "workbook: w\ncells:\n  - id: raw\n    kind: load\n    source: \(source)\n")
    return try p.workbench(["run", "w.yaml"])
  }

  @Test(arguments: ["shots.parquet", "disguised.csv"])
  func parquetIsRefusedWithAConversionHint(source: String) throws {
    let out = try load(source, bytes: parquetLike)
    #expect(out.status == 1)
    #expect(out.stderr.contains("w.yaml:5:13"), "\(out.stderr)")
    #expect(out.stderr.contains("raw"))
    #expect(out.stderr.contains("`\(source)` is a Parquet file; Parquet is not supported"), "\(out.stderr)")
    #expect(out.stderr.contains("pd.read_parquet('\(source)').to_csv("))
  }

  /// A real Parquet file written by pandas/pyarrow, and the suggested one-liner converts it into a loadable CSV.
  @Test(.needsPython("anchors")) func realParquetAndTheSuggestedConversion() throws {
    let python = try #require(try Oracles.python("anchors"))
    let p = try Project()
    defer { p.remove() }
    _ = try runPython(python, "import pandas as pd; pd.DataFrame({'made': [1, 0, 1]}).to_parquet('\(p.root.path)/shots.parquet')")
    try p.write("w.yaml", "workbook: w\ncells:\n  - id: raw\n    kind: load\n    source: shots.parquet\n")
    let refused = try p.workbench(["run", "w.yaml"])
    #expect(refused.status == 1)
    let hint = try #require(refused.stderr.firstMatch(of: /python3 -c "([^"]+)"/)?.1, "\(refused.stderr)")
    let converted = try runProcess(python, ["-c", String(hint)], currentDirectory: p.root)
    #expect(converted.status == 0, "\(converted.stderr)")
    try p.write("w.yaml", "workbook: w\ncells:\n  - id: raw\n    kind: load\n    source: shots.csv\n")
    #expect(try p.workbench(["run", "w.yaml"]).status == 0)
  }

  @Test func aCSVWhoseHeaderStartsWithPAR1IsStillACSV() throws {
    let out = try load("codes.csv", bytes: Data("PAR1,PAR2\n1,2\n".utf8))
    #expect(out.status == 0, "\(out.stderr)")
  }
}
