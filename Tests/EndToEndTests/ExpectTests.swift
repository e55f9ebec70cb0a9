import Foundation
import Testing
import TestSupport

/// The `expect` cell (data contracts) end to end: every check type passing and failing, warn vs error severity,
/// grouped checks naming the failing group, run-time and static errors.
@Suite("expect cell")
struct ExpectTests {
  /// 12 shots over two seasons; season 2021 has its coordinates divided by ten (like NBA.com's 2020-21 file).
  static let shotsCSV = """
    season,shot_id,x,y,distance,made,zone
    2020,1,0,0,0,1,paint
    2020,2,-220,50,22,0,corner
    2020,3,100,230,25,1,above
    2020,4,30,150,15,0,mid
    2020,5,-50,60,7,1,paint
    2020,6,0,250,25,0,above
    2021,7,0,0,0,1,paint
    2021,8,-22,5,22,0,corner
    2021,9,10,23,25,1,above
    2021,10,3,15,15,0,mid
    2021,11,-5,6,7,1,paint
    2021,12,0,25,25,,above

    """

  static func workbook(_ cells: String) -> String {
    """
    workbook: contracts
    cells:
      - id: shots
        kind: load
        source: shots.csv
    \(cells)
      - id: after
        kind: describe
        input: contract
        columns: [x]

    """
  }

  static func project(_ cells: String) throws -> Project {
    let p = try Project()
    try p.write("shots.csv", shotsCSV)
    try p.write("wb.yaml", workbook(cells))
    return p
  }

  static func result(_ p: Project, _ cell: String = "contract") throws -> [String: Any] {
    let data = try Data(contentsOf: p.root.appendingPathComponent("outputs/contracts/cells/\(cell)/result.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func check(_ result: [String: Any], _ name: String) throws -> [String: Any] {
    let checks = try #require(result["checks"] as? [[String: Any]])
    return try #require(checks.first { $0["name"] as? String == name }, "check `\(name)` in \(checks.map { $0["name"] ?? "" })")
  }

  @Test func everyCheckTypePassesAndTheTablePassesThrough() throws {
    let p = try Self.project("""
        - id: contract
          kind: expect
          input: shots
          checks:
            - row_count: {min: 12, max: 12}
            - between: {column: distance, min: 0, max: 30}
            - in_set: {column: zone, values: [paint, corner, above, mid]}
            - in_set: {column: made, values: [0, 1]}
            - null_rate: {column: made, max: 0.1}
            - unique: shot_id
            - unique: [season, shot_id]
            - expression: "distance >= 0 and distance <= 30"
              name: distance on the court
      """)
    defer { p.remove() }
    let run = try p.workbench(["run", "wb.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let r = try Self.result(p)
    #expect(r["failed"] as? Int == 0)
    #expect(r["warned"] as? Int == 0)
    #expect(r["passed"] as? Int == 8)
    #expect(r["rows"] as? Int == 12)
    let nulls = try Self.check(r, "made null rate ≤ 0.1")
    #expect((nulls["observed"] as? [String: Any])?["null_rate"] as? Double == 1.0 / 12)
    let range = try Self.check(r, "distance between 0 and 30")
    #expect((range["observed"] as? [String: Any])?["max"] as? Double == 25)
    #expect(try p.statuses("contracts")["after"] == "executed", "a dependent of a passing contract runs")
    #expect(try p.read("outputs/contracts/cells/contract/table.csv") == Self.shotsCSV,
            "the checked table passes through unchanged")
    #expect(try p.workbench(["run", "wb.yaml"]).status == 0)
    #expect(try p.executed("contracts").isEmpty, "a passing contract is cached")
    #expect(try p.workbench(["verify", "wb.yaml"]).status == 0, "outputs are byte-identical on re-execution")
  }

  @Test func errorChecksFailTheCellSkipDependentsAndShowTheFailingRows() throws {
    let p = try Self.project("""
        - id: contract
          kind: expect
          input: shots
          sample_rows: 2
          sample_columns: [zone]
          checks:
            - row_count: {min: 20}
            - between: {column: x, min: -25, max: 25}
            - in_set: {column: zone, values: [paint, mid]}
            - null_rate: {column: made, max: 0}
            - unique: [zone, season]
            - expression: "abs(sqrt(x * x + y * y) / 10 - distance) <= 1.5"
              name: coordinates agree with distance
      """)
    defer { p.remove() }
    let run = try p.workbench(["run", "wb.yaml"])
    #expect(run.status == 1)
    #expect(run.stderr.contains("data contract broken"), "\(run.stderr)")
    let statuses = try p.statuses("contracts")
    #expect(statuses["contract"] == "failed")
    #expect(statuses["after"] == "skipped")
    let r = try Self.result(p)
    #expect(r["failed"] as? Int == 6)
    #expect(r["warned"] as? Int == 0)
    #expect(r["passed"] as? Int == 0)

    let rows = try Self.check(r, "row count ≥ 20")
    #expect((rows["observed"] as? [String: Any])?["rows"] as? Int == 12)
    let range = try Self.check(r, "x between -25 and 25")
    #expect(range["failing_rows"] as? Int == 4)  // -220, 100, 30, -50
    let sample = try #require(range["sample"] as? [[String: Any]])
    #expect(sample.map { $0["row"] as? Int } == [1, 2], "the first failing rows, in table order")
    #expect(sample.first?["x"] as? Int == -220)
    #expect(sample.first?["zone"] as? String == "corner", "sample_columns are shown")
    let set = try Self.check(r, "zone in {paint, mid}")
    #expect(set["failing_rows"] as? Int == 6)
    let unexpected = try #require((set["observed"] as? [String: Any])?["unexpected_values"] as? [[String: Any]])
    #expect(unexpected.map { $0["value"] as? String } == ["above", "corner"])
    #expect(unexpected.map { $0["count"] as? Int } == [4, 2])
    let nulls = try Self.check(r, "made has no nulls")
    #expect(nulls["failing_rows"] as? Int == 1)
    #expect((nulls["sample"] as? [[String: Any]])?.first?["row"] as? Int == 11)
    let unique = try Self.check(r, "unique zone, season")
    #expect(unique["failing_rows"] as? Int == 8, "every row of a duplicated (zone, season) pair: paint and above twice per season")
    let relation = try Self.check(r, "coordinates agree with distance")
    #expect(relation["failing_rows"] as? Int == 5, "the tenths-of-unit season's rows away from the hoop")

    let report = try p.read("outputs/contracts/report.md")
    #expect(report.contains("Data quality checks"))
    #expect(report.contains("FAILED"))
    #expect(report.contains("first 2 failing rows"))

    // A failed contract is not cached: the next run checks again and fails again.
    #expect(try p.workbench(["run", "wb.yaml"]).status == 1)
    #expect(try p.statuses("contracts")["contract"] == "failed")
  }

  @Test func warnChecksAreRecordedAndTheRunGoesOn() throws {
    let p = try Self.project("""
        - id: contract
          kind: expect
          input: shots
          checks:
            - between: {column: x, min: -25, max: 25}
              severity: warn
            - between: {column: distance, min: 0}
            - between: {column: x, min: -25, max: 25}
              name: mostly on the court
              mostly: 0.6
      """)
    defer { p.remove() }
    let run = try p.workbench(["run", "wb.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("x between -25 and 25"), "the warning reaches the terminal: \(run.stderr)")
    let r = try Self.result(p)
    #expect(r["failed"] as? Int == 0)
    #expect(r["warned"] as? Int == 1)
    #expect(r["passed"] as? Int == 2)
    let mostly = try Self.check(r, "mostly on the court")
    #expect(mostly["passed"] as? Bool == true, "8 of 12 rows pass ≥ 60 %")
    #expect(mostly["failing_rows"] as? Int == 4)
    #expect(try p.statuses("contracts")["after"] == "executed")
    let cells = try #require(try p.runJSON("contracts")["cells"] as? [[String: Any]])
    let warnings = cells.first { $0["id"] as? String == "contract" }?["warnings"] as? [String] ?? []
    #expect(warnings.contains { $0.contains("(warn) failed: 4 failing rows") }, "\(warnings)")
  }

  @Test func groupedChecksNameTheFailingGroup() throws {
    let p = try Self.project("""
        - id: contract
          kind: expect
          input: shots
          by: [season]
          checks:
            - between: {column: x, min: -250, max: 250}
            - expression: "abs(sqrt(x * x + y * y) / 10 - distance) <= 1.5"
              name: coordinates agree with distance
              severity: warn
            - row_count: {min: 6}
            - row_count: {min: 12}
              name: whole table
              by: []
      """)
    defer { p.remove() }
    let run = try p.workbench(["run", "wb.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("in 1 of 2 groups: 2021"), "\(run.stderr)")
    let r = try Self.result(p)
    #expect(r["warned"] as? Int == 1)
    let relation = try Self.check(r, "coordinates agree with distance")
    #expect(relation["groups_total"] as? Int == 2)
    #expect(relation["groups_failed"] as? Int == 1)
    let groups = try #require(relation["groups"] as? [[String: Any]])
    #expect(groups.map { ($0["group"] as? [String: Any])?["season"] as? Int } == [2020, 2021], "groups in key order")
    #expect(groups.map { $0["passed"] as? Bool } == [true, false])
    #expect(groups.map { $0["failing_rows"] as? Int } == [0, 5])
    #expect((groups[1]["sample"] as? [[String: Any]])?.first?["row"] as? Int == 7)
    #expect(try Self.check(r, "whole table")["by"] == nil, "`by: []` checks the whole table")
    let report = try p.read("outputs/contracts/report.md")
    #expect(report.contains("failing groups (1 of 2)"))
  }

  @Test func aTypoedColumnAtRunTimeNamesTheCellAndTheNearestColumn() throws {
    let p = try Self.project("""
        - id: contract
          kind: expect
          input: shots
          checks:
            - between: {column: distnace, min: 0}
      """)
    defer { p.remove() }
    let run = try p.workbench(["run", "wb.yaml"])
    #expect(run.status == 1)
    let text = run.stdout + run.stderr
    #expect(text.contains("contract"), "\(text)")
    #expect(text.contains("unknown column `distnace`"), "\(text)")
    #expect(text.contains("did you mean `distance`?"), "\(text)")
    #expect(text.contains("wb.yaml:10:"), "the check's line: \(text)")
    #expect(try p.statuses("contracts")["after"] == "skipped")

    let q = try Self.project("""
        - id: contract
          kind: expect
          input: shots
          checks:
            - expression: "distanse > 0"
      """)
    defer { q.remove() }
    let second = try q.workbench(["run", "wb.yaml"])
    #expect(second.status == 1)
    #expect((second.stdout + second.stderr).contains("did you mean `distance`?"), "\(second.stderr)")
  }

  struct StaticCase: CustomTestStringConvertible, Sendable {
    var name: String
    var checks: String
    var position: String
    var message: String
    var testDescription: String { name }
  }

  static let staticCases: [StaticCase] = [
    StaticCase(name: "unknown check type", checks: "      - betwen: {column: x, min: 0}\n",
               position: "10:9", message: "unknown check `betwen` (did you mean `between`?)"),
    StaticCase(name: "unknown key in a check", checks: "      - between: {column: x, minn: 0}\n",
               position: "10:30", message: "`between`: unknown key `minn` (did you mean `min`?)"),
    StaticCase(name: "bad severity", checks: "      - unique: x\n        severity: fatal\n",
               position: "11:19", message: "`severity` must be `error` or `warn`"),
    StaticCase(name: "expression syntax", checks: "      - expression: \"x >\"\n",
               position: "10:25", message: "`expression`: the expression ends too early"),
    StaticCase(name: "two types in one check", checks: "      - unique: x\n        row_count: {min: 1}\n",
               position: "11:9", message: "a check has one type"),
    StaticCase(name: "bounds reversed", checks: "      - between: {column: x, min: 5, max: 1}\n",
               position: "10:18", message: "`min` (5) is above `max` (1)"),
    StaticCase(name: "mostly out of range", checks: "      - unique: x\n        mostly: 1.5\n",
               position: "11:17", message: "`mostly` must be a share in (0, 1]"),
    StaticCase(name: "duplicate names", checks: "      - unique: x\n      - unique: [x]\n",
               position: "11:9", message: "two checks are named `unique x`"),
  ]

  @Test(arguments: staticCases)
  func staticErrorsPointAtTheText(_ c: StaticCase) throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", Self.shotsCSV)
    try p.write("wb.yaml", """
      workbook: contracts
      cells:
        - id: shots
          kind: load
          source: shots.csv
        - id: contract
          kind: expect
          input: shots
          checks:
      \(c.checks)
      """)
    let run = try p.workbench(["run", "wb.yaml"])
    #expect(run.status == 2, "\(run.stderr)")
    #expect(run.stderr.contains("wb.yaml:\(c.position): error:"), "\(run.stderr)")
    #expect(run.stderr.contains(c.message), "\(run.stderr)")
  }
}
