import Foundation

/// Offline-safe tracking: talks to `remote` (usually `RESTTrackingStore`) and, as soon as the server is
/// unreachable, writes new experiments and runs to the local file store and records each run in an
/// `OfflineQueue`. `sync()` replays queued runs to the server idempotently and removes them from the queue.
///
/// Idempotence: every run carries a stable tag `workbench.run_key`; a replay first looks the key up on the
/// server. A run found with `workbench.replay_complete = true` is not sent again; a half-replayed one (a sync
/// that crashed) is deleted and replayed from scratch. So a retried `sync()` never duplicates a run.
///
/// Limits: once offline, the store stays offline for new runs until a `sync()` succeeds (no timeout per
/// call); a run created on the server that loses the server mid-way fails with `.unreachable`; registry
/// calls need the server.
public final class ResilientTrackingStore: TrackingStore, @unchecked Sendable {
  public let remote: any TrackingStore
  public let local: FileTrackingStore
  public let queue: OfflineQueue

  private let lock = NSLock()
  private var offline = false
  private var localRunExperiments: [String: String] = [:]  // local run id → experiment name
  private var localExperimentNames: [String: String] = [:]  // local experiment id → name
  private var remoteExperimentNames: [String: String] = [:]  // remote experiment id → name

  public init(remote: any TrackingStore, local: FileTrackingStore, queueURL: URL) throws {
    self.remote = remote
    self.local = local
    self.queue = OfflineQueue(fileURL: queueURL)
    for p in try queue.load() { localRunExperiments[p.localRunId] = p.experimentName }
  }

  /// The server this store logs to (base URL without credentials), as recorded with each queued run.
  public var target: String {
    (remote as? RESTTrackingStore).map { RESTConfiguration.redact($0.configuration.baseURL.absoluteString) } ?? "\(type(of: remote))"
  }

  /// True after the server was found unreachable (until the next successful `sync()`).
  public var isOffline: Bool { lock.withLock { offline } }

  /// The runs waiting for `sync()`.
  public func pendingRuns() throws -> [PendingRun] { try lock.withLock { try queue.load() } }

  private func goOffline() { lock.withLock { offline = true } }

  private func isLocalRun(_ runId: String) -> Bool { lock.withLock { localRunExperiments[runId] != nil } }

  private func isLocalExperiment(_ id: String) -> Bool { lock.withLock { localExperimentNames[id] != nil } }

  private func localExperiment(named name: String) throws -> Experiment {
    let e = try local.experiment(named: name)
    lock.withLock { localExperimentNames[e.experimentId] = name }
    return e
  }

  // MARK: - Experiments

  public func experiment(named name: String) async throws -> Experiment {
    if isOffline { return try localExperiment(named: name) }
    do {
      let e = try await remote.experiment(named: name)
      lock.withLock { remoteExperimentNames[e.experimentId] = name }
      return e
    } catch let error as TrackingError where error.isUnreachable {
      goOffline()
      return try localExperiment(named: name)
    }
  }

  public func findExperiment(named name: String) async throws -> Experiment? {
    if isOffline { return try local.findExperiment(named: name) }
    do { return try await remote.findExperiment(named: name) } catch let error as TrackingError where error.isUnreachable {
      goOffline()
      return try local.findExperiment(named: name)
    }
  }

  // MARK: - Runs

  private func withRunKey(_ creation: RunCreation) -> RunCreation {
    var c = creation
    if !c.tags.contains(where: { $0.key == SystemTags.runKey }) {
      c.tags.append(KeyValue(SystemTags.runKey, UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")))
    }
    return c
  }

  private func createLocalRun(_ creation: RunCreation) async throws -> RunInfo {
    var c = creation
    let name: String
    if let n = lock.withLock({ localExperimentNames[c.experimentId] }) {
      name = n
    } else if let n = lock.withLock({ remoteExperimentNames[c.experimentId] }) {
      name = n
      c.experimentId = try localExperiment(named: n).experimentId
    } else {
      throw TrackingError.unreachable(
        url: target, attempts: 1,
        reason: "server unreachable and experiment id \(c.experimentId) was not obtained from this store, "
          + "so it cannot be recreated locally; get the experiment with experiment(named:) first")
    }
    let info = try local.createRun(c)
    let key = c.tags.first { $0.key == SystemTags.runKey }?.value ?? info.runId
    try lock.withLock {
      var pending = try queue.load()
      pending.append(PendingRun(localRunId: info.runId, experimentName: name, runKey: key, server: target))
      try queue.save(pending)
      localRunExperiments[info.runId] = name
    }
    return info
  }

  public func createRun(_ creation: RunCreation) async throws -> RunInfo {
    let c = withRunKey(creation)
    if isOffline || isLocalExperiment(c.experimentId) { return try await createLocalRun(c) }
    do { return try await remote.createRun(c) } catch let error as TrackingError where error.isUnreachable {
      goOffline()
      return try await createLocalRun(c)
    }
  }

  private func store(for runId: String) -> any TrackingStore { isLocalRun(runId) ? local : remote }

  public func logBatch(runId: String, params: [KeyValue], metrics: [MetricPoint], tags: [KeyValue]) async throws {
    try await store(for: runId).logBatch(runId: runId, params: params, metrics: metrics, tags: tags)
  }
  public func logInputs(runId: String, datasets: [DatasetInput]) async throws {
    try await store(for: runId).logInputs(runId: runId, datasets: datasets)
  }
  public func logArtifact(runId: String, localURL: URL, artifactPath: String?) async throws {
    try await store(for: runId).logArtifact(runId: runId, localURL: localURL, artifactPath: artifactPath)
  }
  public func setTerminated(runId: String, status: RunStatus, endTime: Int64?) async throws {
    try await store(for: runId).setTerminated(runId: runId, status: status, endTime: endTime)
  }
  public func deleteRun(runId: String) async throws { try await store(for: runId).deleteRun(runId: runId) }
  public func getRun(runId: String) async throws -> Run { try await store(for: runId).getRun(runId: runId) }
  public func searchRuns(experimentId: String) async throws -> [Run] {
    try await (isLocalExperiment(experimentId) ? local : remote).searchRuns(experimentId: experimentId)
  }
  public func findRuns(experimentId: String, tag key: String, value: String) async throws -> [Run] {
    try await (isLocalExperiment(experimentId) ? local : remote).findRuns(experimentId: experimentId, tag: key, value: value)
  }
  public func readArtifact(runId: String, path: String) async throws -> Data {
    try await store(for: runId).readArtifact(runId: runId, path: path)
  }
  public func metricHistory(runId: String, key: String) async throws -> [MetricPoint] {
    try await store(for: runId).metricHistory(runId: runId, key: key)
  }
  public func listArtifacts(runId: String, path: String?) async throws -> [ArtifactEntry] {
    try await store(for: runId).listArtifacts(runId: runId, path: path)
  }

  // MARK: - Registry (server only)

  public func registeredModel(named name: String) async throws -> RegisteredModel { try await remote.registeredModel(named: name) }
  public func findRegisteredModel(named name: String) async throws -> RegisteredModel? {
    try await remote.findRegisteredModel(named: name)
  }
  public func registeredModelNames() async throws -> [String] { try await remote.registeredModelNames() }
  public func setRegisteredModelTag(name: String, key: String, value: String) async throws {
    try await remote.setRegisteredModelTag(name: name, key: key, value: value)
  }
  public func createModelVersion(
    name: String, runId: String, artifactPath: String, tags: [KeyValue], description: String
  ) async throws -> ModelVersion {
    if isLocalRun(runId) {
      throw TrackingError.registryState(
        model: name, reason: "run \(runId) is queued offline; run `workbench sync` before registering it")
    }
    return try await remote.createModelVersion(
      name: name, runId: runId, artifactPath: artifactPath, tags: tags, description: description)
  }
  public func modelVersion(name: String, version: Int) async throws -> ModelVersion {
    try await remote.modelVersion(name: name, version: version)
  }
  public func modelVersions(name: String) async throws -> [ModelVersion] { try await remote.modelVersions(name: name) }
  public func setModelVersionTag(name: String, version: Int, key: String, value: String) async throws {
    try await remote.setModelVersionTag(name: name, version: version, key: key, value: value)
  }
  public func setAlias(name: String, alias: String, version: Int) async throws {
    try await remote.setAlias(name: name, alias: alias, version: version)
  }
  public func deleteAlias(name: String, alias: String) async throws { try await remote.deleteAlias(name: name, alias: alias) }
  public func modelVersion(name: String, alias: String) async throws -> ModelVersion? {
    try await remote.modelVersion(name: name, alias: alias)
  }

  // MARK: - Sync

  /// What `sync()` did.
  public struct SyncReport: Sendable, Equatable {
    /// Local run id → server run id, for runs sent in this call.
    public var replayed: [String: String] = [:]
    /// Local run id → server run id, for runs already complete on the server (an earlier sync).
    public var alreadyPresent: [String: String] = [:]
    /// Runs left in the queue because they are still RUNNING locally (see `includeUnfinished`).
    public var stillRunning: [String] = []
    /// Runs left in the queue because they were recorded for another server (local run id → that server);
    /// `sync(retarget: true)` sends them here instead.
    public var otherServer: [String: String] = [:]
    public init() {}
  }

  /// Tag written on the local copy once replayed: the server's run id.
  public static let syncedRunIdTag = "workbench.synced_run_id"

  /// Replays every queued run whose local status is terminal (or every run with `includeUnfinished`), oldest
  /// first, parents before children. Safe to call again after a crash or a connection loss mid-way.
  /// Runs recorded for another server stay queued (`otherServer`) unless `retarget` is true.
  @discardableResult
  public func sync(includeUnfinished: Bool = false, retarget: Bool = false) async throws -> SyncReport {
    var report = SyncReport()
    let pending = try lock.withLock { try queue.load() }
    let here = target
    for item in pending {
      if let server = item.server, server != here, !retarget {
        report.otherServer[item.localRunId] = server
        continue
      }
      let localRun = try local.getRun(runId: item.localRunId)
      if !localRun.info.status.isTerminal && !includeUnfinished {
        report.stillRunning.append(item.localRunId)
        continue
      }
      let (remoteId, fresh) = try await replay(item, localRun)
      if fresh { report.replayed[item.localRunId] = remoteId } else { report.alreadyPresent[item.localRunId] = remoteId }
      try await local.setTags(runId: item.localRunId, [KeyValue(Self.syncedRunIdTag, remoteId)])
      try lock.withLock {
        var current = try queue.load()
        current.removeAll { $0.localRunId == item.localRunId }
        try queue.save(current)
        localRunExperiments[item.localRunId] = nil
      }
    }
    if report.stillRunning.isEmpty && report.otherServer.isEmpty { lock.withLock { offline = false } }
    return report
  }

  /// Sends one run; returns (server run id, whether it was sent now).
  private func replay(_ item: PendingRun, _ run: Run) async throws -> (String, Bool) {
    let experiment = try await remote.experiment(named: item.experimentName)
    if let existing = try await remote.findRun(experimentId: experiment.experimentId, tag: SystemTags.runKey, value: item.runKey) {
      if existing.tags[SystemTags.replayComplete] == "true" { return (existing.runId, false) }
      try await remote.deleteRun(runId: existing.runId)  // half-replayed by a crashed sync: start over
    }
    var parent: String?
    if let localParent = run.parentRunId {
      // A parent replayed earlier carries its server id; a parent created online keeps its id.
      parent = (try? local.getRun(runId: localParent))?.tags[Self.syncedRunIdTag] ?? localParent
    }
    let skipped: Set<String> = [SystemTags.runName, SystemTags.parentRunId, Self.syncedRunIdTag]
    let creation = RunCreation(
      experimentId: experiment.experimentId, runName: run.info.runName, userId: run.info.userId,
      startTime: run.info.startTime, parentRunId: parent, tags: [KeyValue(SystemTags.runKey, item.runKey)])
    let info = try await remote.createRun(creation)
    var metrics: [MetricPoint] = []
    for key in run.metrics.keys.sorted() { metrics += try local.metricHistory(runId: run.runId, key: key) }
    let params = run.params.keys.sorted().map { KeyValue($0, run.params[$0] ?? "") }
    let tags = run.tags.keys.sorted().filter { !skipped.contains($0) }.map { KeyValue($0, run.tags[$0] ?? "") }
    try await remote.logBatch(runId: info.runId, params: params, metrics: metrics, tags: tags)
    if !run.inputs.isEmpty { try await remote.logInputs(runId: info.runId, datasets: run.inputs) }
    let artifacts = local.artifactDirectory(runId: run.runId)
    if let artifacts, !((try? FileManager.default.contentsOfDirectory(atPath: artifacts.path)) ?? []).isEmpty {
      try await remote.logArtifact(runId: info.runId, localURL: artifacts, artifactPath: nil)
    }
    try await remote.setTerminated(runId: info.runId, status: run.info.status, endTime: run.info.endTime)
    try await remote.setTags(runId: info.runId, [KeyValue(SystemTags.replayComplete, "true")])
    return (info.runId, true)
  }
}
