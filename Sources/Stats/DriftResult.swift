/// The outcome of one drift test on one column.
public struct DriftResult: Sendable, Equatable, Codable {
  public var test: DriftTest
  public var score: Double
  public var threshold: Double
  public var drifted: Bool
  /// True when `score` is a p-value (drift when small).
  public var lowerScoreMeansDrift: Bool
  /// Non-missing reference and current values used.
  public var referenceCount: Int
  public var currentCount: Int
  /// Distinct non-missing values over both samples (what Evidently's default selection looks at).
  public var uniqueValues: Int
}
