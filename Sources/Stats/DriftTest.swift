/// The drift tests, named as Evidently names its stattests.
public enum DriftTest: String, Sendable, Codable, CaseIterable {
  /// Two-sample Kolmogorov–Smirnov p-value (numerical only). Drift when p ≤ threshold.
  case ks
  /// χ² goodness of fit of current counts against reference proportions, p-value. Drift when p < threshold.
  case chisquare
  /// Two-proportion z-test p-value (first category in sort order vs the rest). Drift when p < threshold.
  case z
  /// Wasserstein-1 distance divided by max(std(reference), 0.001) (numerical only). Drift when ≥ threshold.
  case wasserstein
  /// Jensen–Shannon distance (natural log) of binned distributions. Drift when ≥ threshold.
  case jensenshannon
  /// Population stability index of binned distributions. Drift when ≥ threshold.
  case psi

  /// Evidently's `default_threshold` for the test.
  public var defaultThreshold: Double {
    switch self {
    case .ks, .chisquare, .z: return 0.05
    case .wasserstein, .jensenshannon, .psi: return 0.1
    }
  }

  /// True when the score is a p-value (small means drift); false for distances (large means drift).
  public var lowerScoreMeansDrift: Bool {
    switch self {
    case .ks, .chisquare, .z: return true
    case .wasserstein, .jensenshannon, .psi: return false
    }
  }

  /// Evidently's verdict rule for this test (note `ks` uses ≤ while `chisquare` and `z` use <).
  public func isDrift(score: Double, threshold: Double) -> Bool {
    switch self {
    case .ks: return score <= threshold
    case .chisquare, .z: return score < threshold
    case .wasserstein, .jensenshannon, .psi: return score >= threshold
    }
  }
}
