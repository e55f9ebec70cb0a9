import CSQLite
import Foundation
import Frame
import WorkbenchCore

/// Frames in and out of SQLite (SQL cells): bulk loading, typed query results and a query-only authorizer.
extension SQLiteDatabase {
  /// `"name"` with embedded quotes doubled, for identifiers.
  public static func quoteIdentifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

  /// Creates table `name` with one column per frame column (INTEGER, REAL, TEXT, BOOLEAN) and inserts every row
  /// in one transaction through a prepared statement.
  public func load(_ frame: Frame, as name: String) throws(SQLiteError) {
    let columns = frame.columns.map { c -> String in
      let type = switch c.type {
      case .int: "INTEGER"
      case .float: "REAL"
      case .string: "TEXT"
      case .bool: "BOOLEAN"
      }
      return "\(Self.quoteIdentifier(c.name)) \(type)"
    }
    try execute("CREATE TABLE \(Self.quoteIdentifier(name)) (\(columns.joined(separator: ", ")))")
    guard !frame.columns.isEmpty else { return }
    try execute("BEGIN")
    do throws(SQLiteError) {
      let sql = "INSERT INTO \(Self.quoteIdentifier(name)) VALUES (\(Array(repeating: "?", count: frame.columns.count).joined(separator: ", ")))"
      var statement: OpaquePointer?
      var rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
      guard rc == SQLITE_OK, let statement else { throw error(rc, sql: sql) }
      defer { sqlite3_finalize(statement) }
      for row in 0..<frame.rowCount {
        sqlite3_reset(statement)
        for (j, c) in frame.columns.enumerated() {
          let index = Int32(j + 1)
          if c.isNull(row) { rc = sqlite3_bind_null(statement, index); continue }
          switch c.storage {
          case .int(let v): rc = sqlite3_bind_int64(statement, index, v[row])
          case .float(let v): rc = v[row].isNaN ? sqlite3_bind_null(statement, index) : sqlite3_bind_double(statement, index, v[row])
          case .bool(let v): rc = sqlite3_bind_int64(statement, index, v[row] ? 1 : 0)
          case .string(let codes, let d): rc = sqlite3_bind_text(statement, index, d[Int(codes[row])], -1, SQLITE_TRANSIENT)
          }
          guard rc == SQLITE_OK else { throw error(rc, sql: sql) }
        }
        rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE else { throw error(rc, sql: sql) }
      }
      try execute("COMMIT")
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// Functions a query may never call: `load_extension` (native code), `fts3_tokenizer` (returns and accepts raw
  /// native pointers), and the shell/extension helpers `readfile`, `writefile`, `edit` (file system, editor) when a
  /// build provides them.
  public static let deniedFunctions: Set<String> = ["load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"]

  /// The longest text or blob a query may build (`zeroblob(1e9)`, `printf('%.*c', …)`): 64 MB, so memory stays bounded.
  public static let queryValueLimit: Int32 = 64 * 1024 * 1024

  /// Refuses everything but reading: writes of any kind, schema changes, ATTACH/DETACH, PRAGMA, transactions and
  /// the functions in `deniedFunctions` (SQLITE_DENY makes the statement fail to prepare). Also turns off SQLite's
  /// double-quoted string literals (`"Shot Zone Basik"` is an unknown column, not the text 'Shot Zone Basik'),
  /// the FTS3 tokenizer pointer interface, triggers/views and caps value sizes.
  public func restrictToQueries() {
    for op in [SQLITE_DBCONFIG_DQS_DML, SQLITE_DBCONFIG_DQS_DDL, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER,
               SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, SQLITE_DBCONFIG_ENABLE_TRIGGER, SQLITE_DBCONFIG_ENABLE_VIEW] {
      _ = workbench_sqlite3_db_config_int(handle, op, 0, nil)
    }
    _ = sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, Self.queryValueLimit)
    _ = sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, 0)
    sqlite3_set_authorizer(handle, { _, action, _, argument2, _, _ in
      switch action {
      case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
        return SQLITE_OK
      case SQLITE_FUNCTION:
        if let argument2, SQLiteDatabase.deniedFunctions.contains(String(cString: argument2).lowercased()) { return SQLITE_DENY }
        return SQLITE_OK
      default:
        return SQLITE_DENY
      }
    }, nil)
  }

  /// Runs a single read-only statement (SELECT, WITH … SELECT or VALUES) and returns its rows as a frame.
  ///
  /// Column types: a column whose values are all integers is int (BOOLEAN-declared 0/1 columns are bool), integers
  /// mixed with reals is float, anything with text is string (numbers shown as text), blobs are hex text; a column of
  /// nulls only takes its declared type, else string. Column names repeated by the query get `_2`, `_3`… suffixes.
  public func queryFrame(_ sql: String) throws(SQLiteError) -> Frame {
    var statement: OpaquePointer?
    var tail: UnsafePointer<CChar>?
    let rc0 = sql.withCString { text in
      let rc = sqlite3_prepare_v2(handle, text, -1, &statement, &tail)
      // Anything but whitespace/comments after the first statement is a second statement.
      if rc == SQLITE_OK, let tail, let rest = Optional(String(cString: tail)), !Self.isBlankSQL(rest) { return Int32(-1) }
      return rc
    }
    if rc0 == -1 {
      sqlite3_finalize(statement)
      throw SQLiteError(code: SQLITE_MISUSE, message: "only one statement is allowed (found text after the first `;`)", sql: sql, path: path)
    }
    guard rc0 == SQLITE_OK, let statement else { throw error(rc0, sql: sql) }
    defer { sqlite3_finalize(statement) }
    guard sqlite3_stmt_readonly(statement) != 0 else {
      throw SQLiteError(code: SQLITE_AUTH, message: "only SELECT queries are allowed", sql: sql, path: path)
    }
    let n = Int(sqlite3_column_count(statement))
    guard n > 0 else { throw SQLiteError(code: SQLITE_MISUSE, message: "the statement returns no columns; use a SELECT", sql: sql, path: path) }
    var names: [String] = []
    var declared: [String] = []
    for i in 0..<n {
      var name = String(cString: sqlite3_column_name(statement, Int32(i)))
      if names.contains(name) {
        var k = 2
        while names.contains("\(name)_\(k)") { k += 1 }
        name = "\(name)_\(k)"
      }
      names.append(name)
      declared.append(sqlite3_column_decltype(statement, Int32(i)).map { String(cString: $0).uppercased() } ?? "")
    }
    var values = [[SQLiteValue]](repeating: [], count: n)
    while true {
      let rc = sqlite3_step(statement)
      if rc == SQLITE_DONE { break }
      guard rc == SQLITE_ROW else { throw error(rc, sql: sql) }
      for i in 0..<n { values[i].append(column(statement, Int32(i))) }
    }
    var columns: [Column] = []
    for i in 0..<n { columns.append(Self.makeColumn(name: names[i], values: values[i], declared: declared[i])) }
    do { return try Frame(columns: columns) } catch {
      throw SQLiteError(code: SQLITE_MISUSE, message: error.message, sql: sql, path: path)
    }
  }

  static func makeColumn(name: String, values: [SQLiteValue], declared: String) -> Column {
    var hasInt = false, hasReal = false, hasText = false
    for v in values {
      switch v {
      case .integer: hasInt = true
      case .real: hasReal = true
      case .text, .blob: hasText = true
      case .null: break
      }
    }
    let validity = values.map { $0 != .null }
    if !hasInt && !hasReal && !hasText {
      if declared.contains("INT") { return Column(name: name, storage: .int(.init(repeating: 0, count: values.count)), validity: validity) }
      if declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB") {
        return Column(name: name, storage: .float(.init(repeating: 0, count: values.count)), validity: validity)
      }
      if declared == "BOOLEAN" { return Column(name: name, storage: .bool(.init(repeating: false, count: values.count)), validity: validity) }
      return Column(name: name, strings: values.map { _ in nil })
    }
    if hasText {
      return Column(name: name, strings: values.map { v in
        switch v {
        case .null: nil
        case .integer(let x): String(x)
        case .real(let x): formatFloat(x)
        case .text(let s): s
        case .blob(let b): b.map { String(format: "%02x", $0) }.joined()
        }
      })
    }
    if hasReal {
      return Column(name: name, storage: .float(values.map { $0.double ?? 0 }), validity: validity)
    }
    let ints = values.map { $0.int ?? 0 }
    if declared == "BOOLEAN", ints.allSatisfy({ $0 == 0 || $0 == 1 }) {
      return Column(name: name, storage: .bool(ints.map { $0 == 1 }), validity: validity)
    }
    return Column(name: name, storage: .int(ints), validity: validity)
  }

  /// True when `text` holds only whitespace, `;` and SQL comments.
  static func isBlankSQL(_ text: String) -> Bool {
    var s = Substring(text)
    while true {
      s = s.drop { $0.isWhitespace || $0 == ";" }
      if s.hasPrefix("--") {
        s = s.drop { $0 != "\n" }
      } else if s.hasPrefix("/*") {
        guard let end = s.range(of: "*/") else { return false }
        s = s[end.upperBound...]
      } else {
        return s.isEmpty
      }
    }
  }
}

/// A wall-clock limit for queries (SQL cells), checked by SQLite's progress handler every 10,000 VM steps.
public final class SQLiteDeadline: @unchecked Sendable {
  let limit: Date
  public init(seconds: Double) { limit = Date().addingTimeInterval(seconds) }
}

extension SQLiteDatabase {
  /// Interrupts any statement still running after `deadline` (SQLITE_INTERRUPT, "interrupted"). The deadline
  /// object must stay alive while statements run (the caller keeps it).
  public func interrupt(after deadline: SQLiteDeadline) {
    sqlite3_progress_handler(handle, 10_000, { pointer in
      guard let pointer else { return 0 }
      let deadline = Unmanaged<SQLiteDeadline>.fromOpaque(pointer).takeUnretainedValue()
      return Date() > deadline.limit ? 1 : 0
    }, Unmanaged.passUnretained(deadline).toOpaque())
  }
}
