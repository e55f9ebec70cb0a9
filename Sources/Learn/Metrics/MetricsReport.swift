/// Every binary-classification metric for one set of predictions, computed in one call (for result tables).
extension Metrics {
  public struct BinaryReport: Sendable, Equatable {
    public var rows: Int
    public var threshold: Double
    public var accuracy: Double
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var rocAUC: Double
    public var averagePrecision: Double
    public var logLoss: Double
    public var brierScore: Double
    public var confusion: ConfusionMatrix
    /// Uniform bins (see ``calibration(truth:probability:binCount:)``), empty bins included.
    public var calibration: [CalibrationBin]
  }

  /// Labels are `probability > threshold`; precision/recall/F1 use `zeroDivision` when undefined.
  public static func binaryReport(
    truth: [Double], probability: [Double], threshold: Double = 0.5, calibrationBins: Int = 10, zeroDivision: Double = 0
  ) throws(MetricError) -> BinaryReport {
    try checkProbabilities(truth, probability)
    let labels = Metrics.labels(fromProbabilities: probability, threshold: threshold)
    return BinaryReport(
      rows: truth.count, threshold: threshold,
      accuracy: try accuracy(truth: truth, predicted: labels),
      precision: try precision(truth: truth, predicted: labels, zeroDivision: zeroDivision),
      recall: try recall(truth: truth, predicted: labels, zeroDivision: zeroDivision),
      f1: try f1(truth: truth, predicted: labels, zeroDivision: zeroDivision),
      rocAUC: try rocAUC(truth: truth, score: probability),
      averagePrecision: try averagePrecision(truth: truth, score: probability),
      logLoss: try logLoss(truth: truth, probability: probability),
      brierScore: try brierScore(truth: truth, probability: probability),
      confusion: try confusionMatrix(truth: truth, predicted: labels),
      calibration: try calibration(truth: truth, probability: probability, binCount: calibrationBins))
  }
}
