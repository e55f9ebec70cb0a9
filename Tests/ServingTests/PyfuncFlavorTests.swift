import Foundation
import Testing
import TestSupport

/// A registered Workbench model is an MLflow Model: the real MLflow 3 client loads `models:/NAME@champion` through
/// the shipped numpy-only loader and gives the `predict` cell's probabilities (to 1e-12), for each model family.
@Suite struct PyfuncFlavorTests {
  @Test(.needsPython("mlflow3"))
  func mlflowPyfuncLoadsTheChampionAndAgreesWithThePredictCell() throws {
    guard let python = try Oracles.python("mlflow3") else { return }
    let fixture = try ServeFixture.get()
    let script = #"""
      import json, os, sys
      os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
      import mlflow, pandas as pd, numpy as np
      root = sys.argv[1]
      mlflow.set_tracking_uri("file://" + root + "/mlruns")
      out = {}
      # servetest by version: the serving tests move its champion alias (rollback) while this runs.
      for model, uri, workbook, cell in [("servetest", "models:/servetest/2", "servetest", "scored"),
                                         ("servetrees_gbt", "models:/servetrees_gbt@champion", "servetrees", "gbt_scored"),
                                         ("servetrees_forest", "models:/servetrees_forest@champion", "servetrees", "forest_scored")]:
          loaded = mlflow.pyfunc.load_model(uri)
          frame = pd.read_csv("%s/outputs/%s/cells/%s/predictions.csv" % (root, workbook, cell))
          features = loaded.metadata.metadata["workbench_features"]
          predicted = np.asarray(loaded.predict(frame[features]), dtype=float)
          out[model] = {"rows": len(frame), "max_difference": float(np.max(np.abs(predicted - frame["score"].to_numpy())))}
      print(json.dumps(out))
      """#
    let output = try runPython(python, script, arguments: [fixture.root.path])
    let result = try #require(try JSONSerialization.jsonObject(with: Data(output.split(separator: "\n").last.map(String.init)?.utf8 ?? "".utf8)) as? [String: [String: Double]])
    for model in ["servetest", "servetrees_gbt", "servetrees_forest"] {
      let r = try #require(result[model], "\(output)")
      #expect((r["rows"] ?? 0) > 100)
      #expect((r["max_difference"] ?? 1) <= 1e-12, "\(model): \(r)")
    }
  }
}
