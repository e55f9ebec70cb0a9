/// Scores of one model configuration across cross-validation folds.
public struct CrossValidationResult: Sendable, Equatable {
  /// One score per fold, in fold order.
  public var scores: [Double]
  public var mean: Double
  /// Population standard deviation (ddof 0, as sklearn's `cv_results_` `std_test_score`).
  public var standardDeviation: Double

  public init(scores: [Double]) {
    self.scores = scores
    let n = Double(max(scores.count, 1))
    mean = scores.reduce(0, +) / n
    let m = mean
    standardDeviation = (scores.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
  }
}

extension Split {
  /// Runs `fitAndScore(train, test)` on each fold's subsets (in fold order) and collects the scores.
  /// Typical use: folds from ``stratifiedKFold(labels:k:shuffle:seed:)`` on the *training* part only, a closure
  /// that fits a model on `train` and returns e.g. its AUC on `test`.
  public static func crossValidate(
    _ data: Dataset, folds: [IndexSplit], fitAndScore: (_ train: Dataset, _ test: Dataset) throws -> Double
  ) throws -> CrossValidationResult {
    guard !folds.isEmpty else { throw SplitError("no folds to cross-validate; make folds with kFold or stratifiedKFold") }
    var scores: [Double] = []
    for (f, fold) in folds.enumerated() {
      guard fold.train.allSatisfy({ $0 >= 0 && $0 < data.rowCount }), fold.test.allSatisfy({ $0 >= 0 && $0 < data.rowCount }) else {
        throw SplitError("fold \(f) refers to rows outside the \(data.rowCount)-row dataset; make the folds from this dataset")
      }
      scores.append(try fitAndScore(data.subset(fold.train), data.subset(fold.test)))
    }
    return CrossValidationResult(scores: scores)
  }
}
