import Foundation
import Testing
import TestSupport

/// `track` and `promote` against a real `mlflow server` (SQLite backend, artifact proxy) on 127.0.0.1, started
/// once: first a run while nothing listens (offline: local store + queue, `promote` fails asking for a sync),
/// then the server starts, `workbench sync` replays, the workbook completes, a forced rerun reuses the run —
/// the server holds every run exactly once. Credentials from the environment never reach any file.
@Suite("tracking cells: mlflow server", .serialized)
struct TrackingServerTests {
  static let workbook = """
    workbook: served
    params:
      data: shots.csv
      tracking_uri: http://127.0.0.1:9
    cells:
    \(loadAndSplitCells)
      - id: gb
        kind: train
        input: split
        features: [zone, distance, angle]
        categorical: [zone]
        model: gradient_boosting
        params: {rounds: 10, learning_rate: 0.2, max_depth: 2}
        plots: false
      - id: search
        kind: sweep
        input: split
        features: [zone, distance]
        categorical: [zone]
        folds: 3
        plots: false
        models:
          logistic_regression: {C: [0.1, 1]}
      - id: track_gb
        kind: track
        of: gb
        data: split.train
        uri: ${tracking_uri}
        experiment: served
      - id: track_search
        kind: track
        of: search
        uri: ${tracking_uri}
        experiment: served
      - id: champion
        kind: promote
        of: track_gb
        model_name: parivision
        metric: test_roc_auc
        uri: ${tracking_uri}

    """

  static let password = "pw-server-5d1e0c-never-written"
  static let token = "tok-server-8a2f44-never-written"

  @Test(.needsPython("mlflow3")) func offlineSyncOnlineExactlyOnce() throws {
    let python = try #require(try Oracles.python("mlflow3"))
    let p = try Project(); defer { p.remove() }
    let serverDir = try makeTemporaryDirectory("wb-mlflow-server")
    defer { try? FileManager.default.removeItem(at: serverDir) }
    let server = try MLflowTestServer(python: python, directory: serverDir)
    defer { server.stop() }
    try p.write("shots.csv", TrackingFileStoreTests.shotsCSV())
    try p.write("served.yaml", Self.workbook)
    let env = ["MLFLOW_TRACKING_USERNAME": "alice", "MLFLOW_TRACKING_PASSWORD": Self.password,
               "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "20"]
    let uriParam = "tracking_uri=\(server.uri)"

    // 1. Nothing listens: the runs go to the local store and the queue; promote fails and asks for a sync.
    let offline = try p.workbench(["run", "served.yaml", "--param", uriParam], environment: env)
    #expect(offline.status == 1, "promote needs the server: \(offline.stderr)")
    #expect(offline.stderr.contains("workbench sync"), "\(offline.stderr)")
    let queued = try TrackingE2E.result(p, "served", "track_gb")
    #expect(queued["offline"] as? Bool == true)
    #expect((try p.runJSON("served")["warnings"] as? [String] ?? []).contains { $0.contains("workbench sync") }
            || offline.stderr.contains("unreachable"))
    #expect(p.exists(".workbench/offline/tracking-queue.json"))
    let none = try p.workbench(["sync", "--uri", "mlruns"])
    #expect(none.status == 2, "sync needs a server URI")

    // 2. The server starts; sync replays every queued run; a second sync sends nothing.
    try server.start()
    let sync = try p.workbench(["sync", "--uri", server.uri], environment: env)
    #expect(sync.status == 0, "\(sync.stderr)")
    #expect(sync.stdout.contains("4 replayed"), "gb + sweep parent + 2 trials: \(sync.stdout)")
    let sync2 = try p.workbench(["sync", "--uri", server.uri], environment: env)
    #expect(sync2.status == 0 && sync2.stdout.contains("nothing to sync"), "\(sync2.stdout)")

    // 3. The workbook completes. The offline track results were provisional (not cached): the track cells run
    //    again, find the synced runs by their keys (nothing logged twice) and record the server's run ids.
    let notes = (try p.runJSON("served")["cells"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "track_gb" }?["notes"]
    #expect((notes as? [String] ?? []).contains { $0.hasPrefix("not cached") }, "\(String(describing: notes))")
    let online = try p.workbench(["run", "served.yaml", "--param", uriParam], environment: env)
    #expect(online.status == 0, "\(online.stderr)")
    #expect(try p.statuses("served")["track_gb"] == "executed")
    let synced = try TrackingE2E.result(p, "served", "track_gb")
    #expect(synced["offline"] as? Bool == false && synced["reused"] as? Bool == true)
    let champion = try TrackingE2E.result(p, "served", "champion")
    #expect(champion["decision"] as? String == "promoted")
    #expect(champion["run_id"] as? String == synced["run_id"] as? String)
    // Now they are cached like any result.
    let again = try p.workbench(["run", "served.yaml", "--param", uriParam], environment: env)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(try p.executed("served").isEmpty)

    // 4. A forced rerun finds the runs on the server by their keys: nothing new is logged.
    let forced = try p.workbench(["run", "--force", "served.yaml", "--param", uriParam], environment: env)
    #expect(forced.status == 0, "\(forced.stderr)")
    let tgb = try TrackingE2E.result(p, "served", "track_gb")
    let tsearch = try TrackingE2E.result(p, "served", "track_search")
    #expect(tgb["offline"] as? Bool == false && tgb["reused"] as? Bool == true)
    #expect(tgb["run_id"] as? String == champion["run_id"] as? String, "the server id of the synced run")
    let runURL = try #require(tgb["run_url"] as? String)
    #expect(runURL == "\(server.uri)/#/experiments/\(tgb["experiment_id"] as! String)/runs/\(tgb["run_id"] as! String)")
    #expect(try p.read("outputs/served/report.md").contains(runURL))
    #expect(try TrackingE2E.result(p, "served", "champion")["reused"] as? Bool == true)

    // 5. The MLflow client on the server: every run exactly once, figures as result.json says, champion alias.
    let back = try TrackingE2E.read(python, uri: server.uri, experiment: "served", model: "parivision")
    let runs = try #require(back["runs"] as? [String: [String: Any]])
    #expect(runs.count == 4, "every run exactly once: \(runs.values.map { $0["name"] ?? "" })")
    let keys = runs.values.compactMap { ($0["tags"] as? [String: String])?["workbench.run_key"] }
    #expect(Set(keys).count == 4)
    let gbRun = try #require(runs[tgb["run_id"] as! String])
    #expect(gbRun["params"] as? [String: String] == tgb["params"] as? [String: String])
    #expect(TrackingE2E.sameMetrics(tgb["metrics"] as? [String: Any] ?? [:], gbRun["metrics"] as? [String: Any] ?? [:]))
    #expect(((gbRun["history"] as? [String: [[Double]]])?["train_loss"])?.count == 10)
    #expect((gbRun["artifacts"] as? [String] ?? []).contains("model/model.wbm"))
    let gbInputs = gbRun["inputs"] as? [[String: String]] ?? []
    #expect(gbInputs.first { $0["name"] == "split.train" }?["digest"] == (tgb["dataset"] as? [String: Any])?["digest"] as? String)
    #expect(gbInputs.first { $0["name"] == "split.test" }?["digest"] == (tgb["test_data"] as? [String: Any])?["digest"] as? String)
    let parent = try #require(tsearch["run_id"] as? String)
    #expect(runs.values.filter { ($0["tags"] as? [String: String])?["mlflow.parentRunId"] == parent }.count == 2)
    let champ = try #require(back["champion"] as? [String: Any])
    #expect(champ["run_id"] as? String == tgb["run_id"] as? String)
    #expect(champ["version"] as? Int == champion["version"] as? Int)
    #expect(back["versions"] as? [Int] == [1])

    // 6. `workbench runs` against the server.
    let listed = try p.workbench(["runs", "--uri", server.uri, "--experiment", "served", "--json"], environment: env)
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(((try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [Any])?.count == 4)

    // 7. No credential anywhere: outputs, state, offline store, the server's database and artifacts, messages.
    for text in [offline.stdout, offline.stderr, sync.stdout, sync.stderr, online.stderr, forced.stderr] {
      #expect(!text.contains(Self.password))
    }
    #expect(TrackingE2E.filesContaining(Self.password, under: p.root).isEmpty)
    #expect(TrackingE2E.filesContaining(Self.password, under: serverDir).isEmpty)
    _ = Self.token
  }
}
