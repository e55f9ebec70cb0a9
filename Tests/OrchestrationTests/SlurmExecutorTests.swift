import Foundation
import Orchestration
import Testing
import TestSupport

/// A throwaway project run through the built `workbench` binary, with its jobs on the local Slurm.
struct SlurmProject {
  let root: URL

  init() throws { root = try makeTemporaryDirectory("wb-slurm-project") }

  func write(_ name: String, _ text: String) throws {
    let url = root.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
  }

  func read(_ name: String) throws -> String { try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8) }

  static func environment() -> [String: String] { ["NO_COLOR": "1"] }

  @discardableResult
  func workbench(_ arguments: [String]) throws -> ProcessOutput {
    let exe = TestPaths.workbenchExecutable
    guard FileManager.default.isExecutableFile(atPath: exe.path) else {
      throw MissingResource("the workbench executable is not built at \(exe.path): run `swift build` first")
    }
    return try runProcess(exe, arguments, currentDirectory: root, environment: Self.environment())
  }

  /// Starts `workbench` in the background (its output to `log`).
  func start(_ arguments: [String], log: String) throws -> ChildProcess.Spawned {
    try startProcess(TestPaths.workbenchExecutable, arguments, currentDirectory: root, environment: Self.environment(),
                     logFile: root.appendingPathComponent(log))
  }

  /// Cell id → status in run.json.
  func statuses(_ workbook: String) throws -> [String: String] {
    let data = try Data(contentsOf: root.appendingPathComponent("outputs/\(workbook)/run.json"))
    let cells = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["cells"] as? [[String: Any]] ?? []
    return Dictionary(uniqueKeysWithValues: cells.compactMap { c in (c["id"] as? String).map { ($0, c["status"] as? String ?? "?") } })
  }

  func reason(_ workbook: String, cell: String) throws -> String {
    let data = try Data(contentsOf: root.appendingPathComponent("outputs/\(workbook)/run.json"))
    let cells = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["cells"] as? [[String: Any]] ?? []
    return cells.first { $0["id"] as? String == cell }?["reason"] as? String ?? ""
  }

  func remove() { try? FileManager.default.removeItem(at: root) }
}

/// Job names Slurm knows (`squeue --states=all`) starting with `prefix`.
func slurmJobNames(prefix: String) throws -> [String] {
  let out = try runProcess(URL(fileURLWithPath: ChildProcess.resolve("squeue") ?? "/usr/bin/squeue"),
                           ["--noheader", "--states=all", "--format=%i|%j|%T"])
  return out.stdout.split(separator: "\n").compactMap { line in
    let f = line.split(separator: "|").map(String.init)
    return f.count == 3 && f[1].hasPrefix(prefix) ? f[1] : nil
  }
}

/// Waits off the cooperative pool for a background process.
func waitForExit(_ process: ChildProcess.Spawned) async -> Int32 {
  await withCheckedContinuation { continuation in
    Thread { let out = process.wait(); continuation.resume(returning: out.signaled ? 128 + out.status : out.status) }.start()
  }
}

extension SlurmSuites {
  /// `workbench run --executor slurm` end to end on the local single-node Slurm (scripts/slurm.sh).
  @Suite("workbench run --executor slurm")
  struct SlurmExecutorTests {
    /// a → b → c, each a shell cell computing a metric from its upstream's.
    static func chain(_ name: String, extra: String = "") -> String {
      """
      workbook: \(name)
      cells:
        - id: a
          kind: shell
          outputs: {metrics: [v]}
          code: echo 2 > "$WB_OUTPUT_V"
        - id: b
          kind: shell
          params: {v: "${a.metrics.v}"}
          outputs: {metrics: [v]}
          code: echo $((WB_PARAM_V * 3)) > "$WB_OUTPUT_V"
        - id: c
          kind: shell
          params: {v: "${b.metrics.v}"}
          outputs: {metrics: [v]}
          code: echo $((WB_PARAM_V + 1)) > "$WB_OUTPUT_V"
      \(extra)
      """
    }

    @Test func chainRunsAsDependentJobsAndARerunSubmitsNothing() async throws {
      guard try await SlurmAvailability.check() else { return }
      let p = try SlurmProject(); defer { p.remove() }
      let name = "chain\(UInt16.random(in: 0...UInt16.max))"
      try p.write("w.yaml", Self.chain(name))
      let first = try p.workbench(["run", "w.yaml", "--executor", "slurm"])
      #expect(first.status == 0, "\(first.stderr)")
      #expect(try p.statuses(name) == ["a": "executed", "b": "executed", "c": "executed"])
      #expect(try p.read("outputs/\(name)/cells/c/result.json").contains("7"))
      let jobs = try slurmJobNames(prefix: "wb-\(name)-")
      #expect(jobs.count == 3)
      #expect(Set(jobs).count == 1, "one job name per run")

      let again = try p.workbench(["run", "w.yaml", "--executor", "slurm"])
      #expect(again.status == 0, "\(again.stderr)")
      #expect(try p.statuses(name) == ["a": "cached", "b": "cached", "c": "cached"])
      #expect(try slurmJobNames(prefix: "wb-\(name)-").count == 3, "a rerun submits nothing")
    }

    /// Both cells wait (bounded) for the other's marker: the run succeeds only when their jobs ran at once.
    @Test func independentCellsRunInParallel() async throws {
      guard try await SlurmAvailability.check() else { return }
      let p = try SlurmProject(); defer { p.remove() }
      let name = "parallel\(UInt16.random(in: 0...UInt16.max))"
      let marker = p.root.appendingPathComponent("markers").path
      func cell(_ me: String, _ other: String) -> String {
        """
          - id: \(me)
            kind: shell
            outputs: {metrics: [done]}
            code: |
              mkdir -p \(marker); touch \(marker)/\(me); i=0
              while [ ! -e \(marker)/\(other) ]; do i=$((i+1)); [ $i -gt 600 ] && exit 9; sleep 0.1; done
              echo 1 > "$WB_OUTPUT_DONE"
        """
      }
      try p.write("w.yaml", "workbook: \(name)\ncells:\n" + cell("left", "right") + "\n" + cell("right", "left") + "\n")
      let run = try p.workbench(["run", "w.yaml", "--executor", "slurm"])
      #expect(run.status == 0, "\(run.stderr)")
      #expect(try p.statuses(name) == ["left": "executed", "right": "executed"])
    }

    @Test func failingCellSkipsItsDependentsWithItsLogTailAndExitsOne() async throws {
      guard try await SlurmAvailability.check() else { return }
      let p = try SlurmProject(); defer { p.remove() }
      let name = "failing\(UInt16.random(in: 0...UInt16.max))"
      try p.write("w.yaml", Self.chain(name).replacingOccurrences(
        of: "code: echo $((WB_PARAM_V * 3)) > \"$WB_OUTPUT_V\"", with: "code: \"echo 'boom: no such table' >&2; exit 3\""))
      let run = try p.workbench(["run", "w.yaml", "--executor", "slurm"])
      #expect(run.status == 1, "\(run.stderr)")
      #expect(try p.statuses(name) == ["a": "executed", "b": "failed", "c": "skipped"])
      #expect(try p.reason(name, cell: "b").contains("boom: no such table"))
    }

    /// The job of `b` is cancelled while it runs (as a node failure or `scancel` would): the run fails; the next run
    /// executes only `b` and what depends on it.
    @Test func jobKilledMidwayIsRerunAloneNextTime() async throws {
      guard try await SlurmAvailability.check() else { return }
      let p = try SlurmProject(); defer { p.remove() }
      let name = "killed\(UInt16.random(in: 0...UInt16.max))"
      let go = p.root.appendingPathComponent("go").path, running = p.root.appendingPathComponent("b-running").path
      try p.write("w.yaml", Self.chain(name).replacingOccurrences(
        of: "code: echo $((WB_PARAM_V * 3)) > \"$WB_OUTPUT_V\"",
        with: "code: touch \(running); i=0; while [ ! -e \(go) ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 9; sleep 0.1; done; echo $((WB_PARAM_V * 3)) > \"$WB_OUTPUT_V\""))
      let process = try p.start(["run", "w.yaml", "--executor", "slurm"], log: "first.log")
      // Wait (bounded by the cell's own loop) until b's job is running, then cancel it.
      var waited = 0
      while !FileManager.default.fileExists(atPath: running) && waited < 3000 {
        try await Task.sleep(for: .milliseconds(100)); waited += 1
      }
      let names = Set(try slurmJobNames(prefix: "wb-\(name)-"))
      #expect(names.count == 1)
      for n in names { _ = try runProcess(URL(fileURLWithPath: ChildProcess.resolve("scancel") ?? "/usr/bin/scancel"), ["--name=\(n)", "--state=RUNNING"]) }
      #expect(await waitForExit(process) == 1, "\((try? p.read("first.log")) ?? "")")
      #expect(try p.statuses(name) == ["a": "executed", "b": "failed", "c": "skipped"])

      FileManager.default.createFile(atPath: go, contents: Data())
      let again = try p.workbench(["run", "w.yaml", "--executor", "slurm"])
      #expect(again.status == 0, "\(again.stderr)")
      #expect(try p.statuses(name) == ["a": "cached", "b": "executed", "c": "executed"])
    }

    /// The same workbook run locally and on Slurm: every cell's outputs are byte-identical, and `verify` (a local
    /// re-execution) finds the Slurm run's results reproducible.
    @Test func outputsAreByteIdenticalToALocalRun() async throws {
      guard try await SlurmAvailability.check() else { return }
      let local = try SlurmProject(), remote = try SlurmProject()
      defer { local.remove(); remote.remove() }
      let name = "identical\(UInt16.random(in: 0...UInt16.max))"
      var csv = "zone,distance,made\n"
      for i in 0..<120 { csv += "\(["paint", "mid", "three"][i % 3]),\(i % 29),\(i % 3 == 0 || i % 7 == 0 ? 1 : 0)\n" }
      let workbook = """
        workbook: \(name)
        cells:
          - id: shots
            kind: load
            source: shots.csv
          - id: close
            kind: transform
            input: shots
            steps:
              - filter: distance < 20
          - id: profile
            kind: describe
            input: close
        """
      for p in [local, remote] {
        try p.write("shots.csv", csv)
        try p.write("w.yaml", workbook)
      }
      let l = try local.workbench(["run", "w.yaml"])
      #expect(l.status == 0, "\(l.stderr)")
      let r = try remote.workbench(["run", "w.yaml", "--executor", "slurm"])
      #expect(r.status == 0, "\(r.stderr)")
      #expect(try remote.statuses(name) == ["shots": "executed", "close": "executed", "profile": "executed"])
      for cell in ["shots", "close", "profile"] {
        let folder = "outputs/\(name)/cells/\(cell)"
        let files = try FileManager.default.contentsOfDirectory(atPath: local.root.appendingPathComponent(folder).path).sorted()
        #expect(!files.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: remote.root.appendingPathComponent(folder).path).sorted() == files)
        for f in files {
          let a = try Data(contentsOf: local.root.appendingPathComponent("\(folder)/\(f)"))
          let b = try Data(contentsOf: remote.root.appendingPathComponent("\(folder)/\(f)"))
          #expect(a == b, "\(folder)/\(f) differs")
        }
      }
      let verify = try remote.workbench(["verify", "w.yaml"])
      #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    /// Two projects (two state folders) submit runs at once against one cache folder: both finish, with the same
    /// results, and the cache holds one valid entry per cell.
    @Test func twoRunsAtOnceAgainstOneCache() async throws {
      guard try await SlurmAvailability.check() else { return }
      let first = try SlurmProject(), second = try SlurmProject(), cache = try makeTemporaryDirectory("wb-slurm-cache")
      defer { first.remove(); second.remove(); try? FileManager.default.removeItem(at: cache) }
      let name = "twice\(UInt16.random(in: 0...UInt16.max))"
      for p in [first, second] { try p.write("w.yaml", Self.chain(name)) }
      let runs = try [first, second].map { try $0.start(["run", "w.yaml", "--executor", "slurm", "--cache", cache.path], log: "run.log") }
      for (p, run) in zip([first, second], runs) {
        #expect(await waitForExit(run) == 0, "\((try? p.read("run.log")) ?? "")")
      }
      for p in [first, second] {
        #expect(try p.read("outputs/\(name)/cells/c/result.json") == (try first.read("outputs/\(name)/cells/c/result.json")))
        #expect(Set(try p.statuses(name).values).isSubset(of: ["executed", "cached"]))
      }
      let verify = try first.workbench(["verify", "w.yaml", "--cache", cache.path])
      #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    /// 400 shots with a signal (closer shots go in more often), seeded.
    static func shotsCSV() -> String {
      var s = "zone,distance,angle,made\n", x: UInt64 = 7
      func next() -> Double { x = x &* 6364136223846793005 &+ 1442695040888963407; return Double(x >> 11) * 0x1.0p-53 }
      for _ in 0..<400 {
        let zone = Int(next() * 3), distance = ((Double(zone) * 3 + next() * 4) * 100).rounded() / 100
        s += "\(["paint", "mid", "three"][zone]),\(distance),\(Int(next() * 180) - 90),\(next() < 0.7 - 0.08 * distance ? 1 : 0)\n"
      }
      return s
    }

    static func sweepWorkbook(_ name: String, grid: String) -> String {
      """
      workbook: \(name)
      cells:
        - id: shots
          kind: load
          source: shots.csv
        - id: split
          kind: split
          input: shots
          target: made
          test_fraction: 0.25
          seed: 3
        - id: search
          kind: sweep
          input: split
          features: [zone, distance, angle]
          categorical: [zone]
          folds: 3
          plots: false
          models:
            logistic_regression: {C: \(grid)}
            random_forest: {trees: [10], max_depth: [3, 4]}

      """
    }

    /// The sweep's trials run as a job array of one task per CPU (all at once, never more), the sweep's own job
    /// gathers them: every output is byte-identical to a local run. A widened grid computes only the new trial.
    @Test func sweepTrialsRunAsAJobArray() async throws {
      guard try await SlurmAvailability.check() else { return }
      let local = try SlurmProject(), remote = try SlurmProject()
      defer { local.remove(); remote.remove() }
      let name = "sweep\(UInt16.random(in: 0...UInt16.max))"
      for p in [local, remote] {
        try p.write("shots.csv", Self.shotsCSV())
        try p.write("w.yaml", Self.sweepWorkbook(name, grid: "[0.1, 1, 10]"))
      }
      #expect(try local.workbench(["run", "w.yaml"]).status == 0)
      let run = try remote.workbench(["run", "w.yaml", "--executor", "slurm"])
      #expect(run.status == 0, "\(run.stderr)")
      #expect(try remote.statuses(name) == ["shots": "executed", "split": "executed", "search": "executed"])
      let cpus = try await SlurmClient().totalCPUs(partition: nil)
      let jobs = try runProcess(URL(fileURLWithPath: ChildProcess.resolve("squeue") ?? "/usr/bin/squeue"),
                                ["--noheader", "--states=all", "--format=%i|%j"]).stdout
        .split(separator: "\n").filter { $0.contains("|wb-\(name)-") }.map { String($0.split(separator: "|")[0]) }
      #expect(jobs.filter { $0.contains("_") }.count == cpus, "one array task per CPU: \(jobs)")
      #expect(jobs.count == 3 + cpus)
      let folder = "outputs/\(name)/cells/search"
      let files = try FileManager.default.contentsOfDirectory(atPath: local.root.appendingPathComponent(folder).path).sorted()
      #expect(files.contains("result.json") && files.contains("trials.csv") && files.contains("model.wbm"))
      for f in files {
        #expect(try Data(contentsOf: local.root.appendingPathComponent("\(folder)/\(f)"))
                == Data(contentsOf: remote.root.appendingPathComponent("\(folder)/\(f)")), "\(f) differs")
      }

      let trials = remote.root.appendingPathComponent(".workbench/cache/trials")
      func stored() throws -> [String: Date] {
        var out: [String: Date] = [:]
        for f in try FileManager.default.contentsOfDirectory(atPath: trials.path) {
          out[f] = try FileManager.default.attributesOfItem(atPath: trials.appendingPathComponent(f).path)[.modificationDate] as? Date
        }
        return out
      }
      let before = try stored()
      #expect(before.count == 5)
      try remote.write("w.yaml", Self.sweepWorkbook(name, grid: "[0.1, 1, 10, 100]"))
      let widened = try remote.workbench(["run", "w.yaml", "--executor", "slurm"])
      #expect(widened.status == 0, "\(widened.stderr)")
      #expect(try remote.statuses(name) == ["shots": "cached", "split": "cached", "search": "executed"])
      let after = try stored()
      #expect(after.count == 6)
      // Its upstream cached, the sweep's 6 trials were counted before submission: one array task per trial.
      let arrayTasks = try runProcess(URL(fileURLWithPath: ChildProcess.resolve("squeue") ?? "/usr/bin/squeue"),
                                      ["--noheader", "--states=all", "--format=%i|%j"]).stdout
        .split(separator: "\n").filter { $0.contains("|wb-\(name)-") && $0.contains("_") }
      #expect(arrayTasks.count == cpus + 6, "\(arrayTasks)")
      for (file, date) in before { #expect(after[file] == date, "trial \(file) was computed again") }
    }

    /// `cell items` (what each array task runs) without Slurm: its share of the trials, then the sweep gathers them;
    /// clear errors for a missing upstream entry (exit 5) and for a cell with no items (exit 2).
    @Test func cellItemsComputesATasksShareOfTheTrials() throws {
      let p = try SlurmProject(); defer { p.remove() }
      try p.write("shots.csv", SlurmExecutorTests.shotsCSV())
      try p.write("w.yaml", SlurmExecutorTests.sweepWorkbook("items", grid: "[0.1, 1, 10]"))
      let early = try p.workbench(["cell", "items", "w.yaml", "--cell", "search", "--task", "0", "--tasks", "2"])
      #expect(early.status == 5)
      #expect(early.stderr.contains("upstream cell `split` has no entry in the cache"), "\(early.stderr)")
      let notASweep = try p.workbench(["cell", "items", "w.yaml", "--cell", "shots", "--task", "0", "--tasks", "2"])
      #expect(notASweep.status == 2)
      #expect(notASweep.stderr.contains("has no work items"), "\(notASweep.stderr)")
      for cell in ["shots", "split"] { #expect(try p.workbench(["cell", "run", "w.yaml", "--cell", cell]).status == 0) }
      let first = try p.workbench(["cell", "items", "w.yaml", "--cell", "search", "--task", "0", "--tasks", "2"])
      #expect(first.status == 0, "\(first.stderr)")
      #expect(first.stderr.contains("search task 0/2: items 0, 2, 4 of 5 are stored"), "\(first.stderr)")
      #expect(try p.workbench(["cell", "items", "w.yaml", "--cell", "search", "--task", "1", "--tasks", "2"]).status == 0)
      let gather = try p.workbench(["run", "w.yaml"])
      #expect(gather.status == 0, "\(gather.stderr)")
      #expect(try p.read("outputs/items/cells/search/result.json").contains("\"trials_total\": 5"))
      let run = try Data(contentsOf: p.root.appendingPathComponent("outputs/items/run.json"))
      let cells = (try JSONSerialization.jsonObject(with: run) as? [String: Any])?["cells"] as? [[String: Any]] ?? []
      #expect(cells.first { $0["id"] as? String == "search" }?["notes"] as? [String] == ["0 trial(s) run, 5 reused from the trial cache"])
    }

    @Test func slurmFlagsWithoutTheSlurmExecutorAreRefused() throws {
      let p = try SlurmProject(); defer { p.remove() }
      try p.write("w.yaml", Self.chain("flags"))
      let run = try p.workbench(["run", "w.yaml", "--partition", "debug"])
      #expect(run.status != 0)
      #expect(run.stderr.contains("--partition applies to Slurm jobs: add --executor slurm"))
      let jobs = try p.workbench(["run", "w.yaml", "--executor", "slurm", "--jobs", "4"])
      #expect(jobs.status != 0)
      #expect(jobs.stderr.contains("--jobs applies to cells run here"), "\(jobs.stderr)")
    }

    @Test func unknownKeyInTheWorkbooksSlurmBlockIsAnError() async throws {
      guard try await SlurmAvailability.check() else { return }
      let p = try SlurmProject(); defer { p.remove() }
      try p.write("w.yaml", Self.chain("badkey", extra: "orchestration:\n  slurm:\n    partiton: debug\n"))
      let run = try p.workbench(["run", "w.yaml", "--executor", "slurm"])
      #expect(run.status != 0)
      #expect(run.stderr.contains("unknown key `partiton` in `orchestration.slurm`"), "\(run.stderr)")
      #expect(run.stderr.contains("partition"))
    }
  }
}
