import Foundation

/// Every failure of the tracking library, with what went wrong, where, and what to do.
///
/// Messages never contain credentials: URLs are printed without user-info and request headers are never echoed.
public enum TrackingError: Error, Sendable, CustomStringConvertible, Equatable {
  /// A key, name, alias or value breaks MLflow's rules (checked before anything is written or sent).
  case invalidInput(what: String, value: String, rule: String)
  /// Something that should exist does not (experiment, run, model, version, alias).
  case notFound(what: String, hint: String)
  /// A param already holds a different value (MLflow params are immutable).
  case paramConflict(runId: String, key: String, existing: String, attempted: String)
  /// A file in the store could not be read, parsed or written.
  case storeCorrupt(path: String, reason: String)
  /// A file-system operation failed.
  case io(path: String, reason: String)
  /// A file or folder that is created only once (an experiment, a model version) was created by another writer first.
  case alreadyExists(path: String)
  /// The server could not be reached after every retry (connection refused, DNS failure, timeout).
  case unreachable(url: String, attempts: Int, reason: String)
  /// The server answered with an error status after every retry (or with a non-retryable one).
  case server(url: String, status: Int, errorCode: String, message: String)
  /// The server answered 2xx but the body was not what the REST API documents.
  case badResponse(url: String, reason: String)
  /// A registry operation is not possible in the current state (e.g. rollback without a previous champion).
  case registryState(model: String, reason: String)
  /// A run with the same run key is being logged right now by another live process.
  case runInProgress(runId: String, writer: String)

  public var description: String {
    switch self {
    case .invalidInput(let what, let value, let rule):
      return "invalid \(what) \"\(value.prefix(120))\": \(rule)"
    case .notFound(let what, let hint):
      return "\(what) not found; \(hint)"
    case .paramConflict(let runId, let key, let existing, let attempted):
      return "param \"\(key)\" of run \(runId) already holds \"\(existing.prefix(80))\"; "
        + "MLflow params are immutable, cannot change it to \"\(attempted.prefix(80))\" (log it under another key)"
    case .storeCorrupt(let path, let reason):
      return "tracking store file \(path) is malformed: \(reason); fix or remove the file"
    case .alreadyExists(let path):
      return "\(path) already exists (another writer created it first)"
    case .io(let path, let reason):
      return "file operation failed at \(path): \(reason); check the path and its permissions"
    case .unreachable(let url, let attempts, let reason):
      return "tracking server \(url) unreachable after \(attempts) attempt(s): \(reason); "
        + "check MLFLOW_TRACKING_URI and that the server is running (runs can be queued with the resilient store)"
    case .server(let url, let status, let errorCode, let message):
      return "tracking server \(url) answered HTTP \(status) \(errorCode): \(message.prefix(500))"
    case .badResponse(let url, let reason):
      return "unexpected response from \(url): \(reason); is this an MLflow server (REST API 2.0)?"
    case .registryState(let model, let reason):
      return "model registry \"\(model)\": \(reason)"
    case .runInProgress(let runId, let writer):
      return "run \(runId) with the same run key is being logged right now by process \(writer) (host pid start); "
        + "wait for it to finish and run again (if that process is gone, mark the run KILLED or delete it in MLflow)"
    }
  }

  /// True when the failure means "the server could not be reached" (the resilient store then works offline).
  public var isUnreachable: Bool {
    if case .unreachable = self { return true }
    return false
  }
}
