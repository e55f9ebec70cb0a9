import Foundation

/// One interface over MLflow tracking + model registry, implemented by the local file store
/// (`FileTrackingStore`), the REST client (`RESTTrackingStore`) and the offline-safe wrapper
/// (`ResilientTrackingStore`). Calls are `async` (the REST store waits on the network without blocking a thread;
/// the file store conforms with synchronous methods) and throw `TrackingError`.
public protocol TrackingStore: Sendable {
  // MARK: Experiments
  /// The experiment with this name, created when absent.
  func experiment(named name: String) async throws -> Experiment
  /// The experiment with this name, or nil.
  func findExperiment(named name: String) async throws -> Experiment?

  // MARK: Runs
  /// Starts a run (status RUNNING). Returns its info (with the new run id).
  func createRun(_ creation: RunCreation) async throws -> RunInfo
  /// Logs params, metric points and tags. Params are immutable: a different value for an existing key throws.
  func logBatch(runId: String, params: [KeyValue], metrics: [MetricPoint], tags: [KeyValue]) async throws
  /// Records dataset inputs of a run.
  func logInputs(runId: String, datasets: [DatasetInput]) async throws
  /// Uploads a file, or a directory recursively, under `artifactPath` (nil = artifact root) of the run.
  /// A file keeps its name: `model.bin` with artifactPath `model` becomes `model/model.bin`.
  func logArtifact(runId: String, localURL: URL, artifactPath: String?) async throws
  /// Sets a terminal (or any) status and the end time (nil = the store's clock).
  func setTerminated(runId: String, status: RunStatus, endTime: Int64?) async throws
  /// Marks a run deleted (lifecycle `deleted`).
  func deleteRun(runId: String) async throws
  /// The run with params, latest metrics, tags and inputs.
  func getRun(runId: String) async throws -> Run
  /// Active runs of an experiment, newest start time first.
  func searchRuns(experimentId: String) async throws -> [Run]
  /// Every logged point of one metric of a run, in logging order.
  func metricHistory(runId: String, key: String) async throws -> [MetricPoint]
  /// Every active run of the experiment whose tag `key` equals `value`, newest first.
  func findRuns(experimentId: String, tag key: String, value: String) async throws -> [Run]
  /// Artifact entries directly under `path` (nil = root), relative to the artifact root.
  func listArtifacts(runId: String, path: String?) async throws -> [ArtifactEntry]
  /// The bytes of one artifact file (`path` relative to the artifact root, e.g. `model/model.wbm`).
  func readArtifact(runId: String, path: String) async throws -> Data

  // MARK: Registry
  /// The registered model, created when absent.
  func registeredModel(named name: String) async throws -> RegisteredModel
  /// The registered model or nil.
  func findRegisteredModel(named name: String) async throws -> RegisteredModel?
  /// Names of every registered model, sorted.
  func registeredModelNames() async throws -> [String]
  func setRegisteredModelTag(name: String, key: String, value: String) async throws
  /// Registers the run's artifact directory `artifactPath` as a new version (number = max + 1).
  func createModelVersion(name: String, runId: String, artifactPath: String, tags: [KeyValue], description: String)
    async throws -> ModelVersion
  func modelVersion(name: String, version: Int) async throws -> ModelVersion
  /// All versions, ascending by version number.
  func modelVersions(name: String) async throws -> [ModelVersion]
  func setModelVersionTag(name: String, version: Int, key: String, value: String) async throws
  func setAlias(name: String, alias: String, version: Int) async throws
  func deleteAlias(name: String, alias: String) async throws
  /// The version an alias points to, or nil when the alias is not set.
  func modelVersion(name: String, alias: String) async throws -> ModelVersion?
}

extension TrackingStore {
  public func logParams(runId: String, _ params: [KeyValue]) async throws {
    try await logBatch(runId: runId, params: params, metrics: [], tags: [])
  }
  public func logMetrics(runId: String, _ metrics: [MetricPoint]) async throws {
    try await logBatch(runId: runId, params: [], metrics: metrics, tags: [])
  }
  public func setTags(runId: String, _ tags: [KeyValue]) async throws {
    try await logBatch(runId: runId, params: [], metrics: [], tags: tags)
  }
  /// The first (newest) active run of the experiment whose tag `key` equals `value`, or nil.
  public func findRun(experimentId: String, tag key: String, value: String) async throws -> Run? {
    try await findRuns(experimentId: experimentId, tag: key, value: value).first
  }
}

/// Milliseconds since the epoch from the wall clock (stores take an injectable clock for tests).
public let systemMillisecondClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
