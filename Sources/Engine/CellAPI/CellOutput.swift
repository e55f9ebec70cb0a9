import Frame
import Reporting
import WorkbookModel

/// What a cell produced. Everything here is content-addressed and cached; nothing else may be written.
public struct CellOutput: Sendable {
  /// Machine-readable figures (`result.json`).
  public var result: JSONValue
  /// Tables by name; the first one is the cell's main table (what `input: cell` refers to).
  public var tables: [(name: String, frame: Frame)]
  /// Other files by name (plots, scripts, models, Markdown).
  public var files: [(name: String, bytes: [UInt8])]
  /// The cell's section of the report.
  public var report: [ReportBlock]
  /// Warnings shown in the report and on the terminal.
  public var warnings: [String]
  /// Facts about this execution that are not outputs (e.g. "9 trials reused from the trial cache"): kept in
  /// the manifest and run.json, excluded from the output digest and from `verify`.
  public var notes: [String]
  /// Files this entry relies on under the context's `cacheDirectory` (relative paths, e.g. a sweep's
  /// `trials/<key>.json`): `gc` keeps them while the entry is kept and deletes the ones no kept entry lists.
  public var cacheFiles: [String] = []
  /// The result reflects a passing condition (e.g. a tracking server that was unreachable, so the run was queued
  /// offline): the outputs are written and used by this run, but no cache entry is kept, so the next run executes
  /// the cell again and can record the lasting result.
  public var provisional = false
  /// Set when the cell's verdict is a failure (a broken data contract): the outputs are written, so the report and
  /// result.json show why, but the cell counts as failed (dependents skipped, exit code 1) and no cache entry is kept.
  public var failure: String?

  public init(result: JSONValue = .object([:]), tables: [(name: String, frame: Frame)] = [],
              files: [(name: String, bytes: [UInt8])] = [], report: [ReportBlock] = [], warnings: [String] = [],
              notes: [String] = []) {
    self.result = result
    self.tables = tables
    self.files = files
    self.report = report
    self.warnings = warnings
    self.notes = notes
  }
}
