import Foundation
import WorkbenchCore

/// Whether a larger or a smaller value of the held-out metric is better.
public enum MetricDirection: String, Sendable, Codable {
  case higherIsBetter = "higher"
  case lowerIsBetter = "lower"
}

/// The promotion rule: compare challenger and champion on one **held-out** metric (e.g. `test_auc`, never a
/// training score), requiring an improvement strictly larger than `margin`.
public struct PromotionRule: Sendable, Equatable, Codable {
  public var metric: String
  public var direction: MetricDirection
  /// Minimum improvement (≥ 0, same unit as the metric). Ties never promote.
  public var margin: Double

  public init(metric: String, direction: MetricDirection = .higherIsBetter, margin: Double = 0) throws {
    try KeyValidation.validateKey(metric, kind: "metric")
    guard margin.isFinite, margin >= 0 else {
      throw TrackingError.invalidInput(what: "promotion margin", value: "\(margin)", rule: "a finite number >= 0")
    }
    self.metric = metric
    self.direction = direction
    self.margin = margin
  }
}

/// The outcome of a champion/challenger comparison, with both figures.
public struct PromotionDecision: Sendable, Equatable, Codable {
  public var promote: Bool
  public var metric: String
  public var direction: MetricDirection
  public var margin: Double
  public var challengerValue: Double
  /// nil when there is no champion yet.
  public var championValue: Double?
  /// challenger − champion for higher-is-better, champion − challenger for lower-is-better (positive = better).
  public var improvement: Double?
  public var reason: String
}

/// The held-out data a run's test metrics were measured on: its MLflow dataset input with context `testing`
/// (name, content digest, source), logged by the `track` cell.
public struct HeldOutData: Sendable, Equatable {
  public var name: String
  public var digest: String
  public var source: String

  public init(name: String, digest: String, source: String) {
    self.name = name
    self.digest = digest
    self.source = source
  }

  /// The `mlflow.data.context` value of held-out inputs.
  public static let context = "testing"

  /// The run's held-out data, or nil when it recorded none.
  public init?(of run: Run) {
    guard let d = run.inputs.first(where: { $0.tags.contains(KeyValue(SystemTags.datasetContext, Self.context)) }) else { return nil }
    self.init(name: d.name, digest: d.digest, source: d.source)
  }

  /// `split.test (digest 1a2b…, workbench://parivision/split.test)`: the source's `uri` when it has one.
  public var description: String {
    let uri = (try? JSONValue.parse(Array(source.utf8)))?["uri"]?.stringValue
    return "\(name) (digest \(digest), \(uri ?? source))"
  }
}

/// Pure decision function for promotion.
public enum ChampionChallenger {
  /// Promote when there is no (valid) champion, or when the challenger improves on it by more than `margin`.
  /// A NaN or infinite challenger never promotes.
  public static func decide(challenger: Double, champion: Double?, rule: PromotionRule) -> PromotionDecision {
    func decision(_ promote: Bool, _ improvement: Double?, _ reason: String) -> PromotionDecision {
      PromotionDecision(
        promote: promote, metric: rule.metric, direction: rule.direction, margin: rule.margin,
        challengerValue: challenger, championValue: champion, improvement: improvement, reason: reason)
    }
    guard challenger.isFinite else {
      return decision(false, nil, "challenger \(rule.metric) is \(challenger), not a finite number")
    }
    guard let champion, champion.isFinite else {
      return decision(true, nil, "no champion with a finite \(rule.metric): the challenger becomes champion")
    }
    let improvement = rule.direction == .higherIsBetter ? challenger - champion : champion - challenger
    let better = rule.direction == .higherIsBetter ? "higher" : "lower"
    if improvement > rule.margin {
      return decision(
        true, improvement,
        "challenger \(rule.metric) \(challenger) beats champion \(champion) (\(better) is better) by \(improvement) > margin \(rule.margin)"
      )
    }
    return decision(
      false, improvement,
      "challenger \(rule.metric) \(challenger) does not beat champion \(champion) (\(better) is better) by more than margin \(rule.margin)"
    )
  }
}
