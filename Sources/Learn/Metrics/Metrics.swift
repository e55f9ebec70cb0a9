#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import WorkbenchCore

/// Binary-classification metrics computed exactly as scikit-learn 1.9 computes them (same formulas, same
/// edge-case conventions, numpy's pairwise summation for means), so results agree to the last few ulps.
///
/// Labels are 0/1 Doubles (1 = positive class); `probability` is P(y = 1); predicted labels are 0/1.
public enum Metrics {
  /// The four cells of the binary confusion matrix (sklearn's `confusion_matrix(...).ravel()` order tn, fp, fn, tp).
  public struct ConfusionMatrix: Sendable, Equatable {
    public var trueNegatives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    public var truePositives: Int
    /// `[[tn, fp], [fn, tp]]`: rows are the true class, columns the predicted class.
    public var matrix: [[Int]] { [[trueNegatives, falsePositives], [falseNegatives, truePositives]] }
  }

  /// Predicted labels: 1 where `probability > threshold` (sklearn's `predict` uses 0.5, a tie goes to class 0).
  public static func labels(fromProbabilities probability: [Double], threshold: Double = 0.5) -> [Double] {
    probability.map { $0 > threshold ? 1 : 0 }
  }

  public static func confusionMatrix(truth: [Double], predicted: [Double]) throws(MetricError) -> ConfusionMatrix {
    try checkLabels(truth, name: "true labels")
    try checkLabels(predicted, name: "predicted labels")
    try checkLengths(truth.count, predicted.count)
    var c = ConfusionMatrix(trueNegatives: 0, falsePositives: 0, falseNegatives: 0, truePositives: 0)
    for (t, p) in zip(truth, predicted) {
      switch (t == 1, p == 1) {
      case (false, false): c.trueNegatives += 1
      case (false, true): c.falsePositives += 1
      case (true, false): c.falseNegatives += 1
      case (true, true): c.truePositives += 1
      }
    }
    return c
  }

  /// Fraction of rows where the predicted label equals the true label.
  public static func accuracy(truth: [Double], predicted: [Double]) throws(MetricError) -> Double {
    let c = try confusionMatrix(truth: truth, predicted: predicted)
    return Double(c.truePositives + c.trueNegatives) / Double(truth.count)
  }

  /// tp / (tp + fp); `zeroDivision` (sklearn's default "warn" behaves as 0) when nothing is predicted positive.
  public static func precision(truth: [Double], predicted: [Double], zeroDivision: Double = 0) throws(MetricError) -> Double {
    let c = try confusionMatrix(truth: truth, predicted: predicted)
    let denominator = c.truePositives + c.falsePositives
    return denominator == 0 ? zeroDivision : Double(c.truePositives) / Double(denominator)
  }

  /// tp / (tp + fn); `zeroDivision` when there is no positive row.
  public static func recall(truth: [Double], predicted: [Double], zeroDivision: Double = 0) throws(MetricError) -> Double {
    let c = try confusionMatrix(truth: truth, predicted: predicted)
    let denominator = c.truePositives + c.falseNegatives
    return denominator == 0 ? zeroDivision : Double(c.truePositives) / Double(denominator)
  }

  /// 2·tp / (2·tp + fp + fn) (sklearn ≥ 1.3 form); `zeroDivision` when tp + fp + fn = 0.
  public static func f1(truth: [Double], predicted: [Double], zeroDivision: Double = 0) throws(MetricError) -> Double {
    let c = try confusionMatrix(truth: truth, predicted: predicted)
    let denominator = Double(c.truePositives + c.falseNegatives) + Double(c.truePositives + c.falsePositives)
    return denominator == 0 ? zeroDivision : 2 * Double(c.truePositives) / denominator
  }

  /// Mean negative log-likelihood with probabilities clipped to [ε, 1 − ε], ε = 2⁻⁵² (float64 machine epsilon,
  /// sklearn ≥ 1.5): row loss −log(clip(p)) for y = 1 and −log(clip(1 − p)) for y = 0.
  public static func logLoss(truth: [Double], probability: [Double]) throws(MetricError) -> Double {
    try checkProbabilities(truth, probability)
    let eps = Double.ulpOfOne
    let losses = zip(truth, probability).map { y, p -> Double in
      let q = min(max(y == 1 ? p : 1 - p, eps), 1 - eps)
      return -log(q)
    }
    return pairwiseSum(losses) / Double(losses.count)
  }

  /// Mean squared difference between the 0/1 label and the probability (sklearn computes it on the two-column
  /// one-hot form and halves it; reproduced term by term).
  public static func brierScore(truth: [Double], probability: [Double]) throws(MetricError) -> Double {
    try checkProbabilities(truth, probability)
    let terms = zip(truth, probability).map { y, p -> Double in
      let a = (1 - y) - (1 - p), b = y - p
      return a * a + b * b
    }
    return pairwiseSum(terms) / Double(terms.count) * 0.5
  }

  /// Area under the ROC curve by the trapezoidal rule over the curve of distinct thresholds (tied scores form one
  /// step, i.e. count as half-concordant). NaN when only one class is present, as in sklearn.
  public static func rocAUC(truth: [Double], score: [Double]) throws(MetricError) -> Double {
    let curve = try rocCurve(truth: truth, score: score)
    guard curve.falsePositiveRate.last.map({ !$0.isNaN }) == true,
          curve.truePositiveRate.last.map({ !$0.isNaN }) == true else { return .nan }
    return trapezoid(y: curve.truePositiveRate, x: curve.falsePositiveRate)
  }

  /// Average precision (sklearn `average_precision_score`): Σₙ (Rₙ − Rₙ₋₁)·Pₙ over thresholds, no interpolation.
  public static func averagePrecision(truth: [Double], score: [Double]) throws(MetricError) -> Double {
    let curve = try precisionRecallCurve(truth: truth, score: score)
    let r = curve.recall, p = curve.precision
    var terms: [Double] = []
    terms.reserveCapacity(max(r.count - 1, 0))
    for i in 0..<(r.count - 1) { terms.append((r[i + 1] - r[i]) * p[i]) }
    return max(0, -pairwiseSum(terms))
  }

  // MARK: input checks

  static func checkLengths(_ a: Int, _ b: Int) throws(MetricError) {
    guard a == b else { throw MetricError("true labels (\(a) values) and predictions (\(b) values) differ in length") }
    guard a > 0 else { throw MetricError("no rows to evaluate; check the test split") }
  }

  static func checkLabels(_ labels: [Double], name: String) throws(MetricError) {
    if let i = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
      throw MetricError("\(name) must be 0/1, found \(labels[i]) at row \(i)")
    }
  }

  static func checkProbabilities(_ truth: [Double], _ probability: [Double]) throws(MetricError) {
    try checkLabels(truth, name: "true labels")
    try checkLengths(truth.count, probability.count)
    if let i = probability.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
      throw MetricError("probability at row \(i) is \(probability[i]); probabilities must lie in [0, 1]")
    }
  }

  static func checkScores(_ truth: [Double], _ score: [Double]) throws(MetricError) {
    try checkLabels(truth, name: "true labels")
    try checkLengths(truth.count, score.count)
    if let i = score.firstIndex(where: { !$0.isFinite }) {
      throw MetricError("score at row \(i) is \(score[i]); scores must be finite")
    }
  }

  // MARK: numerics shared with numpy

  /// numpy's summation of a contiguous float64 array: pairwise, with 8 accumulators in leaves of ≤ 128 values
  /// (checked bit-for-bit against `np.sum`); the one implementation is WorkbenchCore's `PairwiseSum`.
  public static func pairwiseSum(_ values: [Double]) -> Double { PairwiseSum.sum(values) }

  /// scipy's `trapezoid`: Σ Δx·(yᵢ + yᵢ₊₁)/2, with the sign making the area positive for a monotone x.
  static func trapezoid(y: [Double], x: [Double]) -> Double {
    guard x.count >= 2 else { return .nan }
    var terms: [Double] = []
    terms.reserveCapacity(x.count - 1)
    var decreasing = true
    for i in 0..<(x.count - 1) {
      let dx = x[i + 1] - x[i]
      if dx > 0 { decreasing = false }
      terms.append(dx * (y[i + 1] + y[i]) / 2.0)
    }
    let anyNegative = zip(x.dropFirst(), x).contains { $0 - $1 < 0 }
    let area = pairwiseSum(terms)
    return anyNegative && decreasing ? -area : area
  }
}
