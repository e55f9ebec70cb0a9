import Foundation
import Learn
import Testing
import TestSupport

@Suite struct MetricsTests {
  /// sklearn's metrics on the prediction columns written by the Swift side (column 0 = truth).
  static let sklearnPython = """
    import sys, json, warnings
    import numpy as np
    from sklearn import metrics as M
    from sklearn.calibration import calibration_curve
    warnings.simplefilter('ignore')
    d = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1)
    y = d[:, 0]; out = {}
    for k, name in enumerate(['raw', 'tied', 'extreme', 'low']):
        p = d[:, k + 1]; lab = (p > 0.5).astype(float)
        fpr, tpr, thr = M.roc_curve(y, p)
        prec, rec, thr2 = M.precision_recall_curve(y, p)
        pt, pp = calibration_curve(y, p, n_bins=10)
        out[name] = dict(
            accuracy=M.accuracy_score(y, lab), precision=M.precision_score(y, lab, zero_division=0),
            recall=M.recall_score(y, lab, zero_division=0), f1=M.f1_score(y, lab, zero_division=0),
            roc_auc=M.roc_auc_score(y, p), average_precision=M.average_precision_score(y, p),
            log_loss=M.log_loss(y, p), brier=M.brier_score_loss(y, p),
            confusion=[int(v) for v in M.confusion_matrix(y, lab, labels=[0, 1]).ravel()],
            cal_true=pt.tolist(), cal_pred=pp.tolist(), fpr=fpr.tolist(), tpr=tpr.tolist(), roc_thresholds=thr[1:].tolist(),
            pr_precision=prec.tolist(), pr_recall=rec.tolist(), pr_thresholds=thr2.tolist(),
            rmse=M.root_mean_squared_error(y, p), mae=M.mean_absolute_error(y, p), r2=M.r2_score(y, p))
    print(json.dumps(out))
    """

  struct Reference: Decodable {
    var accuracy, precision, recall, f1, roc_auc, average_precision, log_loss, brier, rmse, mae, r2: Double
    var confusion: [Int]
    var cal_true, cal_pred, fpr, tpr, roc_thresholds, pr_precision, pr_recall, pr_thresholds: [Double]
  }

  /// Predictions of a logistic regression fitted on real PariVision features (train part of a stratified split),
  /// scored on the test part; plus variants with ties, exact 0/1 probabilities, and no positive prediction.
  static func predictionColumns(_ data: Dataset) throws -> (truth: [Double], columns: [[Double]]) {
    let split = try Split.trainTest(rowCount: data.rowCount, testFraction: 0.2, stratifyBy: data.target, seed: 42)
    let model = try LogisticRegression.fit(data.subset(split.train), options: .init(C: 1, standardize: true))
    let test = data.subset(split.test)
    let p = model.predictProbability(test)
    let tied = p.map { ($0 * 20).rounded() / 20 }
    let extreme = p.enumerated().map { i, v in i % 40 == 0 ? 0 : (i % 40 == 1 ? 1 : v) }
    let low = p.map { $0 * 0.5 }
    return (test.target, [p, tied, extreme, low])
  }

  @Test(.needsDataset("nba_shots/kaggle_random_10000.csv"), .needsPython("anchors")) func identicalToScikitLearnOnRealPredictions() throws {
    let source = try #require(try Oracles.sharedDataset("nba_shots/kaggle_random_10000.csv"))
    let python = try #require(try Oracles.python("anchors"))
    let features = PariVisionFixture.temporaryURL("metrics-features.csv")
    let predictions = PariVisionFixture.temporaryURL("metrics-predictions.csv")
    defer {
      try? FileManager.default.removeItem(at: features)
      try? FileManager.default.removeItem(at: predictions)
    }
    _ = try runPython(python, PariVisionFixture.preparePython + "prepare(sys.argv[1]).to_csv(sys.argv[2], index=False)\n",
                      arguments: [source.path, features.path])
    let data = try PariVisionFixture.parseCSV(String(contentsOf: features, encoding: .utf8))
    let (truth, columns) = try Self.predictionColumns(data)
    var csv = "y,raw,tied,extreme,low\n"
    for i in truth.indices { csv += "\(truth[i])," + columns.map { "\($0[i])" }.joined(separator: ",") + "\n" }
    try csv.write(to: predictions, atomically: true, encoding: .utf8)
    let output = try runPython(python, Self.sklearnPython, arguments: [predictions.path])
    let references = try JSONDecoder().decode([String: Reference].self, from: Data(output.utf8))

    for (k, name) in ["raw", "tied", "extreme", "low"].enumerated() {
      let r = try #require(references[name])
      let p = columns[k]
      let labels = Metrics.labels(fromProbabilities: p)
      func same(_ ours: Double, _ theirs: Double, _ what: String) {
        #expect(abs(ours - theirs) <= 1e-12, "\(name) \(what): ours \(ours), sklearn \(theirs)")
      }
      func same(_ ours: [Double], _ theirs: [Double], _ what: String) {
        #expect(ours.count == theirs.count, "\(name) \(what) length: ours \(ours.count), sklearn \(theirs.count)")
        for (a, b) in zip(ours, theirs) where abs(a - b) > 1e-12 {
          Issue.record("\(name) \(what): ours \(a), sklearn \(b)")
          break
        }
      }
      same(try Metrics.accuracy(truth: truth, predicted: labels), r.accuracy, "accuracy")
      same(try Metrics.precision(truth: truth, predicted: labels), r.precision, "precision")
      same(try Metrics.recall(truth: truth, predicted: labels), r.recall, "recall")
      same(try Metrics.f1(truth: truth, predicted: labels), r.f1, "f1")
      same(try Metrics.rocAUC(truth: truth, score: p), r.roc_auc, "roc_auc")
      same(try Metrics.averagePrecision(truth: truth, score: p), r.average_precision, "average_precision")
      same(try Metrics.logLoss(truth: truth, probability: p), r.log_loss, "log_loss")
      same(try Metrics.brierScore(truth: truth, probability: p), r.brier, "brier")
      same(try Metrics.rmse(truth: truth, predicted: p), r.rmse, "rmse")
      same(try Metrics.mae(truth: truth, predicted: p), r.mae, "mae")
      same(try Metrics.r2(truth: truth, predicted: p), r.r2, "r2")
      let c = try Metrics.confusionMatrix(truth: truth, predicted: labels)
      #expect([c.trueNegatives, c.falsePositives, c.falseNegatives, c.truePositives] == r.confusion)
      let bins = try Metrics.calibration(truth: truth, probability: p, binCount: 10).filter { $0.count > 0 }
      same(bins.map(\.fractionPositive), r.cal_true, "calibration prob_true")
      same(bins.map(\.meanPredicted), r.cal_pred, "calibration prob_pred")
      let roc = try Metrics.rocCurve(truth: truth, score: p)
      same(roc.falsePositiveRate, r.fpr, "roc fpr")
      same(roc.truePositiveRate, r.tpr, "roc tpr")
      #expect(roc.thresholds.first == .infinity)
      same(Array(roc.thresholds.dropFirst()), r.roc_thresholds, "roc thresholds")
      let pr = try Metrics.precisionRecallCurve(truth: truth, score: p)
      same(pr.precision, r.pr_precision, "pr precision")
      same(pr.recall, r.pr_recall, "pr recall")
      same(pr.thresholds, r.pr_thresholds, "pr thresholds")
    }
  }

  @Test func smallHandCheckedCases() throws {
    // sklearn docs example: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    #expect(try Metrics.rocAUC(truth: [0, 0, 1, 1], score: [0.1, 0.4, 0.35, 0.8]) == 0.75)
    // All scores tied: AUC 0.5.
    #expect(try Metrics.rocAUC(truth: [0, 1, 0, 1], score: [0.3, 0.3, 0.3, 0.3]) == 0.5)
    // One class only: NaN, like sklearn.
    #expect(try Metrics.rocAUC(truth: [1, 1], score: [0.2, 0.9]).isNaN)
    // Nothing predicted positive: precision and F1 fall back to zeroDivision.
    #expect(try Metrics.precision(truth: [0, 1], predicted: [0, 0]) == 0)
    #expect(try Metrics.precision(truth: [0, 1], predicted: [0, 0], zeroDivision: 1) == 1)
    #expect(try Metrics.f1(truth: [0, 0], predicted: [0, 0], zeroDivision: 1) == 1)
    // Perfect regression on a constant truth: R² = 1 (force_finite).
    #expect(try Metrics.r2(truth: [2, 2, 2], predicted: [2, 2, 2]) == 1)
    #expect(try Metrics.r2(truth: [2, 2, 2], predicted: [2, 2, 3]) == 0)
    #expect(try Metrics.rmse(truth: [0, 0], predicted: [3, 4]) == (12.5).squareRoot())
  }

  @Test func reportAgreesWithSingleMetrics() throws {
    let data = LogisticRegressionTests.synthetic(rows: 300, seed: 12)
    let p = try LogisticRegression.fit(data).predictProbability(data)
    let report = try Metrics.binaryReport(truth: data.target, probability: p)
    let labels = Metrics.labels(fromProbabilities: p)
    #expect(report.rows == 300)
    #expect(report.f1 == (try Metrics.f1(truth: data.target, predicted: labels)))
    #expect(report.rocAUC == (try Metrics.rocAUC(truth: data.target, score: p)))
    #expect(report.logLoss == (try Metrics.logLoss(truth: data.target, probability: p)))
    #expect(report.calibration.map(\.count).reduce(0, +) == 300)
  }

  @Test func rejectsMalformedInput() {
    #expect(throws: MetricError.self) { try Metrics.accuracy(truth: [0, 1], predicted: [1]) }
    #expect(throws: MetricError.self) { try Metrics.accuracy(truth: [], predicted: []) }
    #expect(throws: MetricError.self) { try Metrics.logLoss(truth: [0, 2], probability: [0.1, 0.2]) }
    #expect(throws: MetricError.self) { try Metrics.brierScore(truth: [0, 1], probability: [0.1, 1.2]) }
    #expect(throws: MetricError.self) { try Metrics.rocAUC(truth: [0, 1], score: [.nan, 0.2]) }
    #expect(throws: MetricError.self) { try Metrics.calibration(truth: [0], probability: [0.5], binCount: 0) }
  }

  @Test func pairwiseSumMatchesSequentialForSmallInputs() {
    #expect(Metrics.pairwiseSum([]) == 0)
    #expect(Metrics.pairwiseSum([1, 2, 3]) == 6)
    let values = (0..<1000).map { Double($0) * 0.5 }
    #expect(Metrics.pairwiseSum(values) == 249_750)
  }
}
