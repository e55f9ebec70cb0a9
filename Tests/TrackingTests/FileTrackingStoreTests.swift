import Foundation
import TestSupport
import Testing

@testable import Tracking

@Suite struct FileTrackingStoreTests {
  @Test func writesMLflowLayoutByteForByte() async throws {
    let dir = try makeTemporaryDirectory("tracking-layout")
    defer { try? FileManager.default.removeItem(at: dir) }
    let fixture = try await FileStoreFixture(root: dir.appendingPathComponent("mlruns"), scratch: dir)
    let root = fixture.store.root
    let fm = FileManager.default
    // Integer experiment ids: Default = 0, first created = 1.
    #expect(fixture.experiment.experimentId == "1")
    #expect(fm.fileExists(atPath: root.appendingPathComponent("0/meta.yaml").path))
    #expect(fm.fileExists(atPath: root.appendingPathComponent(".trash").path))
    let runDir = root.appendingPathComponent("1").appendingPathComponent(fixture.final.runId)
    #expect(fixture.final.runId.count == 32 && fixture.final.runId.allSatisfy(\.isHexDigit))
    for sub in ["params", "metrics", "artifacts", "tags"] {
      #expect(fm.fileExists(atPath: runDir.appendingPathComponent(sub).path), "missing \(sub)/")
    }
    // No trailing newline in param / tag / alias files; nested key = nested file.
    #expect(try Data(contentsOf: runDir.appendingPathComponent("params/data/path")) == Data("shots: v1 é".utf8))
    #expect(try Data(contentsOf: runDir.appendingPathComponent("tags/mlflow.runName")) == Data("final".utf8))
    let alias = root.appendingPathComponent("models/parivision/aliases/champion")
    #expect(try Data(contentsOf: alias) == Data("3".utf8))
    // Exact metric lines: "<int ms> <value> <int step>\n".
    let lossText = try String(contentsOf: runDir.appendingPathComponent("metrics/train/loss"), encoding: .utf8)
    #expect(lossText == "1760000200000 0.9 0\n1760000200001 0.5 1\n1760000200002 1e-05 2\n")
    // Run meta.yaml: integer status, quoted strings, absolute file URI.
    let meta = try String(contentsOf: runDir.appendingPathComponent("meta.yaml"), encoding: .utf8)
    #expect(meta.contains("status: 3\n"))
    #expect(meta.contains("run_id: \"\(fixture.final.runId)\"\n"))
    #expect(meta.contains("artifact_uri: \"file://\(runDir.path)/artifacts\"\n"))
    #expect(meta.contains("experiment_id: \"1\"\n"))
    // Version meta: integer version, no model_id key.
    let vmeta = try String(contentsOf: root.appendingPathComponent("models/parivision/version-3/meta.yaml"), encoding: .utf8)
    #expect(vmeta.contains("version: 3\n"))
    #expect(vmeta.contains("current_stage: \"None\"\n"))
    #expect(!vmeta.contains("model_id"))
    // Staging folder holds no leftovers.
    let staging = root.deletingLastPathComponent().appendingPathComponent(".mlruns.staging")
    #expect(((try? fm.contentsOfDirectory(atPath: staging.path)) ?? []).isEmpty)
  }

  @Test func readsBackWhatItWrote() async throws {
    let dir = try makeTemporaryDirectory("tracking-read")
    defer { try? FileManager.default.removeItem(at: dir) }
    let fixture = try await FileStoreFixture(root: dir.appendingPathComponent("mlruns"), scratch: dir)
    let store = fixture.store
    let run = try store.getRun(runId: fixture.final.runId)
    #expect(run.params == ["learning_rate": "0.1", "data/path": "shots: v1 é", "n_estimators": "200"])
    #expect(run.metrics == ["train/loss": 1e-05, "test_auc": 0.74])
    #expect(run.tags[SystemTags.note] == "Line one\nline \"two\" é 🏀")
    #expect(run.info.status == .finished)
    #expect(run.inputs.first { $0.name == "nba_shots" }?.digest == "3f2a9c1b")
    #expect(try store.metricHistory(runId: fixture.final.runId, key: "train/loss") == fixture.loss)
    let children = try store.searchRuns(experimentId: fixture.experiment.experimentId).filter {
      $0.parentRunId == fixture.parent.runId
    }
    #expect(children.count == 2)
    #expect(try store.listArtifacts(runId: fixture.final.runId, path: nil).map(\.path) == ["model", "result.json"])
    #expect(
      try store.listArtifacts(runId: fixture.final.runId, path: "model").map(\.path) == ["model/model.bin", "model/sub"])
    let champion = try #require(try store.modelVersion(name: "parivision", alias: "champion"))
    #expect(champion.version == 3 && champion.runId == fixture.final.runId)
    #expect(champion.source == "runs:/\(fixture.final.runId)/model")
    #expect(try store.modelVersions(name: "parivision").map(\.version) == [1, 2, 3])
    #expect(try store.modelVersion(name: "parivision", version: 2).tags["workbench.promotion.decision"] == "rejected")
    // Same experiment name → same id; a reopened store sees everything.
    let reopened = try FileTrackingStore(root: dir.appendingPathComponent("mlruns"))
    #expect(try reopened.experiment(named: "parivision").experimentId == "1")
    #expect(try reopened.experiment(named: "fiba").experimentId == "2")
  }

  @Test func rejectsWhatMLflowWouldRejectOrMisread() async throws {
    let dir = try makeTemporaryDirectory("tracking-invalid")
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try FileTrackingStore(root: dir.appendingPathComponent("mlruns"))
    let e = try store.experiment(named: "x")
    let run = try store.createRun(RunCreation(experimentId: e.experimentId, runName: "r"))
    try await store.logParams(runId: run.runId, [KeyValue("lr", "0.1")])
    try await store.logParams(runId: run.runId, [KeyValue("lr", "0.1")])  // same value: allowed
    await #expect(throws: TrackingError.self) { try await store.logParams(runId: run.runId, [KeyValue("lr", "0.2")]) }
    for bad in ["bad key!", "../x", "a//b", "/abs", "", String(repeating: "k", count: 251)] {
      await #expect(throws: TrackingError.self, "key \(bad)") { try await store.setTags(runId: run.runId, [KeyValue(bad, "v")]) }
    }
    await #expect(throws: TrackingError.self) {
      try await store.logParams(runId: run.runId, [KeyValue("long", String(repeating: "x", count: 6001))])
    }
    #expect(throws: TrackingError.self) { try store.getRun(runId: "../../etc") }
    #expect(throws: TrackingError.self) { try store.getRun(runId: "0123456789abcdef0123456789abcdef") }
    for bad in ["latest", "LATEST", "v3", "bad alias", ""] {
      #expect(throws: TrackingError.self, "alias \(bad)") { try KeyValidation.validateAlias(bad) }
    }
    #expect(throws: TrackingError.self) {
      try store.logArtifact(runId: run.runId, localURL: dir.appendingPathComponent("missing"), artifactPath: nil)
    }
    #expect(throws: TrackingError.self) {
      try store.logArtifact(runId: run.runId, localURL: dir, artifactPath: "../escape")
    }
  }

  @Test func yamlQuotingRoundTrips() throws {
    let tricky = ["yes", "2024-01-01", "1e-05", "3", "a \"quoted\" \\ path", "tab\there\nnewline", "é 🏀", "null", ""]
    for value in tricky {
      let text = MetaYAML.render(["name": .string(value), "n": .int(42), "none": .null])
      let parsed = try MetaYAML.parse(text, path: "test")
      #expect(parsed["name"] == .string(value), "value \(value) rendered as \(text)")
      #expect(parsed["n"] == .int(42))
      #expect(parsed["none"] == .null)
    }
    #expect(MetaYAML.quote("é") == "\"é\"")  // UTF-8 as is
    #expect(MetaYAML.quote("🏀") == "\"\\U0001F3C0\"")  // libyaml's one-code-point escape, never a surrogate pair
  }

  @Test func md5MatchesKnownVectors() {
    #expect(MD5.hex("") == "d41d8cd98f00b204e9800998ecf8427e")
    #expect(MD5.hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
    #expect(MD5.hex("parivision-train3f2a9c1b").count == 32)
    #expect(
      MD5.hex(String(repeating: "1234567890", count: 8))
        == "57edf4a22be3c955ac49da2e2107b67a")
  }
}

@Suite struct RunRecordTests {
  @Test func recordsAWholeRunAndReusesItByKey() async throws {
    let dir = try makeTemporaryDirectory("tracking-record")
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try FileTrackingStore(root: dir.appendingPathComponent("mlruns"))
    let file = dir.appendingPathComponent("result.json")
    try Data("{}".utf8).write(to: file)
    let record = RunRecord(
      experimentName: "parivision", runName: "final", runKey: "cache-123", params: [KeyValue("lr", "0.1")],
      metrics: [MetricPoint(key: "test_auc", value: 0.7, timestamp: 1)], tags: [KeyValue("workbench.cell", "fit")],
      artifacts: [(file, nil)])
    let first = try await store.record(record)
    #expect(!first.reused && first.info.status == .finished)
    let second = try await store.record(record)
    #expect(second.reused && second.info.runId == first.info.runId)
    #expect(try store.searchRuns(experimentId: first.info.experimentId).count == 1)
    let run = try store.getRun(runId: first.info.runId)
    #expect(run.tags[SystemTags.runKey] == "cache-123" && run.params["lr"] == "0.1")
    // A failing step marks the run FAILED and rethrows.
    var broken = record
    broken.runKey = "cache-456"
    broken.artifacts = [(dir.appendingPathComponent("missing.bin"), nil)]
    await #expect(throws: TrackingError.self) { try await store.record(broken) }
    let failed = try #require(try await store.findRun(experimentId: first.info.experimentId, tag: SystemTags.runKey, value: "cache-456"))
    #expect(failed.info.status == .failed)
  }
}
