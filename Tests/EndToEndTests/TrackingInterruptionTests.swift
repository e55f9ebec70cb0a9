import Foundation
import Testing
import TestSupport

/// A `workbench run` killed (SIGKILL) while its `track` cell is logging leaves a RUNNING run: the next run finds it
/// by its run key, marks it KILLED, deletes it and logs one complete run — never a duplicate — on the file store and
/// on a real `mlflow server`; staging files of the dead process are removed. Also: `workbench sync` to another
/// server than the one the queue was recorded for keeps the queue and says how to proceed.
@Suite("tracking: interrupted runs and the offline queue", .serialized)
struct TrackingInterruptionTests {
  static func workbook(uri: String) -> String {
    """
    workbook: held
    params:
      data: shots.csv
      tracking_uri: \(uri)
    cells:
    \(loadAndSplitCells)
      - id: lr
        kind: train
        input: split
        features: [zone, distance]
        categorical: [zone]
        model: logistic_regression
        plots: false
      - id: track_lr
        kind: track
        of: lr
        data: split.train
        uri: ${tracking_uri}
        experiment: held

    """
  }

  /// Lists every run of experiment `held` with the MLflow client (deleted ones included): id → [status, lifecycle, run key].
  static let listAll = #"""
import json, os, sys
os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
from mlflow import MlflowClient
from mlflow.entities import ViewType
c = MlflowClient(tracking_uri=sys.argv[1])
e = c.get_experiment_by_name("held")
runs = c.search_runs([e.experiment_id], run_view_type=ViewType.ALL, max_results=1000)
print(json.dumps({r.info.run_id: [r.info.status, r.info.lifecycle_stage, r.data.tags.get("workbench.run_key", "")] for r in runs}))
"""#

  /// Starts `workbench run held.yaml` holding inside `track` (test hook), waits for the hold, kills it with SIGKILL;
  /// returns the id of the run it left RUNNING and the killed pid.
  static func killDuringTrack(_ p: Project, environment: [String: String]) throws -> (runId: String, pid: Int32) {
    let marker = p.root.appendingPathComponent("hold.marker")
    var env = environment
    env["WORKBENCH_TEST_KINDS"] = "1"
    env["NO_COLOR"] = "1"
    env["WORKBENCH_TEST_HOLD_TRACK"] = marker.path
    let exe = TestPaths.workbenchExecutable
    guard FileManager.default.isExecutableFile(atPath: exe.path) else { throw MissingResource("workbench is not built at \(exe.path)") }
    let child = try startProcess(exe, ["run", "held.yaml"], currentDirectory: p.root, environment: env,
                                 logFile: p.root.appendingPathComponent("held.log"))
    // Wait for the hook (the track cell writes the run id once params, metrics and inputs are logged).
    while !FileManager.default.fileExists(atPath: marker.path) && child.isRunning { Thread.sleep(forTimeInterval: 0.1) }
    let log = (try? p.read("held.log")) ?? ""
    guard FileManager.default.fileExists(atPath: marker.path) else { throw MissingResource("workbench ended before the hold: \(log)") }
    child.signalGroup(SIGKILL)
    let out = child.wait()
    #expect(out.signaled, "killed by SIGKILL")
    return (try p.read("hold.marker"), child.pid)
  }

  @Test func killedTrackOnTheFileStoreIsReplacedNotDuplicated() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", signalShotsCSV(rows: 300, seed: 5))
    try p.write("held.yaml", Self.workbook(uri: "mlruns"))
    let (stale, pid) = try Self.killDuringTrack(p, environment: ["MLFLOW_TRACKING_URI": ""])
    let experimentDir = try #require(try FileManager.default.contentsOfDirectory(atPath: p.root.appendingPathComponent("mlruns").path)
      .first { $0 != "0" && Int($0) != nil })
    #expect(try p.read("mlruns/\(experimentDir)/\(stale)/meta.yaml").contains("status: 1"), "left RUNNING by the kill")
    // What a kill between a staged write and its rename leaves, for the dead process and for a live one.
    try p.write(".mlruns.staging/\(pid).1.00000000-dead-leftover", "partial")
    try p.write(".mlruns.staging/\(ProcessInfo.processInfo.processIdentifier).0.11111111-live", "in progress")

    let rerun = try p.workbench(["run", "held.yaml"], environment: ["MLFLOW_TRACKING_URI": ""])
    #expect(rerun.status == 0, "\(rerun.stderr)")
    let result = try TrackingE2E.result(p, "held", "track_lr")
    let runId = try #require(result["run_id"] as? String)
    #expect(runId != stale && result["reused"] as? Bool == false)
    #expect((try p.runJSON("held")["warnings"] as? [String] ?? []).contains { $0.contains("replaced run(s) \(stale)") }
            || rerun.stderr.contains("replaced run(s) \(stale)"), "\(rerun.stderr)")
    #expect(!p.exists(".mlruns.staging/\(pid).1.00000000-dead-leftover"), "leftover of the dead process removed")
    #expect(p.exists(".mlruns.staging/\(ProcessInfo.processInfo.processIdentifier).0.11111111-live"), "a live writer's file is kept")

    // The MLflow client: one active FINISHED run for the key; the interrupted one KILLED and deleted.
    if let python = try Oracles.python("mlflow3") {
      let text = try runPython(python, Self.listAll, arguments: [p.root.appendingPathComponent("mlruns").path])
      let runs = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String]])
      #expect(runs[stale] == ["KILLED", "deleted", result["run_key"] as! String], "\(runs)")
      #expect(runs[runId] == ["FINISHED", "active", result["run_key"] as! String], "\(runs)")
      #expect(runs.values.filter { $0[1] == "active" }.count == 1, "no duplicate: \(runs)")
    }
    // A forced rerun reuses the finished run.
    let forced = try p.workbench(["run", "--force", "held.yaml"], environment: ["MLFLOW_TRACKING_URI": ""])
    #expect(forced.status == 0, "\(forced.stderr)")
    let again = try TrackingE2E.result(p, "held", "track_lr")
    #expect(again["run_id"] as? String == runId && again["reused"] as? Bool == true)
  }

  @Test(.needsPython("mlflow3")) func killedTrackOnAServerAndSyncToAnotherServer() throws {
    let python = try #require(try Oracles.python("mlflow3"))
    let serverDir = try makeTemporaryDirectory("wb-mlflow-kill")
    defer { try? FileManager.default.removeItem(at: serverDir) }
    let server = try MLflowTestServer(python: python, directory: serverDir)
    defer { server.stop() }
    try server.start()

    // 1. Killed while logging to the server: the rerun retires the RUNNING run and logs one complete run.
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", signalShotsCSV(rows: 300, seed: 6))
    try p.write("held.yaml", Self.workbook(uri: server.uri))
    let env = ["MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"]
    let (stale, _) = try Self.killDuringTrack(p, environment: env)
    let before = try JSONSerialization.jsonObject(with: Data(try runPython(python, Self.listAll, arguments: [server.uri]).utf8)) as? [String: [String]]
    #expect(before?[stale]?.first == "RUNNING", "\(String(describing: before))")
    let rerun = try p.workbench(["run", "held.yaml"], environment: env)
    #expect(rerun.status == 0, "\(rerun.stderr)")
    let result = try TrackingE2E.result(p, "held", "track_lr")
    let runId = try #require(result["run_id"] as? String)
    let runs = try #require(try JSONSerialization.jsonObject(with: Data(try runPython(python, Self.listAll, arguments: [server.uri]).utf8)) as? [String: [String]])
    #expect(runs[stale]?.prefix(2) == ["KILLED", "deleted"], "\(runs)")
    #expect(runs[runId]?.prefix(2) == ["FINISHED", "active"], "\(runs)")
    #expect(runs.values.filter { $0[1] == "active" }.count == 1, "no duplicate: \(runs)")

    // 2. Queued offline for one server, synced to another: refused with both addresses, the queue kept.
    let q = try Project(); defer { q.remove() }
    try q.write("shots.csv", signalShotsCSV(rows: 300, seed: 8))
    try q.write("held.yaml", Self.workbook(uri: "http://127.0.0.1:9"))
    let offline = try q.workbench(["run", "held.yaml"], environment: env)
    #expect(offline.status == 0, "\(offline.stderr)")
    let queue = try q.read(".workbench/offline/tracking-queue.json")
    #expect(queue.contains("127.0.0.1:9"), "the queue records its server: \(queue)")
    let elsewhere = try q.workbench(["sync", "--uri", server.uri], environment: env)
    #expect(elsewhere.status == 1, "\(elsewhere.stdout)")
    #expect(elsewhere.stderr.contains("recorded for http://127.0.0.1:9, not \(server.uri)"), "\(elsewhere.stderr)")
    #expect(elsewhere.stderr.contains("workbench sync --uri http://127.0.0.1:9") && elsewhere.stderr.contains("--retarget"), "\(elsewhere.stderr)")
    #expect(try q.read(".workbench/offline/tracking-queue.json") == queue, "the queue is kept as it was")
    let retargeted = try q.workbench(["sync", "--uri", server.uri, "--retarget"], environment: env)
    #expect(retargeted.status == 0 && retargeted.stdout.contains("1 replayed"), "\(retargeted.stdout)\(retargeted.stderr)")
  }
}
