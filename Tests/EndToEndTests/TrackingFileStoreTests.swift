import Foundation
import Testing
import TestSupport

/// `track` and `promote` cells and the `runs`/`promote`/`rollback` commands on the MLflow file store, read back
/// with the real MLflow clients (3.17 with the file-store flag, and 2.x).
@Suite("tracking cells: file store", .serialized)
struct TrackingFileStoreTests {
  /// Shots with a real signal in zone and distance (see `signalShotsCSV`); `angle` is noise.
  static func shotsCSV(rows: Int = 400, seed: UInt64 = 11) -> String { signalShotsCSV(rows: rows, seed: seed) }

  static let workbook = """
    workbook: shots
    params:
      data: shots.csv
    tracking:
      uri: ./mlruns
    cells:
    \(loadAndSplitCells)
      - id: base
        kind: train
        input: split
        features: [zone]
        categorical: [zone]
        model: logistic_regression
        plots: false
      - id: weak
        kind: train
        input: split
        features: [angle]
        model: logistic_regression
        plots: false
      - id: strong
        kind: train
        input: split
        features: [zone, distance, angle]
        categorical: [zone]
        model: gradient_boosting
        params: {rounds: 30, learning_rate: 0.1, max_depth: 3}
      - id: search
        kind: sweep
        input: split
        features: [zone, distance]
        categorical: [zone]
        folds: 3
        plots: false
        models:
          logistic_regression: {C: [0.1, 1]}
      - id: track_base
        kind: track
        of: base
        data: split.train
        experiment: shots
      - id: track_weak
        kind: track
        of: weak
        test: split.test
        experiment: shots
      - id: track_strong
        kind: track
        of: strong
        data: split.train
        experiment: shots
      - id: track_search
        kind: track
        of: search
        data: split.train
        experiment: shots
      - id: champion
        kind: promote
        of: track_base
        model_name: parivision
        metric: test_roc_auc
        margin: 0.001

    """

  static let secrets = ["MLFLOW_TRACKING_PASSWORD": "pw-9f3c1e-never-written", "MLFLOW_TRACKING_TOKEN": "tok-77ab2d-never-written",
                        "MLFLOW_TRACKING_USERNAME": "alice"]

  @Test func trackPromoteReadBackAndRollback() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", Self.shotsCSV())
    try p.write("shots.yaml", Self.workbook)
    let env = Self.secrets.merging(["MLFLOW_TRACKING_URI": ""]) { a, _ in a }
    let run = try p.workbench(["run", "shots.yaml"], environment: env)
    #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
    guard run.status == 0 else { return }

    let tb = try TrackingE2E.result(p, "shots", "track_base")
    let tw = try TrackingE2E.result(p, "shots", "track_weak")
    let ts = try TrackingE2E.result(p, "shots", "track_strong")
    let tsearch = try TrackingE2E.result(p, "shots", "track_search")
    let champion = try TrackingE2E.result(p, "shots", "champion")
    #expect(tb["tracking_uri"] as? String == "./mlruns")
    #expect(tb["backend"] as? String == "file")
    #expect(tb["offline"] as? Bool == false)
    #expect(tb["reused"] as? Bool == false)
    let metrics = try #require(ts["metrics"] as? [String: Any])
    for key in ["test_roc_auc", "test_accuracy", "test_log_loss", "train_roc_auc", "train_accuracy", "best_iteration"] {
      #expect(metrics[key] is Double, "metric \(key)")
    }
    #expect(metrics["train_loss"] is Double, "per-round history logged")
    let searchMetrics = try #require(tsearch["metrics"] as? [String: Any])
    #expect(searchMetrics["cv_roc_auc_mean"] is Double && searchMetrics["test_roc_auc"] is Double)
    #expect((tsearch["children"] as? [Any])?.count == 2)
    #expect(champion["decision"] as? String == "promoted")
    #expect(champion["version"] as? Int == 1)
    #expect(champion["run_id"] as? String == tb["run_id"] as? String)
    #expect(champion["challenger_value"] as? Double == (tb["metrics"] as? [String: Any])?["test_roc_auc"] as? Double)
    let report = try p.read("outputs/shots/report.md")
    #expect(report.contains("MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri ./mlruns"))

    // The real MLflow 3 client reads exactly what result.json says.
    let mlruns = p.root.appendingPathComponent("mlruns").path
    if let py3 = try Oracles.python("mlflow3") {
      let back = try TrackingE2E.read(py3, uri: mlruns, experiment: "shots", model: "parivision")
      let runs = try #require(back["runs"] as? [String: [String: Any]])
      #expect(runs.count == 4 + 2, "4 tracked models + 2 sweep trials")
      #expect(back["search_runs_count"] as? Int == runs.count)
      #expect(back["experiment_id"] as? String == tb["experiment_id"] as? String)
      for t in [tb, tw, ts, tsearch] {
        let id = try #require(t["run_id"] as? String)
        let r = try #require(runs[id], "run \(id) readable by MLflow")
        #expect(r["status"] as? String == "FINISHED")
        #expect(r["params"] as? [String: String] == t["params"] as? [String: String])
        #expect(TrackingE2E.sameMetrics(t["metrics"] as? [String: Any] ?? [:], r["metrics"] as? [String: Any] ?? [:]), "\(id) metrics")
        let tags = try #require(r["tags"] as? [String: String])
        #expect(tags["mlflow.runName"] == t["run_name"] as? String)
        #expect(tags["workbench.workbook"] == "shots")
        #expect(tags["mlflow.source.name"] == "shots")
        #expect(tags["workbench.run_key"] == t["run_key"] as? String)
        #expect(tags["workbench.version"] != nil)
        #expect(tags["mlflow.source.git.commit"] == nil, "the temporary project is not a git repository")
        let artifacts = try #require(r["artifacts"] as? [String])
        #expect(artifacts.contains("model/model.wbm") && artifacts.contains("result.json"), "\(artifacts)")
      }
      let strong = try #require(runs[ts["run_id"] as! String])
      let artifacts = strong["artifacts"] as? [String] ?? []
      for a in ["confusion_matrix.json", "plots/roc.svg", "plots/importance.svg", "plots/loss.svg", "model/model.json"] {
        #expect(artifacts.contains(a), "artifact \(a) in \(artifacts)")
      }
      let upstream = try JSONSerialization.jsonObject(with: Data(contentsOf: p.root.appendingPathComponent("outputs/shots/cells/strong/result.json"))) as! [String: Any]
      let trainLoss = ((upstream["history"] as? [String: Any])?["train_loss"] as? [Double]) ?? []
      let history = (strong["history"] as? [String: [[Double]]])?["train_loss"] ?? []
      #expect(trainLoss.count == 30 && history.count == 30)
      #expect(history.map { $0[1] } == trainLoss, "per-round metric history equals result.json")
      #expect(history.map { Int($0[0]) } == Array(1...30))
      let inputs = strong["inputs"] as? [[String: String]] ?? []
      #expect(inputs.first { $0["name"] == "split.train" }?["digest"] == (ts["dataset"] as? [String: Any])?["digest"] as? String)
      #expect(inputs.first { $0["name"] == "split.test" }?["digest"] == (ts["test_data"] as? [String: Any])?["digest"] as? String)
      // Sweep trials are child runs of the sweep's run.
      let parentId = try #require(tsearch["run_id"] as? String)
      let children = runs.values.filter { ($0["tags"] as? [String: String])?["mlflow.parentRunId"] == parentId }
      #expect(children.count == 2)
      #expect(children.allSatisfy { (($0["history"] as? [String: [[Double]]])?["cv_roc_auc"]?.count ?? 0) == 3 }, "one CV score per fold")
      let champ = try #require(back["champion"] as? [String: Any])
      #expect(champ["version"] as? Int == 1)
      #expect(champ["run_id"] as? String == tb["run_id"] as? String)
      #expect(back["versions"] as? [Int] == [1])
    }

    // A rerun (every cell re-executed) logs no duplicate run and registers no second version.
    let again = try p.workbench(["run", "--force", "shots.yaml"], environment: env)
    #expect(again.status == 0, "\(again.stderr)")
    for (cell, before) in [("track_base", tb), ("track_strong", ts), ("track_search", tsearch)] {
      let after = try TrackingE2E.result(p, "shots", cell)
      #expect(after["run_id"] as? String == before["run_id"] as? String, "\(cell) reuses its run")
      #expect(after["reused"] as? Bool == true)
    }
    let champion2 = try TrackingE2E.result(p, "shots", "champion")
    #expect(champion2["version"] as? Int == 1 && champion2["reused"] as? Bool == true)
    let listed = try p.workbench(["runs", "--uri", "mlruns", "--experiment", "shots", "--json"])
    #expect(listed.status == 0, "\(listed.stderr)")
    let list = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
    #expect(list.count == 6, "no duplicate after the rerun")
    let table = try p.workbench(["runs"])
    // From a subfolder, the tracking commands find the project root (and its mlruns/) by the rule `run` uses.
    let deeper = p.root.appendingPathComponent("notes/deeper")
    try FileManager.default.createDirectory(at: deeper, withIntermediateDirectories: true)
    let fromSubfolder = try runProcess(TestPaths.workbenchExecutable, ["runs", "--experiment", "shots", "--json"],
                                       currentDirectory: deeper, environment: ["NO_COLOR": "1"])
    #expect(fromSubfolder.status == 0 && fromSubfolder.stdout == listed.stdout, "\(fromSubfolder.stderr)")
    #expect(table.status == 0 && table.stdout.contains("test_roc_auc") && table.stdout.contains(tb["run_id"] as! String))

    // Champion / challenger through the commands: weaker rejected, stronger promoted, rollback restores.
    let aliasFile = "mlruns/models/parivision/aliases/champion"
    #expect(try p.read(aliasFile) == "1")
    let weak = try p.workbench(["promote", "--model", "parivision", "--run", tw["run_id"] as! String, "--margin", "0.001"])
    #expect(weak.status == 0, "\(weak.stderr)")
    #expect(weak.stdout.contains("not promoted"))
    #expect(try p.read(aliasFile) == "1", "a weaker challenger does not take the alias")
    let strongPromote = try p.workbench(["promote", "--model", "parivision", "--run", ts["run_id"] as! String, "--json"])
    #expect(strongPromote.status == 0, "\(strongPromote.stderr)")
    #expect(strongPromote.stdout.contains("\"decision\": \"promoted\""), "\(strongPromote.stdout)")
    #expect(try p.read(aliasFile) == "3")
    let rollback = try p.workbench(["rollback", "--model", "parivision"])
    #expect(rollback.status == 0, "\(rollback.stderr)")
    #expect(try p.read(aliasFile) == "1", "rollback restores the previous champion")
    let noMore = try p.workbench(["rollback", "--model", "parivision"])
    #expect(noMore.status == 1 && noMore.stderr.contains("no previous"), "\(noMore.stderr)")
    let trainMetric = try p.workbench(["promote", "--model", "parivision", "--run", ts["run_id"] as! String, "--metric", "train_accuracy"])
    #expect(trainMetric.status == 2 && trainMetric.stderr.contains("PariVision"), "\(trainMetric.stderr)")

    // `workbench verify` re-executes the track/promote cells against scratch stores: the real store is untouched.
    let storeFiles = TrackingE2E.snapshot(p.root.appendingPathComponent("mlruns"))
    #expect(storeFiles.count > 50)
    let verify = try p.workbench(["verify", "shots.yaml"], environment: env)
    // Run ids and registry versions are external side effects: verify re-executes those cells but does not
    // compare them, and everything else must be identical.
    #expect(verify.status == 0, "\(verify.stdout)")
    #expect(verify.stdout.split(separator: "\n").contains { $0.hasPrefix("skipped") && $0.contains("track_base") })
    #expect(TrackingE2E.snapshot(p.root.appendingPathComponent("mlruns")) == storeFiles, "verify never writes the real store")
    #expect(try p.read(aliasFile) == "1")

    // MLflow 2 reads the same registry state.
    if let py2 = try Oracles.python("mlflow2") {
      let back = try TrackingE2E.read(py2, uri: mlruns, experiment: "shots", model: "parivision")
      let champ = try #require(back["champion"] as? [String: Any])
      #expect(champ["version"] as? Int == 1 && champ["run_id"] as? String == tb["run_id"] as? String)
      #expect(back["versions"] as? [Int] == [1, 2, 3])
      let runs = back["runs"] as? [String: [String: Any]] ?? [:]
      #expect(runs.count == 6)
      let r = runs[ts["run_id"] as! String]
      #expect(r?["params"] as? [String: String] == ts["params"] as? [String: String])
      #expect(TrackingE2E.sameMetrics(ts["metrics"] as? [String: Any] ?? [:], r?["metrics"] as? [String: Any] ?? [:]))
    }

    // Secrets from the environment reach no output, no store file and no message.
    for secret in [Self.secrets["MLFLOW_TRACKING_PASSWORD"]!, Self.secrets["MLFLOW_TRACKING_TOKEN"]!] {
      #expect(TrackingE2E.filesContaining(secret, under: p.root).isEmpty)
      #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
    }
  }

  @Test func trainingMetricIsRefusedForPromotion() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", Self.shotsCSV(rows: 60))
    try p.write("bad.yaml", Self.workbook.replacingOccurrences(of: "metric: test_roc_auc", with: "metric: train_accuracy"))
    let out = try p.workbench(["run", "bad.yaml"])
    #expect(out.status == 2, "\(out.stderr)")
    #expect(out.stderr.contains("train_accuracy") && out.stderr.contains("PariVision") && out.stderr.contains("test_accuracy"), "\(out.stderr)")
    #expect(!p.exists("mlruns"), "nothing logged when the workbook is invalid")
  }

  @Test func credentialsInTheURIAreRefused() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", Self.shotsCSV(rows: 60))
    try p.write("cred.yaml", Self.workbook.replacingOccurrences(
      of: "of: weak\n    test: split.test\n    experiment: shots", with: "of: weak\n    test: split.test\n    uri: http://bob:hunter2-secret@127.0.0.1:9/\n    experiment: shots"))
    let out = try p.workbench(["run", "cred.yaml"])
    #expect(out.status == 2, "\(out.stderr)")
    #expect(out.stderr.contains("credentials"))
    #expect(!out.stderr.contains("hunter2-secret"), "the secret is not echoed")
  }
}
