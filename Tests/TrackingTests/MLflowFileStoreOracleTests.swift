import Foundation
import TestSupport
import Testing
import Tracking

/// The real MLflow clients read the Swift-written store: MLflow 3.17.2 (file-store flag), MLflow 2.22.5
/// (mlflow-skinny), and MLflow 3.17.2 again after `mlflow migrate-filestore` to SQLite.
@Suite struct MLflowFileStoreOracleTests {
  /// Compares one Python read-back with what the Swift store wrote.
  private func check(_ json: [String: Any], _ fixture: FileStoreFixture, label: String) throws {
    let store = fixture.store
    let expectedRuns = try store.searchRuns(experimentId: fixture.experiment.experimentId)
    #expect(json["experiment_id"] as? String == fixture.experiment.experimentId, "\(label)")
    #expect((json["search_ids"] as? [String]) == expectedRuns.map(\.runId).sorted(), "\(label): search_runs ids")
    let runs = try #require(json["runs"] as? [String: [String: Any]])
    for expected in expectedRuns {
      let got = try #require(runs[expected.runId], "\(label): run \(expected.info.runName) missing")
      #expect(got["name"] as? String == expected.info.runName, "\(label)")
      #expect(got["status"] as? String == expected.info.status.rawValue, "\(label)")
      #expect((got["params"] as? [String: String]) == expected.params, "\(label): params of \(expected.info.runName)")
      #expect((got["tags"] as? [String: String]) == expected.tags, "\(label): tags of \(expected.info.runName)")
      #expect((got["metrics"] as? [String: Double]) == expected.metrics, "\(label): metrics of \(expected.info.runName)")
      #expect((got["start"] as? NSNumber)?.int64Value == expected.info.startTime, "\(label)")
      #expect((got["end"] as? NSNumber)?.int64Value == expected.info.endTime, "\(label)")
      let history = try #require(got["history"] as? [String: [[NSNumber]]])
      for key in expected.metrics.keys {
        let points = try store.metricHistory(runId: expected.runId, key: key)
        let pyPoints = (history[key] ?? []).map {
          MetricPoint(key: key, value: $0[1].doubleValue, timestamp: $0[0].int64Value, step: $0[2].int64Value)
        }
        #expect(pyPoints == points, "\(label): history of \(key)")
      }
      let inputs = got["inputs"] as? [[Any]] ?? []
      #expect(inputs.count == expected.inputs.count, "\(label): inputs")
      for d in expected.inputs {
        let read = inputs.first { $0[0] as? String == d.name }
        #expect(read?[1] as? String == d.digest, "\(label): input \(d.name)")
        let context = d.tags.first { $0.key == SystemTags.datasetContext }?.value ?? ""
        #expect((read?[2] as? [String: String]) == [SystemTags.datasetContext: context], "\(label): context of \(d.name)")
      }
    }
    let finalArtifacts = (runs[fixture.final.runId]?["artifacts"] as? [String]) ?? []
    #expect(finalArtifacts == ["model/", "model/model.bin", "model/sub/", "model/sub/extra.txt", "result.json"], "\(label)")
    let champion = json["champion"] as? [String: String]
    #expect(champion == ["version": "3", "run_id": fixture.championRunId], "\(label): champion alias")
    #expect((json["versions"] as? [Int]) == [1, 2, 3], "\(label): versions")
  }

  private func readBack(_ env: String, uri: String, directory: URL) throws -> [String: Any]? {
    guard let python = try Oracles.python(env) else { return nil }
    let text = try runMLflowPython(python, readBackPython, arguments: [uri, "parivision", "parivision"], directory: directory)
    return try parseJSONObject(text)["parivision"] as? [String: Any]
  }

  @Test(.needsPython("mlflow3")) func mlflow3ReadsTheFileStore() async throws {
    let dir = try makeTemporaryDirectory("tracking-mlflow3")
    defer { try? FileManager.default.removeItem(at: dir) }
    let fixture = try await FileStoreFixture(root: dir.appendingPathComponent("mlruns"), scratch: dir)
    let json = try #require(try readBack("mlflow3", uri: fixture.store.root.path, directory: dir))
    try check(json, fixture, label: "mlflow 3.17 file store")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("mlflow.db").path), "reader created mlflow.db")
  }

  @Test(.needsPython("mlflow2")) func mlflow2ReadsTheFileStore() async throws {
    let dir = try makeTemporaryDirectory("tracking-mlflow2")
    defer { try? FileManager.default.removeItem(at: dir) }
    let fixture = try await FileStoreFixture(root: dir.appendingPathComponent("mlruns"), scratch: dir)
    let json = try #require(try readBack("mlflow2", uri: "file://" + fixture.store.root.path, directory: dir))
    try check(json, fixture, label: "mlflow 2.22 file store")
  }

  @Test(.needsPython("mlflow3")) func migrateFilestoreToSQLiteIsLossless() async throws {
    let python = try #require(try Oracles.python("mlflow3"))
    let dir = try makeTemporaryDirectory("tracking-migrate")
    defer { try? FileManager.default.removeItem(at: dir) }
    let fixture = try await FileStoreFixture(root: dir.appendingPathComponent("mlruns"), scratch: dir)
    let mlflow = python.deletingLastPathComponent().appendingPathComponent("mlflow")
    let db = dir.appendingPathComponent("migrated.db")
    let out = try runProcess(
      mlflow, ["migrate-filestore", "--source", fixture.store.root.path, "--target", "sqlite:///\(db.path)"],
      currentDirectory: dir, environment: ["MLFLOW_ALLOW_FILE_STORE": "true", "MLFLOW_DISABLE_TELEMETRY": "true"])
    #expect(out.status == 0, "migrate-filestore failed: \(out.stderr.suffix(2000))")
    guard out.status == 0 else { return }
    let json = try #require(try readBack("mlflow3", uri: "sqlite:///\(db.path)", directory: dir))
    try check(json, fixture, label: "mlflow 3.17 after migrate-filestore")
  }
}
