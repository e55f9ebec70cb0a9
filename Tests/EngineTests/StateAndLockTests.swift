import Cells
import Foundation
import Testing
import TestSupport
import WorkbookModel

@testable import Engine

#if canImport(Glibc)
import Glibc
#endif

@Suite struct StateDatabaseTests {
  /// A state database written before `file_digests` had `ctime_ns` opens, is migrated and works.
  @Test func anOlderLayoutIsMigrated() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("state.sqlite").path
    do {
      let old = try SQLiteDatabase(path: path)
      try old.execute("""
        PRAGMA journal_mode=WAL;
        CREATE TABLE file_digests(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, digest TEXT NOT NULL);
        INSERT INTO file_digests VALUES('/x', 1, 2, 3, 'stale');
        CREATE TABLE cell_state(workbook TEXT NOT NULL, cell TEXT NOT NULL, key TEXT NOT NULL, output_digest TEXT NOT NULL, PRIMARY KEY(workbook, cell));
        INSERT INTO cell_state VALUES('wb', 'c', 'k', 'd');
        """)
    }
    let state = try StateDatabase(path: path)
    #expect(try state.db.query("PRAGMA user_version").first?.first?.int == StateDatabase.schemaVersion)
    let columns = try state.db.query("PRAGMA table_info(file_digests)").compactMap { $0[1].text }
    #expect(columns.contains("ctime_ns"))
    // The stat cache was dropped (hashes are recomputed); the last good state was kept.
    #expect(try state.db.query("SELECT count(*) FROM file_digests").first?.first?.int == 0)
    #expect(state.state(workbook: "wb")["c"]?.key == "k")
    let file = dir.appendingPathComponent("x.csv")
    try Data("a\n1\n".utf8).write(to: file)
    #expect(try state.digest(ofFile: file.path) == Digest.sha256("a\n1\n"))
    #expect(state.cachedDigest(path: file.path, signature: FileSystem.statSignature(file.path)!) != nil)
  }

  /// A signature differing only in ctime is a miss (an in-place edit with the mtime set back).
  @Test func ctimeIsPartOfTheSignature() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let state = try StateDatabase(path: dir.appendingPathComponent("s.sqlite").path)
    let s = FileSignature(size: 1, mtimeNs: 2, ctimeNs: 3, inode: 4, isDirectory: false)
    state.recordDigest(path: "/p", signature: s, digest: "d")
    #expect(state.cachedDigest(path: "/p", signature: s) == "d")
    var changed = s
    changed.ctimeNs = 5
    #expect(state.cachedDigest(path: "/p", signature: changed) == nil)
  }

  @Test func garbageIsReportedAsDamage() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("state.sqlite").path
    try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
    #expect(throws: StateDatabaseDamaged.self) { _ = try StateDatabase(path: path) }
  }

  /// Several connections opening a fresh database at once all get WAL and the schema (no `database is locked`).
  @Test func concurrentFirstOpensSucceed() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("state.sqlite").path
    let failures = Failures()
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      do { _ = try StateDatabase(path: path) } catch { failures.add("\(error)") }
    }
    #expect(failures.all.isEmpty, "\(failures.all)")
  }

  @Test func abandonedRunsAreMarkedInterrupted() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let state = try StateDatabase(path: dir.appendingPathComponent("s.sqlite").path)
    let mine = state.beginRun(workbook: "wb", command: "run", params: .object([:]))
    let child = try startProcess(URL(fileURLWithPath: "/bin/true"), [])
    child.wait()
    try state.db.query("INSERT INTO runs(workbook,command,started_at,status,params,pid) VALUES('wb','run','t','running','{}',?)",
                       [.integer(Int64(child.pid))])
    let dead = try #require(try state.db.query("SELECT last_insert_rowid()").first?.first?.int)
    #expect(state.closeAbandonedRuns() == 1)
    #expect(state.runStatus(dead) == "interrupted")
    #expect(state.runStatus(mine) == "running")
  }
}

@Suite struct LockAndLeftoverTests {
  @Test func sharedHoldersExcludeAnExclusiveOne() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("project.lock").path
    let a = try ProjectLock(path: path, access: .shared) { _ in Issue.record("a shared lock waited") }
    let b = try ProjectLock(path: path, access: .shared) { _ in Issue.record("a second shared lock waited") }
    // Another open file description asking for exclusive access would block.
    let fd = open(path, O_RDWR)
    defer { close(fd) }
    #expect(flock(fd, LOCK_EX | LOCK_NB) != 0)
    #expect(ProjectLock.holders(of: fd).contains(getpid()))
    withExtendedLifetime((a, b)) {}
  }

  @Test func leftoverNamesCarryTheirWriter() {
    #expect(Leftovers.ownerPid(ofName: ".warehouse-4242.sqlite") == 4242)
    #expect(Leftovers.ownerPid(ofName: ".warehouse-4242.sqlite-journal") == 4242)
    #expect(Leftovers.ownerPid(ofName: ".warehouse-digest") == nil)
    #expect(Leftovers.ownerPid(ofName: ".staging-my-cell-4242") == 4242)
    #expect(Leftovers.ownerPid(ofName: ".old-cell-4242") == 4242)
    #expect(Leftovers.ownerPid(ofName: ".result.json.tmp-4242-123456") == 4242)
    #expect(Leftovers.ownerPid(ofName: ".incoming-4242-18446744073709551615") == 4242)
    #expect(Leftovers.ownerPid(ofName: "my-cell-4242-99") == 4242)
    #expect(Leftovers.ownerPid(ofName: "workbench-verify-4242-7") == 4242)
    #expect(Leftovers.ownerPid(ofName: "plain") == nil)
    #expect(!Leftovers.isDead(getpid()))
  }
}

@Suite struct PlanningTests {
  static func chain(_ n: Int, cycle: Bool = false) -> String {
    var s = "workbook: chain\ncells:\n"
    for i in 0..<n {
      let dep = i == 0 ? (cycle ? "${c\(n - 1).text}" : "start") : "${c\(i - 1).text}"
      s += "  - id: c\(i)\n    kind: note\n    text: \"\(dep)\"\n"
    }
    return s
  }

  func validate(_ text: String) throws(Diagnostics) -> ValidatedWorkbook {
    let wb = try Workbook.parse(text, file: "chain.yaml")
    return try WorkbookValidator.validate(wb, kinds: CellRegistry.standard.descriptors)
  }

  /// A long dependent chain plans in file order (the algorithms are linear-ish; see bench/plan for timings).
  @Test func aLongChainIsOrdered() throws {
    let wb = try validate(Self.chain(3000))
    #expect(wb.order == (0..<3000).map { "c\($0)" })
    #expect(wb.closure(of: ["c2999"]).count == 3000)
    #expect(wb.cell("c1234")?.dependencies == ["c1233"])
    #expect(wb.dependents(of: "c2990").count == 9)
  }

  /// Ready cells run earliest-in-file-order first, whatever the declaration order of their dependencies.
  @Test func readyCellsFollowFileOrder() throws {
    let wb = try validate("""
      workbook: order
      cells:
        - {id: late, kind: note, text: "${early.text}"}
        - {id: a, kind: note, text: x}
        - {id: early, kind: note, text: y}
        - {id: b, kind: note, text: "${a.text}"}
      """)
    #expect(wb.order == ["a", "early", "late", "b"])
  }

  @Test func aCycleIsNamed() throws {
    do {
      _ = try validate(Self.chain(50, cycle: true))
      Issue.record("a cycle was accepted")
    } catch {
      let message = error.items.map(\.description).joined()
      #expect(message.contains("dependency cycle: c0 → c1"), "\(message)")
      #expect(message.contains("c49 → c0"), "\(message)")
    }
  }

  @Test func digestsAreLowercaseHex() {
    #expect(Digest.isValid(Digest.sha256("x")))
    #expect(!Digest.isValid(Digest.sha256("x").uppercased()))
    #expect(!Digest.isValid(String(repeating: "g", count: 64)))
    #expect(!Digest.isValid(String(repeating: "a", count: 63)))
    #expect(!Digest.isValid(String(repeating: "é", count: 64)))
  }

  @Test func theHeapPopsInOrder() {
    var heap = MinHeap()
    for x in [5, 3, 9, 1, 1, 7, 0] { heap.push(x) }
    var out: [Int] = []
    while let x = heap.pop() { out.append(x) }
    #expect(out == [0, 1, 1, 3, 5, 7, 9])
  }
}

final class Failures: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []
  func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
  var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
