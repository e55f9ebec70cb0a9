import CSQLite
import Foundation

/// A small wrapper over libsqlite3 (the ledger, the stat cache, SQL cells and the warehouse).
public final class SQLiteDatabase: @unchecked Sendable {
  let handle: OpaquePointer
  public let path: String
  private let lock = NSLock()

  public enum Mode: Sendable { case readWrite, readOnly, memory }

  public init(path: String, mode: Mode = .readWrite) throws(SQLiteError) {
    self.path = path
    var db: OpaquePointer?
    let flags: Int32
    switch mode {
    case .readWrite: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
    case .readOnly: flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX
    case .memory: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY | SQLITE_OPEN_FULLMUTEX
    }
    let rc = sqlite3_open_v2(mode == .memory ? ":memory:" : path, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      if let db { sqlite3_close_v2(db) }
      throw SQLiteError(code: rc, message: message, sql: nil, path: path)
    }
    handle = db
    sqlite3_busy_timeout(db, 10_000)
  }

  deinit { sqlite3_close_v2(handle) }

  /// Runs one or more statements without results.
  public func execute(_ sql: String) throws(SQLiteError) {
    lock.lock(); defer { lock.unlock() }
    var err: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &err)
    if rc != SQLITE_OK {
      let message = err.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
      sqlite3_free(err)
      throw SQLiteError(code: rc, message: message, sql: sql, path: path)
    }
  }

  /// Runs `sql` with positional `?` bindings and returns every row.
  @discardableResult
  public func query(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> [[SQLiteValue]] {
    lock.lock(); defer { lock.unlock() }
    let statement = try prepareLocked(sql)
    defer { sqlite3_finalize(statement) }
    try bind(statement, bindings, sql: sql)
    var rows: [[SQLiteValue]] = []
    while true {
      let rc = sqlite3_step(statement)
      if rc == SQLITE_DONE { break }
      guard rc == SQLITE_ROW else { throw error(rc, sql: sql) }
      let n = sqlite3_column_count(statement)
      rows.append((0..<n).map { column(statement, $0) })
    }
    return rows
  }

  /// Column names a query would return (without running it to completion).
  public func columnNames(_ sql: String) throws(SQLiteError) -> [String] {
    lock.lock(); defer { lock.unlock() }
    let statement = try prepareLocked(sql)
    defer { sqlite3_finalize(statement) }
    return (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
  }

  /// Runs `body` inside a transaction (committed on success, rolled back on error).
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let value = try body()
      try execute("COMMIT")
      return value
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// A prepared statement for repeated use (bulk inserts). Not thread-safe: use from one task.
  public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
    lock.lock(); defer { lock.unlock() }
    return SQLiteStatement(database: self, statement: try prepareLocked(sql), sql: sql)
  }

  func prepareLocked(_ sql: String) throws(SQLiteError) -> OpaquePointer {
    var statement: OpaquePointer?
    let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
    guard rc == SQLITE_OK, let statement else { throw error(rc, sql: sql) }
    return statement
  }

  func bind(_ statement: OpaquePointer, _ values: [SQLiteValue], sql: String) throws(SQLiteError) {
    for (i, v) in values.enumerated() {
      let index = Int32(i + 1)
      let rc: Int32
      switch v {
      case .null: rc = sqlite3_bind_null(statement, index)
      case .integer(let x): rc = sqlite3_bind_int64(statement, index, x)
      case .real(let x): rc = sqlite3_bind_double(statement, index, x)
      case .text(let s): rc = sqlite3_bind_text(statement, index, s, -1, SQLITE_TRANSIENT)
      case .blob(let b):
        rc = b.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
      }
      guard rc == SQLITE_OK else { throw error(rc, sql: sql) }
    }
  }

  func column(_ statement: OpaquePointer, _ i: Int32) -> SQLiteValue {
    switch sqlite3_column_type(statement, i) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, i))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, i))
    case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, i)))
    case SQLITE_BLOB:
      let n = Int(sqlite3_column_bytes(statement, i))
      guard n > 0, let p = sqlite3_column_blob(statement, i) else { return .blob([]) }
      return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
    default: return .null
    }
  }

  func error(_ rc: Int32, sql: String?) -> SQLiteError {
    SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql, path: path)
  }

  /// Installs an authorizer that refuses everything except reading (used by SQL cells).
  public func restrictToReading(allowedFunctions: Set<String>? = nil) {
    sqlite3_set_authorizer(handle, { _, action, _, _, _, _ in
      switch action {
      case SQLITE_SELECT, SQLITE_READ, SQLITE_FUNCTION, SQLITE_RECURSIVE: return SQLITE_OK
      default: return SQLITE_DENY
      }
    }, nil)
  }

  public func removeAuthorizer() { sqlite3_set_authorizer(handle, nil, nil) }

  public var raw: OpaquePointer { handle }
}

/// A reusable prepared statement.
public final class SQLiteStatement {
  let database: SQLiteDatabase
  let statement: OpaquePointer
  let sql: String
  init(database: SQLiteDatabase, statement: OpaquePointer, sql: String) {
    self.database = database
    self.statement = statement
    self.sql = sql
  }
  deinit { sqlite3_finalize(statement) }

  /// Binds and runs the statement once (for INSERT/UPDATE), then resets it.
  public func run(_ values: [SQLiteValue]) throws(SQLiteError) {
    sqlite3_reset(statement)
    sqlite3_clear_bindings(statement)
    try database.bind(statement, values, sql: sql)
    let rc = sqlite3_step(statement)
    guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw database.error(rc, sql: sql) }
  }

  public var raw: OpaquePointer { statement }
}

public enum SQLiteValue: Sendable, Hashable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob([UInt8])

  public var int: Int64? { if case .integer(let v) = self { v } else { nil } }
  public var text: String? { if case .text(let v) = self { v } else { nil } }
  public var double: Double? {
    switch self {
    case .integer(let v): Double(v)
    case .real(let v): v
    default: nil
    }
  }
}

public struct SQLiteError: Error, Sendable, CustomStringConvertible {
  public var code: Int32
  public var message: String
  public var sql: String?
  public var path: String
  public var description: String {
    var s = "SQLite error \(code): \(message)"
    if let sql { s += " - while executing `\(sql.prefix(200))`" }
    if path != ":memory:" && !path.isEmpty { s += " (database \(path))" }
    return s
  }
}

extension SQLiteError {
  /// The file is not a database, or its content is corrupted.
  public var isDamage: Bool {
    let primary = code & 0xff
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB
  }
  /// Another connection holds a lock this statement needs.
  public var isBusy: Bool {
    let primary = code & 0xff
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED
  }
}

let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
