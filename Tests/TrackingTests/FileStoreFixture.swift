import Foundation
import Tracking

/// A store written by the Swift file backend: experiment `parivision`, a sweep parent with two trials,
/// a final fit, per-step metrics, nested param keys, a dataset input, artifacts (a file and a directory),
/// and model `parivision` with versions 1..3 where the alias `champion` ends on version 3.
struct FileStoreFixture {
  let store: FileTrackingStore
  let experiment: Experiment
  let parent: RunInfo
  let trials: [RunInfo]
  let final: RunInfo
  let loss: [MetricPoint]
  let championRunId: String

  static let artifactFolderName = "model"
  /// The held-out data every promoted run was evaluated on (promotion compares only runs with the same digest).
  static let heldOut = DatasetInput(
    name: "split.test", digest: "9e8d7c6b", source: "{\"uri\": \"workbench://parivision/split.test\"}",
    tags: [KeyValue(SystemTags.datasetContext, HeldOutData.context)])

  init(root: URL, scratch: URL) async throws {
    let clock = SteppingClock()
    store = try FileTrackingStore(root: root, clock: clock.closure)
    experiment = try store.experiment(named: "parivision")
    let commonTags = [
      KeyValue(SystemTags.sourceName, "workbench"), KeyValue("workbench.workbook", "parivision.yaml"),
      KeyValue(SystemTags.note, "Line one\nline \"two\" é 🏀"),
    ]
    parent = try store.createRun(
      RunCreation(experimentId: experiment.experimentId, runName: "sweep", userId: "student", tags: commonTags))
    var trials: [RunInfo] = []
    for (i, auc) in [0.71, 0.69].enumerated() {
      let t = try store.createRun(
        RunCreation(
          experimentId: experiment.experimentId, runName: "trial-\(i)", userId: "student", parentRunId: parent.runId,
          tags: commonTags + [KeyValue("workbench.cell", "sweep")]))
      try store.logBatch(
        runId: t.runId, params: [KeyValue("learning_rate", i == 0 ? "0.1" : "0.05"), KeyValue("max_depth", "\(3 + i)")],
        metrics: [MetricPoint(key: "test_auc", value: auc, timestamp: 1_760_000_100_000 + Int64(i), step: 0)], tags: [])
      try store.logInputs(runId: t.runId, datasets: [Self.heldOut])
      try store.setTerminated(runId: t.runId, status: .finished, endTime: nil)
      trials.append(t)
    }
    self.trials = trials
    try store.setTerminated(runId: parent.runId, status: .finished, endTime: nil)

    final = try store.createRun(
      RunCreation(experimentId: experiment.experimentId, runName: "final", userId: "student", tags: commonTags))
    loss = [
      MetricPoint(key: "train/loss", value: 0.9, timestamp: 1_760_000_200_000, step: 0),
      MetricPoint(key: "train/loss", value: 0.5, timestamp: 1_760_000_200_001, step: 1),
      MetricPoint(key: "train/loss", value: 1e-05, timestamp: 1_760_000_200_002, step: 2),
    ]
    try store.logBatch(
      runId: final.runId,
      params: [
        KeyValue("learning_rate", "0.1"), KeyValue("data/path", "shots: v1 é"), KeyValue("n_estimators", "200"),
      ],
      metrics: loss + [MetricPoint(key: "test_auc", value: 0.74, timestamp: 1_760_000_200_003, step: 2)],
      tags: [KeyValue("workbench.cache_key", "abc123")])
    try store.logInputs(
      runId: final.runId,
      datasets: [
        DatasetInput(
          name: "nba_shots", digest: "3f2a9c1b", source: "{\"uri\": \"data/shots.csv\"}", profile: "{\"num_rows\": 10000}",
          tags: [KeyValue(SystemTags.datasetContext, "training")]),
        Self.heldOut,
      ])
    let modelDir = scratch.appendingPathComponent(Self.artifactFolderName)
    try FileManager.default.createDirectory(at: modelDir.appendingPathComponent("sub"), withIntermediateDirectories: true)
    try Data("model-bytes".utf8).write(to: modelDir.appendingPathComponent("model.bin"))
    try Data("nested".utf8).write(to: modelDir.appendingPathComponent("sub/extra.txt"))
    let result = scratch.appendingPathComponent("result.json")
    try Data("{\"test_auc\": 0.74}".utf8).write(to: result)
    try store.logArtifact(runId: final.runId, localURL: result, artifactPath: nil)
    try store.logArtifact(runId: final.runId, localURL: modelDir, artifactPath: Self.artifactFolderName)
    try store.logArtifact(runId: trials[0].runId, localURL: modelDir, artifactPath: Self.artifactFolderName)
    try store.logArtifact(runId: trials[1].runId, localURL: modelDir, artifactPath: Self.artifactFolderName)
    try store.setTerminated(runId: final.runId, status: .finished, endTime: nil)

    // Registry: trial-0 becomes champion (v1), trial-1 is weaker (v2, rejected), final is stronger (v3).
    let promoter = try ModelPromoter(
      store: store, modelName: "parivision", rule: PromotionRule(metric: "test_auc", direction: .higherIsBetter, margin: 0.01))
    _ = try await promoter.promote(runId: trials[0].runId)
    _ = try await promoter.promote(runId: trials[1].runId)
    _ = try await promoter.promote(runId: final.runId)
    championRunId = final.runId
  }
}
