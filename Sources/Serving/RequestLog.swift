import Engine
import Foundation
import Frame
import Synchronization

/// Every scored row, appended to a SQLite table `requests` (time, model, version, prediction and one column per
/// feature), keeping at most `maximumRows` rows (the oldest are deleted). Headers, and so the bearer token, are never
/// stored. A `load` cell reads it back (`format: sqlite`), so served traffic can feed drift checks and retraining.
public final class RequestLog: Sendable {
  public let path: String
  public let maximumRows: Int
  private let state: Mutex<State>

  private final class State {
    let database: SQLiteDatabase
    var columns: Set<String>
    init(database: SQLiteDatabase, columns: Set<String>) {
      self.database = database
      self.columns = columns
    }
  }

  /// Opens (or creates) the log; its folder is created when missing.
  public init(path: String, maximumRows: Int) throws {
    try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
    let database = try SQLiteDatabase(path: path)
    // WAL with synchronous=NORMAL: a commit appends to `requests.sqlite-wal` without waiting for the disk (a rollback
    // journal synced twice per request and capped the server at ~1,000 requests/s). Rows survive a crash of the
    // server; only a power loss can drop the last commits. A `load` cell's cache key takes the `-wal` file's digest
    // beside the database's, so it sees every committed append (see CacheKeyResolution).
    try database.execute("PRAGMA journal_mode=WAL")
    try database.execute("PRAGMA synchronous=NORMAL")
    try database.execute("""
      CREATE TABLE IF NOT EXISTS requests (time_ms INTEGER NOT NULL, model TEXT NOT NULL, version INTEGER NOT NULL, prediction REAL);
      """)
    let existing = try database.query("SELECT name FROM pragma_table_info('requests')").compactMap { $0.first?.text }
    self.path = path
    self.maximumRows = maximumRows
    state = Mutex(State(database: database, columns: Set(existing)))
  }

  /// Appends one row per scored row in one transaction, then drops rows beyond the bound.
  public func append(_ table: Frame, scores: [Double], model: LoadedModel, at time: Date = Date()) throws {
    let milliseconds = Int64((time.timeIntervalSince1970 * 1000).rounded())
    try state.withLock { state in
      let database = state.database
      for c in table.columns where !state.columns.contains(c.name) {
        try database.execute("ALTER TABLE requests ADD COLUMN \(SQLiteDatabase.quoteIdentifier(c.name))")
        state.columns.insert(c.name)
      }
      let names = ["time_ms", "model", "version", "prediction"] + table.columnNames
      let statement = try database.prepare(
        "INSERT INTO requests (\(names.map(SQLiteDatabase.quoteIdentifier).joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))")
      let columns = table.columns.map { c -> [SQLiteValue] in
        if let numbers = c.doubles() { return numbers.map { $0.map { $0.isFinite ? .real($0) : .null } ?? .null } }
        return (0..<c.count).map { c.isNull($0) ? .null : .text(c.value(at: $0).description) }
      }
      try database.transaction {
        for row in 0..<table.rowCount {
          let score = scores[row]
          try statement.run([.integer(milliseconds), .text(model.name), .integer(Int64(model.version)),
                             score.isFinite ? .real(score) : .null] + columns.map { $0[row] })
        }
        let last = try database.query("SELECT max(rowid) FROM requests").first?.first?.int ?? 0
        if last > Int64(maximumRows) {
          _ = try database.query("DELETE FROM requests WHERE rowid <= ?", [.integer(last - Int64(maximumRows))])
        }
      }
    }
  }
}
