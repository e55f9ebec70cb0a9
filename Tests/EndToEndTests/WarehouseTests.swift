import Foundation
import Testing
import TestSupport

/// `publish: true` tables in `outputs/<workbook>/warehouse.sqlite`, read back with the real `sqlite3` shell (what
/// a reviewer or BI tool would use): names, types, values and nulls; no rewrite when nothing changed; atomic
/// replacement when a table changed; a failed run keeps the last complete warehouse.
@Suite("warehouse", .serialized)
struct WarehouseTests {
  static let shots = #"""
    player,zone,distance,made
    O'Neal,paint,2,1
    "Bird ""Larry""",three,25,0
    Nowitzki,,18.5,1
    Nash,mid,,0

    """#

  static let workbook = """
    workbook: w
    params:
      minimum: 0
    cells:
      - id: bronze
        kind: load
        source: shots.csv
        publish: true
      - id: silver
        kind: transform
        input: bronze
        publish: true
        steps:
          - filter: "distance is null or distance >= ${minimum}"
          - derive: {meters: "distance * 0.3048", long: "distance > 20"}
      - id: profile
        kind: describe
        input: silver

    """

  func query(_ sqlite3: URL, _ db: URL, _ sql: String) throws -> [[String: Any]] {
    let out = try runProcess(sqlite3, ["-json", "-readonly", db.path, sql])
    #expect(out.status == 0, "sqlite3 failed: \(out.stderr)")
    let text = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    if text.isEmpty { return [] }
    return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
  }

  func inode(_ url: URL) throws -> UInt64 {
    try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? UInt64)
  }

  @Test(.needsTool("sqlite3", package: "sqlite3")) func publishedTablesAreQueryableAndReplacedAtomically() throws {
    let sqlite3 = try #require(try Oracles.tool("sqlite3", package: "sqlite3"))
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", Self.shots)
    try p.write("w.yaml", Self.workbook)
    let first = try p.workbench(["run", "w.yaml"])
    #expect(first.status == 0, "\(first.stderr)")
    let db = p.root.appendingPathComponent("outputs/w/warehouse.sqlite")

    // One table per published cell, named after it; the describe cell is not published.
    let tables = try query(sqlite3, db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    #expect(tables.compactMap { $0["name"] as? String } == ["bronze", "silver"])
    let columns = try query(sqlite3, db, "SELECT name, type FROM pragma_table_info('silver')")
    let types = Dictionary(uniqueKeysWithValues: columns.map { ($0["name"] as! String, $0["type"] as! String) })
    #expect(types == ["player": "TEXT", "zone": "TEXT", "distance": "REAL", "made": "INTEGER", "meters": "REAL", "long": "INTEGER"])

    // Values round-trip exactly, quotes and nulls included.
    let bronze = try query(sqlite3, db, "SELECT player, zone, distance, made FROM bronze ORDER BY rowid")
    #expect(bronze.map { $0["player"] as? String } == ["O'Neal", "Bird \"Larry\"", "Nowitzki", "Nash"])
    #expect(bronze[2]["zone"] is NSNull && bronze[3]["distance"] is NSNull)
    #expect((bronze[2]["distance"] as? Double) == 18.5 && (bronze[1]["made"] as? Int) == 0)
    let silver = try query(sqlite3, db, "SELECT count(*) AS n, sum(long) AS long FROM silver")
    #expect((silver[0]["n"] as? Int) == 4 && (silver[0]["long"] as? Int) == 1)

    // Nothing changed: the file is not rewritten.
    let before = try inode(db)
    #expect(try p.workbench(["run", "w.yaml"]).status == 0)
    #expect(try inode(db) == before)

    // A published table changed: the warehouse is replaced as a whole (new file, renamed over the old one).
    let changed = try p.workbench(["run", "w.yaml", "--param", "minimum=10"])
    #expect(changed.status == 0, "\(changed.stderr)")
    #expect(try inode(db) != before)
    let filtered = try query(sqlite3, db, "SELECT count(*) AS n FROM silver")
    #expect((filtered[0]["n"] as? Int) == 3)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: p.root.appendingPathComponent("outputs/w").path)
    #expect(!leftovers.contains { $0.hasPrefix(".warehouse-") && $0.hasSuffix(".sqlite") })

    // A failed run keeps the last complete warehouse and says so.
    try p.write("w.yaml", Self.workbook.replacingOccurrences(of: "distance > 20", with: "distanse > 20"))
    let failed = try p.workbench(["run", "w.yaml", "--param", "minimum=10"])
    #expect(failed.status == 1)
    #expect(failed.stderr.contains("warehouse.sqlite not updated"))
    #expect(try inode(db) != before)
    #expect((try query(sqlite3, db, "SELECT count(*) AS n FROM silver")[0]["n"] as? Int) == 3)
    let warnings = try p.runJSON("w")["warnings"] as? [String] ?? []
    #expect(warnings.contains { $0.contains("warehouse.sqlite not updated") && $0.contains("`silver`") })
  }

  @Test func publishingACellWithoutTableIsReported() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", Self.shots)
    try p.write("w.yaml", """
      workbook: w
      cells:
        - {id: bronze, kind: load, source: shots.csv}
        - {id: words, kind: note, text: "Shots: {{ bronze.rows }}", publish: true}

      """)
    let run = try p.workbench(["run", "w.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("`words` is marked `publish: true` but produced no table"))
  }
}
