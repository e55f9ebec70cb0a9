import Engine
import Foundation
import Frame
import WorkbookModel

/// `load` of one table of a SQLite file (e.g. `workbench serve`'s request log), opened read-only.
enum SQLiteTableSource {
  static func read(_ file: String, table: String, display: String, at location: SourceLocation) throws -> Frame {
    do {
      let database = try SQLiteDatabase(path: file, mode: .readOnly)
      let tables = try database.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name").compactMap { $0.first?.text }
      guard tables.contains(table) else {
        throw CellError("\(display) has no table `\(table)`", at: location,
                        hint: tables.isEmpty ? "the database holds no table" : "its tables: \(tables.joined(separator: ", ")); set `table:`")
      }
      return try database.queryFrame("SELECT * FROM \(SQLiteDatabase.quoteIdentifier(table))")
    } catch let error as SQLiteError {
      throw CellError("\(display): cannot read SQLite table `\(table)`: \(error.message)", at: location,
                      hint: "check that the file is a SQLite database (and not being replaced while it is read)")
    }
  }
}
