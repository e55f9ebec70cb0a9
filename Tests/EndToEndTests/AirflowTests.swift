import Foundation
import Testing
import TestSupport

/// `workbench export airflow` against a real Airflow 3 (pip, `.build-py/airflow`, SQLite metadata database under a
/// temporary AIRFLOW_HOME): the DAG imports with exactly the workbook's graph, `airflow dags test` reproduces a local
/// run byte for byte, a second run executes nothing, a changed param reruns exactly its cells, a failing cell fails
/// its task and skips its dependents.
@Suite("Airflow export (real Airflow 3)", .serialized, .needsPython("airflow"))
struct AirflowTests {
  static let workbook = """
    workbook: af
    params:
      min_distance: 0
    orchestration:
      airflow:
        schedule: "@daily"
        start_date: 2026-01-01
        retries: 0
    cells:
      - id: shots
        kind: load
        source: shots.csv
      - id: near
        kind: transform
        input: shots
        steps:
          - filter: "distance >= ${min_distance}"
      - id: near_profile
        kind: describe
        input: near
      - id: all_profile
        kind: describe
        input: shots

    """

  func project() throws -> Project {
    let p = try Project()
    try p.write("shots.csv", sampleCSV(rows: 300))
    try p.write("af.yaml", Self.workbook)
    return p
  }

  @Test func dagImportsWithTheWorkbooksGraph() throws {
    let airflow = try Airflow()
    defer { airflow.remove() }
    let p = try project()
    defer { p.remove() }
    let export = try p.workbench(["export", "airflow", "af.yaml", "-o", airflow.dags.path])
    #expect(export.status == 0, "\(export.stderr)")
    let bag = try airflow.dagBag()
    #expect(bag.importErrors.isEmpty, "\(bag.importErrors)")
    let graph = try #require(bag.dags["workbench_af"])
    #expect(graph == [
      "shots": [], "near": ["shots"], "near_profile": ["near"], "all_profile": ["shots"],
      "workbench_publish": ["all_profile", "near", "near_profile", "shots"],
    ])
    for (file, seconds) in bag.parseSeconds {
      print("airflow: parse time of \(file): \(Int((seconds * 1000).rounded())) ms")
    }
  }

  @Test func dagRunsEqualALocalRunAndRerunsOnlyWhatChanged() throws {
    let airflow = try Airflow()
    defer { airflow.remove() }
    let p = try project()
    defer { p.remove() }
    #expect(try p.workbench(["export", "airflow", "af.yaml", "-o", airflow.dags.path]).status == 0)

    // First DAG run: every cell executes, then workbench_publish renders outputs/af/.
    let first = try airflow.test("workbench_af")
    #expect(first.state == "success", "\(first.log.suffix(3000))")
    #expect(first.tasks.values.allSatisfy { $0 == "success" }, "\(first.tasks)")
    #expect(try p.executedByTasks(first) == ["shots", "near", "near_profile", "all_profile"])

    // The same outputs as a local run of a copy of the project.
    let local = try project()
    defer { local.remove() }
    #expect(try local.workbench(["run", "af.yaml"]).status == 0)
    // Every file byte for byte; run.json but for the cells' durations (no two runs share those).
    let published = try p.publishedFiles("outputs/af"), expected = try local.publishedFiles("outputs/af")
    #expect(published.keys.sorted() == expected.keys.sorted())
    for (file, bytes) in expected where file != "run.json" {
      #expect(published[file] == bytes, "outputs/af/\(file) differs from a local run's")
    }
    #expect(try p.runJSONWithoutDurations("af") == local.runJSONWithoutDurations("af"))

    // Second run: nothing new, no cell executes.
    let second = try airflow.test("workbench_af")
    #expect(second.state == "success")
    #expect(try p.executedByTasks(second).isEmpty)

    // A param changed in dag_run.conf reruns exactly the cells that use it (and what their new outputs feed).
    let third = try airflow.test("workbench_af", conf: #"{"min_distance": 10}"#)
    #expect(third.state == "success")
    #expect(try p.executedByTasks(third) == ["near", "near_profile"])
    // The same conf again: nothing new.
    let fourth = try airflow.test("workbench_af", conf: #"{"min_distance": 10}"#)
    #expect(fourth.state == "success")
    #expect(try p.executedByTasks(fourth).isEmpty)
  }

  @Test func failingCellFailsItsTaskAndSkipsDependents() throws {
    let airflow = try Airflow()
    defer { airflow.remove() }
    let p = try project()
    defer { p.remove() }
    try p.write("bad.yaml", """
      workbook: bad
      cells:
        - id: shots
          kind: load
          source: shots.csv
        - id: boom
          kind: shell
          code: "echo 'no luck' >&2; exit 3"
          outputs: {metrics: [n]}
        - id: after
          kind: describe
          input: shots
          when: "${boom.metrics.n} > 0"
        - id: independent
          kind: describe
          input: shots

      """)
    #expect(try p.workbench(["export", "airflow", "bad.yaml", "-o", airflow.dags.path]).status == 0)
    let run = try airflow.test("workbench_bad")
    #expect(run.state == "failed")
    #expect(run.tasks["boom"] == "failed")
    #expect(run.tasks["after"] == "upstream_failed")
    #expect(run.tasks["workbench_publish"] == "upstream_failed")
    #expect(run.tasks["independent"] == "success")
    #expect(run.tasks["shots"] == "success")
  }

  @Test func editedWorkbookIsRefusedWhenTheTaskRuns() throws {
    let airflow = try Airflow()
    defer { airflow.remove() }
    let p = try project()
    defer { p.remove() }
    #expect(try p.workbench(["export", "airflow", "af.yaml", "-o", airflow.dags.path]).status == 0)
    try p.write("af.yaml", Self.workbook.replacingOccurrences(of: "min_distance: 0", with: "min_distance: 5"))
    let run = try airflow.test("workbench_af")
    #expect(run.state == "failed")
    #expect(run.tasks["shots"] == "failed")
    #expect(run.log.contains("changed since it was exported"), "\(run.log.suffix(3000))")
    #expect(!p.exists("outputs/af"))
  }

  /// `--map-sweeps`: a sweep's trials become mapped task instances, one per trial; the sweep's own task gathers them
  /// and the outputs equal a local run's.
  @Test func sweepTrialsAsMappedTasks() throws {
    let airflow = try Airflow()
    defer { airflow.remove() }
    let p = try Project(), local = try Project()
    defer { p.remove(); local.remove() }
    let workbook = """
      workbook: sw
      params:
        data: shots.csv
      cells:
      \(loadAndSplitCells)
        - id: search
          kind: sweep
          input: split
          features: [zone, distance, angle]
          categorical: [zone]
          folds: 2
          plots: false
          models:
            logistic_regression: {C: [0.1, 1, 10]}

      """
    for project in [p, local] {
      try project.write("shots.csv", signalShotsCSV(rows: 300))
      try project.write("sw.yaml", workbook)
    }
    let export = try p.workbench(["export", "airflow", "sw.yaml", "-o", airflow.dags.path, "--map-sweeps"])
    #expect(export.status == 0, "\(export.stderr)")
    let bag = try airflow.dagBag()
    #expect(bag.importErrors.isEmpty, "\(bag.importErrors)")
    let graph = try #require(bag.dags["workbench_sw"])
    #expect(graph["search__items"] == ["split"])
    #expect(graph["search__item"] == ["search__items_commands"])
    #expect(graph["search"] == ["search__item"])

    let run = try airflow.test("workbench_sw")
    #expect(run.state == "success", "\(run.log.suffix(3000))")
    // One mapped task instance per trial (a configuration, cross-validated over its folds).
    #expect(run.mapped["search__item"] == 3, "\(run.mapped)")
    #expect(try local.workbench(["run", "sw.yaml"]).status == 0)
    for file in ["cells/search/result.json", "report.md", "index.html"] {
      #expect(try p.read("outputs/sw/\(file)") == local.read("outputs/sw/\(file)"), "outputs/sw/\(file) differs from a local run's")
    }
  }

  @Test func everyShippedWorkbookExports() throws {
    let airflow = try Airflow()
    defer { airflow.remove() }
    let repo = TestPaths.repositoryRoot
    for name in ["parivision", "shot-drift", "coaching"] {
      let r = try runProcess(TestPaths.workbenchExecutable, ["export", "airflow", "Workbooks/\(name).yaml", "-o", airflow.dags.path],
                             currentDirectory: repo, environment: ["NO_COLOR": "1"])
      #expect(r.status == 0, "\(name): \(r.stderr)")
    }
    let bag = try airflow.dagBag()
    #expect(bag.importErrors.isEmpty, "\(bag.importErrors)")
    #expect(Set(bag.dags.keys) == ["workbench_parivision", "workbench_shot-drift", "workbench_coaching"])
    for (file, seconds) in bag.parseSeconds.sorted(by: { $0.key < $1.key }) {
      print("airflow: parse time of \(file): \(Int((seconds * 1000).rounded())) ms")
      #expect(seconds < 5, "\(file) took \(seconds) s to parse")
    }
  }
}

extension Project {
  /// Every file under `folder` (relative path → bytes).
  func publishedFiles(_ folder: String) throws -> [String: Data] {
    let base = root.appendingPathComponent(folder).resolvingSymlinksInPath()
    var files: [String: Data] = [:]
    let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = walker?.nextObject() as? URL {
      guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
      let relative = String(url.resolvingSymlinksInPath().path.dropFirst(base.path.count + 1))
      files[relative] = try Data(contentsOf: url)
    }
    return files
  }

  /// run.json with every `duration_ms` removed.
  func runJSONWithoutDurations(_ workbook: String) throws -> String {
    try read("outputs/\(workbook)/run.json").split(separator: "\n").filter { !$0.contains("\"duration_ms\"") }.joined(separator: "\n")
  }

  /// The cells a DAG run's tasks executed (not found in the cache), from the `workbench cell run --json` result
  /// lines in the task logs (`{"cell":"near",…,"status":"executed"}`).
  func executedByTasks(_ run: Airflow.DagRunResult) throws -> Set<String> {
    Set(run.log.split(separator: "\n").compactMap { line -> String? in
      guard let start = line.range(of: "{\"cell\":\""), line.contains("\"status\":\"executed\"") else { return nil }
      return line[start.upperBound...].split(separator: "\"", maxSplits: 1).first.map(String.init)
    })
  }
}

/// A real Airflow 3 from `.build-py/airflow` (scripts/python-env.sh airflow) with its own AIRFLOW_HOME.
struct Airflow {
  static var python: URL { TestPaths.pythonEnvironment("airflow").appendingPathComponent("bin/python") }
  static var available: Bool { Oracles.hasPython("airflow") }

  let home: URL
  var dags: URL { home.appendingPathComponent("dags") }

  init() throws {
    guard Self.available else { throw MissingResource("Airflow 3 is not installed: run scripts/python-env.sh airflow") }
    home = try makeTemporaryDirectory("wb-airflow")
    try FileManager.default.createDirectory(at: dags, withIntermediateDirectories: true)
    let migrate = try airflow(["db", "migrate"])
    guard migrate.status == 0 else { throw MissingResource("airflow db migrate failed: \(migrate.stderr.suffix(2000))") }
  }

  func remove() { try? FileManager.default.removeItem(at: home) }

  var environment: [String: String] {
    ["AIRFLOW_HOME": home.path, "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "AIRFLOW__CORE__DAGS_FOLDER": dags.path,
     "AIRFLOW__CORE__UNIT_TEST_MODE": "False", "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"]
  }

  func airflow(_ arguments: [String]) throws -> ProcessOutput {
    try runProcess(Self.python, ["-m", "airflow"] + arguments, currentDirectory: home, environment: environment)
  }

  func python(_ script: String, _ arguments: [String]) throws -> ProcessOutput {
    try runProcess(Self.python, ["-c", script] + arguments, currentDirectory: home, environment: environment)
  }

  struct DagBagResult {
    var importErrors: [String: String]
    var dags: [String: [String: [String]]]
    var parseSeconds: [String: Double]
  }

  /// Imports the dags folder the way the DAG processor does and returns each DAG's `{task: upstream}`.
  func dagBag() throws -> DagBagResult {
    let script = """
      import json, sys
      try:
          from airflow.dag_processing.dagbag import DagBag
      except ImportError:
          from airflow.models.dagbag import DagBag
      bag = DagBag(dag_folder=sys.argv[1])
      out = {"import_errors": {k: str(v) for k, v in bag.import_errors.items()},
             "dags": {d: {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks} for d, dag in bag.dags.items()},
             "parse_seconds": {s.file: s.duration.total_seconds() if hasattr(s.duration, "total_seconds") else s.duration
                               for s in bag.dagbag_stats}}
      print("WORKBENCH-RESULT " + json.dumps(out))
      """
    let r = try python(script, [dags.path])
    let value = try Self.result(r)
    return DagBagResult(
      importErrors: value["import_errors"] as? [String: String] ?? [:],
      dags: value["dags"] as? [String: [String: [String]]] ?? [:],
      parseSeconds: value["parse_seconds"] as? [String: Double] ?? [:])
  }

  struct DagRunResult {
    var state: String
    /// Task id → state (a mapped task: the state of its last instance).
    var tasks: [String: String]
    /// Mapped task id → how many instances ran.
    var mapped: [String: Int]
    var log: String
  }

  /// `airflow dags test DAG [-c CONF]`, then the states of that run's task instances from the metadata database.
  func test(_ dagId: String, conf: String? = nil) throws -> DagRunResult {
    var arguments = ["dags", "test", dagId]
    if let conf { arguments += ["-c", conf] }
    let run = try airflow(arguments)
    let script = """
      import json, sys
      from airflow.models.dagrun import DagRun
      runs = sorted(DagRun.find(dag_id=sys.argv[1]), key=lambda r: r.start_date)
      r = runs[-1]
      tis = r.get_task_instances()
      mapped = {}
      for ti in tis:
          if ti.map_index is not None and ti.map_index >= 0:
              mapped[ti.task_id] = mapped.get(ti.task_id, 0) + 1
      print("WORKBENCH-RESULT " + json.dumps({"state": str(r.state),
            "tasks": {ti.task_id: str(ti.state) for ti in tis}, "mapped": mapped}))
      """
    let value = try Self.result(try python(script, [dagId]))
    return DagRunResult(state: value["state"] as? String ?? "?", tasks: value["tasks"] as? [String: String] ?? [:],
                        mapped: value["mapped"] as? [String: Int] ?? [:], log: run.stdout + run.stderr)
  }

  static func result(_ r: ProcessOutput) throws -> [String: Any] {
    guard let line = r.stdout.split(separator: "\n").last(where: { $0.hasPrefix("WORKBENCH-RESULT ") }),
          let object = try JSONSerialization.jsonObject(with: Data(line.dropFirst("WORKBENCH-RESULT ".count).utf8)) as? [String: Any]
    else { throw UnexpectedShape("no result from the Airflow helper (exit \(r.status)): \(r.stderr.suffix(3000))") }
    return object
  }
}
