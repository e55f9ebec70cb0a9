import Cells
import Foundation
import Prometheus
import Synchronization

/// The `/metrics` series (Prometheus text format 0.0.4): HTTP requests per handler, method and status, their latency,
/// predictions per model version, a histogram of predicted scores, the served model's info and the latest drift
/// check over served traffic.
public final class ServeMetrics: Sendable {
  public let registry = PrometheusCollectorRegistry()
  /// The drift gauges of the version last checked (unregistered when another version is checked or swapped in).
  private let driftGauges = Mutex<[Gauge]>([])
  static let latencyBuckets: [Duration] = [
    .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
    .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
    .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
  ]
  static let scoreBuckets: [Double] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]

  public init() {}

  /// One handled request.
  public func request(handler: String, method: String, status: Int, duration: Duration) {
    registry.makeCounter(
      descriptor: .init(metricName: "http_requests", unitName: "total", helpText: "HTTP requests by handler, method and status code."),
      labels: [("handler", handler), ("method", method), ("status", String(status))]
    ).increment()
    registry.makeDurationHistogram(
      descriptor: .init(metricName: "http_request_duration", unitName: "seconds", helpText: "Time to answer an HTTP request, by handler and method."),
      labels: [("handler", handler), ("method", method)], buckets: Self.latencyBuckets
    ).record(duration)
  }

  /// Rows scored by one model version, and their predicted scores (classifiers: P(1)).
  public func predictions(_ scores: [Double], model: LoadedModel) {
    let labels = [("model", model.name), ("version", String(model.version))]
    registry.makeCounter(
      descriptor: .init(namespace: "workbench", metricName: "predictions", unitName: "total", helpText: "Rows scored, by registered model and version."),
      labels: labels
    ).increment(by: Int64(scores.count))
    guard model.model.isClassifier else { return }
    let histogram = registry.makeValueHistogram(
      descriptor: .init(namespace: "workbench", metricName: "predicted_score", unitName: "", helpText: "Predicted probability of class 1, by registered model and version."),
      labels: labels, buckets: Self.scoreBuckets)
    for s in scores where s.isFinite { histogram.record(s) }
  }

  /// Scored rows committed to the request log.
  public func requestLogCommitted(rows: Int) {
    registry.makeCounter(
      descriptor: .init(namespace: "workbench", metricName: "request_log_rows", unitName: "total", helpText: "Scored rows committed to the request log."),
      labels: []
    ).increment(by: Int64(rows))
  }

  /// Scored rows the request log could not store (the answer was still sent).
  public func requestLogFailure(rows: Int) {
    registry.makeCounter(
      descriptor: .init(namespace: "workbench", metricName: "request_log_failed_rows", unitName: "total", helpText: "Scored rows that could not be appended to the request log."),
      labels: []
    ).increment(by: Int64(rows))
  }

  /// `workbench_model_info{…} 1` for the served model (0 for one swapped out), and the time it was loaded.
  public func modelLoaded(_ model: LoadedModel, replacing old: LoadedModel?) {
    if let old { info(old).set(to: 0.0) }
    info(model).set(to: 1.0)
    registry.makeGauge(
      descriptor: .init(namespace: "workbench", metricName: "model_loaded_timestamp", unitName: "seconds", helpText: "When the served model version was loaded (Unix time)."),
      labels: [("model", model.name)]
    ).set(to: model.loadedAt)
  }

  private func info(_ model: LoadedModel) -> Gauge {
    registry.makeGauge(
      descriptor: .init(namespace: "workbench", metricName: "model", unitName: "info", helpText: "The served model: 1 for the version in service, 0 for one replaced."),
      labels: [("model", model.name), ("version", String(model.version)), ("run_id", model.runId),
               ("flavor", model.model.family), ("cache_key", model.cacheKey ?? "")])
  }

  /// Publishes the latest drift check over served traffic for `model`: the dataset verdict, the window, and per
  /// feature the test's score, its verdict and the window's mean (numerical features). Replaces the series of the
  /// previous check (so a feature or version no longer checked disappears).
  public func driftChecked(_ verdict: DatasetDrift.Verdict, windowRows: Int, windowMeans: [String: Double], model: LoadedModel, at time: Double) {
    let labels = [("model", model.name), ("version", String(model.version))]
    func gauge(_ name: String, _ unit: String, _ help: String, _ extra: [(String, String)] = []) -> Gauge {
      registry.makeGauge(descriptor: .init(namespace: "workbench", metricName: name, unitName: unit, helpText: help), labels: labels + extra)
    }
    var made: [(Gauge, Double)] = [
      (gauge("drift_detected", "", "1 when the latest drift check over served traffic found dataset drift (the drift cell's rule), else 0."),
       verdict.datasetDrift ? 1 : 0),
      (gauge("drift_share", "", "Share of the tested features that drifted in the latest check over served traffic."), verdict.share),
      (gauge("drift_share_threshold", "", "Share of drifted features at or above which the dataset has drifted."), verdict.driftShareThreshold),
      (gauge("drift_tested_features", "", "Features with enough values in both tables to be tested in the latest check."), Double(verdict.testedColumns)),
      (gauge("drift_window_rows", "", "Served rows in the window of the latest drift check."), Double(windowRows)),
      (gauge("drift_check_timestamp", "seconds", "When the latest drift check over served traffic ran (Unix time)."), time),
    ]
    for f in verdict.features {
      let feature = [("feature", f.name)]
      made.append((gauge("feature_drift_detected", "", "1 when the feature drifted in the latest check over served traffic, else 0 (also 0 when untested).", feature),
                   f.drifted ? 1 : 0))
      if let test = f.test, let score = f.score {
        made.append((gauge("feature_drift_score", "", "The feature's drift test score (p-value or distance; see the test label) in the latest check.",
                           feature + [("test", test)]), score))
      }
      if let mean = windowMeans[f.name] {
        made.append((gauge("feature_window_mean", "", "Mean of the feature over the served rows of the latest drift check.", feature), mean))
      }
    }
    driftGauges.withLock { gauges in
      let kept = Set(made.map { ObjectIdentifier($0.0) })
      for old in gauges where !kept.contains(ObjectIdentifier(old)) { registry.unregisterGauge(old) }
      gauges = made.map(\.0)
    }
    for (g, value) in made { g.set(to: value) }
  }

  /// Removes the drift series (a new version is in service: its first check will publish its own).
  public func driftReset() {
    driftGauges.withLock { gauges in
      for g in gauges { registry.unregisterGauge(g) }
      gauges = []
    }
  }

  /// The text exposition.
  public func text() -> [UInt8] { registry.emitToBuffer() }
}
