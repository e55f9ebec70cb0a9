import Engine
import Foundation
import Learn
import Plotting
import Reporting
import WorkbookModel

/// Metrics of one set of predictions (classification or regression), as result.json, a report table and charts.
struct LearningEvaluation: Sendable {
  var json: JSONValue
  /// (metric name, value) in display order.
  var rows: [(String, Double)]
  var report: Metrics.BinaryReport?
  var roc: Metrics.ROCCurve?
  var pr: Metrics.PrecisionRecallCurve?

  /// Every metric for `truth` vs `prediction` (probabilities for classification).
  static func compute(truth: [Double], prediction: [Double], task: LearningTask, threshold: Double = 0.5,
                      part: String) throws -> LearningEvaluation {
    do {
      switch task {
      case .classification:
        let r = try Metrics.binaryReport(truth: truth, probability: prediction, threshold: threshold)
        let bothClasses = truth.contains(0) && truth.contains(1)
        var roc: Metrics.ROCCurve?
        var pr: Metrics.PrecisionRecallCurve?
        if bothClasses { roc = try Metrics.rocCurve(truth: truth, score: prediction) }
        if truth.contains(1) { pr = try Metrics.precisionRecallCurve(truth: truth, score: prediction) }
        let c = r.confusion
        let json: JSONValue = .object([
          "rows": .int(r.rows), "positives": .int(c.truePositives + c.falseNegatives), "threshold": .double(threshold),
          "accuracy": TableOps.json(r.accuracy), "precision": TableOps.json(r.precision), "recall": TableOps.json(r.recall),
          "f1": TableOps.json(r.f1), "roc_auc": TableOps.json(r.rocAUC), "pr_auc": TableOps.json(r.averagePrecision),
          "log_loss": TableOps.json(r.logLoss), "brier": TableOps.json(r.brierScore),
          "confusion_matrix": .object(["tn": .int(c.trueNegatives), "fp": .int(c.falsePositives),
                                       "fn": .int(c.falseNegatives), "tp": .int(c.truePositives),
                                       "matrix": .array(c.matrix.map { .array($0.map { .int($0) }) })]),
          "calibration": .array(r.calibration.map {
            .object(["lower": .double($0.lower), "upper": .double($0.upper), "count": .int($0.count),
                     "mean_predicted": TableOps.json($0.meanPredicted), "fraction_positive": TableOps.json($0.fractionPositive)])
          }),
        ])
        let rows: [(String, Double)] = [("accuracy", r.accuracy), ("precision", r.precision), ("recall", r.recall), ("F1", r.f1),
                                        ("ROC-AUC", r.rocAUC), ("PR-AUC", r.averagePrecision), ("log loss", r.logLoss), ("Brier", r.brierScore)]
        return LearningEvaluation(json: json, rows: rows, report: r, roc: roc, pr: pr)
      case .regression:
        let rmse = try Metrics.rmse(truth: truth, predicted: prediction)
        let mae = try Metrics.mae(truth: truth, predicted: prediction)
        let r2 = try Metrics.r2(truth: truth, predicted: prediction)
        return LearningEvaluation(
          json: .object(["rows": .int(truth.count), "rmse": TableOps.json(rmse), "mae": TableOps.json(mae), "r2": TableOps.json(r2)]),
          rows: [("RMSE", rmse), ("MAE", mae), ("R²", r2)])
      }
    } catch {
      throw CellError("\(part): cannot compute metrics: \(error)")
    }
  }

  /// A single metric by its `select_by` name (for cross-validation scores).
  static func score(_ metric: String, truth: [Double], prediction: [Double], threshold: Double = 0.5) throws -> Double {
    do {
      let labels = Metrics.labels(fromProbabilities: prediction, threshold: threshold)
      switch metric {
      case "roc_auc": return try Metrics.rocAUC(truth: truth, score: prediction)
      case "pr_auc": return try Metrics.averagePrecision(truth: truth, score: prediction)
      case "accuracy": return try Metrics.accuracy(truth: truth, predicted: labels)
      case "precision": return try Metrics.precision(truth: truth, predicted: labels)
      case "recall": return try Metrics.recall(truth: truth, predicted: labels)
      case "f1": return try Metrics.f1(truth: truth, predicted: labels)
      case "log_loss": return try Metrics.logLoss(truth: truth, probability: prediction)
      case "brier": return try Metrics.brierScore(truth: truth, probability: prediction)
      case "rmse": return try Metrics.rmse(truth: truth, predicted: prediction)
      case "mae": return try Metrics.mae(truth: truth, predicted: prediction)
      case "r2": return try Metrics.r2(truth: truth, predicted: prediction)
      default: throw CellError("unknown metric `\(metric)`")
      }
    } catch let e as CellError {
      throw e
    } catch {
      throw CellError("cannot compute \(metric): \(error)")
    }
  }

  static let classificationMetrics = ["roc_auc", "pr_auc", "accuracy", "f1", "precision", "recall", "log_loss", "brier"]
  static let regressionMetrics = ["rmse", "mae", "r2"]
  static func lowerIsBetter(_ metric: String) -> Bool { ["log_loss", "brier", "rmse", "mae"].contains(metric) }

  /// Report table with one column per evaluated part.
  static func table(_ parts: [(String, LearningEvaluation)], caption: String) -> ReportBlock {
    guard let first = parts.first else { return .text("") }
    let rows = first.1.rows.indices.map { i in
      [first.1.rows[i].0] + parts.map { i < $0.1.rows.count ? TableOps.formatNumber($0.1.rows[i].1) : "" }
    }
    return .table(caption: caption, columns: ["metric"] + parts.map(\.0), rows: rows, note: nil)
  }

  static func confusionBlock(_ r: Metrics.BinaryReport, part: String) -> ReportBlock {
    let c = r.confusion
    return .table(caption: "Confusion matrix (\(part), threshold \(TableOps.formatNumber(r.threshold)))",
                  columns: ["", "predicted 0", "predicted 1"],
                  rows: [["actual 0", String(c.trueNegatives), String(c.falsePositives)],
                         ["actual 1", String(c.falseNegatives), String(c.truePositives)]], note: nil)
  }

  static func calibrationBlock(_ r: Metrics.BinaryReport, part: String) -> ReportBlock {
    .table(caption: "Calibration (\(part))", columns: ["bin", "rows", "mean predicted", "fraction positive"],
           rows: r.calibration.filter { $0.count > 0 }.map {
             ["\(TableOps.formatNumber($0.lower, digits: 2))–\(TableOps.formatNumber($0.upper, digits: 2))", String($0.count),
              TableOps.formatNumber($0.meanPredicted), TableOps.formatNumber($0.fractionPositive)]
           }, note: nil)
  }

  /// ROC, PR and calibration charts of this evaluation (classification only), named `<prefix>roc` etc.
  func charts(prefix: String = "", part: String) -> [(name: String, chart: Chart, caption: String)] {
    var out: [(name: String, chart: Chart, caption: String)] = []
    if let roc, let r = report {
      out.append(("\(prefix)roc", Chart(.line(series: [XYSeries("\(part) (AUC \(TableOps.formatNumber(r.rocAUC, digits: 3)))",
                                                                  x: roc.falsePositiveRate, y: roc.truePositiveRate)], diagonal: true),
                                         title: "ROC curve (\(part))", xLabel: "false positive rate", yLabel: "true positive rate",
                                         xRange: 0...1, yRange: 0...1, legend: .bottomRight),
                  "ROC curve on the \(part) part (diagonal = chance)."))
    }
    if let pr, let r = report {
      out.append(("\(prefix)pr", Chart(.line(series: [XYSeries("\(part) (AP \(TableOps.formatNumber(r.averagePrecision, digits: 3)))",
                                                                x: pr.recall, y: pr.precision)]),
                                        title: "Precision–recall (\(part))", xLabel: "recall", yLabel: "precision",
                                        xRange: 0...1, yRange: 0...1, legend: .topRight),
                  "Precision–recall curve on the \(part) part."))
    }
    if let r = report {
      let bins = r.calibration.filter { $0.count > 0 }
      if !bins.isEmpty {
        out.append(("\(prefix)calibration", Chart(.line(series: [XYSeries(part, x: bins.map(\.meanPredicted), y: bins.map(\.fractionPositive))], diagonal: true),
                                                   title: "Calibration (\(part))", xLabel: "mean predicted probability",
                                                   yLabel: "fraction positive", xRange: 0...1, yRange: 0...1, legend: .topLeft),
                    "Calibration on the \(part) part: points on the diagonal are well calibrated."))
      }
    }
    return out
  }
}

/// Renders charts with gnuplot in the cell's scratch folder and returns the SVG and script bytes as outputs.
enum LearningPlots {
  static func render(_ charts: [(name: String, chart: Chart, caption: String)], scratch: URL) async throws
    -> (files: [(name: String, bytes: [UInt8])], blocks: [ReportBlock])
  {
    var files: [(name: String, bytes: [UInt8])] = []
    var blocks: [ReportBlock] = []
    let renderer = GnuplotRenderer()
    let folder = scratch.appendingPathComponent("plots")
    for item in charts {
      do {
        let figure = try await renderer.render(item.chart, name: item.name, in: folder)
        guard let svg = figure.svg else { continue }
        files.append(("\(item.name).svg", Array(try Data(contentsOf: svg))))
        files.append(("\(item.name).gp", Array(try Data(contentsOf: figure.script))))
        blocks.append(.figure(file: "\(item.name).svg", caption: item.caption))
      } catch let e as PlottingError {
        throw CellError("plot `\(item.name)`: \(e.description)", hint: "or set `plots: false`")
      }
    }
    return (files, blocks)
  }
}
