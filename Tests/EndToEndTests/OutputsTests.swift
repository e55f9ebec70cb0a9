import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// How a run's outputs are published (issues 11 and 17): as a whole, never through a user's symlink, with
/// run.json's exit code equal to the process's, skipped cells marked, `--output`, the project root found from the
/// workbook, `--fail-on` gates, params recorded for `verify`, credentials redacted, progress kept out of CI logs.
@Suite("outputs publication", .serialized)
struct OutputsTests {
  static let workbook = """
    workbook: demo
    params:
      data: shots.csv
      top: 3
      label: first
      wait: 1
    cells:
      - id: bronze
        kind: load
        source: ${data}
      - id: profile
        kind: describe
        input: bronze
        top: ${top}
      - id: other
        kind: test_sleep
        ms: ${wait}
        value: ${label}
      - id: summary
        kind: note
        text: "Rows: {{ bronze.rows }}; {{ other.value }}."

    """

  /// Every file under `folder` (relative path → bytes), hidden files included.
  func files(_ folder: URL) -> [String: Data] {
    var out: [String: Data] = [:]
    guard let e = FileManager.default.enumerator(atPath: folder.path) else { return out }
    for case let relative as String in e {
      let url = folder.appendingPathComponent(relative)
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
        out[relative] = try? Data(contentsOf: url)
      }
    }
    return out
  }

  func staging(_ p: Project) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: p.root.appendingPathComponent("outputs").path)) ?? [])
      .filter { $0.contains("staging") }
  }

  func cell(_ p: Project, _ workbook: String, _ id: String) throws -> [String: Any] {
    let cells = try #require(try p.runJSON(workbook)["cells"] as? [[String: Any]])
    return try #require(cells.first { $0["id"] as? String == id })
  }

  /// A pid that no process has any more.
  func deadPid() throws -> Int32 {
    let process = try startProcess(URL(fileURLWithPath: "/bin/true"), [])
    let pid = process.pid
    _ = process.wait()
    return pid
  }

  @Test func aKilledRunLeavesThePreviousOutputsWholeAndItsStagingIsRemoved() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    #expect(try p.workbench(["run", "demo.yaml"]).status == 0)
    let before = files(p.root.appendingPathComponent("outputs/demo"))
    #expect(before["run.json"] != nil && before["cells/profile/result.json"] != nil)

    // A run that changes `profile` and `summary`, killed while `other` sleeps.
    let process = try startProcess(TestPaths.workbenchExecutable,
                                   ["run", "demo.yaml", "--param", "top=5", "--param", "wait=20000", "--param", "label=second"],
                                   currentDirectory: p.root, environment: ["WORKBENCH_TEST_KINDS": "1"])
    Thread.sleep(forTimeInterval: 1.0)
    process.signal(SIGKILL)
    _ = process.wait()
    #expect(files(p.root.appendingPathComponent("outputs/demo")) == before, "outputs/demo must be exactly the first run's")

    // A staging folder of a dead process (a run killed while publishing) is removed by the next run.
    let leftover = p.root.appendingPathComponent("outputs/.demo.staging-\(try deadPid())-12345")
    try FileManager.default.createDirectory(at: leftover.appendingPathComponent("cells/profile"), withIntermediateDirectories: true)
    let next = try p.workbench(["run", "demo.yaml", "--param", "top=5"])
    #expect(next.status == 0, "\(next.stderr)")
    #expect(staging(p).isEmpty, "\(staging(p))")
    #expect(try p.statuses("demo").values.allSatisfy { $0 == "cached" || $0 == "executed" })
    #expect(try p.read("outputs/demo/cells/bronze/result.json") == String(decoding: before["cells/bronze/result.json"]!, as: UTF8.self))
  }

  @Test func renderAfterADamagedBlobFinishesAndLeavesNoStaging() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    #expect(try p.workbench(["run", "demo.yaml"]).status == 0)
    let digest = try #require((try cell(p, "demo", "profile")["outputs"] as? [String: String])?["result.json"])
    let blob = p.root.appendingPathComponent(".workbench/cache/blobs/\(digest.prefix(2))/\(digest)")
    var bytes = try Data(contentsOf: blob)
    bytes[bytes.count / 2] ^= 0x20
    try bytes.write(to: blob)
    try FileManager.default.removeItem(at: p.root.appendingPathComponent("outputs"))

    // The damaged entry cannot be rendered: render names it, publishes nothing and leaves nothing behind.
    let render = try p.workbench(["render", "demo.yaml"])
    #expect(render.status == 1, "\(render.stderr)")
    #expect(render.stderr.contains("profile") && render.stderr.contains("nothing published"), "\(render.stderr)")
    let everything = files(p.root.appendingPathComponent("outputs")).keys
    #expect(!everything.contains { $0.contains(".staging") || $0.contains(".old-") }, "\(everything.sorted())")
    #expect(!p.exists("outputs/demo/run.json"))
    // The next run recomputes it and publishes a complete folder.
    #expect(try p.workbench(["run", "demo.yaml"]).status == 0)
    #expect(try cell(p, "demo", "profile")["status"] as? String == "executed")
    #expect(p.exists("outputs/demo/index.html"))
  }

  @Test func aSymlinkedOutputsFolderIsRefused() throws {
    let p = try Project(); defer { p.remove() }
    let elsewhere = try makeTemporaryDirectory("wb-elsewhere"); defer { try? FileManager.default.removeItem(at: elsewhere) }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    try FileManager.default.createDirectory(at: p.root.appendingPathComponent("outputs"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(at: p.root.appendingPathComponent("outputs/demo"), withDestinationURL: elsewhere)
    let out = try p.workbench(["run", "demo.yaml"])
    #expect(out.status == 1)
    #expect(out.stderr.contains("`outputs/demo` is a symbolic link"), "\(out.stderr)")
    #expect(out.stderr.contains("--output"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    #expect(files(p.root.appendingPathComponent(".workbench/cache/manifests")).isEmpty, "nothing may execute before the refusal")
  }

  @Test func runJSONRecordsTheProcessExitCode() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    // A metric gate that holds: exit 1, and run.json says so.
    let gated = try p.workbench(["run", "demo.yaml", "--fail-on", "profile.rows >= 200"])
    #expect(gated.status == 1, "\(gated.stderr)")
    #expect(gated.stderr.contains("--fail-on profile.rows >= 200: profile.rows = 200"), "\(gated.stderr)")
    var run = try p.runJSON("demo")
    #expect(run["exit_code"] as? Int == 1 && run["status"] as? String == "failed")
    let gates = try #require(run["gates"] as? [[String: Any]])
    #expect(gates.first?["verdict"] as? String == "failed")

    // One that does not hold: exit 0.
    #expect(try p.workbench(["run", "demo.yaml", "--fail-on", "profile.rows < 10"]).status == 0)
    run = try p.runJSON("demo")
    #expect(run["exit_code"] as? Int == 0 && run["status"] as? String == "succeeded")

    // A path that does not exist: a usage error naming the cell and the available fields; run.json says 2.
    let typo = try p.workbench(["run", "demo.yaml", "--fail-on", "profile.rowz < 10"])
    #expect(typo.status == 2)
    #expect(typo.stderr.contains("cell `profile` has no field `rowz`") && typo.stderr.contains("rows"), "\(typo.stderr)")
    #expect(try p.runJSON("demo")["exit_code"] as? Int == 2)
    // A cell that does not exist or a malformed condition: refused before running.
    #expect(try p.workbench(["run", "demo.yaml", "--fail-on", "profil.rows < 1"]).stderr.contains("did you mean"))
    #expect(try p.workbench(["run", "demo.yaml", "--fail-on", "rows lots"]).status == 2)

    // A render that publishes (every cell from the cache) records its own exit code in run.json.
    let rendered = try p.workbench(["render", "demo.yaml"])
    #expect(rendered.status == 0, "\(rendered.stderr)")
    run = try p.runJSON("demo")
    #expect(run["exit_code"] as? Int == 0 && run["status"] as? String == "succeeded")
    // render with a stale cell exits 1 and publishes nothing: run.json is still the last published one.
    let before = try p.read("outputs/demo/run.json")
    let render = try p.workbench(["render", "demo.yaml", "--param", "top=9"])
    #expect(render.status == 1)
    #expect(try p.read("outputs/demo/run.json") == before)
  }

  @Test func failOnContractsFailsOnWarnLevelChecks() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("c.yaml", shotsWorkbook("c", """
        - id: checks
          kind: expect
          input: shots
          checks:
            - {between: {column: distance, max: 10}, severity: warn}
      """))
    #expect(try p.workbench(["run", "c.yaml"]).status == 0)
    let gated = try p.workbench(["run", "c.yaml", "--fail-on", "contracts"])
    #expect(gated.status == 1, "\(gated.stderr)")
    #expect(gated.stderr.contains("`checks`") && gated.stderr.contains("warn-level"), "\(gated.stderr)")
    #expect(try p.runJSON("c")["exit_code"] as? Int == 1)
  }

  @Test func cellsWithoutOutputInThisRunLeaveNoStaleResult() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    #expect(try p.workbench(["run", "demo.yaml"]).status == 0)
    let lastGood = try p.read("outputs/demo/cells/bronze/result.json")

    let failed = try p.workbench(["run", "demo.yaml", "--param", "data=missing.csv"])
    #expect(failed.status == 1)
    // The failed cell keeps its last good outputs, marked as such; its dependents say they were skipped.
    #expect(try p.read("outputs/demo/cells/bronze/result.json") == lastGood)
    #expect(try cell(p, "demo", "bronze")["folder"] as? String == "last_good")
    let profile = try JSONSerialization.jsonObject(with: Data(try p.read("outputs/demo/cells/profile/result.json").utf8)) as? [String: Any]
    #expect(profile?["status"] as? String == "skipped")
    #expect((profile?["reason"] as? String)?.contains("upstream cell `bronze` failed") == true)
    #expect(try cell(p, "demo", "profile")["folder"] as? String == "skipped")
    #expect(!p.exists("outputs/demo/cells/profile/profile.csv"))
    #expect(try cell(p, "demo", "other")["folder"] as? String == "current")
  }

  @Test func outputOptionAndProjectRootFromAnotherDirectory() throws {
    let p = try Project(); defer { p.remove() }
    let elsewhere = try makeTemporaryDirectory("wb-cwd"); defer { try? FileManager.default.removeItem(at: elsewhere) }
    try p.write("datasets/shots.csv", sampleCSV())
    try p.write("Workbooks/demo.yaml", Self.workbook.replacingOccurrences(of: "data: shots.csv", with: "data: datasets/shots.csv"))
    let env = ["WORKBENCH_TEST_KINDS": "1", "NO_COLOR": "1"]
    let workbook = p.root.appendingPathComponent("Workbooks/demo.yaml").path
    // Run from another directory: the root is the folder holding Workbooks/, not the current directory.
    let run = try runProcess(TestPaths.workbenchExecutable, ["run", workbook], currentDirectory: elsewhere, environment: env)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(p.exists("outputs/demo/run.json") && p.exists(".workbench/state.sqlite"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    #expect(try p.runJSON("demo")["file"] as? String == "Workbooks/demo.yaml")

    // --output: this run's own folder (relative to the current directory); verify reads the run recorded there.
    let perRun = try runProcess(TestPaths.workbenchExecutable, ["run", workbook, "--output", "runs/one", "--param", "top=4"],
                                currentDirectory: elsewhere, environment: env)
    #expect(perRun.status == 0, "\(perRun.stderr)")
    let one = elsewhere.appendingPathComponent("runs/one")
    #expect(FileManager.default.fileExists(atPath: one.appendingPathComponent("cells/profile/result.json").path))
    let verify = try runProcess(TestPaths.workbenchExecutable, ["verify", workbook, "--output", "runs/one"],
                                currentDirectory: elsewhere, environment: env)
    #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    #expect(verify.stderr.contains("top=4"), "\(verify.stderr)")
    // A folder workbench did not write is not replaced.
    try "mine".write(to: elsewhere.appendingPathComponent("runs/notes.txt"), atomically: true, encoding: .utf8)
    let refused = try runProcess(TestPaths.workbenchExecutable, ["run", workbook, "--output", "runs"],
                                 currentDirectory: elsewhere, environment: env)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("did not write"), "\(refused.stderr)")
    #expect(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("runs/notes.txt").path))
  }

  @Test func verifyReproducesTheRecordedParamsAndNamesChangedInputs() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    #expect(try p.workbench(["run", "demo.yaml", "--param", "top=4", "--param", "label=second"]).status == 0)
    let same = try p.workbench(["verify", "demo.yaml"])
    #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
    #expect(same.stderr.contains("label=second") && same.stderr.contains("top=4"), "\(same.stderr)")
    #expect(!same.stdout.contains("changed"))
    // Without the published folder, the params its cells last ran with are used.
    try FileManager.default.removeItem(at: p.root.appendingPathComponent("outputs"))
    let fromState = try p.workbench(["verify", "demo.yaml"])
    #expect(fromState.status == 0, "\(fromState.stdout)\(fromState.stderr)")
    #expect(fromState.stderr.contains("the recorded state") && fromState.stderr.contains("top=4"), "\(fromState.stderr)")
    #expect(try p.workbench(["render", "demo.yaml", "--param", "top=4", "--param", "label=second"]).status == 0)

    // The input file changed since: not "not reproducible", but which inputs changed, and exit code 3.
    try p.write("shots.csv", sampleCSV(rows: 150, seed: 9))
    let changed = try p.workbench(["verify", "demo.yaml"])
    #expect(changed.status == 3, "\(changed.stdout)")
    #expect(!changed.stdout.contains("not reproducible"))
    #expect(changed.stdout.contains("inputs changed since the recorded run: shots.csv"), "\(changed.stdout)")
    let json = try p.workbench(["verify", "demo.yaml", "--json"])
    let value = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(value["outcome"] as? String == "inputs_changed")
    #expect(value["changed_inputs"] as? [String] == ["shots.csv"])
  }

  @Test func verifyComparesOnlyWhatTheRecordedRunProduced() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    #expect(try p.workbench(["run", "demo.yaml", "--cell", "other", "--param", "label=solo"]).status == 0)
    let out = try p.workbench(["verify", "demo.yaml"])
    #expect(out.status == 0, "\(out.stdout)")
    let lines = out.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("identical") && $0.contains(" other") })
    #expect(lines.contains { $0.hasPrefix("skipped") && $0.contains(" profile") && $0.contains("not part of the recorded run") })

    // After `clean` nothing is recorded: verify compares nothing, and says so instead of judging reproducibility.
    #expect(try p.workbench(["clean", "demo.yaml"]).status == 0)
    let nothing = try p.workbench(["verify", "demo.yaml"])
    #expect(nothing.status == 1, "\(nothing.stdout)")
    #expect(nothing.stdout.contains("nothing to verify") && !nothing.stdout.contains("reproducible"), "\(nothing.stdout)")
  }

  @Test func credentialsInParamsAreRedactedEverywhere() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", signalShotsCSV())
    try p.write("t.yaml", """
      workbook: t
      params:
        data: shots.csv
        tracking_uri: mlruns
      cells:
      \(loadAndSplitCells)
        - id: model
          kind: train
          input: split
          features: [distance]
          model: logistic_regression
          plots: false
        - id: log
          kind: track
          of: model
          uri: ${tracking_uri}
        - id: where
          kind: note
          text: "Tracking to {{ tracking_uri }}."

      """)
    let out = try p.workbench(["run", "t.yaml", "--param", "tracking_uri=http://alice:S3CRETpw@127.0.0.1:9/"])
    #expect(out.status == 1, "\(out.stderr)")  // track refuses credentials in its URI
    #expect(!out.stderr.contains("S3CRETpw"))
    let run = try p.runJSON("t")
    let params = try #require(run["params"] as? [String: Any])
    #expect(params["tracking_uri"] as? String == "http://alice:***@127.0.0.1:9/")
    // A cell that shows the param succeeds and shows it redacted (its cache manifest holds the redacted value).
    #expect(try p.read("outputs/t/cells/where/result.json").contains("\"tracking_uri\": \"http://alice:***@127.0.0.1:9/\""))
    for folder in ["outputs", ".workbench"] {
      for (name, bytes) in files(p.root.appendingPathComponent(folder)) {
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("S3CRETpw"), "secret in \(folder)/\(name)")
      }
    }
  }

  @Test(.needsTool("script", package: "util-linux")) func aTerminalShowsWhatALongCellIsDoing() throws {
    let script = try #require(try Oracles.tool("script", package: "util-linux"))
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    // `other` sleeps 2.5 s, well past the 1 s after which its status line appears.
    let command = "\(TestPaths.workbenchExecutable.path) run demo.yaml --param wait=2500"
    let out = try runProcess(script, ["-qec", command, "/dev/null"], currentDirectory: p.root,
                             environment: ["WORKBENCH_TEST_KINDS": "1", "TERM": "xterm"])
    #expect(out.status == 0, "\(out.stdout)")
    #expect(out.stdout.contains("\r\u{1B}[2Kother (test_sleep) 1s") || out.stdout.contains("\r\u{1B}[2Kother (test_sleep) 2s"), "\(out.stdout)")
    #expect(!out.stdout.contains("bronze (load) 0s"), "a short cell shows no status line")
    // Progress is display only: run.json holds no trace of it.
    #expect(!(try p.read("outputs/demo/run.json")).contains("(test_sleep) 1s"))
  }

  @Test func ciLogsGetOneLinePerCellAndNoProgress() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    let out = try p.workbench(["run", "demo.yaml", "--param", "wait=1200"])
    #expect(out.status == 0)
    #expect(!out.stderr.contains("\r") && !out.stderr.contains("\u{1B}"))
    let lines = out.stderr.split(separator: "\n")
    for id in ["bronze", "profile", "other", "summary"] {
      #expect(lines.filter { $0.hasPrefix("ran ") && $0.contains(" \(id) ") }.count == 1, "\(out.stderr)")
    }
    #expect(lines.count == 5, "four cell lines and the summary line: \(out.stderr)")
  }
}
