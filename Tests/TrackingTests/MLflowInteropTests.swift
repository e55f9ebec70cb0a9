import Foundation
import TestSupport
import Testing
import Tracking

/// A store that MLflow 3.17.2 itself wrote (18-digit experiment id, PyYAML-folded long names) is read and
/// extended by the Swift file store, and MLflow reads the Swift additions back.
@Suite struct MLflowInteropTests {
  static let longName =
    "A long experiment name with many words to force PyYAML to fold the line over eighty columns wide, really"

  @Test(.needsPython("mlflow3")) func swiftReadsAndExtendsAnMLflowWrittenStore() async throws {
    let python = try #require(try Oracles.python("mlflow3"))
    let dir = try makeTemporaryDirectory("tracking-interop")
    defer { try? FileManager.default.removeItem(at: dir) }
    let root = dir.appendingPathComponent("mlruns")
    let write = #"""
      import sys
      from mlflow import MlflowClient
      uri, name = sys.argv[1], sys.argv[2]
      c = MlflowClient(tracking_uri=uri, registry_uri=uri)
      e = c.create_experiment(name, tags={"team": "vision"})
      r = c.create_run(e, run_name="a run name that is also rather long, with spaces, so that it wraps around eighty columns")
      c.log_param(r.info.run_id, "lr", "0.1")
      c.log_metric(r.info.run_id, "loss", 0.5, step=1)
      c.set_terminated(r.info.run_id)
      c.create_registered_model("pv", description="a description long enough to be folded by the yaml dumper when written")
      c.create_model_version("pv", f"runs:/{r.info.run_id}/model", run_id=r.info.run_id)
      c.set_registered_model_alias("pv", "champion", "1")
      print(e, r.info.run_id)
      """#
    let ids = try runMLflowPython(python, write, arguments: ["file://" + root.path, Self.longName], directory: dir)
      .split(separator: "\n").last?.split(separator: " ").map(String.init) ?? []
    try #require(ids.count == 2)
    let store = try FileTrackingStore(root: root)
    let experiment = try #require(try store.findExperiment(named: Self.longName))
    #expect(experiment.experimentId == ids[0])
    let runs = try store.searchRuns(experimentId: experiment.experimentId)
    #expect(runs.map(\.runId) == [ids[1]])
    #expect(runs.first?.info.runName == "a run name that is also rather long, with spaces, so that it wraps around eighty columns")
    #expect(runs.first?.params == ["lr": "0.1"] && runs.first?.metrics == ["loss": 0.5])
    #expect(try store.findRegisteredModel(named: "pv")?.description
      == "a description long enough to be folded by the yaml dumper when written")
    #expect(try store.modelVersion(name: "pv", alias: "champion")?.runId == ids[1])

    // Swift adds a run and a version to MLflow's experiment and model.
    let added = try store.createRun(RunCreation(experimentId: experiment.experimentId, runName: "from swift"))
    try await store.logMetrics(runId: added.runId, [MetricPoint(key: "loss", value: 0.25, timestamp: 1_760_000_000_000, step: 2)])
    try store.setTerminated(runId: added.runId, status: .finished, endTime: nil)
    let v2 = try store.createModelVersion(name: "pv", runId: added.runId, artifactPath: "model", tags: [], description: "")
    try store.setAlias(name: "pv", alias: "champion", version: v2.version)
    let read = #"""
      import sys, json
      from mlflow import MlflowClient
      uri, name = sys.argv[1], sys.argv[2]
      c = MlflowClient(tracking_uri=uri, registry_uri=uri)
      e = c.get_experiment_by_name(name)
      runs = c.search_runs([e.experiment_id])
      mv = c.get_model_version_by_alias("pv", "champion")
      print(json.dumps({"runs": sorted(r.info.run_name for r in runs), "champion": [mv.version, mv.run_id],
                        "next": c.create_experiment("next one")}))
      """#
    let json = try parseJSONObject(
      try runMLflowPython(python, read, arguments: ["file://" + root.path, Self.longName], directory: dir))
    #expect((json["runs"] as? [String])?.contains("from swift") == true)
    #expect((json["champion"] as? [Any])?.last as? String == added.runId)
    // An experiment MLflow creates after ours is visible to Swift, and ids keep integer form.
    #expect(try store.findExperiment(named: "next one")?.experimentId.allSatisfy(\.isNumber) == true)
    #expect(try store.experiment(named: "swift one").experimentId.allSatisfy(\.isNumber))
  }
}
