import Foundation
import Prometheus

/// The `/metrics` series (Prometheus text format 0.0.4): HTTP requests per handler, method and status, their latency,
/// predictions per model version, a histogram of predicted scores and the served model's info.
public final class ServeMetrics: Sendable {
  public let registry = PrometheusCollectorRegistry()
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

  /// The text exposition.
  public func text() -> [UInt8] { registry.emitToBuffer() }
}
