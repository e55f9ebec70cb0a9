import Foundation
import Testing
import TestSupport

/// The `transform` cell through the real executable: every step kind, result.json accounting, located errors.
@Suite("transform cell", .serialized)
struct TransformTests {
  static let header = """
    workbook: t
    cells:
      - id: bronze
        kind: load
        source: shots.csv
      - id: players
        kind: load
        source: players.csv

    """

  static let shots = """
    player,zone,distance,made,minutes
    P1,paint,2,1,9
    P2,mid,15,0,3
    P1,paint,2,1,9
    P3,,30,0,x
    P2,three,25,1,11
    P1,paint,,0,1

    """

  static let players = "id,name\nP1,Ann\nP2,Bob\nP9,Zed\n"

  func project(_ cells: String) throws -> Project {
    let p = try Project()
    try p.write("shots.csv", Self.shots)
    try p.write("players.csv", Self.players)
    try p.write("t.yaml", Self.header + cells)
    return p
  }

  func result(_ p: Project, _ cell: String) throws -> [String: Any] {
    let data = try Data(contentsOf: p.root.appendingPathComponent("outputs/t/cells/\(cell)/result.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test func everyStepKind() throws {
    let p = try project("""
        - id: silver
          kind: transform
          input: bronze
          tables: [players]
          steps:
            - dedupe: true
            - cast: {minutes: int}
            - impute: {distance: median}
            - derive:
                seconds: "minutes * 60"
                meters: "distance * 0.3048"
                label: "case when zone is null then 'unknown' else upper(zone) end"
            - filter: "seconds is not null and made in (0, 1)"
            - map: {column: zone, values: {paint: 1, mid: 2, three: 3}, default: 0, into: zone_code}
            - bin: {column: distance, edges: [0, 8, 16, 24, 100], labels: [close, mid, long, deep], into: band}
            - rename: {made: Shot Made Flag}
            - join: {with: players, on: {player: id}, how: left}
            - sort: [-distance, player]
            - sample: {rows: 3, seed: 42}
            - select: [player, name, distance, meters, zone_code, band, label, Shot Made Flag, seconds]
            - drop: [label]
        - id: rates
          kind: transform
          input: silver
          steps:
            - group_by: {keys: [band], aggregate: {shots: count(), rate: mean(Shot Made Flag), far: max(distance)}}
      """)
    defer { p.remove() }
    let run = try p.workbench(["run", "t.yaml"])
    #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
    let r = try result(p, "silver")
    #expect(r["rows_in"] as? Int == 6)
    #expect(r["rows"] as? Int == 3)
    let steps = try #require(r["steps"] as? [[String: Any]])
    #expect(steps.count == 13)
    #expect(steps[0]["dropped"] as? Int == 1)                                   // dedupe
    #expect((steps[1]["cast_failures"] as? [String: Int])?["minutes"] == 1)     // "x" → null
    #expect((steps[2]["filled"] as? [String: Int])?["distance"] == 1)
    #expect(steps[4]["dropped"] as? Int == 1)                                   // the row whose minutes failed
    #expect(steps[4]["rows_out"] as? Int == 4)
    let csv = try p.read("outputs/t/cells/silver/table.csv")
    #expect(csv.hasPrefix("player,name,distance,meters,zone_code,band,Shot Made Flag,seconds\n"))
    #expect(run.stdout.contains("became null") || run.stderr.contains("became null"))
    let rates = try p.read("outputs/t/cells/rates/table.csv")
    #expect(rates.hasPrefix("band,shots,rate,far\n"))
    // Same seed, same rows: a forced rerun gives identical bytes.
    #expect(try p.workbench(["run", "t.yaml", "--force"]).status == 0)
    #expect(try p.read("outputs/t/cells/silver/table.csv") == csv)
  }

  @Test func unknownStepKindIsAStaticErrorWithSuggestion() throws {
    let p = try project("""
        - id: silver
          kind: transform
          input: bronze
          steps:
            - filter: "made = 1"
            - derve: {x: "1"}
      """)
    defer { p.remove() }
    let run = try p.workbench(["run", "t.yaml"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("t.yaml:14:9"), "\(run.stderr)")
    #expect(run.stderr.contains("unknown step `derve`"))
    #expect(run.stderr.contains("did you mean `derive`?"))
  }

  @Test func expressionSyntaxErrorPointsInsideTheString() throws {
    let p = try project("""
        - id: silver
          kind: transform
          input: bronze
          steps:
            - filter: "made = 1 and (distance > 3"
      """)
    defer { p.remove() }
    let run = try p.workbench(["run", "t.yaml"])
    #expect(run.status == 2)
    // The quote is at column 17; the expression is 26 characters long and the missing `)` is at its end: 17 + 1 + 26.
    #expect(run.stderr.contains("t.yaml:13:44"), "\(run.stderr)")
    #expect(run.stderr.contains("expected `)`"))
  }

  @Test func unknownColumnAtRunTimeIsLocatedWithSuggestion() throws {
    let p = try project("""
        - id: silver
          kind: transform
          input: bronze
          steps:
            - derive:
                meters: "distanse * 0.3048"
      """)
    defer { p.remove() }
    let run = try p.workbench(["run", "t.yaml"])
    #expect(run.status == 1)
    let text = run.stderr + run.stdout
    #expect(text.contains("t.yaml:14:20"), "\(text)")
    #expect(text.contains("unknown column `distanse`"))
    #expect(text.contains("did you mean `distance`?"))
  }

  @Test func joinTableMustBeListed() throws {
    let p = try project("""
        - id: silver
          kind: transform
          input: bronze
          steps:
            - join: {with: players, on: {player: id}}
      """)
    defer { p.remove() }
    let run = try p.workbench(["run", "t.yaml"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("join table `players` is not listed in `tables`"), "\(run.stderr)")
  }

  @Test func badStepShapesAreStaticErrors() throws {
    let cases: [(String, String)] = [
      ("- sample: {rows: 3}", "missing `seed`"),
      ("- sample: {rows: 3, fraction: 0.5, seed: 1}", "exactly one of"),
      ("- cast: {made: integer}", "type of `made` must be int, float, string or bool"),
      ("- impute: {distance: medien}", "did you mean `median`?"),
      ("- bin: {column: distance, edges: [3, 1]}", "strictly increasing"),
      ("- group_by: {keys: [zone], aggregate: {n: avg(made)}}", "unknown aggregate function `avg`"),
      ("- map: {column: zone, valeus: {a: 1}}", "did you mean `values`?"),
      ("- {filter: \"made = 1\", sort: [made]}", "exactly one key"),
    ]
    for (step, message) in cases {
      let p = try project("""
          - id: silver
            kind: transform
            input: bronze
            steps:
              \(step)
        """)
      defer { p.remove() }
      let run = try p.workbench(["run", "t.yaml"])
      #expect(run.status == 2, "\(step)")
      #expect(run.stderr.contains(message), "\(step): \(run.stderr)")
    }
  }

  @Test func imputeOfAnAllNullColumnIsReported() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("e.csv", "a,b\n1,\n2,\n")
    try p.write("t.yaml", """
      workbook: t
      cells:
        - id: bronze
          kind: load
          source: e.csv
          schema: {b: float}
        - id: filled
          kind: transform
          input: bronze
          steps:
            - impute: {b: mean}
      """)
    let run = try p.workbench(["run", "t.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect((run.stdout + run.stderr).contains("entirely null"))
    #expect(try p.read("outputs/t/report.md").contains("entirely null"))
  }
}
