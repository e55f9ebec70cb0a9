import Foundation

/// Everything about one trained model, logged in one call with `TrackingStore.record(_:)`.
public struct RunRecord: Sendable, Equatable {
  public var experimentName: String
  public var runName: String
  public var userId: String
  public var parentRunId: String?
  /// Stable identity (e.g. the cell's cache key), written as tag `workbench.run_key`. When a FINISHED run with
  /// this key already exists in the experiment, `record` returns it instead of logging a duplicate.
  public var runKey: String?
  public var params: [KeyValue]
  public var metrics: [MetricPoint]
  public var tags: [KeyValue]
  public var datasets: [DatasetInput]
  /// (local file or folder, artifact sub-path or nil for the root).
  public var artifacts: [(URL, String?)]
  public var startTime: Int64?
  public var endTime: Int64?

  public init(
    experimentName: String, runName: String, userId: String = "workbench", parentRunId: String? = nil,
    runKey: String? = nil, params: [KeyValue] = [], metrics: [MetricPoint] = [], tags: [KeyValue] = [],
    datasets: [DatasetInput] = [], artifacts: [(URL, String?)] = [], startTime: Int64? = nil, endTime: Int64? = nil
  ) {
    self.experimentName = experimentName
    self.runName = runName
    self.userId = userId
    self.parentRunId = parentRunId
    self.runKey = runKey
    self.params = params
    self.metrics = metrics
    self.tags = tags
    self.datasets = datasets
    self.artifacts = artifacts
    self.startTime = startTime
    self.endTime = endTime
  }

  public static func == (a: RunRecord, b: RunRecord) -> Bool {
    a.experimentName == b.experimentName && a.runName == b.runName && a.userId == b.userId
      && a.parentRunId == b.parentRunId && a.runKey == b.runKey && a.params == b.params && a.metrics == b.metrics
      && a.tags == b.tags && a.datasets == b.datasets && a.startTime == b.startTime && a.endTime == b.endTime
      && a.artifacts.map(\.0) == b.artifacts.map(\.0) && a.artifacts.map(\.1) == b.artifacts.map(\.1)
  }
}

extension TrackingStore {
  /// Logs a whole run: get-or-create the experiment, create the run, params/metrics/tags, inputs, artifacts,
  /// then FINISHED. If any step fails the run is marked FAILED (best effort) and the error rethrown.
  /// Returns the run info and whether an existing run (same `runKey`, FINISHED) was reused.
  ///
  /// A run with the same key that never finished — its process was killed (RUNNING forever) or it failed — is
  /// retired (marked KILLED and deleted) and replaced, so a key never has two visible runs; the new run names the
  /// retired ones in tag `workbench.replaces`. A RUNNING run whose writer (tag `workbench.writer`) is still alive
  /// on this host (this process included: another cell logging the same model) is being logged right now: that
  /// is an error (`runInProgress`), nothing is touched.
  /// `checkpoint` is called once params, metrics and inputs are logged, before artifacts and FINISHED.
  @discardableResult
  public func record(_ record: RunRecord, checkpoint: (RunInfo) async throws -> Void = { _ in }) async throws -> (info: RunInfo, reused: Bool) {
    let experiment = try await experiment(named: record.experimentName)
    var tags = record.tags
    if let key = record.runKey {
      let existing = try await findRuns(experimentId: experiment.experimentId, tag: SystemTags.runKey, value: key)
      if let done = existing.first(where: { $0.info.status == .finished }) { return (done.info, true) }
      let retired = try await retireUnfinished(existing)
      tags.append(KeyValue(SystemTags.runKey, key))
      if !retired.isEmpty { tags.append(KeyValue(SystemTags.replaces, retired.joined(separator: ","))) }
    }
    tags.append(KeyValue(SystemTags.writer, ProcessIdentity.current.description))
    let info = try await createRun(
      RunCreation(
        experimentId: experiment.experimentId, runName: record.runName, userId: record.userId,
        startTime: record.startTime, parentRunId: record.parentRunId, tags: tags))
    do {
      try await logBatch(runId: info.runId, params: record.params, metrics: record.metrics, tags: [])
      if !record.datasets.isEmpty { try await logInputs(runId: info.runId, datasets: record.datasets) }
      try await checkpoint(info)
      for (url, path) in record.artifacts { try await logArtifact(runId: info.runId, localURL: url, artifactPath: path) }
      try await setTerminated(runId: info.runId, status: .finished, endTime: record.endTime)
    } catch {
      try? await setTerminated(runId: info.runId, status: .failed, endTime: record.endTime)
      throw error
    }
    var finished = info
    finished.status = .finished
    return (finished, false)
  }

  /// Marks KILLED and deletes runs (of one run key) that never finished; returns their ids. Throws
  /// `runInProgress` when one is RUNNING under a live writer on this host (or started less than a day ago on
  /// another host, where liveness cannot be checked).
  public func retireUnfinished(_ runs: [Run], now: Int64 = systemMillisecondClock()) async throws -> [String] {
    for run in runs where run.info.status == .running {
      let writer = run.tags[SystemTags.writer].flatMap(ProcessIdentity.init)
      guard let writer else { continue }  // written before writers were recorded: nobody to wait for
      let alive = writer.isAlive ?? (now - run.info.startTime < 86_400_000)
      if alive { throw TrackingError.runInProgress(runId: run.runId, writer: writer.description) }
    }
    var retired: [String] = []
    for run in runs where run.info.status != .finished {
      if !run.info.status.isTerminal { try await setTerminated(runId: run.runId, status: .killed, endTime: nil) }
      try await deleteRun(runId: run.runId)
      retired.append(run.runId)
    }
    return retired
  }
}
