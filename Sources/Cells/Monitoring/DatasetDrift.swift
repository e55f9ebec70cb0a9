import Foundation
import Frame
import Stats

/// The per-column tests and the dataset verdict of the `drift` cell, in one place: the cell calls it with its options,
/// and `workbench serve` calls it for the served-traffic check with the defaults. Column typing (text and bool columns
/// are categorical), `min_rows`, the tests chosen per column and Evidently's `drift_share` rule.
public enum DatasetDrift {
  /// One column to compare: forced categorical (numeric codes), a named test and threshold (nil: the defaults).
  public struct Column: Sendable, Equatable {
    public var name: String
    public var categorical: Bool
    public var test: DriftTest?
    public var threshold: Double?
    public init(_ name: String, categorical: Bool = false, test: DriftTest? = nil, threshold: Double? = nil) {
      self.name = name
      self.categorical = categorical
      self.test = test
      self.threshold = threshold
    }
  }

  /// A column that cannot be compared as asked.
  public enum ColumnError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(column: String, table: String)
    case mixedTypes(column: String)
    case testNeedsNumbers(column: String, test: DriftTest)
    public var description: String {
      switch self {
      case .missing(let column, let table): "column `\(column)` is missing from the \(table) table"
      case .mixedTypes(let column): "column `\(column)` holds text in one table and numbers in the other"
      case .testNeedsNumbers(let column, let test): "test `\(test.rawValue)` needs a numerical column, but `\(column)` is categorical"
      }
    }
  }

  /// One tested (or, below `minRows`, untested) column.
  public struct Feature: Sendable, Equatable {
    public var name: String
    public var categorical: Bool
    /// The test asked for (nil: the default for the column's type and size).
    public var requestedTest: DriftTest?
    /// Non-missing values in each table.
    public var referenceRows: Int
    public var currentRows: Int
    /// nil: fewer than `minRows` values in a table, no verdict.
    public var result: DriftResult?

    public var test: String? { result?.test.rawValue }
    public var score: Double? { result?.score }
    public var threshold: Double? { result?.threshold }
    public var drifted: Bool { result?.drifted == true }
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

  /// Compares the named columns of the two tables with the default tests. Deterministic: no sampling.
  public static func compare(reference: Frame, current: Frame, columns: [String], minRows: Int = 30,
                             driftShare: Double = 0.5) throws -> Verdict {
    try compare(reference: reference, current: current, columns: columns.map { Column($0) }, minRows: minRows, driftShare: driftShare)
  }

  /// Compares `columns` of the two tables (each must be in both; the tests run in parallel inside Stats).
  /// Throws ``ColumnError`` for a column that cannot be compared as asked, and Stats' error when a test fails.
  public static func compare(reference: Frame, current: Frame, columns: [Column], minRows: Int = 30,
                             driftShare: Double = 0.5) throws -> Verdict {
    var features: [Feature] = []
    var pairs: [Drift.ColumnPair] = []
    var pairIndex: [Int] = []
    for column in columns {
      let name = column.name
      guard let rc = reference.column(named: name) else { throw ColumnError.missing(column: name, table: "reference") }
      guard let cc = current.column(named: name) else { throw ColumnError.missing(column: name, table: "current") }
      guard (rc.type == .string) == (cc.type == .string) else { throw ColumnError.mixedTypes(column: name) }
      let categorical = column.categorical || rc.type == .string || cc.type == .string || rc.type == .bool
      if let test = column.test, categorical, test == .ks || test == .wasserstein {
        throw ColumnError.testNeedsNumbers(column: name, test: test)
      }
      let r = DriftColumns.sample(rc, categorical: categorical), c = DriftColumns.sample(cc, categorical: categorical)
      let feature = Feature(name: name, categorical: categorical, requestedTest: column.test,
                            referenceRows: DriftColumns.nonMissingCount(r), currentRows: DriftColumns.nonMissingCount(c))
      if feature.referenceRows >= minRows, feature.currentRows >= minRows {
        pairs.append(Drift.ColumnPair(name: name, reference: r, current: c, test: column.test, threshold: column.threshold))
        pairIndex.append(features.count)
      }
      features.append(feature)
    }
    for (k, result) in try Drift.evaluateAll(pairs).enumerated() { features[pairIndex[k]].result = result }
    let tested = pairs.count, drifted = features.filter(\.drifted).count
    let share = tested == 0 ? 0 : Double(drifted) / Double(tested)
    return Verdict(features: features, testedColumns: tested, driftedColumns: drifted, share: share, driftShareThreshold: driftShare,
                   datasetDrift: tested > 0 && share >= driftShare, status: tested == 0 ? "insufficient_data" : "ok")
  }
}
