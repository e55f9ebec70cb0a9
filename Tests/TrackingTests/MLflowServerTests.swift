import Foundation
import TestSupport
import Testing
import Tracking

/// Against a real `mlflow server` 3.17.2 (SQLite backend, `--artifacts-destination`) started on 127.0.0.1.
/// One server for the whole suite (a start costs seconds); the offline step stops and restarts it on the same
/// database. The server's process group is always killed at the end.
@Suite(.serialized) struct MLflowServerTests {
  private func restStore(_ server: MLflowTestServer, credentials: RESTConfiguration.Credentials = .none, retries: Int = 2)
    throws -> RESTTrackingStore
  {
    let config = try RESTConfiguration(
      baseURL: server.baseURL, credentials: credentials, timeout: 20,
      retry: RetryPolicy(maxRetries: retries, initialDelay: 0.2, multiplier: 2, maxDelay: 1))
    return RESTTrackingStore(configuration: config)
  }

  /// One Python process reads both experiments (a Python start costs seconds).
  private func readBack(_ python: URL, _ server: MLflowTestServer) throws -> [String: Any] {
    try parseJSONObject(
      try runMLflowPython(
        python, readBackPython, arguments: [server.baseURL.absoluteString, "parivision", "parivision", "offline-exp", ""],
        directory: server.directory))
  }

  @Test(.needsPython("mlflow3")) func restBackendRegistryAndOfflineSyncAgainstARealServer() async throws {
    let python = try #require(try Oracles.python("mlflow3"))
    let dir = try makeTemporaryDirectory("tracking-server")
    defer { try? FileManager.default.removeItem(at: dir) }
    let server = try MLflowTestServer(python: python, directory: dir)
    defer { server.stop() }
    try server.start()

    // 1. Runs with many params / metric points (split log-batch), tags, inputs, artifacts.
    let store = try restStore(server)
    let experiment = try await store.experiment(named: "parivision")
    await #expect(try store.experiment(named: "parivision").experimentId == experiment.experimentId)
    let parent = try await store.createRun(
      RunCreation(experimentId: experiment.experimentId, runName: "sweep", userId: "student", startTime: 1_760_000_000_000))
    let child = try await store.createRun(
      RunCreation(
        experimentId: experiment.experimentId, runName: "trial-0", userId: "student", startTime: 1_760_000_001_000,
        parentRunId: parent.runId, tags: [KeyValue("workbench.cell", "sweep")]))
    let params = (0..<150).map { KeyValue("hp/p\($0)", "\($0 * 3)") }
    let loss = (0..<1200).map {
      MetricPoint(key: "train/loss", value: 1.0 / Double($0 + 1), timestamp: 1_760_000_002_000 + Int64($0), step: Int64($0))
    }
    try await store.logBatch(
      runId: child.runId, params: params, metrics: loss + [MetricPoint(key: "test_auc", value: 0.7125, timestamp: 1_760_000_009_000)],
      tags: (0..<120).map { KeyValue("extra.t\($0)", "v\($0)") })
    try await store.logInputs(
      runId: child.runId,
      datasets: [
        DatasetInput(
          name: "nba_shots", digest: "3f2a9c1b", source: "{\"uri\": \"shots.csv\"}",
          tags: [KeyValue(SystemTags.datasetContext, "training")])
      ])
    let artifactDir = dir.appendingPathComponent("model dir")
    try FileManager.default.createDirectory(at: artifactDir.appendingPathComponent("sub"), withIntermediateDirectories: true)
    try Data("weights".utf8).write(to: artifactDir.appendingPathComponent("model.bin"))
    try Data("nested".utf8).write(to: artifactDir.appendingPathComponent("sub/extra file.txt"))
    let result = dir.appendingPathComponent("result.json")
    try Data("{}".utf8).write(to: result)
    try await store.logArtifact(runId: child.runId, localURL: artifactDir, artifactPath: "model")
    try await store.logArtifact(runId: child.runId, localURL: result, artifactPath: nil)
    try await store.setTerminated(runId: child.runId, status: .finished, endTime: 1_760_000_010_000)
    try await store.setTerminated(runId: parent.runId, status: .finished, endTime: 1_760_000_011_000)

    let got = try await store.getRun(runId: child.runId)
    #expect(got.params == Dictionary(uniqueKeysWithValues: params.map { ($0.key, $0.value) }))
    #expect(got.metrics["test_auc"] == 0.7125 && got.info.status == .finished)
    #expect(got.parentRunId == parent.runId)
    await #expect(try store.metricHistory(runId: child.runId, key: "train/loss") == loss)
    await #expect(try store.listArtifacts(runId: child.runId, path: nil).map(\.path) == ["model", "result.json"])
    await #expect(try store.findRun(experimentId: experiment.experimentId, tag: "workbench.cell", value: "sweep")?.runId == child.runId)

    // 2. Registry + champion/challenger + rollback through REST.
    try await PromotionScenario.run(store: store, scratch: dir, model: "parivision")

    // 3. Errors never carry credentials.
    let secret = "tok-9f8e7d6c5b4a"
    let authed = try restStore(server, credentials: .bearer(token: secret))
    do {
      _ = try await authed.getRun(runId: "0123456789abcdef0123456789abcdef")
      Issue.record("expected not found")
    } catch {
      #expect(!"\(error)".contains(secret))
    }

    // 4. Offline: server down → local store + queue; server back → sync exactly once.
    server.stop()
    let resilient = try ResilientTrackingStore(
      remote: try restStore(server, retries: 1), local: try FileTrackingStore(root: dir.appendingPathComponent("offline/mlruns")),
      queueURL: dir.appendingPathComponent("offline/queue.json"))
    let offlineExperiment = try await resilient.experiment(named: "offline-exp")
    #expect(resilient.isOffline)
    let oParent = try await resilient.createRun(
      RunCreation(experimentId: offlineExperiment.experimentId, runName: "sweep-offline", startTime: 1_760_000_100_000))
    var localIds = [oParent.runId]
    for i in 0..<2 {
      let r = try await resilient.createRun(
        RunCreation(
          experimentId: offlineExperiment.experimentId, runName: "trial-\(i)", startTime: 1_760_000_100_001 + Int64(i),
          parentRunId: oParent.runId, tags: [KeyValue(SystemTags.runKey, "cache-key-\(i)")]))
      try await resilient.logBatch(
        runId: r.runId, params: [KeyValue("i", "\(i)")],
        metrics: (0..<3).map { MetricPoint(key: "loss", value: Double(3 - $0), timestamp: 1_760_000_100_100, step: Int64($0)) },
        tags: [])
      try await resilient.logArtifact(runId: r.runId, localURL: result, artifactPath: "out")
      try await resilient.setTerminated(runId: r.runId, status: .finished, endTime: 1_760_000_100_500)
      localIds.append(r.runId)
    }
    try await resilient.setTerminated(runId: oParent.runId, status: .finished, endTime: 1_760_000_100_600)
    let queued = try resilient.pendingRuns()
    #expect(queued.map(\.localRunId) == localIds)

    try server.start()
    let first = try await resilient.sync()
    #expect(first.replayed.count == 3 && first.alreadyPresent.isEmpty)
    #expect(try resilient.pendingRuns().isEmpty)
    #expect(!resilient.isOffline)
    // Second sync: nothing to do. A crash before the queue was rewritten (simulated by restoring it): no duplicates.
    await #expect(try resilient.sync() == ResilientTrackingStore.SyncReport())
    try resilient.queue.save(queued)
    let again = try ResilientTrackingStore(
      remote: try restStore(server), local: resilient.local, queueURL: resilient.queue.fileURL)
    let second = try await again.sync()
    #expect(second.replayed.isEmpty && second.alreadyPresent == first.replayed)

    // A sync that crashed half-way left a partial copy (run key present, replay not complete): it is replaced.
    let localOffline = try #require(try resilient.local.findExperiment(named: "offline-exp"))
    let late = try resilient.local.createRun(
      RunCreation(
        experimentId: localOffline.experimentId, runName: "trial-late", startTime: 1_760_000_100_700,
        parentRunId: oParent.runId, tags: [KeyValue(SystemTags.runKey, "cache-key-late")]))
    try await resilient.local.logMetrics(
      runId: late.runId, (0..<3).map { MetricPoint(key: "loss", value: Double($0), timestamp: 1_760_000_100_800, step: Int64($0)) })
    try resilient.local.logArtifact(runId: late.runId, localURL: result, artifactPath: "out")
    try resilient.local.setTerminated(runId: late.runId, status: .finished, endTime: 1_760_000_100_900)
    try resilient.queue.save([PendingRun(localRunId: late.runId, experimentName: "offline-exp", runKey: "cache-key-late")])
    let serverOffline = try #require(try await store.findExperiment(named: "offline-exp"))
    let partial = try await store.createRun(
      RunCreation(
        experimentId: serverOffline.experimentId, runName: "trial-late", tags: [KeyValue(SystemTags.runKey, "cache-key-late")]))
    try await store.logMetrics(runId: partial.runId, [MetricPoint(key: "loss", value: 9, timestamp: 1, step: 0)])
    let third = try await again.sync()
    #expect(third.replayed.keys.sorted() == [late.runId] && third.alreadyPresent.isEmpty)
    #expect(third.replayed[late.runId] != partial.runId)

    // Python client sees the same runs, history, artifacts and alias.
    let both = try readBack(python, server)
    let json = try #require(both["parivision"] as? [String: Any])
    let runs = try #require(json["runs"] as? [String: [String: Any]])
    let pyChild = try #require(runs[child.runId])
    #expect((pyChild["params"] as? [String: String]) == got.params)
    #expect((pyChild["tags"] as? [String: String])?["mlflow.parentRunId"] == parent.runId)
    #expect((pyChild["tags"] as? [String: String])?["extra.t119"] == "v119")
    let pyLoss = ((pyChild["history"] as? [String: [[NSNumber]]])?["train/loss"] ?? []).map {
      MetricPoint(key: "train/loss", value: $0[1].doubleValue, timestamp: $0[0].int64Value, step: $0[2].int64Value)
    }
    #expect(pyLoss == loss, "Python metric history equals what was logged")
    #expect(
      (pyChild["artifacts"] as? [String])
        == ["model/", "model/model.bin", "model/sub/", "model/sub/extra file.txt", "result.json"])
    #expect((pyChild["inputs"] as? [[Any]])?.first?.first as? String == "nba_shots")
    #expect((json["champion"] as? [String: String])?["version"] == "4", "after the rollback to 1, version 4 won against the re-scored champion")
    #expect((json["versions"] as? [Int]) == [1, 2, 3, 4], "the challenger on other held-out data was not registered")

    let offlineJSON = try #require(both["offline-exp"] as? [String: Any])
    let serverRuns = try #require(offlineJSON["runs"] as? [String: [String: Any]])
    #expect(serverRuns.count == 4, "every offline run exactly once on the server")
    let serverParent = try #require(first.replayed[oParent.runId])
    let keys = serverRuns.values.compactMap { ($0["tags"] as? [String: String])?[SystemTags.runKey] }.sorted()
    #expect(keys.count == 4 && Set(keys).count == 4 && keys.contains("cache-key-0") && keys.contains("cache-key-late"))
    for (serverId, run) in serverRuns where serverId != serverParent {
      let tags = run["tags"] as? [String: String] ?? [:]
      #expect(tags[SystemTags.parentRunId] == serverParent)
      #expect(((run["history"] as? [String: [[NSNumber]]])?["loss"])?.count == 3)
      #expect((run["artifacts"] as? [String]) == ["out/", "out/result.json"])
      #expect(run["status"] as? String == "FINISHED")
    }
  }
}
