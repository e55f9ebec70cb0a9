import Foundation
import WorkbookModel

/// Options of one `workbench run`.
public struct RunOptions: Sendable {
  public var overrides: [ParamOverride] = []
  /// Run only these cells (and what they depend on). Empty = all.
  public var selectedCells: [String] = []
  /// Re-execute even when a cached result exists.
  public var force = false
  /// How many independent cells may execute at once.
  public var jobs = 1
  public var environment: [String: String] = ProcessInfo.processInfo.environment
  /// The command line, recorded in the ledger (credentials redacted there).
  public var command = "run"
  /// `--fail-on` conditions, checked before run.json is written.
  public var gates: [RunGate] = []
  public init() {}
}

/// The outcome of a run (or a render).
public struct RunSummary: Sendable {
  public var workbook: ValidatedWorkbook
  /// In file order.
  public var records: [CellRecord]
  public var warnings: [String]
  public var outputsDirectory: URL
  /// Warnings about the run's outputs themselves (e.g. the warehouse left unchanged), also in `warnings`.
  public var outputWarnings: [String] = []
  /// Cells `render` could not take from the cache.
  public var staleCells: [String] = []
  /// The `--fail-on` conditions and how each came out.
  public var gates: [GateOutcome] = []

  public init(workbook: ValidatedWorkbook, records: [CellRecord], warnings: [String], outputsDirectory: URL) {
    self.workbook = workbook
    self.records = records
    self.warnings = warnings
    self.outputsDirectory = outputsDirectory
  }

  /// 2 when a `--fail-on` condition is invalid (usage error), 1 when a cell failed, a stale cell was not rendered or
  /// a `--fail-on` condition holds, else 0. run.json records exactly this.
  public var exitCode: Int32 {
    if gates.contains(where: { $0.verdict == .invalid }) { return 2 }
    if records.contains(where: { $0.status == .failed }) || !staleCells.isEmpty || gates.contains(where: { $0.verdict == .failed }) {
      return 1
    }
    return 0
  }

  /// `succeeded` (exit code 0), `failed` (1) or `error` (2), as in run.json and the ledger.
  public var status: String {
    switch exitCode {
    case 0: "succeeded"
    case 1: "failed"
    default: "error"
    }
  }

  public func record(_ id: String) -> CellRecord? { records.first { $0.id == id } }
}
