import Engine
import Foundation
import Frame
import Reporting
import WorkbookModel

/// `sql`: one read-only SELECT over upstream tables, run by SQLite in memory.
enum SQLCell {
  static let descriptor = KindDescriptor(
    name: "sql", version: 1,
    summary: "Run one SELECT over upstream tables with SQLite (in memory, read-only).",
    options: [
      OptionSpec("query", .string, required: true, doc: "A single SELECT (or WITH … SELECT) statement."),
      OptionSpec("tables", .dictionary(.table), required: true,
                 doc: "SQL table name → upstream table, e.g. `{shots: silver, players: roster.table}`."),
      OptionSpec("timeout", .number, default: 600, range: .above(0), doc: "Seconds after which the query is interrupted."),
    ],
    validate: { cell, diagnostics in
      if let q = cell.option("query"), let text = q.string, !text.contains("${") {
        let first = text.split(whereSeparator: { $0.isWhitespace || $0 == "(" }).first.map { $0.lowercased() } ?? ""
        if !["select", "with", "values"].contains(first) {
          diagnostics.error("the query must be a SELECT (or WITH … SELECT), found `\(first)`", at: q.location, cell: cell.id,
                            hint: "sql cells only read: build new tables with `transform` or another `sql` cell")
        }
      }
      if let t = cell.option("tables"), let entries = t.entries {
        for e in entries where e.key.isEmpty || e.key.contains("\"") {
          diagnostics.error("invalid SQL table name `\(e.key)`", at: e.keyLocation, cell: cell.id)
        }
      }
    })

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let query = try o.requiredString("query")
    guard let tables = o["tables"]?.objectValue, !tables.isEmpty else {
      throw CellError("`tables` must map SQL table names to upstream tables", at: o.location(of: "tables"),
                      hint: "e.g. `tables: {shots: silver}`")
    }
    let database: SQLiteDatabase
    do throws(SQLiteError) { database = try SQLiteDatabase(path: ":memory:", mode: .memory) } catch {
      throw CellError("cannot open an in-memory SQLite database: \(error.message)", at: o.cellLocation)
    }
    var loaded: [JSONValue] = []
    var columnsByTable: [(table: String, columns: [String])] = []
    for (name, ref) in tables.sorted(by: { $0.key < $1.key }) {
      guard let reference = ref.stringValue else {
        throw CellError("table `\(name)` must reference an upstream table (`cell` or `cell.table`)", at: o.location(of: "tables"))
      }
      let frame = try context.table(reference)
      do throws(SQLiteError) { try database.load(frame, as: name) } catch {
        throw CellError("cannot load `\(reference)` as table `\(name)`: \(error.message)", at: o.location(of: "tables"))
      }
      loaded.append(.object(["name": .string(name), "source": .string(reference), "rows": .int(frame.rowCount)]))
      columnsByTable.append((name, frame.columnNames))
    }
    database.restrictToQueries()
    let deadline = SQLiteDeadline(seconds: try o.number("timeout"))
    database.interrupt(after: deadline)
    let result: Frame
    do throws(SQLiteError) { result = try withExtendedLifetime(deadline) { () throws(SQLiteError) -> Frame in try database.queryFrame(query) } } catch {
      if error.code == 9 {  // SQLITE_INTERRUPT
        throw CellError("SQLite: the query ran longer than `timeout` (\(try o.number("timeout")) s) and was interrupted",
                        at: o.location(of: "query"), hint: "simplify it, or raise `timeout`")
      }
      throw CellError("SQLite: \(error.message)", at: o.location(of: "query"),
                      hint: error.code == 23 ? "sql cells are read-only: only SELECT over the listed tables is allowed"
                        : unknownColumnHint(error.message, columns: columnsByTable)
                          ?? "tables available: \(tables.keys.sorted().joined(separator: ", "))")
    }
    let json: JSONValue = .object([
      "rows": .int(result.rowCount), "columns": TableOps.schemaJSON(result), "tables": .array(loaded),
    ])
    let report: [ReportBlock] = [
      .code(query),
      .facts([.init("rows", TableOps.formatCount(result.rowCount)), .init("columns", String(result.columns.count))]),
      TableOps.previewBlock(result, rows: 10),
    ]
    return CellOutput(result: json, tables: [("table", result)], report: report)
  }

  /// For SQLite's "no such column: X": the nearest column of the loaded tables, and how to quote names.
  /// (Double-quoted text is always an identifier here — SQLite's fallback that turns an unknown `"name"` into a
  /// string literal is off — so a misspelt column is an error instead of a constant.)
  static func unknownColumnHint(_ message: String, columns: [(table: String, columns: [String])]) -> String? {
    guard let range = message.range(of: "no such column: ") else { return nil }
    let name = String(message[range.upperBound...])
    let bare = name.split(separator: ".").last.map(String.init) ?? name
    let all = columns.flatMap { t in t.columns }
    var hint = ""
    if let near = Suggest.closest(to: bare, in: all) {
      let owners = columns.filter { $0.columns.contains(near) }.map(\.table)
      hint = "did you mean \(SQLiteDatabase.quoteIdentifier(near)) (table \(owners.joined(separator: ", ")))? "
    }
    let listing = columns.map { t in "\(t.table): \(t.columns.joined(separator: ", "))" }.joined(separator: "; ")
    return hint + "columns available: \(listing.count > 600 ? String(listing.prefix(600)) + "…" : listing); "
      + "write column names in double quotes and text in single quotes ('paint')"
  }
}
