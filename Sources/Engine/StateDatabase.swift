import Foundation
import WorkbookModel

/// `.workbench/state.sqlite`: the stat cache, the run ledger and the last good state of every cell.
///
/// WAL journal with `synchronous=OFF`: a power cut may lose the last transactions (a cell's state or a stat
/// entry), never corrupt the database. Losing them only costs a re-hash or a rerun; cache entries themselves
/// are files written with fsync.
public final class StateDatabase: Sendable {
  let db: SQLiteDatabase

  public init(path: String) throws {
    db = try SQLiteDatabase(path: path)
    try db.execute("""
      PRAGMA journal_mode=WAL;
      PRAGMA synchronous=OFF;
      CREATE TABLE IF NOT EXISTS file_digests(
        path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, digest TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS runs(
        id INTEGER PRIMARY KEY AUTOINCREMENT, workbook TEXT NOT NULL, command TEXT NOT NULL, started_at TEXT NOT NULL,
        finished_at TEXT, status TEXT NOT NULL, params TEXT NOT NULL, pid INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS cell_executions(
        run_id INTEGER NOT NULL REFERENCES runs(id), cell TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
        key TEXT, output_digest TEXT, duration_ms INTEGER, reason TEXT, PRIMARY KEY(run_id, cell));
      CREATE TABLE IF NOT EXISTS cell_state(
        workbook TEXT NOT NULL, cell TEXT NOT NULL, key TEXT NOT NULL, output_digest TEXT NOT NULL,
        PRIMARY KEY(workbook, cell));
      """)
  }

  // MARK: Stat cache

  /// The recorded digest of `path` if its size, mtime and inode are unchanged.
  public func cachedDigest(path: String, size: Int64, mtimeNs: Int64, inode: Int64) -> String? {
    let rows = try? db.query("SELECT digest FROM file_digests WHERE path=? AND size=? AND mtime_ns=? AND inode=?",
                             [.text(path), .integer(size), .integer(mtimeNs), .integer(inode)])
    return rows?.first?.first?.text
  }

  public func recordDigest(path: String, size: Int64, mtimeNs: Int64, inode: Int64, digest: String) {
    _ = try? db.query("INSERT OR REPLACE INTO file_digests(path,size,mtime_ns,inode,digest) VALUES(?,?,?,?,?)",
                      [.text(path), .integer(size), .integer(mtimeNs), .integer(inode), .text(digest)])
  }

  public func forgetDigest(path: String) {
    _ = try? db.query("DELETE FROM file_digests WHERE path=?", [.text(path)])
  }

  /// Content digest of a file, re-reading it only when its stat signature changed.
  public func digest(ofFile path: String) throws -> String {
    guard let s = FileSystem.statSignature(path) else {
      throw EngineError("input `\(path)` does not exist", hint: "check the path, or pass another with --param")
    }
    if let d = cachedDigest(path: path, size: s.size, mtimeNs: s.mtimeNs, inode: s.inode) { return d }
    let d = try Digest.sha256(fileAt: path)
    // Only trust the signature if the file did not change while we read it.
    if let after = FileSystem.statSignature(path), after.size == s.size, after.mtimeNs == s.mtimeNs {
      recordDigest(path: path, size: s.size, mtimeNs: s.mtimeNs, inode: s.inode, digest: d)
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

  /// Every key referenced by any workbook's state (the roots `gc` keeps).
  public func allStateKeys() -> Set<String> {
    Set(((try? db.query("SELECT key FROM cell_state")) ?? []).compactMap { $0.first?.text })
  }
}
