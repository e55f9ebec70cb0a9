/// The cross-validated result of ``ImpactModel/run(games:folds:lambdas:seed:minimumMinutes:)``.
public struct ImpactModelReport: Sendable, Codable, Equatable {
  public var featureNames: [String]
  public var rows: Int
  public var games: Int
  public var folds: Int
  /// Out-of-fold R² over all rows: 1 − Σ(y − ŷ_oof)² / Σ(y − ȳ)².
  public var crossValidatedR2: Double
  /// R² of each outer test fold (against that fold's own mean).
  public var foldR2: [Double]
  /// λ chosen in each outer fold by inner group k-fold on its training games.
  public var foldLambdas: [Double]
  /// Final model fitted on all rows (λ by group k-fold on all rows); used for contributions only.
  public var finalModel: RidgeRegression
  /// Mean |contribution| per feature (same order as ``featureNames``).
  public var meanAbsoluteContribution: [Double]
  public var predictions: [ImpactPrediction]
  /// Sorted by mean residual, best out-performer first.
  public var players: [PlayerImpactSummary]
  /// Fold of every row (rows in ``predictions`` order).
  public var rowFolds: [Int]
}
