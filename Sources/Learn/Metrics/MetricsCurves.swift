/// ROC and precision–recall curve points (for plots and the areas under them), and the calibration table.
extension Metrics {
  /// sklearn `roc_curve(drop_intermediate=True)`: a first point (0, 0) at threshold +∞, then one point per
  /// distinct score (descending), keeping only the corners of the curve.
  public struct ROCCurve: Sendable, Equatable {
    public var falsePositiveRate: [Double]
    public var truePositiveRate: [Double]
    public var thresholds: [Double]
  }

  /// sklearn `precision_recall_curve`: points by increasing threshold (recall decreasing), ending with
  /// precision 1, recall 0 (which has no threshold, so `thresholds` has one element fewer).
  public struct PrecisionRecallCurve: Sendable, Equatable {
    public var precision: [Double]
    public var recall: [Double]
    public var thresholds: [Double]
  }

  /// One bin of a reliability diagram (sklearn `calibration_curve(strategy="uniform")` plus the counts).
  public struct CalibrationBin: Sendable, Equatable {
    /// Bin edges; a probability p falls in the bin with `lower < p ≤ upper` (the first bin also takes 0).
    public var lower: Double
    public var upper: Double
    public var count: Int
    /// Mean predicted probability in the bin (NaN when empty): sklearn's `prob_pred`.
    public var meanPredicted: Double
    /// Fraction of positives in the bin (NaN when empty): sklearn's `prob_true`.
    public var fractionPositive: Double
  }

  /// Cumulative false and true positives at each distinct score, scores descending (sklearn `_binary_clf_curve`).
  static func thresholdCounts(truth: [Double], score: [Double]) throws(MetricError) -> (fps: [Double], tps: [Double], thresholds: [Double]) {
    try checkScores(truth, score)
    // Stable ascending sort, then reversed: the same order as numpy's argsort(kind="mergesort")[::-1].
    let ascending = score.indices.sorted { score[$0] < score[$1] || (score[$0] == score[$1] && $0 < $1) }
    let order = Array(ascending.reversed())
    var fps: [Double] = [], tps: [Double] = [], thresholds: [Double] = []
    var positives = 0.0
    for (rank, i) in order.enumerated() {
      positives += truth[i]
      let isLast = rank == order.count - 1
      if isLast || score[order[rank + 1]] != score[i] {
        tps.append(positives)
        fps.append(Double(rank + 1) - positives)
        thresholds.append(score[i])
      }
    }
    return (fps, tps, thresholds)
  }

  public static func rocCurve(truth: [Double], score: [Double], dropIntermediate: Bool = true) throws(MetricError) -> ROCCurve {
    var (fps, tps, thresholds) = try thresholdCounts(truth: truth, score: score)
    if dropIntermediate && fps.count > 2 {
      var keep: [Int] = [0]
      for i in 1..<(fps.count - 1) {
        let secondFps = fps[i + 1] - 2 * fps[i] + fps[i - 1]
        let secondTps = tps[i + 1] - 2 * tps[i] + tps[i - 1]
        if secondFps != 0 || secondTps != 0 { keep.append(i) }
      }
      keep.append(fps.count - 1)
      fps = keep.map { fps[$0] }; tps = keep.map { tps[$0] }; thresholds = keep.map { thresholds[$0] }
    }
    fps.insert(0, at: 0); tps.insert(0, at: 0); thresholds.insert(.infinity, at: 0)
    let totalNegatives = fps[fps.count - 1], totalPositives = tps[tps.count - 1]
    let fpr = totalNegatives <= 0 ? fps.map { _ in Double.nan } : fps.map { $0 / totalNegatives }
    let tpr = totalPositives <= 0 ? tps.map { _ in Double.nan } : tps.map { $0 / totalPositives }
    return ROCCurve(falsePositiveRate: fpr, truePositiveRate: tpr, thresholds: thresholds)
  }

  public static func precisionRecallCurve(truth: [Double], score: [Double]) throws(MetricError) -> PrecisionRecallCurve {
    let (fps, tps, thresholds) = try thresholdCounts(truth: truth, score: score)
    let totalPositives = tps[tps.count - 1]
    var precision: [Double] = [], recall: [Double] = []
    for i in stride(from: fps.count - 1, through: 0, by: -1) {
      let predictedPositive = tps[i] + fps[i]
      precision.append(predictedPositive != 0 ? tps[i] / predictedPositive : 0)
      recall.append(totalPositives == 0 ? 1 : tps[i] / totalPositives)
    }
    precision.append(1)
    recall.append(0)
    return PrecisionRecallCurve(precision: precision, recall: recall, thresholds: thresholds.reversed())
  }

  /// `binCount` uniform bins over [0, 1] with numpy's `linspace` edges; empty bins are kept (count 0).
  /// sklearn's `calibration_curve` returns `(fractionPositive, meanPredicted)` of the non-empty bins.
  public static func calibration(truth: [Double], probability: [Double], binCount: Int = 10) throws(MetricError) -> [CalibrationBin] {
    guard binCount >= 1 else { throw MetricError("calibration needs at least one bin, got \(binCount)") }
    try checkProbabilities(truth, probability)
    let step = 1.0 / Double(binCount)
    var edges = (0...binCount).map { Double($0) * step }
    edges[binCount] = 1
    var sums = [Double](repeating: 0, count: binCount)
    var positives = [Double](repeating: 0, count: binCount)
    var counts = [Int](repeating: 0, count: binCount)
    for (y, p) in zip(truth, probability) {
      // numpy searchsorted(edges[1:-1], p, side="left"): the number of inner edges strictly below p.
      var lo = 0, hi = binCount - 1
      while lo < hi {
        let mid = (lo + hi) / 2
        if edges[mid + 1] < p { lo = mid + 1 } else { hi = mid }
      }
      sums[lo] += p
      positives[lo] += y
      counts[lo] += 1
    }
    return (0..<binCount).map { b in
      let c = Double(counts[b])
      return CalibrationBin(
        lower: edges[b], upper: edges[b + 1], count: counts[b],
        meanPredicted: counts[b] == 0 ? .nan : sums[b] / c,
        fractionPositive: counts[b] == 0 ? .nan : positives[b] / c)
    }
  }
}
