import Foundation
import Testing
import TestSupport

/// The `sql` cell: SELECTs over upstream tables, and the read-only authorizer refusing everything else.
@Suite("sql cell", .serialized)
struct SQLTests {
  /// The query comes from the param `q` so that static checks are skipped and SQLite's authorizer is exercised.
  func project() throws -> Project {
    let p = try Project()
    try p.write("shots.csv", sampleCSV(rows: 300))
    try p.write("players.csv", "player,name\nP0,Ann\nP1,Bob\nP2,Cid\n")
    try p.write("q.yaml", """
      workbook: q
      params:
        q: "SELECT 1"
      cells:
        - id: shots
          kind: load
          source: shots.csv
        - id: players
          kind: load
          source: players.csv
        - id: rates
          kind: sql
          tables: {s: shots, p: players}
          query: ${q}
      """)
    return p
  }

  func run(_ p: Project, _ query: String) throws -> ProcessOutput {
    try p.workbench(["run", "q.yaml", "--param", "q=\(query)"])
  }

  @Test func selectJoinsAndAggregates() throws {
    let p = try project()
    defer { p.remove() }
    let run = try run(p, """
      SELECT s.player, p.name, count(*) AS shots, avg(made) AS rate, max(distance) AS far, sum(made) > 10 AS hot \
      FROM s LEFT JOIN p ON p.player = s.player GROUP BY s.player ORDER BY s.player
      """)
    #expect(run.status == 0, "\(run.stderr)")
    let csv = try p.read("outputs/q/cells/rates/table.csv").split(separator: "\n")
    #expect(csv.first == "player,name,shots,rate,far,hot")
    #expect(csv.count == 8)
    #expect(csv[1].hasPrefix("P0,Ann,"))
    #expect(csv[4].hasPrefix("P3,,"))
    let tables = try String(contentsOf: p.root.appendingPathComponent("outputs/q/cells/rates/tables.json"), encoding: .utf8)
    #expect(tables.contains("\"type\" : \"int\"") || tables.contains("\"type\": \"int\""))
    #expect(tables.contains("float"))
  }

  /// Each forbidden statement is refused with SQLite's message at the query's location, and runs nothing.
  @Test(arguments: [
    "ATTACH DATABASE 'x.sqlite' AS x",
    "PRAGMA writable_schema = 1",
    "PRAGMA user_version",
    "DELETE FROM s",
    "INSERT INTO s (player) VALUES ('x')",
    "UPDATE s SET made = 1",
    "DROP TABLE s",
    "CREATE TABLE t (a)",
    "CREATE TEMP TABLE t AS SELECT 1",
    "SELECT load_extension('/tmp/evil')",
    "SELECT fts3_tokenizer('simple')",
    "SELECT fts3_tokenizer('evil', X'0000000000000000')",
    "SELECT 1; DELETE FROM s",
    "SELECT 1; SELECT 2",
    "BEGIN",
    "VACUUM",
  ])
  func refusals(query: String) throws {
    let p = try project()
    defer { p.remove() }
    let run = try run(p, query)
    #expect(run.status == 1, "\(query) was accepted")
    let text = run.stderr + run.stdout
    #expect(text.contains("q.yaml:14:"), "\(query): \(text)")
    #expect(text.contains("not authorized") || text.contains("only one statement") || text.contains("only SELECT"), "\(query): \(text)")
    #expect(!p.exists("x.sqlite"))
  }

  @Test func syntaxErrorShowsSQLiteMessage() throws {
    let p = try project()
    defer { p.remove() }
    let run = try run(p, "SELECT player FROM s WHERE")
    #expect(run.status == 1)
    #expect((run.stderr + run.stdout).contains("incomplete input"), "\(run.stderr)")
  }

  @Test func unknownTableNamesTheAvailableOnes() throws {
    let p = try project()
    defer { p.remove() }
    let run = try run(p, "SELECT * FROM shotz")
    #expect(run.status == 1)
    let text = run.stderr + run.stdout
    #expect(text.contains("no such table: shotz"), "\(text)")
    #expect(text.contains("tables available: p, s"))
  }

  @Test func aWriteWrittenInTheWorkbookIsAStaticError() throws {
    let p = try project()
    defer { p.remove() }
    try p.write("q.yaml", try p.read("q.yaml").replacingOccurrences(of: "query: ${q}", with: "query: DELETE FROM s"))
    let run = try p.workbench(["run", "q.yaml"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("q.yaml:14:12"), "\(run.stderr)")
    #expect(run.stderr.contains("the query must be a SELECT"))
  }

  @Test func runawayQueryIsInterrupted() throws {
    let p = try project()
    defer { p.remove() }
    try p.write("q.yaml", try p.read("q.yaml").replacingOccurrences(of: "query: ${q}", with: "query: ${q}\n    timeout: 0.5"))
    let run = try run(p, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
    #expect(run.status == 1)
    #expect((run.stderr + run.stdout).contains("was interrupted"), "\(run.stderr)")
  }

  /// A misspelt column in double quotes is an error naming the nearest column — not SQLite's legacy fallback that
  /// turns an unknown "identifier" into a string and returns one constant row.
  @Test func misspeltDoubleQuotedColumnIsAnError() throws {
    let p = try project()
    defer { p.remove() }
    let typo = try run(p, "SELECT \"zoen\", count(*) AS n FROM s GROUP BY \"zoen\"")
    #expect(typo.status == 1, "\(typo.stdout)")
    let text = typo.stderr + typo.stdout
    #expect(text.contains("no such column: zoen"), "\(text)")
    #expect(text.contains("did you mean \"zone\""), "\(text)")
    #expect(text.contains("rates"), "the cell is named: \(text)")
    #expect(!p.exists("outputs/q/cells/rates/table.csv"))
    // The correct spelling works, and single-quoted text stays text.
    let ok = try run(p, "SELECT \"zone\", 'x' AS tag, count(*) AS n FROM s GROUP BY \"zone\" ORDER BY 1")
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(try p.read("outputs/q/cells/rates/table.csv").hasPrefix("zone,tag,n\nmid,x,"))
  }

  /// Values a query builds are capped (64 MB), so memory stays bounded.
  @Test func hugeValuesAreRefused() throws {
    let p = try project()
    defer { p.remove() }
    let run = try run(p, "SELECT length(zeroblob(1000000000)) AS n")
    #expect(run.status == 1)
    #expect((run.stderr + run.stdout).contains("too big"), "\(run.stderr)")
  }
}
