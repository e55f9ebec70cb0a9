import Foundation
import Testing
import TestSupport

/// An option's declared constraints hold whether its value is written out (checked at validation, exit 2) or
/// arrives through `${param}` (checked at run time, after substitution), with the same diagnostic.
@Suite("option constraints at run time")
struct OptionConstraintRunTests {
  static let workbook = """
    workbook: limits
    params:
      n: 3
    cells:
      - id: bronze
        kind: load
        source: shots.csv
      - id: profile
        kind: describe
        input: bronze
        top: ${n}

    """

  static let message = "limits.yaml:11:10: error: cell 'profile': `top` must be ≥ 0, got -3"

  @Test func paramOutOfRangeFailsTheCellWithTheOptionsLocation() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", sampleCSV(rows: 20))
    try p.write("limits.yaml", Self.workbook)

    let out = try p.workbench(["run", "limits.yaml", "--param", "n=-3"])
    #expect(out.status == 1, "\(out.stderr)")
    #expect(out.stderr.contains(Self.message), "\(out.stderr)")
    #expect(try p.statuses("limits") == ["bronze": "executed", "profile": "failed"])

    let ok = try p.workbench(["run", "limits.yaml", "--param", "n=2"])
    #expect(ok.status == 0, "\(ok.stderr)")
  }

  @Test func theSameValueWrittenOutIsRefusedAtValidationWithTheSameDiagnostic() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", sampleCSV(rows: 20))
    try p.write("limits.yaml", Self.workbook.replacingOccurrences(of: "${n}", with: "-3").replacingOccurrences(of: "params:\n  n: 3\n", with: ""))

    let out = try p.workbench(["run", "limits.yaml"])
    #expect(out.status == 2, "\(out.stderr)")
    #expect(out.stderr.contains("limits.yaml:9:10: error: cell 'profile': `top` must be ≥ 0, got -3"), "\(out.stderr)")
    #expect(!p.exists("outputs/limits/run.json"), "nothing may run")
  }

  @Test func aModelOptionNamingACellWithoutAModelIsRefused() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", sampleCSV(rows: 20))
    try p.write("models.yaml", """
      workbook: models
      cells:
        - id: bronze
          kind: load
          source: shots.csv
        - id: scored
          kind: predict
          model: bronze
          input: bronze

      """)
    let out = try p.workbench(["run", "models.yaml"])
    #expect(out.status == 2, "\(out.stderr)")
    #expect(out.stderr.contains("models.yaml:8:12: error: cell 'scored': `bronze` is a `load` cell, which produces no model"), "\(out.stderr)")
  }
}
