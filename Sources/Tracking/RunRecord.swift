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
  @discardableResult
  public func record(_ record: RunRecord) throws -> (info: RunInfo, reused: Bool) {
    let experiment = try experiment(named: record.experimentName)
    var tags = record.tags
    if let key = record.runKey {
      if let existing = try findRun(experimentId: experiment.experimentId, tag: SystemTags.runKey, value: key),
        existing.info.status == .finished
      {
        return (existing.info, true)
      }
      tags.append(KeyValue(SystemTags.runKey, key))
    }
    let info = try createRun(
      RunCreation(
        experimentId: experiment.experimentId, runName: record.runName, userId: record.userId,
        startTime: record.startTime, parentRunId: record.parentRunId, tags: tags))
    do {
      try logBatch(runId: info.runId, params: record.params, metrics: record.metrics, tags: [])
      if !record.datasets.isEmpty { try logInputs(runId: info.runId, datasets: record.datasets) }
      for (url, path) in record.artifacts { try logArtifact(runId: info.runId, localURL: url, artifactPath: path) }
      try setTerminated(runId: info.runId, status: .finished, endTime: record.endTime)
    } catch {
      try? setTerminated(runId: info.runId, status: .failed, endTime: record.endTime)
      throw error
    }
    var finished = info
    finished.status = .finished
    return (finished, false)
  }
}
