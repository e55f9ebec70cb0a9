/// The test Evidently 0.7 would pick, with its threshold and direction.
public struct DriftTestChoice: Sendable, Equatable, Codable {
  public var test: DriftTest
  public var threshold: Double
  /// True for p-values (drift when the score is below the threshold).
  public var lowerScoreMeansDrift: Bool

  public init(test: DriftTest, threshold: Double? = nil) {
    self.test = test
    self.threshold = threshold ?? test.defaultThreshold
    self.lowerScoreMeansDrift = test.lowerScoreMeansDrift
  }
}

/// Evidently's default stattest (`legacy/calculations/stattests/registry.py::_get_default_stattest`):
///
/// | reference rows (after dropping missing) | numerical, ≤ 5 unique | numerical, > 5 unique | categorical |
/// |---|---|---|---|
/// | ≤ 1000 | χ² if > 2 unique, else z | KS | χ² if > 2 unique, else z |
/// | > 1000 | Jensen–Shannon | normed Wasserstein | Jensen–Shannon |
///
/// `uniqueValues` counts distinct non-missing values over reference and current together.
public func defaultDriftTest(referenceCount: Int, uniqueValues: Int, isCategorical: Bool) -> DriftTestChoice {
  let test: DriftTest
  if referenceCount <= 1000 {
    if !isCategorical && uniqueValues > 5 {
      test = .ks
    } else {
      test = uniqueValues > 2 ? .chisquare : .z
    }
  } else if !isCategorical && uniqueValues > 5 {
    test = .wasserstein
  } else {
    test = .jensenshannon
  }
  return DriftTestChoice(test: test)
}
