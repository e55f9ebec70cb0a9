import Foundation
import Frame
import WorkbenchCore

/// `outputs/<workbook>/warehouse.sqlite`: the main table of every cell marked `publish: true`, as a SQLite
/// table named after the cell, so `sqlite3` and BI tools can query bronze, silver and gold tables.
///
/// Rebuilt into a temporary file and renamed over the old one (readers never see a half-written database),
/// and only when a published table changed.
struct Warehouse {
  let engine: Engine

  /// Rebuilds the warehouse when a published table changed. Returns a warning (for run.json and the report) when
  /// it was left as it was because a published cell has no output in this run, or when a published cell has no
  /// table: a failed or partial run never drops tables from the last complete warehouse.
  func publish(_ summary: RunSummary, into out: URL) throws -> [String] {
    let wb = summary.workbook
    var entries: [(cell: String, digest: String, manifest: Manifest)] = []
    var warnings: [String] = []
    var missing: [String] = []
    for cell in wb.cells where cell.spec.publish {
      guard let m = summary.record(cell.id)?.manifest else { missing.append(cell.id); continue }
      guard let t = m.tables.first else {
        warnings.append("cell `\(cell.id)` is marked `publish: true` but produced no table: nothing of it is in warehouse.sqlite")
        continue
      }
      entries.append((cell.id, t.digest, m))
    }
    guard missing.isEmpty else {
      let names = missing.map { "`\($0)`" }.joined(separator: ", ")
      return warnings + ["warehouse.sqlite not updated: published cell(s) \(names) have no output in this run (failed, skipped or not selected); it keeps the tables of the last complete run"]
    }
    let path = out.appendingPathComponent("warehouse.sqlite").path
    let markerPath = out.appendingPathComponent(".warehouse-digest").path
    guard !entries.isEmpty else { return warnings }
    let digest = Digest.sha256(entries.map { "\($0.cell)\t\($0.digest)\n" }.joined())
    if FileSystem.exists(path), (try? String(contentsOfFile: markerPath, encoding: .utf8)) == digest { return warnings }

    let tmp = out.appendingPathComponent(".warehouse-\(getpid()).sqlite").path
    FileSystem.removeItem(tmp)
    do {
      let db = try SQLiteDatabase(path: tmp)
      for e in entries {
        let frame = try FrameCodec.decode(try engine.store.blob(e.digest))
        try Self.write(frame, as: e.cell, into: db)
      }
    } catch {
      FileSystem.removeItem(tmp)
      throw error
    }
    do { try AtomicFile.moveIntoPlace(tmp, to: path) } catch {
      throw EngineError(error.description, hint: "check permissions on the outputs folder")
    }
    try FileSystem.writeAtomically(digest, to: markerPath)
    return warnings
  }

  static func quote(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

  /// Creates table `name` and inserts every row of `frame` in one transaction.
  static func write(_ frame: Frame, as name: String, into db: SQLiteDatabase) throws {
    let columns = frame.columns.map { c -> String in
      let type: String
      switch c.type {
      case .int, .bool: type = "INTEGER"
      case .float: type = "REAL"
      case .string: type = "TEXT"
      }
      return "\(quote(c.name)) \(type)"
    }
    try db.execute("DROP TABLE IF EXISTS \(quote(name)); CREATE TABLE \(quote(name)) (\(columns.joined(separator: ", ")));")
    let placeholders = Array(repeating: "?", count: frame.columns.count).joined(separator: ",")
    try db.transaction {
      let insert = try db.prepare("INSERT INTO \(quote(name)) VALUES (\(placeholders))")
      var row = [SQLiteValue](repeating: .null, count: frame.columns.count)
      for r in 0..<frame.rowCount {
        for (i, c) in frame.columns.enumerated() {
          if c.isNull(r) { row[i] = .null; continue }
          switch c.storage {
          case .int(let v): row[i] = .integer(v[r])
          case .float(let v): row[i] = .real(v[r])
          case .bool(let v): row[i] = .integer(v[r] ? 1 : 0)
          case .string(let codes, let dict): row[i] = .text(dict[Int(codes[r])])
          }
        }
        try insert.run(row)
      }
    }
  }
}
