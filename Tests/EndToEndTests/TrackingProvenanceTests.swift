import Foundation
import Testing
import TestSupport

/// Data provenance of tracked runs (dataset inputs with digests and contexts, workbook params, the workbook's seed,
/// descriptive run names — read back with the real MLflow client) and promotion that compares only runs evaluated on
/// the same held-out data: a challenger trained and tested on other data is "not compared" until the champion is
/// re-scored on the challenger's test split (`reevaluate_champion`), whose figure equals an `evaluate` cell's.
@Suite("tracking: provenance and same-data promotion", .serialized)
struct TrackingProvenanceTests {
  static let workbook = """
    workbook: promo
    params:
      data: a.csv
      reeval: false
      seed: 11
      mirror: "https://data.example.org/shots.csv?token=t0ps3cret-never-logged"
    cells:
    \(loadAndSplitCells)
      - id: lr
        kind: train
        input: split
        features: [zone, distance, angle]
        categorical: [zone]
        model: logistic_regression
        plots: false
      - id: search
        kind: sweep
        input: split
        features: [zone, distance]
        categorical: [zone]
        folds: 3
        seed: ${seed}
        plots: false
        models:
          logistic_regression: {C: [0.1, 1]}
      - id: track
        kind: track
        of: lr
        data: split.train
        experiment: promo
      - id: track_search
        kind: track
        of: search
        data: split.train
        experiment: promo
      - id: champion
        kind: promote
        of: track
        model_name: promo
        metric: test_roc_auc
        reevaluate_champion: ${reeval}
        test: split.test

    """

  /// The same model as `lr` (same training data and options), evaluated on the other file's test split.
  static let cross = """
    workbook: cross
    cells:
      - id: a
        kind: load
        source: a.csv
      - id: sa
        kind: split
        input: a
        target: made
        test_fraction: 0.25
        seed: 3
      - id: lr
        kind: train
        input: sa
        features: [zone, distance, angle]
        categorical: [zone]
        model: logistic_regression
        plots: false
      - id: b
        kind: load
        source: b.csv
      - id: sb
        kind: split
        input: b
        target: made
        test_fraction: 0.25
        seed: 3
      - id: ev
        kind: evaluate
        model: lr
        input: sb.test
        plots: false

    """

  /// Run name, params and dataset inputs (name, digest, source, context) of every run, with the MLflow client.
  static let inputsScript = #"""
import json, os, sys
os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
from mlflow import MlflowClient
c = MlflowClient(tracking_uri=sys.argv[1])
e = c.get_experiment_by_name("promo")
out = {}
for r in c.search_runs([e.experiment_id], max_results=1000):
    g = c.get_run(r.info.run_id)
    out[g.info.run_id] = {"name": g.info.run_name, "params": g.data.params,
                          "inputs": [[d.dataset.name, d.dataset.digest, d.dataset.source, {t.key: t.value for t in d.tags}.get("mlflow.data.context", "")]
                                     for d in g.inputs.dataset_inputs]}
print(json.dumps(out))
"""#

  @Test func promotionComparesOnlyTheSameHeldOutData() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("a.csv", signalShotsCSV(rows: 300, seed: 7))
    try p.write("b.csv", signalShotsCSV(rows: 360, seed: 99))
    try p.write("promo.yaml", Self.workbook)
    let env = ["MLFLOW_TRACKING_URI": ""]

    // 1. The first champion, on a.csv.
    let first = try p.workbench(["run", "promo.yaml"], environment: env)
    #expect(first.status == 0, "\(first.stderr)")
    let trackA = try TrackingE2E.result(p, "promo", "track")
    let heldOutA = try #require((trackA["test_data"] as? [String: Any])?["digest"] as? String)
    #expect(try TrackingE2E.result(p, "promo", "champion")["decision"] as? String == "promoted")

    // Provenance as MLflow reads it: both tables with digest, source and context; workbook params; real seed; names.
    if let python = try Oracles.python("mlflow3") {
      let text = try runPython(python, Self.inputsScript, arguments: [p.root.appendingPathComponent("mlruns").path])
      let runs = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]])
      let lr = try #require(runs[trackA["run_id"] as! String])
      let inputs = (lr["inputs"] as? [[Any]] ?? []).sorted { ($0[0] as? String ?? "") < ($1[0] as? String ?? "") }
      #expect(inputs.count == 2, "\(inputs)")
      #expect(inputs.first?[0] as? String == "split.test" && inputs.first?[1] as? String == heldOutA && inputs.first?[3] as? String == "testing")
      #expect(inputs.last?[0] as? String == "split.train" && inputs.last?[3] as? String == "training")
      #expect((inputs.first?[2] as? String)?.contains("workbench://promo/split.test") == true)
      let params = lr["params"] as? [String: String] ?? [:]
      #expect(params["workbook.data"] == "a.csv" && params["workbook.reeval"] == "false", "\(params)")
      #expect(params["workbook.mirror"] == "https://data.example.org/shots.csv?token=***", "secret query values masked: \(params)")
      #expect(TrackingE2E.filesContaining("t0ps3cret", under: p.root.appendingPathComponent("mlruns")).isEmpty)
      #expect(lr["name"] as? String == "lr · logistic_regression")
      let search = try #require(runs[try TrackingE2E.result(p, "promo", "track_search")["run_id"] as! String])
      let searchParams = search["params"] as? [String: String] ?? [:]
      // The sweep's own seed (the one the workbook gave) is `seed`; the derived per-trial seed is `trial_seed`.
      #expect(searchParams["workbook.seed"] == "11" && searchParams["seed"] == "11", "\(searchParams)")
      #expect(searchParams["trial_seed"] != nil && searchParams["trial_seed"] != "11")
      #expect((search["name"] as? String)?.hasPrefix("search · logistic_regression · C=") == true, "\(search["name"] ?? "")")
      let trials = runs.values.filter { ($0["name"] as? String)?.hasPrefix("search · trial ") == true }
      #expect(trials.count == 2 && trials.allSatisfy { ($0["params"] as? [String: String])?["workbook.seed"] == "11" })
      #expect(params["seed"] == "42", "a train cell's own seed (default 42)")
      #expect(trials.allSatisfy { ($0["inputs"] as? [[Any]])?.map { $0[3] as? String } == ["training"] }, "trials saw only training data")
    }

    // 2. A challenger trained and tested on b.csv: not compared, nothing registered, the alias stays.
    let second = try p.workbench(["run", "promo.yaml", "--param", "data=b.csv"], environment: env)
    #expect(second.status == 0, "\(second.stderr)")
    let trackB = try TrackingE2E.result(p, "promo", "track")
    let heldOutB = try #require((trackB["test_data"] as? [String: Any])?["digest"] as? String)
    #expect(heldOutA != heldOutB)
    let apart = try TrackingE2E.result(p, "promo", "champion")
    #expect(apart["decision"] as? String == "not_compared" && apart["version"] is NSNull && apart["compared"] as? Bool == false)
    let expected = "not compared: champion (version 1) evaluated on split.test (digest \(heldOutA), workbench://promo/split.test), challenger on split.test (digest \(heldOutB)"
    #expect((apart["reason"] as? String)?.hasPrefix(expected) == true, "\(apart["reason"] ?? "")")
    #expect(try p.read("outputs/promo/report.md").contains("not compared: champion (version 1)"))
    #expect(try p.read("mlruns/models/promo/aliases/champion") == "1")
    #expect(!p.exists("mlruns/models/promo/version-2"), "nothing registered")
    let cli = try p.workbench(["promote", "--model", "promo", "--run", trackB["run_id"] as! String])
    #expect(cli.status == 1 && cli.stdout.contains("not compared") && cli.stderr.contains("reevaluate_champion"), "\(cli.stdout)\(cli.stderr)")

    // 3. Re-evaluated: the champion's model scored on b's test split, then compared.
    let third = try p.workbench(["run", "promo.yaml", "--param", "data=b.csv", "--param", "reeval=true"], environment: env)
    #expect(third.status == 0, "\(third.stderr)")
    let compared = try TrackingE2E.result(p, "promo", "champion")
    #expect(compared["champion_reevaluated"] as? Bool == true && compared["compared"] as? Bool == true)
    #expect(["promoted", "rejected"].contains(compared["decision"] as? String ?? ""))
    #expect(compared["version"] as? Int == 2)
    #expect(((compared["held_out"] as? [String: Any])?["champion"] as? [String: Any])?["digest"] as? String == heldOutB)
    try p.write("cross.yaml", Self.cross)
    let crossRun = try p.workbench(["run", "cross.yaml"], environment: env)
    #expect(crossRun.status == 0, "\(crossRun.stderr)")
    let evaluated = try TrackingE2E.result(p, "cross", "ev")
    let auc = try #require((evaluated["metrics"] as? [String: Any])?["roc_auc"] as? Double)
    #expect(compared["champion_value"] as? Double == auc, "the champion's AUC on b's test split")

    // Rolling back a model that does not exist names the ones that do.
    let rollback = try p.workbench(["rollback", "--model", "nosuchmodel"])
    #expect(rollback.status == 1, "\(rollback.stdout)")
    #expect(rollback.stderr.contains("registered model \"nosuchmodel\" not found") && rollback.stderr.contains("registered models here: promo"),
            "\(rollback.stderr)")
  }
}
