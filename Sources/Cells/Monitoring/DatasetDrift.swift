import Foundation
import Frame
import Stats

/// The per-column tests and dataset verdict of the `drift` cell, for callers outside a workbook run (the served
/// traffic check of `workbench serve`): same column typing, same default tests and thresholds, same `min_rows` and
/// `drift_share` rules.
public enum DatasetDrift {
  /// One tested (or skipped) column.
  public struct Feature: Sendable, Equatable {
    public var name: String
    /// The test that ran (nil: fewer than `minRows` values in a table, no verdict).
    public var test: String?
    public var score: Double?
    public var threshold: Double?
    public var drifted: Bool
    public var categorical: Bool
    public var referenceRows: Int
    public var currentRows: Int
  }

  /// The dataset verdict: drift when at least `driftShareThreshold` of the tested columns drifted.
  public struct Verdict: Sendable, Equatable {
    public var features: [Feature]
    public var testedColumns: Int
    public var driftedColumns: Int
    public var share: Double
    public var driftShareThreshold: Double
    public var datasetDrift: Bool
    /// `ok`, or `insufficient_data` when no column has `minRows` values in both tables.
    public var status: String
  }

  /// Compares `columns` of the two tables (each must be in both). Deterministic: no sampling.
  public static func compare(reference: Frame, current: Frame, columns: [String], minRows: Int = 30,
                             driftShare: Double = 0.5) throws -> Verdict {
    var features: [Feature] = []
    var pairs: [Drift.ColumnPair] = []
    var pairIndex: [Int] = []
    for name in columns {
      guard let rc = reference.column(named: name), let cc = current.column(named: name) else {
        throw FrameError("column `\(name)` is missing from the \(reference.column(named: name) == nil ? "reference" : "current") table")
      }
      guard (rc.type == .string) == (cc.type == .string) else {
        throw FrameError("column `\(name)` holds text in one table and numbers in the other")
      }
      let categorical = rc.type == .string || cc.type == .string || rc.type == .bool
      let r = DriftColumns.sample(rc, categorical: categorical), c = DriftColumns.sample(cc, categorical: categorical)
      let feature = Feature(name: name, test: nil, score: nil, threshold: nil, drifted: false, categorical: categorical,
                            referenceRows: DriftColumns.nonMissingCount(r), currentRows: DriftColumns.nonMissingCount(c))
      if feature.referenceRows >= minRows, feature.currentRows >= minRows {
        pairs.append(Drift.ColumnPair(name: name, reference: r, current: c))
        pairIndex.append(features.count)
      }
      features.append(feature)
    }
    for (k, result) in try Drift.evaluateAll(pairs).enumerated() {
      let i = pairIndex[k]
      features[i].test = result.test.rawValue
      features[i].score = result.score
      features[i].threshold = result.threshold
      features[i].drifted = result.drifted
    }
    let tested = pairs.count, drifted = features.filter(\.drifted).count
    let share = tested == 0 ? 0 : Double(drifted) / Double(tested)
    return Verdict(features: features, testedColumns: tested, driftedColumns: drifted, share: share, driftShareThreshold: driftShare,
                   datasetDrift: isDatasetDrift(tested: tested, share: share, driftShare: driftShare),
                   status: tested == 0 ? "insufficient_data" : "ok")
  }

  /// Evidently's dataset rule: drift when some column was tested and the drifted share reaches `driftShare`.
  public static func isDatasetDrift(tested: Int, share: Double, driftShare: Double) -> Bool {
    tested > 0 && share >= driftShare
  }
}
