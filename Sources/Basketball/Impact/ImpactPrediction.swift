/// A row's out-of-fold prediction and the per-feature contributions of the final model.
public struct ImpactPrediction: Sendable, Codable, Equatable {
  public var gameID: String
  public var teamKey: String
  public var playerName: String
  public var minutes: Double
  public var actual: Double
  /// Out-of-fold prediction (the row's game was not in the training folds).
  public var expected: Double
  public var residual: Double
  /// β_j · z_ij of the final model (standardised feature times coefficient), in ``ImpactModel/featureNames`` order.
  public var contributions: [Double]
}
