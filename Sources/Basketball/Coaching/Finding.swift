/// A computed figure compared with an explicit reference: a documented threshold or the league average.
public struct Finding: Sendable, Codable, Equatable {
  public enum ReferenceKind: String, Sendable, Codable { case threshold, league }
  public enum Verdict: String, Sendable, Codable { case strength, weakness }

  public var gameID: String
  public var teamNumber: Int
  public var teamName: String
  /// Nil for team findings.
  public var playerName: String?
  /// ``TeamMetric`` raw value or a ``PlayerMetric`` raw value.
  public var metric: String
  public var metricName: String
  /// Display units (percent for percentages).
  public var value: Double
  public var reference: Double
  public var referenceKind: ReferenceKind
  public var verdict: Verdict
  public var isPercent: Bool
  /// |value − reference| divided by the league standard deviation (or the metric's default spread): ranks findings.
  public var gap: Double
  /// The deterministic sentence (language of the report).
  public var text: String
}
