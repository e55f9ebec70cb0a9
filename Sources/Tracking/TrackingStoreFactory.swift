import Foundation

/// Picks the backend from a tracking URI, the way MLflow does.
public enum TrackingStoreFactory {
  /// * `http(s)://…` (argument, else `MLFLOW_TRACKING_URI`): a `ResilientTrackingStore` over the REST API, falling
  ///   back to the file store at `offlineRoot` with its queue at `<offlineRoot>/../tracking-queue.json` —
  ///   or the bare `RESTTrackingStore` when `offlineRoot` is nil.
  /// * `file:///abs/mlruns`, `file:./mlruns`, a plain path, or nothing: a `FileTrackingStore` there (default `./mlruns`).
  /// * anything else (`sqlite:`, `databricks`…) is refused with a hint.
  public static func open(
    uri: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
    defaultRoot: URL = URL(fileURLWithPath: "mlruns"), offlineRoot: URL? = nil
  ) throws -> any TrackingStore {
    let resolved = uri ?? environment["MLFLOW_TRACKING_URI"]
    if let rest = try RESTConfiguration.fromEnvironment(environment, uri: resolved) {
      let remote = RESTTrackingStore(configuration: rest)
      guard let offlineRoot else { return remote }
      let local = try FileTrackingStore(root: offlineRoot)
      return try ResilientTrackingStore(
        remote: remote, local: local,
        queueURL: offlineRoot.deletingLastPathComponent().appendingPathComponent("tracking-queue.json"))
    }
    guard let resolved, !resolved.isEmpty else { return try FileTrackingStore(root: defaultRoot) }
    if resolved.hasPrefix("file://") {
      guard let url = URL(string: resolved), url.isFileURL, url.user == nil, [nil, "", "localhost"].contains(url.host) else {
        throw TrackingError.invalidInput(
          what: "tracking URI", value: RESTConfiguration.redact(resolved), rule: "use file:///absolute/path")
      }
      return try FileTrackingStore(root: url)
    }
    if resolved.hasPrefix("file:") { return try FileTrackingStore(root: URL(fileURLWithPath: String(resolved.dropFirst(5)))) }
    if let colon = resolved.firstIndex(of: ":"), resolved[..<colon].count > 1, !resolved.hasPrefix("/") {
      throw TrackingError.invalidInput(
        what: "tracking URI", value: RESTConfiguration.redact(resolved),
        rule: "supported: a folder (file store, e.g. ./mlruns or file:///abs/mlruns) or http(s)://host:port of an "
          + "`mlflow server`; for SQLite run `mlflow server --backend-store-uri sqlite:///mlflow.db` and point here")
    }
    return try FileTrackingStore(root: URL(fileURLWithPath: resolved))
  }
}
