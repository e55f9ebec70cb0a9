import Engine
import Foundation
import Frame
import Learn
import WorkbookModel

/// Performance drift for the drift cell: a model's metrics on the reference rows vs the current rows (labels in
/// both), and whether any metric dropped by more than the tolerated amount.
enum DriftPerformance {
  static let metricNames = ["roc_auc", "accuracy", "log_loss"]

  struct MetricDrift {
    var name: String
    var reference: Double
    var current: Double
    /// Positive = worse on the current rows (for log_loss: current − reference, else reference − current).
    var drop: Double
    var dropped: Bool
  }

  /// Labels (0/1) and scores of a table, rows with a missing label or score dropped.
  static func labelsAndScores(_ frame: Frame, target: String, score: String, which: String,
                              at location: SourceLocation) throws -> (truth: [Double], score: [Double]) {
    guard let t = frame.column(named: target) else {
      throw CellError("the \(which) table has no target column `\(target)`", at: location,
                      hint: Suggest.hint(for: target, in: frame.columnNames) ?? "performance drift needs labels in both tables")
    }
    guard let s = frame.column(named: score) else {
      throw CellError("the \(which) table has no score column `\(score)`", at: location,
                      hint: Suggest.hint(for: score, in: frame.columnNames) ?? "score both tables with a `predict` cell (it adds `score`)")
    }
    guard t.type != .string, s.type != .string else {
      throw CellError("performance drift needs a 0/1 target and a numeric score; `\(target)` or `\(score)` holds text", at: location)
    }
    let tv = DriftColumns.numbers(t), sv = DriftColumns.numbers(s)
    var truth: [Double] = [], scores: [Double] = []
    truth.reserveCapacity(tv.count)
    scores.reserveCapacity(sv.count)
    for i in 0..<tv.count where tv[i].isFinite && sv[i].isFinite {
      guard tv[i] == 0 || tv[i] == 1 else {
        throw CellError("target `\(target)` of the \(which) table holds \(formatFloat(tv[i], integralWithoutPoint: true)) at row \(i + 1); performance drift needs 0/1 labels", at: location)
      }
      truth.append(tv[i])
      scores.append(sv[i])
    }
    return (truth, scores)
  }

  static func metric(_ name: String, truth: [Double], score: [Double], threshold: Double) throws -> Double {
    do {
      switch name {
      case "roc_auc": return try Metrics.rocAUC(truth: truth, score: score)
      case "accuracy": return try Metrics.accuracy(truth: truth, predicted: score.map { $0 > threshold ? 1 : 0 })
      default: return try Metrics.logLoss(truth: truth, probability: score)
      }
    } catch {
      throw CellError("performance metric `\(name)`: \(error)", hint: "both tables need labels of both classes and probabilities in [0, 1]")
    }
  }

  static func compare(metrics: [String], reference: (truth: [Double], score: [Double]), current: (truth: [Double], score: [Double]),
                      tolerated: Double, threshold: Double) throws -> [MetricDrift] {
    try metrics.map { name in
      let r = try metric(name, truth: reference.truth, score: reference.score, threshold: threshold)
      let c = try metric(name, truth: current.truth, score: current.score, threshold: threshold)
      let drop = name == "log_loss" ? c - r : r - c
      return MetricDrift(name: name, reference: r, current: c, drop: drop, dropped: drop > tolerated)
    }
  }
}
