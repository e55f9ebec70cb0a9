import Engine
import Foundation
import Frame
import Synchronization

/// Every scored row, appended to a SQLite table `requests` (time, model, version, prediction and one column per
/// feature), keeping at most `maximumRows` rows (the oldest are deleted). Headers, and so the bearer token, are never
/// stored. A `load` cell reads it back (`format: sqlite`), so served traffic can feed drift checks and retraining.
///
/// Writing is off the request path: ``append(_:scores:model:at:)`` queues the scored table and returns; a thread of
/// the log's own writes everything queued in one transaction at a time (a request never waits for SQLite or for
/// another request's insert). ``flush()`` waits until what was queued is committed; ``close()`` flushes and stops
/// the thread (the server does it after draining). At most `maximumPendingRows` rows wait: beyond that, rows are
/// not stored and are counted as failed, as are rows whose transaction fails.
public final class RequestLog: Sendable {
  public let path: String
  public let maximumRows: Int
  public let maximumPendingRows: Int
  /// The database and its known columns: touched only by the writer thread.
  private let database: Mutex<DatabaseState>
  /// What waits to be written, guarded by `signal`'s lock.
  private let queue: Queue
  private let signal = NSCondition()
  private let observers = Mutex<Observers>(Observers())

  private final class DatabaseState {
    let database: SQLiteDatabase
    var columns: Set<String>
    var statements: [[String]: SQLiteStatement] = [:]
    init(database: SQLiteDatabase, columns: Set<String>) {
      self.database = database
      self.columns = columns
    }
  }

  /// One scored request.
  struct Entry: Sendable {
    var table: Frame
    var scores: [Double]
    var model: String
    var version: Int
    var milliseconds: Int64
  }

  private final class Queue: @unchecked Sendable {  // every access holds `signal`'s lock
    var pending: [Entry] = []
    var pendingRows = 0
    var writing = false
    var closed = false
    var finished = false
  }

  private struct Observers {
    var committed: (@Sendable (Int) -> Void)?
    var failed: (@Sendable (Int) -> Void)?
  }

  /// Opens (or creates) the log, its folder when missing, and starts the writer thread.
  public init(path: String, maximumRows: Int, maximumPendingRows: Int = 100_000) throws {
    try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
    let database = try SQLiteDatabase(path: path)
    // WAL with synchronous=NORMAL: a commit appends to `requests.sqlite-wal` without waiting for the disk. Rows
    // survive a crash of the server; only a power loss can drop the last commits. A `load` cell's cache key takes
    // the `-wal` file's digest beside the database's, so it sees every committed append (see CacheKeyResolution).
    try database.execute("PRAGMA journal_mode=WAL")
    try database.execute("PRAGMA synchronous=NORMAL")
    try database.execute("""
      CREATE TABLE IF NOT EXISTS requests (time_ms INTEGER NOT NULL, model TEXT NOT NULL, version INTEGER NOT NULL, prediction REAL);
      """)
    let existing = try database.query("SELECT name FROM pragma_table_info('requests')").compactMap { $0.first?.text }
    self.path = path
    self.maximumRows = maximumRows
    self.maximumPendingRows = maximumPendingRows
    self.database = Mutex(DatabaseState(database: database, columns: Set(existing)))
    self.queue = Queue()
    let thread = Thread { [self] in writerLoop() }
    thread.name = "workbench request log"
    thread.start()
  }

  /// Called with the number of rows after each commit, and with the number of rows not stored (queue full or a
  /// failed transaction). The server counts both in `/metrics`.
  public func observe(committed: @escaping @Sendable (Int) -> Void, failed: @escaping @Sendable (Int) -> Void) {
    observers.withLock { $0 = Observers(committed: committed, failed: failed) }
  }

  /// Queues one row per scored row; returns at once.
  public func append(_ table: Frame, scores: [Double], model: LoadedModel, at time: Date = Date()) {
    let entry = Entry(table: table, scores: scores, model: model.name, version: model.version,
                      milliseconds: Int64((time.timeIntervalSince1970 * 1000).rounded()))
    signal.lock()
    let accepted = !queue.closed && queue.pendingRows + scores.count <= maximumPendingRows
    if accepted {
      queue.pending.append(entry)
      queue.pendingRows += scores.count
      signal.broadcast()
    }
    signal.unlock()
    if !accepted { observers.withLock { $0.failed }?(scores.count) }
  }

  /// Waits until every row queued before the call is committed (or counted as failed).
  public func flush() {
    signal.lock()
    while !queue.pending.isEmpty || queue.writing { signal.wait() }
    signal.unlock()
  }

  /// Flushes, then stops the writer thread; later appends are counted as failed.
  public func close() {
    signal.lock()
    queue.closed = true
    signal.broadcast()
    while !queue.finished { signal.wait() }
    signal.unlock()
  }

  private func writerLoop() {
    while true {
      signal.lock()
      while queue.pending.isEmpty && !queue.closed { signal.wait() }
      if queue.pending.isEmpty {  // closed and drained
        queue.finished = true
        signal.broadcast()
        signal.unlock()
        return
      }
      let batch = queue.pending
      queue.pending = []
      queue.pendingRows = 0
      queue.writing = true
      signal.unlock()

      let rows = batch.reduce(0) { $0 + $1.scores.count }
      let stored = (try? write(batch)) != nil
      let observer = observers.withLock { stored ? $0.committed : $0.failed }
      observer?(rows)

      signal.lock()
      queue.writing = false
      signal.broadcast()
      signal.unlock()
    }
  }

  /// Writes `batch` in one transaction, then drops rows beyond the bound.
  private func write(_ batch: [Entry]) throws {
    try database.withLock { state in
      let database = state.database
      for entry in batch {
        for c in entry.table.columns where !state.columns.contains(c.name) {
          try database.execute("ALTER TABLE requests ADD COLUMN \(SQLiteDatabase.quoteIdentifier(c.name))")
          state.columns.insert(c.name)
          state.statements = [:]
        }
      }
      try database.transaction {
        for entry in batch {
          let names = ["time_ms", "model", "version", "prediction"] + entry.table.columnNames
          let statement: SQLiteStatement
          if let known = state.statements[names] {
            statement = known
          } else {
            statement = try database.prepare(
              "INSERT INTO requests (\(names.map(SQLiteDatabase.quoteIdentifier).joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))")
            state.statements[names] = statement
          }
          let columns = entry.table.columns.map { c -> [SQLiteValue] in
            if let numbers = c.doubles() { return numbers.map { $0.map { $0.isFinite ? .real($0) : .null } ?? .null } }
            return (0..<c.count).map { c.isNull($0) ? .null : .text(c.value(at: $0).description) }
          }
          let fixed: [SQLiteValue] = [.integer(entry.milliseconds), .text(entry.model), .integer(Int64(entry.version))]
          var values = fixed + [.null] + columns.map { _ in SQLiteValue.null }
          for row in 0..<entry.table.rowCount {
            let score = entry.scores[row]
            values[3] = score.isFinite ? .real(score) : .null
            for (k, column) in columns.enumerated() { values[4 + k] = column[row] }
            try statement.run(values)
          }
        }
        let last = try database.query("SELECT max(rowid) FROM requests").first?.first?.int ?? 0
        if last > Int64(maximumRows) {
          _ = try database.query("DELETE FROM requests WHERE rowid <= ?", [.integer(last - Int64(maximumRows))])
        }
      }
    }
  }
}
