/// The statistic and p-value of `KolmogorovSmirnov.test`.
public struct KolmogorovSmirnovResult: Sendable, Equatable, Codable {
  /// D = sup |F₁ − F₂| (in exact mode rounded to a multiple of 1/lcm(n₁, n₂), as scipy reports it).
  public var statistic: Double
  public var pValue: Double
  /// True when the exact distribution was used.
  public var exact: Bool
}
