import Foundation

/// MLflow run status. The file store writes the integer code, the REST API the string.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
  case running = "RUNNING", scheduled = "SCHEDULED", finished = "FINISHED", failed = "FAILED", killed = "KILLED"

  /// The integer stored in a file-store `meta.yaml` (`RunStatus` protobuf enum).
  public var fileStoreCode: Int {
    switch self {
    case .running: 1
    case .scheduled: 2
    case .finished: 3
    case .failed: 4
    case .killed: 5
    }
  }

  public init?(fileStoreCode: Int) {
    guard let s = RunStatus.allCases.first(where: { $0.fileStoreCode == fileStoreCode }) else { return nil }
    self = s
  }

  /// FINISHED, FAILED and KILLED end a run.
  public var isTerminal: Bool { self == .finished || self == .failed || self == .killed }
}

/// An experiment: MLflow's container of runs.
public struct Experiment: Sendable, Equatable, Codable {
  public var experimentId: String
  public var name: String
  public var artifactLocation: String
  public var lifecycleStage: String
  public init(experimentId: String, name: String, artifactLocation: String, lifecycleStage: String = "active") {
    self.experimentId = experimentId
    self.name = name
    self.artifactLocation = artifactLocation
    self.lifecycleStage = lifecycleStage
  }
}

/// A string key/value pair (param or tag).
public struct KeyValue: Sendable, Equatable, Hashable, Codable {
  public var key: String
  public var value: String
  public init(_ key: String, _ value: String) {
    self.key = key
    self.value = value
  }
}

/// One logged metric point. `timestamp` is integer milliseconds since the epoch, `step` an integer.
public struct MetricPoint: Sendable, Equatable, Codable {
  public var key: String
  public var value: Double
  public var timestamp: Int64
  public var step: Int64
  public init(key: String, value: Double, timestamp: Int64, step: Int64 = 0) {
    self.key = key
    self.value = value
    self.timestamp = timestamp
    self.step = step
  }

  /// Equality treating NaN as equal to NaN (metric histories may hold NaN).
  public static func == (a: MetricPoint, b: MetricPoint) -> Bool {
    a.key == b.key && a.timestamp == b.timestamp && a.step == b.step
      && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
  }
}

/// A dataset used by a run (MLflow "run input"): name + digest identify it.
public struct DatasetInput: Sendable, Equatable, Codable {
  public var name: String
  /// At most 36 characters (MLflow limit), e.g. the first 16 hex digits of a SHA-256.
  public var digest: String
  public var sourceType: String
  /// JSON text describing the source, e.g. `{"uri": "data/shots.csv"}`.
  public var source: String
  /// Optional JSON text, e.g. `{"num_rows": 1200}`.
  public var profile: String?
  /// Optional JSON text describing the columns.
  public var schema: String?
  /// Input tags, typically `mlflow.data.context` = `training` / `validation` / `test`.
  public var tags: [KeyValue]

  public init(
    name: String, digest: String, sourceType: String = "local", source: String, profile: String? = nil,
    schema: String? = nil, tags: [KeyValue] = []
  ) {
    self.name = name
    self.digest = digest
    self.sourceType = sourceType
    self.source = source
    self.profile = profile
    self.schema = schema
    self.tags = tags
  }
}

/// What is needed to start a run.
public struct RunCreation: Sendable, Equatable {
  public var experimentId: String
  public var runName: String
  public var userId: String
  /// Milliseconds since the epoch; `nil` = the store's clock.
  public var startTime: Int64?
  /// Parent run id for nested runs (sweep trials); written as tag `mlflow.parentRunId`.
  public var parentRunId: String?
  /// Initial tags (`mlflow.runName` and `mlflow.user` are added automatically).
  public var tags: [KeyValue]

  public init(
    experimentId: String, runName: String, userId: String = "workbench", startTime: Int64? = nil,
    parentRunId: String? = nil, tags: [KeyValue] = []
  ) {
    self.experimentId = experimentId
    self.runName = runName
    self.userId = userId
    self.startTime = startTime
    self.parentRunId = parentRunId
    self.tags = tags
  }
}

/// Run metadata (MLflow `RunInfo`).
public struct RunInfo: Sendable, Equatable, Codable {
  public var runId: String
  public var experimentId: String
  public var runName: String
  public var userId: String
  public var status: RunStatus
  public var startTime: Int64
  public var endTime: Int64?
  public var artifactURI: String
  public var lifecycleStage: String
}

/// A run with its data: params, latest metric values, tags and dataset inputs.
public struct Run: Sendable, Equatable {
  public var info: RunInfo
  public var params: [String: String]
  /// Latest value per metric key (MLflow rule: the point with the largest (step, timestamp, value)).
  public var metrics: [String: Double]
  public var tags: [String: String]
  public var inputs: [DatasetInput]

  public var runId: String { info.runId }
  public var parentRunId: String? { tags[SystemTags.parentRunId] }
}

/// One entry of an artifact listing; `path` is relative to the run's artifact root.
public struct ArtifactEntry: Sendable, Equatable, Codable {
  public var path: String
  public var isDirectory: Bool
  public var fileSize: Int64?
  public init(path: String, isDirectory: Bool, fileSize: Int64?) {
    self.path = path
    self.isDirectory = isDirectory
    self.fileSize = fileSize
  }
}

/// Tag keys MLflow and Workbench give a meaning to.
public enum SystemTags {
  public static let runName = "mlflow.runName"
  public static let user = "mlflow.user"
  public static let sourceName = "mlflow.source.name"
  public static let sourceType = "mlflow.source.type"
  public static let gitCommit = "mlflow.source.git.commit"
  public static let parentRunId = "mlflow.parentRunId"
  public static let note = "mlflow.note.content"
  public static let datasetContext = "mlflow.data.context"
  /// Stable identity of a run across offline replay (see `ResilientTrackingStore`).
  public static let runKey = "workbench.run_key"
  /// The process logging a run (`host pid start`, see `ProcessIdentity`): tells an interrupted run from one in progress.
  public static let writer = "workbench.writer"
  /// Ids of unfinished runs with the same run key that this run replaced (comma-separated).
  public static let replaces = "workbench.replaces"
  /// Set last when an offline run has been fully replayed to the server.
  public static let replayComplete = "workbench.replay_complete"
}
