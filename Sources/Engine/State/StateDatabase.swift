import Foundation
import WorkbookModel

/// `.workbench/state.sqlite`: the stat cache, the run ledger and the last good state of every cell.
///
/// WAL journal with `synchronous=NORMAL` (see docs/cache.md): a committed transaction survives a crash of the
/// process; a power cut may lose the last transactions (a cell's state or a stat entry) but never corrupts the
/// database. Losing them only costs a re-hash or a rerun; cache entries themselves are files written with fsync.
/// A database that is damaged anyway is moved aside by ``Engine`` and rebuilt (see ``StateDatabaseDamaged``).
public final class StateDatabase: Sendable {
  let db: SQLiteDatabase

  /// The layout version in `PRAGMA user_version`. 2: `file_digests` has `ctime_ns`.
  static let schemaVersion: Int64 = 2

  public init(path: String) throws {
    let opened: SQLiteDatabase
    do {
      opened = try SQLiteDatabase(path: path)
      try Self.enableWAL(opened)
      try opened.execute("PRAGMA synchronous=NORMAL")
      try Self.migrate(opened)
    } catch {
      if let sqlite = error as? SQLiteError, sqlite.isDamage { throw StateDatabaseDamaged(path: path, underlying: sqlite) }
      throw error
    }
    db = opened
  }

  /// Switches to WAL. When several processes open a fresh database together, the switch of one of them can meet
  /// another's switch in progress: SQLite then answers `SQLITE_BUSY` at once, without its busy handler (waiting
  /// would deadlock, as this connection holds a read lock). The retry needs no sleep of its own: its read lock waits
  /// in SQLite's busy handler (`sqlite3_busy_timeout`, ``SQLiteDatabase``) until the other switch commits, and then
  /// finds the database in WAL. The attempts are bounded, so a database that stays busy is an error, not a hang.
  static func enableWAL(_ db: SQLiteDatabase) throws {
    var attempt = 1
    while true {
      do {
        if try db.query("PRAGMA journal_mode").first?.first?.text?.lowercased() == "wal" { return }
        try db.execute("PRAGMA journal_mode=WAL")
        return
      } catch {
        guard error.isBusy && attempt < walSwitchAttempts else { throw error }
        attempt += 1
      }
    }
  }

  /// How many times the switch to WAL is tried before a persistent `SQLITE_BUSY` is reported.
  static let walSwitchAttempts = 64

  /// Creates the tables, or brings an older layout up to date (in one transaction, so concurrent openers agree).
  static func migrate(_ db: SQLiteDatabase) throws {
    if try db.query("PRAGMA user_version").first?.first?.int == schemaVersion { return }
    try db.transaction {
      let version = try db.query("PRAGMA user_version").first?.first?.int ?? 0
      if version == schemaVersion { return }
      // file_digests is only a cache of hashes: an older layout (without ctime_ns) is dropped, not converted.
      let columns = try db.query("PRAGMA table_info(file_digests)").compactMap { $0[1].text }
      if !columns.isEmpty && !columns.contains("ctime_ns") { try db.execute("DROP TABLE file_digests") }
      try db.execute("""
        CREATE TABLE IF NOT EXISTS file_digests(
          path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
          inode INTEGER NOT NULL, digest TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS runs(
          id INTEGER PRIMARY KEY AUTOINCREMENT, workbook TEXT NOT NULL, command TEXT NOT NULL, started_at TEXT NOT NULL,
          finished_at TEXT, status TEXT NOT NULL, params TEXT NOT NULL, pid INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS cell_executions(
          run_id INTEGER NOT NULL REFERENCES runs(id), cell TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
          key TEXT, output_digest TEXT, duration_ms INTEGER, reason TEXT, PRIMARY KEY(run_id, cell));
        CREATE TABLE IF NOT EXISTS cell_state(
          workbook TEXT NOT NULL, cell TEXT NOT NULL, key TEXT NOT NULL, output_digest TEXT NOT NULL,
          PRIMARY KEY(workbook, cell));
        PRAGMA user_version=\(schemaVersion);
        """)
    }
  }

  /// `PRAGMA quick_check`: nil when the database is sound, else SQLite's first complaint.
  public func integrityProblem() -> String? {
    do {
      let rows = try db.query("PRAGMA quick_check")
      let lines = rows.compactMap { $0.first?.text }
      return lines == ["ok"] ? nil : lines.prefix(3).joined(separator: "; ")
    } catch {
      return error.description
    }
  }

  // MARK: Stat cache

  /// The recorded digest of `path` if its size, mtime, ctime and inode are unchanged.
  public func cachedDigest(path: String, signature s: FileSignature) -> String? {
    let rows = try? db.query("SELECT digest FROM file_digests WHERE path=? AND size=? AND mtime_ns=? AND ctime_ns=? AND inode=?",
                             [.text(path), .integer(s.size), .integer(s.mtimeNs), .integer(s.ctimeNs), .integer(s.inode)])
    return rows?.first?.first?.text
  }

  public func recordDigest(path: String, signature s: FileSignature, digest: String) {
    _ = try? db.query("INSERT OR REPLACE INTO file_digests(path,size,mtime_ns,ctime_ns,inode,digest) VALUES(?,?,?,?,?,?)",
                      [.text(path), .integer(s.size), .integer(s.mtimeNs), .integer(s.ctimeNs), .integer(s.inode), .text(digest)])
  }

  public func forgetDigest(path: String) {
    _ = try? db.query("DELETE FROM file_digests WHERE path=?", [.text(path)])
  }

  /// Content digest of a file, re-reading it only when its stat signature changed.
  public func digest(ofFile path: String) throws -> String {
    guard let s = FileSystem.statSignature(path) else {
      throw EngineError("input `\(path)` does not exist", hint: "check the path, or pass another with --param")
    }
    if let d = cachedDigest(path: path, signature: s) { return d }
    let d = try Digest.sha256(fileAt: path)
    // Only trust the signature if the file did not change while we read it.
    if let after = FileSystem.statSignature(path), after == s {
      recordDigest(path: path, signature: s, digest: d)
    }
    return d
  }

  // MARK: Ledger

  /// UTC time as `2026-11-21T19:35:13Z` (the ledger is the only place with wall-clock times).
  static func timestamp() -> String {
    var t = time(nil)
    var tm = tm()
    gmtime_r(&t, &tm)
    return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)
  }

  public func beginRun(workbook: String, command: String, params: JSONValue) -> Int64 {
    let now = Self.timestamp()
    _ = try? db.query("INSERT INTO runs(workbook,command,started_at,status,params,pid) VALUES(?,?,?,?,?,?)",
                      [.text(workbook), .text(command), .text(now), .text("running"),
                       .text(params.serialized(pretty: false)), .integer(Int64(getpid()))])
    return (try? db.query("SELECT last_insert_rowid()").first?.first?.int) ?? nil ?? 0
  }

  public func finishRun(_ id: Int64, status: String) {
    let now = Self.timestamp()
    _ = try? db.query("UPDATE runs SET finished_at=?, status=? WHERE id=?", [.text(now), .text(status), .integer(id)])
  }

  public func recordExecution(run: Int64, cell: String, kind: String, status: String, key: String?, outputDigest: String?,
                              durationMs: Int?, reason: String?) {
    _ = try? db.query(
      "INSERT OR REPLACE INTO cell_executions(run_id,cell,kind,status,key,output_digest,duration_ms,reason) VALUES(?,?,?,?,?,?,?,?)",
      [.integer(run), .text(cell), .text(kind), .text(status), key.map(SQLiteValue.text) ?? .null,
       outputDigest.map(SQLiteValue.text) ?? .null, durationMs.map { .integer(Int64($0)) } ?? .null,
       reason.map(SQLiteValue.text) ?? .null])
  }

  public struct RunRecord: Sendable {
    public var id: Int64
    public var workbook: String
    public var command: String
    public var startedAt: String
    public var finishedAt: String?
    public var status: String
  }

  public func recentRuns(workbook: String, limit: Int = 20) -> [RunRecord] {
    let rows = (try? db.query("SELECT id,workbook,command,started_at,finished_at,status FROM runs WHERE workbook=? ORDER BY id DESC LIMIT ?",
                              [.text(workbook), .integer(Int64(limit))])) ?? []
    return rows.map { RunRecord(id: $0[0].int ?? 0, workbook: $0[1].text ?? "", command: $0[2].text ?? "",
                                startedAt: $0[3].text ?? "", finishedAt: $0[4].text, status: $0[5].text ?? "") }
  }

  // MARK: Cell state (last good)

  public func setState(workbook: String, cell: String, key: String, outputDigest: String) {
    _ = try? db.query("INSERT OR REPLACE INTO cell_state(workbook,cell,key,output_digest) VALUES(?,?,?,?)",
                      [.text(workbook), .text(cell), .text(key), .text(outputDigest)])
  }

  public func state(workbook: String) -> [String: (key: String, outputDigest: String)] {
    let rows = (try? db.query("SELECT cell,key,output_digest FROM cell_state WHERE workbook=?", [.text(workbook)])) ?? []
    var out: [String: (key: String, outputDigest: String)] = [:]
    for r in rows { if let c = r[0].text, let k = r[1].text, let d = r[2].text { out[c] = (k, d) } }
    return out
  }

  public func clearState(workbook: String) {
    _ = try? db.query("DELETE FROM cell_state WHERE workbook=?", [.text(workbook)])
  }

  /// Every key referenced by any workbook's state (the roots `gc` keeps). Throws when the database cannot be read:
  /// taking an unreadable state for "nothing recorded" would let `gc` delete the whole cache.
  public func allStateKeys() throws -> Set<String> {
    Set(try db.query("SELECT key FROM cell_state").compactMap { $0.first?.text })
  }

  /// Marks `running` ledger rows whose process is gone as `interrupted` (a killed run never finished its row).
  /// Returns how many.
  @discardableResult
  public func closeAbandonedRuns() -> Int {
    let rows = (try? db.query("SELECT id, pid FROM runs WHERE status='running'")) ?? []
    var closed = 0
    for r in rows {
      guard let id = r[0].int, let pid = r[1].int, Leftovers.isDead(Int32(truncatingIfNeeded: pid)) else { continue }
      finishRun(id, status: "interrupted")
      closed += 1
    }
    return closed
  }

  /// Restores the last good state of every workbook from its `outputs/<workbook>/run.json` (executed and cached
  /// cells with a key), after a damaged database was replaced. Returns how many cells were restored.
  func rebuildState(fromOutputs outputsRoot: URL) -> Int {
    var restored = 0
    for folder in ((try? FileManager.default.contentsOfDirectory(atPath: outputsRoot.path)) ?? []).sorted() {
      let file = outputsRoot.appendingPathComponent(folder).appendingPathComponent("run.json").path
      guard let bytes = try? FileSystem.readBytes(file), let run = try? JSONValue.parse(bytes),
            let workbook = run.objectValue?["workbook"]?.stringValue,
            let cells = run.objectValue?["cells"]?.arrayValue else { continue }
      for cell in cells {
        guard let o = cell.objectValue, let id = o["id"]?.stringValue, let key = o["key"]?.stringValue,
              let digest = o["output_digest"]?.stringValue,
              ["executed", "cached"].contains(o["status"]?.stringValue ?? "") else { continue }
        setState(workbook: workbook, cell: id, key: key, outputDigest: digest)
        restored += 1
      }
    }
    return restored
  }

  /// The status of one ledger row.
  public func runStatus(_ id: Int64) -> String? {
    (try? db.query("SELECT status FROM runs WHERE id=?", [.integer(id)]))?.first?.first?.text
  }
}

/// The state database cannot be used: its file is not a SQLite database or is corrupted.
public struct StateDatabaseDamaged: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var underlying: SQLiteError
  public var description: String { "the state database \(path) is damaged: \(underlying.message)" }
}
