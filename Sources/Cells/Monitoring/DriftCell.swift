import Engine
import Foundation
import Frame
import Plotting
import Reporting
import Stats
import WorkbookModel

/// `drift`: data drift per column between a reference and a current table (Evidently 0.7's default test per
/// column unless named), the dataset verdict, prediction drift and performance drift, with plots of the drifted
/// columns. See docs/cells/drift.md.
enum DriftCell {
  static let testNames = DriftTest.allCases.map(\.rawValue)
  /// Above this many values in a sample, p-value tests flag even negligible differences (evidently#50).
  static let largeSample = 10_000

  static let descriptor = KindDescriptor(
    name: "drift", version: 1,
    summary: "Data, prediction and performance drift between a reference and a current table (Evidently's default tests), with a dataset verdict for `when:`.",
    options: [
      OptionSpec("reference", .table, required: true, doc: "The reference table (`cell` or `cell.table`): a declared baseline, never training rows scored in-sample."),
      OptionSpec("current", .table, required: true, doc: "The current table to compare with the reference."),
      OptionSpec("columns", .list(.string), doc: "Columns to test (default: the columns both tables have, minus `exclude` and the prediction/performance columns)."),
      OptionSpec("exclude", .list(.string), default: [], doc: "Columns left out of the default column list (ids, dates)."),
      OptionSpec("categorical", .list(.string), default: [], doc: "Numeric columns to treat as categories (codes)."),
      OptionSpec("method", .choice(testNames), doc: "One test for every column (default: Evidently's choice per column)."),
      OptionSpec("tests", .dictionary(.choice(testNames)), doc: "Per-column test, e.g. `{Shot Distance: ks}` (overrides `method`)."),
      OptionSpec("threshold", .number, range: .atLeast(0), doc: "Threshold for every column (default: the test's: 0.05 for p-values, 0.1 for distances)."),
      OptionSpec("thresholds", .dictionary(.number), doc: "Per-column thresholds (override `threshold`)."),
      OptionSpec("drift_share", .number, default: 0.5, range: OptionRange(lower: 0, lowerInclusive: false, upper: 1), doc: "Share of tested columns that must drift for dataset drift (Evidently: 0.5, drift when share ≥ it)."),
      OptionSpec("min_rows", .integer, default: 30, range: .atLeast(0), doc: "Fewer non-missing values than this in either table → `insufficient_data` instead of a verdict."),
      OptionSpec("prediction", .object([
        OptionSpec("column", .string, required: true, doc: "The model score column present in both tables (e.g. `score`)."),
        OptionSpec("method", .choice(testNames), doc: "Test (default: Evidently's choice)."),
        OptionSpec("threshold", .number, doc: "Threshold (default: the test's)."),
      ]), doc: "Prediction drift: the distribution of the model's score, reference vs current."),
      OptionSpec("performance", .object([
        OptionSpec("target", .string, required: true, doc: "The 0/1 label column (in both tables)."),
        OptionSpec("score", .string, default: "score", doc: "The predicted probability column (in both tables)."),
        OptionSpec("metrics", .list(.choice(DriftPerformance.metricNames)), default: .array(DriftPerformance.metricNames.map(JSONValue.string)),
                   doc: "Metrics (default: roc_auc, accuracy, log_loss)."),
        OptionSpec("tolerated_drop", .number, default: 0.02, doc: "A metric worse by more than this (metric units) is a performance drop."),
        OptionSpec("threshold", .number, default: 0.5, doc: "Probability above which the predicted label is 1 (accuracy)."),
      ]), doc: "Performance drift: each metric on the reference vs the current rows (labels needed in both)."),
      OptionSpec("training", .table, doc: "The model's training table (e.g. `split.train`): with `prediction`/`performance`, the cell refuses a reference that shares most of its rows."),
      OptionSpec("plots", .integer, default: 8, range: .atLeast(0), doc: "At most this many drifted columns are plotted (most drifted first)."),
      OptionSpec("plot_points", .integer, default: 5000, range: .atLeast(10), doc: "At most this many values per table in a numeric histogram (seeded sample, declared)."),
      OptionSpec("seed", .integer, default: 0, doc: "Seed of the plot samples."),
    ],
    tools: ["gnuplot"])

  struct ColumnOutcome {
    var name: String
    var test: DriftTest?
    var result: DriftResult?
    var referenceRows: Int
    var currentRows: Int
    var categorical: Bool

    /// How far past its threshold the score is (> 1 = drifted), comparable across tests.
    var severity: Double {
      guard let r = result else { return -1 }
      if r.lowerScoreMeansDrift {
        let s = max(r.score, 1e-300), t = max(r.threshold, 1e-300)
        return r.score.isNaN ? 0 : log10(s) / log10(t)
      }
      return r.threshold > 0 ? r.score / r.threshold : (r.score > 0 ? .infinity : 0)
    }
  }

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let referenceName = try o.requiredString("reference"), currentName = try o.requiredString("current")
    let reference = try context.table(referenceName)
    let current = try context.table(currentName)
    let minRows = try o.integer("min_rows")
    let driftShare = try o.number("drift_share")
    let seed = UInt64(truncatingIfNeeded: try o.integer("seed"))
    var warnings: [String] = []

    // Prediction and performance options.
    let prediction = try o.mapping("prediction")
    let predictionColumn = try prediction?.text("column")
    let performance = try o.mapping("performance")
    let performanceTarget = try performance?.text("target")
    let performanceScore = try performance.map { try $0.text("score") }

    if prediction != nil || performance != nil {
      try checkNotInSample(referenceName: referenceName, reference: reference, context: context)
    }

    // Columns.
    let common = reference.columnNames.filter { current.column(named: $0) != nil }
    let exclude = Set(try o.texts("exclude"))
    let categorical = Set(try o.texts("categorical"))
    var modelColumns: Set<String> = []
    if let predictionColumn { modelColumns.insert(predictionColumn) }
    if let performanceTarget, let performanceScore { modelColumns.formUnion([performanceTarget, performanceScore, "predicted"]) }
    let names = try o.strings("columns") ?? common.filter { !exclude.contains($0) && !modelColumns.contains($0) }
    for n in names + Array(categorical) {
      for (table, which) in [(reference, "reference"), (current, "current")] where table.column(named: n) == nil {
        throw CellError("the \(which) table has no column `\(n)`", at: o.location(of: o.has("columns") ? "columns" : "categorical"),
                        hint: Suggest.hint(for: n, in: table.columnNames) ?? "columns of both tables: \(common.joined(separator: ", "))")
      }
    }
    guard !names.isEmpty else {
      throw CellError("no column to compare", at: o.location(of: "reference"),
                      hint: "the two tables share no column (after `exclude`); name them in `columns`")
    }
    let method = try o.string("method").flatMap { DriftTest(rawValue: $0) }
    let perColumnTests = o["tests"]?.objectValue ?? [:]
    let thresholds = o["thresholds"]?.objectValue ?? [:]
    for key in Set(perColumnTests.keys).union(thresholds.keys) where !names.contains(key) {
      throw CellError("`\(key)` in `\(perColumnTests[key] != nil ? "tests" : "thresholds")` is not a tested column",
                      at: o.location(of: perColumnTests[key] != nil ? "tests" : "thresholds"),
                      hint: Suggest.hint(for: key, in: names) ?? "tested columns: \(names.joined(separator: ", "))")
    }
    let globalThreshold = try o.double("threshold")

    // Per-column tests (DatasetDrift, shared with `workbench serve`'s check), skipping columns below `min_rows`.
    let columns = names.map { name in
      DatasetDrift.Column(name, categorical: categorical.contains(name),
                          test: perColumnTests[name]?.stringValue.flatMap(DriftTest.init(rawValue:)) ?? method,
                          threshold: thresholds[name]?.doubleValue ?? globalThreshold)
    }
    context.progress(0.1, "testing \(names.count) columns")
    let datasetVerdict: DatasetDrift.Verdict
    do {
      datasetVerdict = try DatasetDrift.compare(reference: reference, current: current, columns: columns, minRows: minRows, driftShare: driftShare)
    } catch let error as DatasetDrift.ColumnError {
      switch error {
      case .missing: throw CellError(error.description, at: o.location(of: "columns"))
      case .mixedTypes:
        throw CellError(error.description, at: o.location(of: "current"), hint: "cast it to the same type in both tables (a `transform` with `cast:`)")
      case .testNeedsNumbers(let column, _):
        throw CellError(error.description, at: o.location(of: perColumnTests[column] != nil ? "tests" : "method"),
                        hint: "use chisquare, z, jensenshannon or psi")
      }
    } catch {
      throw CellError("drift test failed: \(error)", hint: "check the column types, or name a test that fits the column in `tests`")
    }
    let outcomes = datasetVerdict.features.map { f in
      ColumnOutcome(name: f.name, test: f.requestedTest, result: f.result, referenceRows: f.referenceRows,
                    currentRows: f.currentRows, categorical: f.categorical)
    }

    let tested = outcomes.filter { $0.result != nil }
    let insufficient = outcomes.filter { $0.result == nil }
    let drifted = tested.filter { $0.result?.drifted == true }
    let share = datasetVerdict.share
    let datasetStatus = datasetVerdict.status
    let datasetDrift = datasetVerdict.datasetDrift
    if !insufficient.isEmpty {
      warnings.append("insufficient data (fewer than \(minRows) non-missing values in a table) for \(insufficient.count) column(s): \(insufficient.map { "`\($0.name)`" }.joined(separator: ", ")); no verdict for them")
    }
    let pValueLarge = tested.filter { o in
      guard let r = o.result, r.lowerScoreMeansDrift else { return false }
      return r.referenceCount > largeSample || r.currentCount > largeSample
    }
    if !pValueLarge.isEmpty {
      warnings.append("p-value tests ran on more than \(TableOps.formatCount(largeSample)) values for \(pValueLarge.map { "`\($0.name)`" }.joined(separator: ", ")): p-values flag even negligible differences at this size; read the effect size (or use wasserstein / jensenshannon)")
    }

    // Prediction drift.
    var predictionJSON: JSONValue = .null
    var predictionRow: [String]?
    if let predictionColumn {
      let where_ = o.location(of: "prediction")
      guard let rc = reference.column(named: predictionColumn), let cc = current.column(named: predictionColumn) else {
        let missingIn = reference.column(named: predictionColumn) == nil ? reference : current
        throw CellError("prediction column `\(predictionColumn)` is missing from the \(reference.column(named: predictionColumn) == nil ? "reference" : "current") table",
                        at: where_, hint: Suggest.hint(for: predictionColumn, in: missingIn.columnNames) ?? "score both tables with a `predict` cell (it adds `score`)")
      }
      let r = DriftColumns.sample(rc, categorical: rc.type == .string), c = DriftColumns.sample(cc, categorical: cc.type == .string)
      let nr = DriftColumns.nonMissingCount(r), nc = DriftColumns.nonMissingCount(c)
      if nr >= minRows, nc >= minRows {
        let test = try prediction?.string("method").flatMap(DriftTest.init(rawValue:))
        let result: DriftResult
        do { result = try Drift.evaluate(reference: r, current: c, test: test, threshold: try prediction?.double("threshold"), column: predictionColumn) } catch {
          throw CellError("prediction drift: \(error)", at: where_)
        }
        predictionJSON = .object([
          "column": .string(predictionColumn), "test": .string(result.test.rawValue), "score": TableOps.json(result.score),
          "threshold": .double(result.threshold), "drifted": .bool(result.drifted), "reference_rows": .int(nr), "current_rows": .int(nc),
          "status": "ok",
        ])
        predictionRow = [predictionColumn, result.test.rawValue, TableOps.formatNumber(result.score), TableOps.formatNumber(result.threshold),
                         result.drifted ? "drift" : "no drift"]
      } else {
        predictionJSON = .object(["column": .string(predictionColumn), "drifted": .bool(false), "reference_rows": .int(nr),
                                  "current_rows": .int(nc), "status": "insufficient_data"])
        warnings.append("insufficient data for prediction drift on `\(predictionColumn)` (\(nr) reference, \(nc) current values; `min_rows` is \(minRows))")
      }
    }

    // Performance drift.
    var performanceJSON: [String: JSONValue] = [:]
    var performanceDrop = false
    var performanceRows: [[String]] = []
    var performanceStatus: String?
    if let performance, let target = performanceTarget, let performanceScore {
      let where_ = o.location(of: "performance")
      let metrics = try performance.texts("metrics")
      let tolerated = try performance.number("tolerated_drop")
      let threshold = try performance.number("threshold")
      let r = try DriftPerformance.labelsAndScores(reference, target: target, score: performanceScore, which: "reference", at: where_)
      let c = try DriftPerformance.labelsAndScores(current, target: target, score: performanceScore, which: "current", at: where_)
      if r.truth.count >= minRows, c.truth.count >= minRows {
        performanceStatus = "ok"
        for m in try DriftPerformance.compare(metrics: metrics, reference: r, current: c, tolerated: tolerated, threshold: threshold) {
          performanceJSON[m.name] = .object(["reference": TableOps.json(m.reference), "current": TableOps.json(m.current),
                                             "drop": TableOps.json(m.drop), "dropped": .bool(m.dropped)])
          performanceDrop = performanceDrop || m.dropped
          performanceRows.append([m.name, TableOps.formatNumber(m.reference), TableOps.formatNumber(m.current),
                                  TableOps.formatNumber(m.drop), m.dropped ? "dropped" : "ok"])
        }
      } else {
        performanceStatus = "insufficient_data"
        warnings.append("insufficient data for performance drift (\(r.truth.count) reference, \(c.truth.count) current labelled rows; `min_rows` is \(minRows))")
      }
      performanceJSON["tolerated_drop"] = .double(tolerated)
      performanceJSON["status"] = .string(performanceStatus ?? "ok")
    }

    // Result.
    var columnsJSON: [String: JSONValue] = [:]
    for oc in outcomes {
      var entry: [String: JSONValue] = ["reference_rows": .int(oc.referenceRows), "current_rows": .int(oc.currentRows),
                                        "type": .string(oc.categorical ? "categorical" : "numerical")]
      if let r = oc.result {
        entry["test"] = .string(r.test.rawValue)
        entry["score"] = TableOps.json(r.score)
        entry["threshold"] = .double(r.threshold)
        entry["drifted"] = .bool(r.drifted)
        entry["status"] = "ok"
      } else {
        entry["test"] = oc.test.map { .string($0.rawValue) } ?? .null
        entry["score"] = .null
        entry["threshold"] = .null
        entry["drifted"] = .bool(false)
        entry["status"] = "insufficient_data"
      }
      columnsJSON[oc.name] = .object(entry)
    }
    let ranked = tested.sorted { ($0.severity, $1.name) > ($1.severity, $0.name) } + insufficient
    let plotLimit = try o.integer("plots")
    let points = try o.integer("plot_points")
    let toPlot = Array(ranked.filter { $0.result?.drifted == true }.prefix(plotLimit))
    var sampling: [String: JSONValue] = [:]

    var result: [String: JSONValue] = [
      "dataset_drift": .bool(datasetDrift), "drift_share": .double(share), "drift_share_threshold": .double(driftShare),
      "drifted_columns": .int(drifted.count), "tested_columns": .int(tested.count), "columns_total": .int(outcomes.count),
      "drifted": .array(ranked.filter { $0.result?.drifted == true }.map { .string($0.name) }),
      "status": .string(datasetStatus), "min_rows": .int(minRows),
      "reference_rows": .int(reference.rowCount), "current_rows": .int(current.rowCount),
      "columns": .object(columnsJSON), "prediction_drift": predictionJSON,
      "performance": performance == nil ? .null : .object(performanceJSON), "performance_drop": .bool(performanceDrop),
    ]

    // Report: summary first.
    var report: [ReportBlock] = []
    let verdict: String
    if datasetStatus == "insufficient_data" {
      verdict = "Insufficient data: no column has \(minRows) non-missing values in both tables; no verdict."
      report.append(.callout(level: .warning, text: verdict))
    } else {
      verdict = datasetDrift
        ? "Dataset drift: \(drifted.count) of \(tested.count) columns drifted (\(String(format: "%.0f", share * 100)) % ≥ \(String(format: "%.0f", driftShare * 100)) %)."
        : "No dataset drift: \(drifted.count) of \(tested.count) columns drifted (\(String(format: "%.0f", share * 100)) % < \(String(format: "%.0f", driftShare * 100)) %)."
      report.append(.callout(level: datasetDrift ? .danger : .success, text: verdict))
    }
    if performanceDrop, let tolerated = try performance?.number("tolerated_drop") {
      report.append(.callout(level: .danger, text: "Performance drop beyond the tolerated \(TableOps.formatNumber(tolerated))."))
    }
    report.append(.facts([.init("reference rows", TableOps.formatCount(reference.rowCount)), .init("current rows", TableOps.formatCount(current.rowCount)),
                          .init("columns tested", String(tested.count)), .init("drifted", String(drifted.count))]))
    report.append(.table(
      caption: "Columns, most drifted first", columns: ["column", "type", "test", "score", "threshold", "verdict", "reference n", "current n"],
      rows: ranked.map { oc in
        guard let r = oc.result else {
          return [oc.name, oc.categorical ? "categorical" : "numerical", oc.test?.rawValue ?? "—", "—", "—", "insufficient data",
                  TableOps.formatCount(oc.referenceRows), TableOps.formatCount(oc.currentRows)]
        }
        return [oc.name, oc.categorical ? "categorical" : "numerical", r.test.rawValue, TableOps.formatNumber(r.score),
                TableOps.formatNumber(r.threshold), r.drifted ? "drift" : "no drift", TableOps.formatCount(r.referenceCount), TableOps.formatCount(r.currentCount)]
      },
      note: "p-value tests (ks, chisquare, z) drift when the score is below the threshold; distances (wasserstein, jensenshannon, psi) when at or above it. Tests chosen as Evidently 0.7 chooses them unless named."))
    if let predictionRow {
      report.append(.table(caption: "Prediction drift", columns: ["column", "test", "score", "threshold", "verdict"], rows: [predictionRow], note: nil))
    }
    if !performanceRows.isEmpty {
      report.append(.table(caption: "Performance, reference vs current", columns: ["metric", "reference", "current", "drop", "verdict"],
                           rows: performanceRows, note: "drop = how much worse on the current rows (log_loss: current − reference)"))
    }

    // One section per drifted column (bounded).
    var files: [(name: String, bytes: [UInt8])] = []
    for (k, oc) in toPlot.enumerated() {
      guard let rc = reference.column(named: oc.name), let cc = current.column(named: oc.name), let r = oc.result else { continue }
      context.progress(0.5 + 0.5 * Double(k) / Double(max(1, toPlot.count)), "plotting `\(oc.name)`")
      let rs = DriftColumns.sample(rc, categorical: oc.categorical), cs = DriftColumns.sample(cc, categorical: oc.categorical)
      let title = "\(oc.name): \(r.test.rawValue) \(TableOps.formatNumber(r.score)) (threshold \(TableOps.formatNumber(r.threshold)))"
      let (chart, note) = DriftColumns.chart(name: oc.name, reference: rs, current: cs, pointsPerSeries: points,
                                             seed: seed &+ UInt64(k) &* 2, title: title)
      let stem = "drift_\(k + 1)_" + EDAColumns.fileStem(oc.name)
      files += try await EDAColumns.render(chart, name: stem, formats: [.svg], context: context)
      report.append(.markdown("### Drifted: \(oc.name)"))
      report.append(.figure(file: "\(stem).svg", caption: note))
      if note.contains("sample") { sampling[oc.name] = .object(["points_per_table": .int(min(points, oc.referenceRows, oc.currentRows)), "seed": .int(Int(truncatingIfNeeded: seed))]) }
    }
    let driftedCount = ranked.filter { $0.result?.drifted == true }.count
    if driftedCount > toPlot.count {
      let text = "\(driftedCount - toPlot.count) more drifted column(s) not plotted (`plots: \(plotLimit)`); their figures are in the table above."
      report.append(.text(text))
      sampling["unplotted_drifted_columns"] = .int(driftedCount - toPlot.count)
    }
    result["sampling"] = sampling.isEmpty ? .null : .object(sampling)
    result["warnings"] = .array(warnings.map { .string($0) })
    return CellOutput(result: .object(result), files: files, report: report, warnings: warnings)
  }

  /// The in-sample rule: with prediction or performance drift, the reference must not be the model's training
  /// rows. Refused: a reference naming a `train` table (`split.train`), and — when `training:` names the model's
  /// training table — a reference of which half or more of the rows (over the shared columns) are training rows.
  static func checkNotInSample(referenceName: String, reference: Frame, context: CellContext) throws {
    let o = context.options
    let parsed = try CellReference.table(referenceName)
    if parsed.table == "train" {
      throw CellError("the reference `\(referenceName)` is a training table: prediction and performance drift against rows the model was trained on compare in-sample scores (optimistic) with out-of-sample ones, so the 'drop' would be an artefact",
                      at: o.location(of: "reference"),
                      hint: "use held-out rows as the reference (e.g. `\(parsed.cell).test` scored by `predict`, or a later labelled period)")
    }
    guard let trainingName = try o.string("training") else { return }
    let training = try context.table(trainingName)
    let shared = reference.columnNames.filter { training.column(named: $0) != nil }
    guard !shared.isEmpty, reference.rowCount > 0 else { return }
    let trainingKeys = Set(rowKeys(training, columns: shared))
    let overlap = rowKeys(reference, columns: shared).reduce(0) { $0 + (trainingKeys.contains($1) ? 1 : 0) }
    if overlap * 2 >= reference.rowCount {
      throw CellError("\(overlap) of the \(reference.rowCount) reference rows are rows of the model's training table `\(trainingName)` (same values in the \(shared.count) shared columns): the reference would be training rows scored in-sample",
                      at: o.location(of: "reference"), hint: "use held-out rows as the reference (the split's test part scored by `predict`)")
    }
  }

  /// A hash per row over the named columns (equal rows → equal keys).
  static func rowKeys(_ frame: Frame, columns: [String]) -> [Int] {
    var hashers = [Hasher](repeating: Hasher(), count: frame.rowCount)
    for name in columns {
      guard let c = frame.column(named: name) else { continue }
      for i in 0..<frame.rowCount {
        if c.isNull(i) { hashers[i].combine(0 as UInt8); continue }
        switch c.storage {
        case .int(let v): hashers[i].combine(Double(v[i]))
        case .float(let v): hashers[i].combine(v[i])
        case .bool(let v): hashers[i].combine(v[i] ? 1.0 : 0.0)
        case .string(let codes, let d): hashers[i].combine(d[Int(codes[i])])
        }
      }
    }
    return hashers.map { $0.finalize() }
  }
}
