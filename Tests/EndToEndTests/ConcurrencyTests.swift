import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Locking, interrupted work and damaged state, through the real executable (each test reproduces a fault found by
/// a fault-injection pass).
@Suite("concurrency, faults and recovery", .serialized)
struct ConcurrencyTests {
  /// Three independent branches so a run has several cell folders; `${ms}` sets how long `wait` sleeps.
  static let workbook = """
    workbook: busy
    params:
      ms: 1
      label: a
    cells:
      - id: bronze
        kind: load
        source: shots.csv
      - id: wait
        kind: test_sleep
        ms: ${ms}
        value: ${label}
        input: bronze
      - id: profile
        kind: describe
        input: bronze
      - id: zones
        kind: transform
        input: bronze
        steps:
          - filter: "distance < 20"
      - id: after
        kind: note
        text: "{{ wait.value }} / {{ profile.rows }}"
    """

  static let cells = ["bronze", "wait", "profile", "zones", "after"]

  func project() throws -> Project {
    let p = try Project()
    try p.write("shots.csv", sampleCSV())
    try p.write("busy.yaml", Self.workbook)
    return p
  }

  /// A pid that belonged to a process that has exited (reaped), for planting leftovers of a dead writer.
  func deadPid() throws -> Int32 {
    let child = try startProcess(URL(fileURLWithPath: "/bin/true"), [])
    child.wait()
    return child.pid
  }

  /// Starts `workbench` in the background with its standard error in `log`.
  func start(_ p: Project, _ arguments: [String], log: String) throws -> ChildProcess.Spawned {
    try startProcess(TestPaths.workbenchExecutable, arguments, currentDirectory: p.root,
                     environment: ["WORKBENCH_TEST_KINDS": "1", "NO_COLOR": "1"], logFile: p.root.appendingPathComponent(log))
  }

  /// Waits (bounded number of polls, no timing assertion) until `condition` holds; false if it never did or
  /// `process` ended first.
  func eventually(while process: ChildProcess.Spawned? = nil, _ condition: () -> Bool) -> Bool {
    for _ in 0..<600 {
      if condition() { return true }
      if process?.hasExited == true { return condition() }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return condition()
  }

  /// Whether the cell `wait` is executing (its scratch folder exists).
  func waitCellStarted(_ p: Project) -> Bool {
    let tmp = p.root.appendingPathComponent(".workbench/tmp").path
    return ((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).contains { $0.hasPrefix("wait-") }
  }

  func ledger(_ p: Project) throws -> [String] {
    let sqlite3 = try #require(try Oracles.tool("sqlite3", package: "sqlite3"))
    let out = try runProcess(sqlite3, [p.root.appendingPathComponent(".workbench/state.sqlite").path,
                                       "SELECT status FROM runs ORDER BY id"])
    return out.stdout.split(separator: "\n").map(String.init)
  }

  // MARK: Locking

  @Test func gcWaitsForARunningRunAndKeepsItsEntries() throws {
    let p = try project(); defer { p.remove() }
    let run = try start(p, ["run", "busy.yaml", "--param", "ms=1500"], log: "run.log")
    #expect(eventually(while: run) { waitCellStarted(p) })
    let gc = try p.workbench(["gc"])
    #expect(gc.status == 0, "\(gc.stderr)")
    #expect(gc.stderr.contains("waiting: workbench command(s) with pid \(run.pid)"), "\(gc.stderr)")
    let ran = run.wait()
    #expect(ran.status == 0, "\((try? p.read("run.log")) ?? "")")
    // gc ran after the run: nothing it recorded was deleted.
    let again = try p.workbench(["run", "busy.yaml", "--param", "ms=1500"])
    #expect(again.status == 0 && again.stderr.contains("0 executed, 5 cached"), "\(again.stderr)")
  }

  @Test(.needsTool("sqlite3", package: "sqlite3")) func gcAbortsWhenTheStateCannotBeRead() throws {
    let p = try project(); defer { p.remove() }
    #expect(try p.workbench(["run", "busy.yaml"]).status == 0)
    let sqlite3 = try #require(try Oracles.tool("sqlite3", package: "sqlite3"))
    let db = p.root.appendingPathComponent(".workbench/state.sqlite").path
    #expect(try runProcess(sqlite3, [db, "DROP TABLE cell_state"]).status == 0)
    let blobs = FileManager.default.enumerator(atPath: p.root.appendingPathComponent(".workbench/cache/blobs").path)?.allObjects.count
    let gc = try p.workbench(["gc"])
    #expect(gc.status == 1)
    #expect(gc.stderr.contains("cannot read the recorded state") && gc.stderr.contains("nothing was deleted"), "\(gc.stderr)")
    #expect(FileManager.default.enumerator(atPath: p.root.appendingPathComponent(".workbench/cache/blobs").path)?.allObjects.count == blobs)
  }

  @Test func cleanWaitsForTheRunItWouldBreak() throws {
    let p = try project(); defer { p.remove() }
    let run = try start(p, ["run", "busy.yaml", "--param", "ms=1500"], log: "run.log")
    #expect(eventually(while: run) { waitCellStarted(p) })
    let clean = try p.workbench(["clean", "busy.yaml"])
    #expect(clean.status == 0)
    #expect(clean.stderr.contains("waiting: another run of workbook `busy`"), "\(clean.stderr)")
    #expect(run.wait().status == 0)
    // The clean came after the complete run, so nothing is half-deleted: the next run restores every folder.
    #expect(!p.exists("outputs/busy"))
    #expect(try p.workbench(["run", "busy.yaml", "--param", "ms=1500"]).status == 0)
    for cell in Self.cells { #expect(p.exists("outputs/busy/cells/\(cell)/result.json"), "\(cell)") }
  }

  @Test func verifyIsNotDisturbedByARunOfOtherParams() throws {
    let p = try project(); defer { p.remove() }
    #expect(try p.workbench(["run", "busy.yaml", "--param", "ms=1500"]).status == 0)
    let verify = try start(p, ["verify", "busy.yaml", "--param", "ms=1500"], log: "verify.log")
    let scratchPrefix = "workbench-verify-\(verify.pid)-"
    #expect(eventually(while: verify) {
      ((try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)) ?? [])
        .contains { $0.hasPrefix(scratchPrefix) }
    })
    let other = try p.workbench(["run", "busy.yaml", "--param", "label=b"])
    #expect(other.status == 0, "\(other.stderr)")
    let verified = verify.wait()
    #expect(verified.status == 0, "\((try? p.read("verify.log")) ?? "")")
  }

  @Test func firstRunsInAFreshFolderDoNotCollide() throws {
    let p = try project(); defer { p.remove() }
    for i in 0..<3 { try p.write("w\(i).yaml", Self.workbook.replacingOccurrences(of: "workbook: busy", with: "workbook: w\(i)")) }
    let results = ConcurrentResults()
    DispatchQueue.concurrentPerform(iterations: 4) { i in
      results.record(Result { try p.workbench(["run", i == 3 ? "busy.yaml" : "w\(i).yaml"]) }, command: ["run"])
    }
    #expect(results.failuresToStart.isEmpty, "\(results.failuresToStart)")
    for r in results.all { #expect(r.status == 0, "\(r.stderr)") }
  }

  // MARK: State database

  @Test func aCorruptStateDatabaseIsSetAsideAndRebuilt() throws {
    let p = try project(); defer { p.remove() }
    #expect(try p.workbench(["run", "busy.yaml"]).status == 0)
    let db = p.root.appendingPathComponent(".workbench/state.sqlite")
    for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db.path + suffix) }
    try Data(repeating: 0x5A, count: 8192).write(to: db)
    let status = try p.workbench(["status", "busy.yaml"])
    #expect(status.status == 0, "\(status.stderr)")
    #expect(status.stderr.contains("is damaged") && status.stderr.contains("moved to"), "\(status.stderr)")
    #expect(status.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("fresh") }, "\(status.stdout)")
    // The last good state came back from run.json: gc keeps every entry, and the next run is a no-op.
    let gc = try p.workbench(["gc"])
    #expect(gc.stderr.contains("removed 0 manifest(s), 0 blob(s)"), "\(gc.stderr)")
    let rerun = try p.workbench(["run", "busy.yaml"])
    #expect(rerun.status == 0 && rerun.stderr.contains("0 executed, 5 cached"), "\(rerun.stderr)")
    #expect(try p.workbench(["verify", "busy.yaml"]).status == 0)
  }

  /// Damage inside the file (a page of the stat cache), which opening does not notice: fsck finds it, sets the
  /// database aside and rebuilds it; the next run reuses the cache.
  @Test(.needsTool("sqlite3", package: "sqlite3")) func fsckReplacesAStateDatabaseWithDamagedPages() throws {
    let p = try project(); defer { p.remove() }
    #expect(try p.workbench(["run", "busy.yaml"]).status == 0)
    let sqlite3 = try #require(try Oracles.tool("sqlite3", package: "sqlite3"))
    let db = p.root.appendingPathComponent(".workbench/state.sqlite").path
    #expect(try runProcess(sqlite3, [db, "PRAGMA wal_checkpoint(TRUNCATE)"]).status == 0)
    let handle = try #require(FileHandle(forUpdatingAtPath: db))
    try handle.seek(toOffset: 4096 + 8)  // page 2: the first table created (file_digests)
    try handle.write(contentsOf: Data(repeating: 0xEE, count: 512))
    try handle.close()
    let fsck = try p.workbench(["fsck"])
    #expect(fsck.status == 1, "\(fsck.stderr)")
    #expect(fsck.stderr.contains("is damaged") && fsck.stderr.contains("moved to"), "\(fsck.stderr)")
    #expect(try p.workbench(["fsck"]).status == 0)
    let rerun = try p.workbench(["run", "busy.yaml"])
    #expect(rerun.status == 0 && rerun.stderr.contains("0 executed, 5 cached"), "\(rerun.stderr)")
  }

  @Test func anInPlaceEditKeepingSizeAndMtimeIsSeen() throws {
    let p = try project(); defer { p.remove() }
    try p.write("data.csv", "a,b\n1,2\n")
    try p.write("edit.yaml", """
      workbook: edit
      cells:
        - id: t
          kind: load
          source: data.csv
      """)
    #expect(try p.workbench(["run", "edit.yaml"]).status == 0)
    let file = p.root.appendingPathComponent("data.csv").path
    let reference = p.root.appendingPathComponent("mtime.ref").path
    #expect(try runProcess(URL(fileURLWithPath: "/usr/bin/touch"), ["-r", file, reference]).status == 0)
    let handle = try #require(FileHandle(forUpdatingAtPath: file))
    try handle.seek(toOffset: 6)
    try handle.write(contentsOf: Data("9".utf8))  // same size, in place (same inode)
    try handle.close()
    #expect(try runProcess(URL(fileURLWithPath: "/usr/bin/touch"), ["-r", reference, file]).status == 0)
    let rerun = try p.workbench(["run", "edit.yaml"])
    #expect(rerun.status == 0 && rerun.stderr.contains("1 executed"), "\(rerun.stderr)")
    #expect(try p.read("outputs/edit/cells/t/table.csv") == "a,b\n1,9\n")
  }

  // MARK: Interrupted work

  @Test(.needsTool("sqlite3", package: "sqlite3")) func leftoversOfDeadProcessesAreRemovedByTheNextRun() throws {
    let p = try project(); defer { p.remove() }
    #expect(try p.workbench(["run", "busy.yaml"]).status == 0)
    // A run killed mid-cell leaves its ledger row `running` and its cell scratch folder.
    let killed = try start(p, ["run", "busy.yaml", "--param", "ms=60000"], log: "killed.log")
    #expect(eventually(while: killed) { waitCellStarted(p) })
    killed.signal(SIGKILL)
    killed.wait()
    let dead = try deadPid()
    // (file planted, what must be gone afterwards)
    let planted = [
      ("outputs/busy/.warehouse-\(dead).sqlite", "outputs/busy/.warehouse-\(dead).sqlite"),
      ("outputs/busy/cells/.staging-after-\(dead)/result.json", "outputs/busy/cells/.staging-after-\(dead)"),
      (".workbench/tmp/profile-\(dead)-12345/partial", ".workbench/tmp/profile-\(dead)-12345"),
      (".workbench/cache/blobs/.incoming-\(dead)-99", ".workbench/cache/blobs/.incoming-\(dead)-99"),
    ]
    for (file, _) in planted { try p.write(file, "leftover") }
    let verifyScratch = FileManager.default.temporaryDirectory.appendingPathComponent("workbench-verify-\(dead)-7")
    try FileManager.default.createDirectory(at: verifyScratch, withIntermediateDirectories: true)
    let live = ".workbench/tmp/profile-\(getpid())-1/keep"  // this test process is alive: never touched
    try p.write(live, "mine")

    #expect(try p.workbench(["run", "busy.yaml"]).status == 0)
    for (_, gone) in planted { #expect(!p.exists(gone), "\(gone)") }
    #expect(!FileManager.default.fileExists(atPath: verifyScratch.path))
    #expect(p.exists(live))
    let tmp = (try? FileManager.default.contentsOfDirectory(atPath: p.root.appendingPathComponent(".workbench/tmp").path)) ?? []
    #expect(tmp == ["profile-\(getpid())-1"], "\(tmp)")
    let rows = try ledger(p)
    #expect(rows == ["succeeded", "interrupted", "succeeded"], "\(rows)")
  }

  @Test(.needsTool("sqlite3", package: "sqlite3"), arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
  func aSignalAbandonsTheRunCleanly(signal: Int32, exitCode: Int32) throws {
    let p = try project(); defer { p.remove() }
    #expect(try p.workbench(["run", "busy.yaml"]).status == 0)
    let before = try p.read("outputs/busy/run.json")
    let run = try start(p, ["run", "busy.yaml", "--param", "ms=60000"], log: "run.log")
    #expect(eventually(while: run) { waitCellStarted(p) })
    run.signal(signal)
    let ended = run.wait()
    let log = try p.read("run.log")
    #expect(!ended.signaled && ended.status == exitCode, "\(log)")
    #expect(log.contains("interrupted: run of `busy` abandoned"), "\(log)")
    // Nothing left behind, the last outputs kept, the ledger row marked, the locks released.
    let tmp = (try? FileManager.default.contentsOfDirectory(atPath: p.root.appendingPathComponent(".workbench/tmp").path)) ?? []
    #expect(tmp.isEmpty, "\(tmp)")
    #expect(try p.read("outputs/busy/run.json") == before)
    let rows = try ledger(p)
    #expect(rows.last == "interrupted", "\(rows)")
    let next = try p.workbench(["run", "busy.yaml"])
    #expect(next.status == 0 && !next.stderr.contains("waiting"), "\(next.stderr)")
  }

  /// A long sweep stops between folds on SIGTERM (its task is cancelled), instead of running until the grace
  /// period ends the process; a grid too large to start is refused with the way out.
  @Test func aSignalStopsASweepAndHugeGridsAreRefused() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", signalShotsCSV(rows: 3000))
    func workbook(_ grid: String) -> String {
      shotsWorkbook("sweep", """
          - id: split
            kind: split
            input: shots
            target: made
            test_fraction: 0.2
          - id: sw
            kind: sweep
            input: split
            features: [distance, angle, zone]
            categorical: [zone]
            folds: 5
            parallel: 1
            plots: false
            models:
              random_forest: \(grid)
        """)
    }
    try p.write("huge.yaml", workbook("{trees: [\((1...100).map(String.init).joined(separator: ","))], max_depth: [\((1...100).map(String.init).joined(separator: ","))], min_samples_leaf: [\((1...101).map(String.init).joined(separator: ","))]}"))
    let huge = try p.workbench(["run", "huge.yaml"])
    #expect(huge.status == 1 && huge.stderr.contains("1010000 combinations") && huge.stderr.contains("search: random"), "\(huge.stderr)")

    try p.write("long.yaml", workbook("{trees: [30], max_depth: [\((1...400).map(String.init).joined(separator: ","))]}"))
    let run = try start(p, ["run", "long.yaml"], log: "sweep.log")
    let tmp = p.root.appendingPathComponent(".workbench/tmp").path
    #expect(eventually(while: run) { ((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).contains { $0.hasPrefix("sw-") } })
    run.signal(SIGTERM)
    let ended = run.wait()
    let log = try p.read("sweep.log")
    #expect(!ended.signaled && ended.status == 143, "\(log)")
    #expect(!log.contains("did not stop"), "the sweep stopped by itself: \(log)")
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).isEmpty)
  }

  @Test func anInterruptedVerifyRemovesItsScratchCache() throws {
    let p = try project(); defer { p.remove() }
    let verify = try start(p, ["verify", "busy.yaml", "--param", "ms=60000"], log: "verify.log")
    let scratchPrefix = "workbench-verify-\(verify.pid)-"
    let temporary = FileManager.default.temporaryDirectory.path
    func scratch() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).filter { $0.hasPrefix(scratchPrefix) } }
    // The scratch cache exists and the slow cell is executing.
    #expect(eventually(while: verify) { !scratch().isEmpty && waitCellStarted(p) })
    verify.signal(SIGINT)
    let ended = verify.wait()
    #expect(!ended.signaled && ended.status == 130, "\((try? p.read("verify.log")) ?? "")")
    #expect(scratch().isEmpty)
    let tmp = (try? FileManager.default.contentsOfDirectory(atPath: p.root.appendingPathComponent(".workbench/tmp").path)) ?? []
    #expect(tmp.isEmpty, "\(tmp)")
  }

  // MARK: Damaged blobs

  /// Flips one byte of the largest blob in place and gives it back its mtime (size unchanged).
  func rotLargestBlob(_ p: Project) throws -> String {
    let blobs = p.root.appendingPathComponent(".workbench/cache/blobs")
    let files = (FileManager.default.enumerator(atPath: blobs.path)?.allObjects as? [String] ?? [])
      .map { blobs.appendingPathComponent($0).path }
      .filter { (try? FileManager.default.attributesOfItem(atPath: $0)[.type] as? FileAttributeType) == .typeRegular }
    let path = try #require(files.max { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int ?? 0) ?? 0 < (try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int ?? 0) ?? 0 })
    let reference = p.root.appendingPathComponent("blob.ref").path
    #expect(try runProcess(URL(fileURLWithPath: "/usr/bin/touch"), ["-r", path, reference]).status == 0)
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    try handle.seek(toOffset: 3)
    let byte = try handle.read(upToCount: 1) ?? Data([0])
    try handle.seek(toOffset: 3)
    try handle.write(contentsOf: Data([byte[byte.startIndex] ^ 0xFF]))
    try handle.close()
    #expect(try runProcess(URL(fileURLWithPath: "/usr/bin/touch"), ["-r", reference, path]).status == 0)
    return path
  }

  @Test func fsckFindsRotAndTheNextRunRecomputes() throws {
    let p = try project(); defer { p.remove() }
    #expect(try p.workbench(["run", "busy.yaml"]).status == 0)
    #expect(try p.workbench(["fsck"]).status == 0)
    let rotten = try rotLargestBlob(p)
    let fsck = try p.workbench(["fsck"])
    #expect(fsck.status == 1, "\(fsck.stderr)")
    #expect(fsck.stderr.contains("corrupt") && fsck.stderr.contains((rotten as NSString).lastPathComponent), "\(fsck.stderr)")
    #expect(!FileManager.default.fileExists(atPath: rotten))
    #expect(try p.workbench(["fsck"]).status == 0)
    let rerun = try p.workbench(["run", "busy.yaml"])
    #expect(rerun.status == 0 && !rerun.stderr.contains("0 executed"), "\(rerun.stderr)")
    #expect(try p.workbench(["verify", "busy.yaml"]).status == 0)
  }

  @Test func verifyFindsRotInTheRecordedOutputs() throws {
    let p = try project(); defer { p.remove() }
    #expect(try p.workbench(["run", "busy.yaml"]).status == 0)
    _ = try rotLargestBlob(p)
    let verify = try p.workbench(["verify", "busy.yaml"])
    #expect(verify.status == 1, "\(verify.stdout)")
    #expect(verify.stdout.contains("recorded output damaged"), "\(verify.stdout)")
    #expect(try p.workbench(["run", "busy.yaml"]).status == 0)
    #expect(try p.workbench(["verify", "busy.yaml"]).status == 0)
  }

  // MARK: Stress

  /// `run` (two param sets), `gc`, `clean`, `status` and `verify` in concurrent loops on one project; afterwards every
  /// run that reported success left complete outputs at the time, the published folder is complete, and verify passes.
  @Test func commandsInConcurrentLoopsLeaveAConsistentProject() throws {
    let p = try project(); defer { p.remove() }
    let results = ConcurrentResults()
    let loops: [[String]] = [
      ["run", "busy.yaml", "--param", "label=a"], ["run", "busy.yaml", "--param", "label=b"], ["gc"],
      ["clean", "busy.yaml"], ["status", "busy.yaml"], ["verify", "busy.yaml", "--param", "label=a"],
    ]
    DispatchQueue.concurrentPerform(iterations: loops.count) { i in
      for _ in 0..<8 {
        results.record(Result { try p.workbench(loops[i]) }, command: loops[i])
      }
    }
    #expect(results.failuresToStart.isEmpty, "\(results.failuresToStart)")
    for (command, out) in results.withCommands {
      switch command[0] {
      case "run", "gc", "clean", "status":
        #expect(out.status == 0, "\(command.joined(separator: " ")): \(out.stderr)")
      default:
        // verify compares with the last recorded run, which may be of the other params or cleaned: it may find
        // differences (exit 1) or inputs changed since the recorded run (exit 3), but never crashes or reports a
        // broken cache.
        #expect([0, 1, 3].contains(out.status), "\(command.joined(separator: " ")): \(out.stdout) \(out.stderr)")
        #expect(!out.stdout.contains("FAILED"), "\(out.stdout)")
      }
      #expect(!out.stderr.contains("SQLite error") && !out.stderr.contains("corrupted"), "\(out.stderr)")
    }
    let final = try p.workbench(["run", "busy.yaml", "--param", "label=a"])
    #expect(final.status == 0, "\(final.stderr)")
    for cell in Self.cells { #expect(p.exists("outputs/busy/cells/\(cell)/result.json"), "\(cell)") }
    #expect(try p.statuses("busy").values.allSatisfy { $0 == "cached" || $0 == "executed" })
    let verify = try p.workbench(["verify", "busy.yaml", "--param", "label=a"])
    #expect(verify.status == 0, "\(verify.stdout)")
    #expect(try p.workbench(["fsck"]).status == 0)
  }
}

/// Results collected from concurrent loops.
final class ConcurrentResults: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [([String], ProcessOutput)] = []
  private var errors: [String] = []
  func record(_ result: Result<ProcessOutput, any Error>, command: [String]) {
    lock.lock(); defer { lock.unlock() }
    switch result {
    case .success(let out): items.append((command, out))
    case .failure(let error): errors.append("\(command.joined(separator: " ")): \(error)")
    }
  }
  var all: [ProcessOutput] { lock.lock(); defer { lock.unlock() }; return items.map(\.1) }
  var withCommands: [([String], ProcessOutput)] { lock.lock(); defer { lock.unlock() }; return items }
  var failuresToStart: [String] { lock.lock(); defer { lock.unlock() }; return errors }
}
