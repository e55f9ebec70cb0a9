import Foundation
import TestSupport
import Testing
import WorkbenchCore

@testable import Tracking

/// A transport that answers from a script and records every request.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
  private let lock = NSLock()
  private var script: [Result<HTTPResponse, HTTPTransportFailure>]
  private(set) var requests: [HTTPRequest] = []
  let fallback: HTTPResponse

  init(_ script: [Result<HTTPResponse, HTTPTransportFailure>], fallback: HTTPResponse = HTTPResponse(status: 200, body: Data("{}".utf8))) {
    self.script = script
    self.fallback = fallback
  }

  func send(_ request: HTTPRequest, timeout: Double, maxResponseBytes: Int) async throws -> HTTPResponse {
    try lock.withLock {
      requests.append(request)
      if script.isEmpty { return fallback }
      return try script.removeFirst().get()
    }
  }
}

final class SleepRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var delays: [Double] = []
  func record(_ d: Double) { lock.withLock { delays.append(d) } }
}

@Suite struct RESTUnitTests {
  private func store(_ transport: ScriptedTransport, credentials: RESTConfiguration.Credentials = .none,
                     retries: Int = 3, sleeps: SleepRecorder = SleepRecorder()) throws -> RESTTrackingStore {
    let config = try RESTConfiguration(
      baseURL: URL(string: "http://127.0.0.1:5000/")!, credentials: credentials, timeout: 5,
      retry: RetryPolicy(maxRetries: retries, initialDelay: 0.5, multiplier: 2, maxDelay: 1.5))
    return RESTTrackingStore(configuration: config, transport: transport, sleep: { sleeps.record($0) })
  }

  @Test func backoffScheduleIsBoundedAndDeterministic() {
    #expect(RetryPolicy(maxRetries: 5, initialDelay: 0.5, multiplier: 2, maxDelay: 3).schedule == [0.5, 1, 2, 3, 3])
    #expect(RetryPolicy.none.schedule.isEmpty)
    #expect(RetryPolicy.isRetryable(status: 429) && RetryPolicy.isRetryable(status: 503))
    #expect(!RetryPolicy.isRetryable(status: 400) && !RetryPolicy.isRetryable(status: 404))
  }

  @Test func retriesOn429And5xxAndConnectionErrorsThenSucceeds() async throws {
    let transport = ScriptedTransport([
      .success(HTTPResponse(status: 503, body: Data("busy".utf8))),
      .failure(HTTPTransportFailure(reason: "connection refused")),
      .success(HTTPResponse(status: 429, body: Data("{}".utf8))),
      .success(HTTPResponse(status: 200, body: Data("{}".utf8))),
    ])
    let sleeps = SleepRecorder()
    try await store(transport, sleeps: sleeps).setTerminated(runId: "abc", status: .finished, endTime: 5)
    #expect(transport.requests.count == 4)
    #expect(sleeps.delays == [0.5, 1.0, 1.5])
    let body = try JSONValue.parse([UInt8](transport.requests[3].body ?? Data()))
    #expect(body["status"] == "FINISHED")
    #expect(body["end_time"]?.intValue == 5)
    #expect(transport.requests[3].headers["Content-Type"] == "application/json")
  }

  @Test func givesUpAfterBoundedRetriesWithoutLeakingSecrets() async throws {
    let secret = "s3cr3t-t0ken-value"
    let transport = ScriptedTransport(
      Array(repeating: .failure(HTTPTransportFailure(reason: "connection refused")), count: 10))
    let sleeps = SleepRecorder()
    let s = try store(transport, credentials: .bearer(token: secret), retries: 2, sleeps: sleeps)
    do {
      _ = try await s.getRun(runId: "abc")
      Issue.record("expected an error")
    } catch let error as TrackingError {
      #expect(error.isUnreachable)
      #expect(!"\(error)".contains(secret))
    }
    #expect(transport.requests.count == 3)
    #expect(transport.requests.allSatisfy { $0.headers["Authorization"] == "Bearer \(secret)" })
    // A server error that echoes the secret is redacted too.
    let echo = ScriptedTransport([
      .success(HTTPResponse(status: 401, body: Data("{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"bad token \(secret)\"}".utf8)))
    ])
    do {
      _ = try await store(echo, credentials: .bearer(token: secret)).getRun(runId: "abc")
      Issue.record("expected an error")
    } catch {
      #expect(!"\(error)".contains(secret))
      #expect("\(error)".contains("UNAUTHENTICATED"))
    }
    #expect(!"\(s.configuration)".contains(secret))
  }

  @Test func basicAuthFromEnvironmentAndURLUserInfoIsRedacted() async throws {
    let config = try #require(
      try RESTConfiguration.fromEnvironment([
        "MLFLOW_TRACKING_URI": "https://alice:pa55word@mlflow.example.org/",
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
      ]))
    #expect(config.baseURL.absoluteString == "https://mlflow.example.org")
    #expect(config.authorizationHeader == "Basic " + Data("alice:pa55word".utf8).base64EncodedString())
    #expect(!config.description.contains("pa55word"))
    #expect(config.retry.maxRetries == 1)
    let env = try #require(
      try RESTConfiguration.fromEnvironment([
        "MLFLOW_TRACKING_URI": "http://h:1", "MLFLOW_TRACKING_USERNAME": "bob", "MLFLOW_TRACKING_PASSWORD": "pw",
      ]))
    #expect(env.authorizationHeader == "Basic " + Data("bob:pw".utf8).base64EncodedString())
    #expect(try RESTConfiguration.fromEnvironment(["MLFLOW_TRACKING_URI": "./mlruns"]) == nil)
    #expect(RESTConfiguration.redact("http://u:p@host:1/x?y") == "http://***@host:1/x?y")
    // Tracking's own messages never carry a URI's credentials.
    do {
      _ = try TrackingStoreFactory.open(uri: "file://carol:f1le-s3cret@host/x", environment: [:])
      Issue.record("a file URI with a host was accepted")
    } catch {
      #expect(!"\(error)".contains("f1le-s3cret"), "\(error)")
    }
    do {
      let dir = try makeTemporaryDirectory("tracking-redact")
      defer { try? FileManager.default.removeItem(at: dir) }
      let store = try TrackingStoreFactory.open(
        uri: "http://dave:n3t-s3cret@127.0.0.1:9", environment: ["MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"],
        offlineRoot: dir.appendingPathComponent("offline/mlruns"))
      _ = try await store.createRun(RunCreation(experimentId: "77", runName: "r"))
      Issue.record("a run was created on an unreachable server")
    } catch {
      #expect(!"\(error)".contains("n3t-s3cret") && "\(error)".contains("127.0.0.1:9"), "\(error)")
    }
  }

  @Test func logBatchIsSplitToServerLimits() async throws {
    let params = (0..<250).map { KeyValue("p\($0)", "v") }
    let tags = (0..<120).map { KeyValue("t\($0)", "v") }
    let metrics = (0..<2500).map { MetricPoint(key: "loss", value: Double($0), timestamp: 1, step: Int64($0)) }
    let chunks = LogBatchChunker().chunks(params: params, metrics: metrics, tags: tags)
    for c in chunks {
      #expect(c.params.count <= 100 && c.tags.count <= 100 && c.metrics.count <= 1000 && c.itemCount <= 1000)
    }
    #expect(chunks.flatMap(\.params) == params)
    #expect(chunks.flatMap(\.tags) == tags)
    #expect(chunks.flatMap(\.metrics) == metrics)
    let transport = ScriptedTransport([])
    try await store(transport).logBatch(runId: "r", params: params, metrics: metrics, tags: tags)
    #expect(transport.requests.count == chunks.count)
    #expect(transport.requests.allSatisfy { $0.url.path == "/api/2.0/mlflow/runs/log-batch" })
    // NaN / infinity go as the strings MLflow accepts.
    let special = ScriptedTransport([])
    try await store(special).logMetrics(
      runId: "r", [MetricPoint(key: "m", value: .nan, timestamp: 1), MetricPoint(key: "m", value: -.infinity, timestamp: 2)])
    let text = String(decoding: special.requests.first?.body ?? Data(), as: UTF8.self)
    #expect(text.contains("\"NaN\"") && text.contains("\"-Infinity\""))
  }

  @Test func artifactProxyPathFollowsTheRunArtifactURI() {
    #expect(RESTTrackingStore.proxyPath(artifactURI: "mlflow-artifacts:/1/abc/artifacts") == "1/abc/artifacts")
    #expect(RESTTrackingStore.proxyPath(artifactURI: "mlflow-artifacts://host:5000/1/abc/artifacts") == "1/abc/artifacts")
    #expect(RESTTrackingStore.proxyPath(artifactURI: "/srv/artifacts/1/abc/artifacts") == nil)
  }

  @Test func decisionRule() throws {
    let higher = try PromotionRule(metric: "test_auc", direction: .higherIsBetter, margin: 0.01)
    #expect(ChampionChallenger.decide(challenger: 0.70, champion: nil, rule: higher).promote)
    #expect(!ChampionChallenger.decide(challenger: 0.705, champion: 0.70, rule: higher).promote)  // within margin
    #expect(!ChampionChallenger.decide(challenger: 0.71, champion: 0.70, rule: try PromotionRule(metric: "m", margin: 0.02)).promote)
    let win = ChampionChallenger.decide(challenger: 0.75, champion: 0.70, rule: higher)
    #expect(win.promote && win.challengerValue == 0.75 && win.championValue == 0.70)
    #expect(!ChampionChallenger.decide(challenger: 0.70, champion: 0.70, rule: try PromotionRule(metric: "m")).promote)  // tie
    let lower = try PromotionRule(metric: "test_log_loss", direction: .lowerIsBetter, margin: 0)
    #expect(ChampionChallenger.decide(challenger: 0.5, champion: 0.6, rule: lower).promote)
    #expect(!ChampionChallenger.decide(challenger: 0.6, champion: 0.5, rule: lower).promote)
    #expect(!ChampionChallenger.decide(challenger: .nan, champion: 0.5, rule: lower).promote)
    #expect(ChampionChallenger.decide(challenger: 0.5, champion: .nan, rule: lower).promote)
    #expect(throws: TrackingError.self) { try PromotionRule(metric: "m", margin: -1) }
  }

  @Test func promotionAndRollbackOnTheFileStore() async throws {
    let dir = try makeTemporaryDirectory("tracking-promote")
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try FileTrackingStore(root: dir.appendingPathComponent("mlruns"))
    try await PromotionScenario.run(store: store, scratch: dir)
  }
}

/// Shared by the file-store and REST tests: weaker challenger rejected, stronger promoted, rollback restores.
enum PromotionScenario {
  static func run(store: any TrackingStore, scratch: URL, model: String = "parivision") async throws {
    let e = try await store.experiment(named: "promotion")
    let modelDir = scratch.appendingPathComponent("promo-model")
    try FileManager.default.createDirectory(at: modelDir, withIntermediateDirectories: true)
    try Data("weights".utf8).write(to: modelDir.appendingPathComponent("model.bin"))
    let heldOut = DatasetInput(name: "split.test", digest: "9e8d7c6b", source: "{}",
                               tags: [KeyValue(SystemTags.datasetContext, HeldOutData.context)])
    func trainedRun(_ name: String, auc: Double) async throws -> String {
      let r = try await store.createRun(RunCreation(experimentId: e.experimentId, runName: name))
      try await store.logMetrics(runId: r.runId, [MetricPoint(key: "test_auc", value: auc, timestamp: 1_760_000_000_000)])
      try await store.logArtifact(runId: r.runId, localURL: modelDir, artifactPath: "model")
      try await store.logInputs(runId: r.runId, datasets: [heldOut])
      try await store.setTerminated(runId: r.runId, status: .finished, endTime: nil)
      return r.runId
    }
    let promoter = try ModelPromoter(
      store: store, modelName: model, rule: PromotionRule(metric: "test_auc", direction: .higherIsBetter, margin: 0.005))
    let first = try await promoter.promote(runId: try trainedRun("first", auc: 0.70))
    #expect(first.decision.promote && first.champion == first.version?.version)
    let weak = try await promoter.promote(runId: try trainedRun("weak", auc: 0.702))
    #expect(!weak.decision.promote, "weaker challenger must not take the alias: \(weak.decision.reason)")
    #expect(weak.decision.championValue == 0.70 && weak.decision.challengerValue == 0.702)
    await #expect(try store.modelVersion(name: model, alias: "champion")?.version == first.version?.version)
    let weakVersion = try #require(weak.version?.version)
    await #expect(try store.modelVersion(name: model, version: weakVersion).tags["workbench.promotion.decision"] == "rejected")
    let strongRun = try await trainedRun("strong", auc: 0.75)
    let strong = try await promoter.promote(runId: strongRun)
    #expect(strong.decision.promote && strong.previousChampion == first.version?.version)
    let champion = try #require(try await store.modelVersion(name: model, alias: "champion"))
    #expect(champion.version == strong.version?.version && champion.runId == strongRun)
    await #expect(try promoter.championHistory() == [first.version?.version, strong.version?.version])
    let back = try await promoter.rollback()
    #expect(back.from == strong.version?.version && back.to == first.version?.version)
    await #expect(try store.modelVersion(name: model, alias: "champion")?.version == first.version?.version)
    await #expect(throws: TrackingError.self) { try await promoter.rollback() }  // no earlier champion
    await #expect(try store.modelVersions(name: model).map(\.version) == [1, 2, 3])

    // A challenger measured on other held-out data is not compared: nothing is registered, the alias stays.
    let season = DatasetInput(name: "season.test", digest: "11112222", source: "{}",
                              tags: [KeyValue(SystemTags.datasetContext, HeldOutData.context)])
    let other = try await store.createRun(RunCreation(experimentId: e.experimentId, runName: "other data"))
    try await store.logMetrics(runId: other.runId, [MetricPoint(key: "test_auc", value: 0.99, timestamp: 1_760_000_000_000)])
    try await store.logArtifact(runId: other.runId, localURL: modelDir, artifactPath: "model")
    try await store.logInputs(runId: other.runId, datasets: [season])
    try await store.setTerminated(runId: other.runId, status: .finished, endTime: nil)
    let apart = try await promoter.promote(runId: other.runId)
    #expect(apart.version == nil && !apart.decision.promote)
    #expect(apart.notCompared?.contains("not compared: champion (version 1) evaluated on split.test (digest 9e8d7c6b") == true,
            "\(apart.notCompared ?? "compared")")
    #expect(apart.notCompared?.contains("challenger on season.test (digest 11112222") == true)
    await #expect(try store.modelVersions(name: model).count == 3)
    // Scored afresh on the challenger's data, the champion is compared.
    let rescored = try await promoter.promote(
      runId: other.runId, championScore: .init(value: 0.98, data: HeldOutData(name: "season.test", digest: "11112222", source: "{}")))
    #expect(rescored.decision.promote && rescored.decision.championValue == 0.98 && rescored.version?.version == 4)
    await #expect(try store.modelVersion(name: model, version: 4).tags["workbench.promotion.champion_reevaluated"] == "true")
    // Rolling back a model that does not exist names the ones that do.
    do {
      _ = try await ModelPromoter(store: store, modelName: "nosuchmodel", rule: PromotionRule(metric: "test_auc")).rollback()
      Issue.record("rollback of an unknown model succeeded")
    } catch {
      #expect("\(error)".contains("registered model \"nosuchmodel\" not found") && "\(error)".contains("registered models here:") && "\(error)".contains(model),
              "\(error)")
    }
  }
}

@Suite struct TrackingStoreFactoryTests {
  @Test func picksTheBackendFromTheURI() throws {
    let dir = try makeTemporaryDirectory("tracking-factory")
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(try TrackingStoreFactory.open(uri: dir.appendingPathComponent("a").path, environment: [:]) is FileTrackingStore)
    #expect(try TrackingStoreFactory.open(uri: "file://" + dir.appendingPathComponent("b").path, environment: [:]) is FileTrackingStore)
    #expect(
      try TrackingStoreFactory.open(uri: nil, environment: [:], defaultRoot: dir.appendingPathComponent("c")) is FileTrackingStore)
    #expect(try TrackingStoreFactory.open(uri: "http://127.0.0.1:9", environment: [:]) is RESTTrackingStore)
    #expect(
      try TrackingStoreFactory.open(
        uri: nil, environment: ["MLFLOW_TRACKING_URI": "http://127.0.0.1:9"], offlineRoot: dir.appendingPathComponent("off/mlruns"))
        is ResilientTrackingStore)
    #expect(throws: TrackingError.self) { try TrackingStoreFactory.open(uri: "sqlite:///x.db", environment: [:]) }
  }

  @Test func resilientStoreQueuesWhenTheServerIsUnreachable() async throws {
    let dir = try makeTemporaryDirectory("tracking-resilient")
    defer { try? FileManager.default.removeItem(at: dir) }
    let config = try RESTConfiguration(
      baseURL: URL(string: "http://127.0.0.1:9")!, credentials: .bearer(token: "hidden-token-value"), timeout: 2,
      retry: RetryPolicy(maxRetries: 1, initialDelay: 0.01))
    let store = try ResilientTrackingStore(
      remote: RESTTrackingStore(configuration: config), local: FileTrackingStore(root: dir.appendingPathComponent("mlruns")),
      queueURL: dir.appendingPathComponent("queue.json"))
    let e = try await store.experiment(named: "x")
    #expect(store.isOffline)
    let r = try await store.createRun(RunCreation(experimentId: e.experimentId, runName: "r"))
    try await store.logMetrics(runId: r.runId, [MetricPoint(key: "m", value: 1, timestamp: 1)])
    try await store.setTerminated(runId: r.runId, status: .finished, endTime: nil)
    #expect(try store.pendingRuns().map(\.localRunId) == [r.runId])
    await #expect(try store.getRun(runId: r.runId).tags[SystemTags.runKey] != nil)
    // Reopened after a restart: the queue survives; sync while still offline fails and keeps it.
    let reopened = try ResilientTrackingStore(remote: store.remote, local: store.local, queueURL: store.queue.fileURL)
    do {
      try await reopened.sync()
      Issue.record("sync must fail while the server is unreachable")
    } catch {
      #expect(!"\(error)".contains("hidden-token-value"))
    }
    #expect(try reopened.pendingRuns().count == 1)
  }
}
