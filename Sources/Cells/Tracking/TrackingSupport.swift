import Engine
import Foundation
import ProcessRunner
import Tracking
import WorkbookModel

/// Shared plumbing of the `track` and `promote` cells and the `runs`/`sync`/`promote`/`rollback` commands:
/// where the tracking store is, how to open it, how to link to a run, and the git facts of the project.
public enum TrackingSupport {
  /// The tracking settings of a workbook's top-level `tracking:` block (`{uri, experiment}`), both optional.
  /// Cells only see their own options, so workbooks pass these on with params (`uri: ${tracking_uri}`).
  public static func settings(of workbook: Workbook) -> (uri: String?, experiment: String?) {
    guard let block = workbook.tracking else { return (nil, nil) }
    return (block["uri"]?.string, block["experiment"]?.string)
  }

  /// The tracking URI: the explicit value, else `$MLFLOW_TRACKING_URI`, else `<project root>/mlruns`.
  /// A relative folder resolves against the project root; `file:` and `http(s)://` URIs are kept.
  public static func resolveURI(_ explicit: String?, environment: [String: String], projectRoot: URL) -> String {
    let raw = (explicit?.isEmpty == false ? explicit : nil) ?? environment["MLFLOW_TRACKING_URI"].flatMap { $0.isEmpty ? nil : $0 }
    guard let raw else { return projectRoot.appendingPathComponent("mlruns").standardizedFileURL.path }
    if isRemote(raw) || raw.hasPrefix("file:") || raw.hasPrefix("/") { return raw }
    if let colon = raw.firstIndex(of: ":"), raw[..<colon].count > 1 { return raw }  // refused later with a hint
    return projectRoot.appendingPathComponent(raw).standardizedFileURL.path
  }

  /// True for `http://` and `https://` URIs (the REST backend).
  public static func isRemote(_ uri: String) -> Bool {
    let lower = uri.lowercased()
    return lower.hasPrefix("http://") || lower.hasPrefix("https://")
  }

  /// The URI without `user:password@` (safe to print, log or write into outputs).
  public static func redacted(_ uri: String) -> String { RESTConfiguration.redact(uri) }

  /// True when the URI carries credentials (`http://user:pass@host`); workbooks must use the environment instead.
  public static func hasUserInfo(_ uri: String) -> Bool {
    guard isRemote(uri), let url = URL(string: uri) else { return false }
    return url.user != nil || url.password != nil
  }

  /// Where runs go while the server is unreachable: `<state>/offline/mlruns` (queue beside it).
  public static func offlineRoot(stateDirectory: URL) -> URL {
    stateDirectory.appendingPathComponent("offline/mlruns", isDirectory: true)
  }


  /// Opens the store for a resolved URI: a file store for a folder, a resilient REST store (offline fallback in
  /// `offlineRoot`) for http(s) when `offlineRoot` is given, the plain REST store otherwise.
  public static func open(uri: String, environment: [String: String], offlineRoot: URL?) throws -> any TrackingStore {
    try TrackingStoreFactory.open(uri: uri, environment: environment, offlineRoot: isRemote(uri) ? offlineRoot : nil)
  }

  /// The MLflow UI address of a run for a server URI, nil for a file store.
  public static func runURL(uri: String, experimentId: String, runId: String) -> String? {
    guard isRemote(uri) else { return nil }
    var base = redacted(uri)
    while base.hasSuffix("/") { base.removeLast() }
    return "\(base)/#/experiments/\(experimentId)/runs/\(runId)"
  }

  /// How to open a file store in the MLflow UI (MLflow ≥ 3.13 needs the opt-in flag).
  public static func fileStoreHint(root: String) -> String {
    "MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri \(root)"
  }

  /// The file store root a resolved URI names (nil for a server).
  public static func fileRoot(_ uri: String) -> String? {
    if isRemote(uri) { return nil }
    if uri.hasPrefix("file://") { return URL(string: uri)?.path }
    if uri.hasPrefix("file:") { return String(uri.dropFirst(5)) }
    return uri
  }

  /// Git commit and dirty flag of the project root, or nil when it is not a git work tree (or git is missing).
  public static func gitState(of root: URL) -> (commit: String, dirty: Bool)? {
    guard let commit = git(["rev-parse", "HEAD"], in: root), commit.count >= 7 else { return nil }
    guard let status = git(["status", "--porcelain", "--untracked-files=no"], in: root, keepEmpty: true) else { return nil }
    return (commit, !status.isEmpty)
  }

  private static func git(_ arguments: [String], in root: URL, keepEmpty: Bool = false) -> String? {
    guard ChildProcess.resolve("git") != nil,
          let out = try? ChildProcess.run("git", ["-C", root.path] + arguments), out.status == 0, !out.signaled
    else { return nil }
    let text = out.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty && !keepEmpty ? nil : text
  }

  /// The user recorded as `mlflow.user` (`$USER`, else `workbench`).
  public static func user(environment: [String: String]) -> String {
    let u = environment["USER"] ?? environment["LOGNAME"] ?? ""
    return u.isEmpty ? "workbench" : u
  }

  /// A tracking error as text with any credential removed (error texts never carry secrets).
  public static func message(_ error: any Error, environment: [String: String]) -> String {
    var text = Redaction.redact(redacted(String(describing: error)))
    for key in ["MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"] {
      if let secret = environment[key], secret.count >= 3 { text = text.replacingOccurrences(of: secret, with: "***") }
    }
    return text
  }

  /// Metric names that describe the training data (never a promotion criterion).
  public static func isTrainingMetric(_ name: String) -> Bool {
    name.hasPrefix("train_") || name.hasPrefix("train/") || name.hasPrefix("training_") || name.hasPrefix("cv_")
  }

  /// Why a training metric is refused for promotion (PariVision's fault), with what to use instead.
  public static func trainingMetricRefusal(_ name: String) -> (message: String, hint: String) {
    let base = name.split(separator: "_", maxSplits: 1).dropFirst().first.map(String.init) ?? "roc_auc"
    return ("`\(name)` is measured on training data: promoting on it rewards overfitting (the original PariVision "
            + "notebook picked its champion by training accuracy and never looked at held-out data)",
            "use a held-out metric such as `test_\(base)`")
  }

  /// The default direction of a metric: lower is better for losses and errors.
  public static func defaultDirection(for metric: String) -> MetricDirection {
    let lowerBetter = ["log_loss", "brier", "rmse", "mae", "loss", "error"]
    return lowerBetter.contains { metric.hasSuffix($0) } ? .lowerIsBetter : .higherIsBetter
  }
}
