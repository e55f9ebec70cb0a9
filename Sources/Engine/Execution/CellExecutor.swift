import Foundation
import WorkbookModel

/// Executes the stale cells of a run somewhere else than in this process (a Slurm cluster, Kubernetes, a CI matrix).
///
/// The engine computes the ``Plan``, hands the cells that must execute to ``execute(_:observer:)`` and waits. Each
/// cell is executed by `workbench cell run <workbook> --cell <id> --cache <dir> [--param k=v]… --expect-definition
/// <digest>` (see ``CellWork/commandLine(executable:)``), which writes the cell's cache entry and nothing else. When
/// `execute` returns, the engine reads every cell's manifest from the cache and publishes outputs/ exactly as a local
/// run does (same run.json, report, exit codes). Without an executor, cells run in this process (`--jobs`).
public protocol CellExecutor: Sendable {
  /// Executes `request.cells` (each after the cells it lists in `dependsOn`) and returns one result per cell.
  /// Cells missing from the result are reported as "not executed". Cancellation (Ctrl-C) cancels the calling task:
  /// an implementation cancels its jobs and returns (or throws `CancellationError`).
  func execute(_ request: ExecutionRequest, observer: any RunObserver) async throws -> [CellExecutionResult]
}

/// What an executor is asked to run: the stale cells of one run, in a dependency-respecting order.
public struct ExecutionRequest: Sendable {
  /// The workbook's name (e.g. for a job name `workbench-<workbook>-<run>`).
  public var workbook: String
  /// The workbook file, absolute.
  public var workbookFile: String
  /// The project root, absolute (a job's working directory).
  public var projectRoot: URL
  /// The cache every job reads its inputs from and writes its entry to (absolute; shared by every node).
  public var cacheDirectory: URL
  /// `--param name=value` arguments of this run, as given (passed on to every `cell run`).
  public var params: [String]
  /// A number unique to this run in this project (the ledger's run id).
  public var runId: Int64
  /// The cells to execute, in a dependency-respecting order.
  public var cells: [CellWork]

  public init(workbook: String, workbookFile: String, projectRoot: URL, cacheDirectory: URL, params: [String],
              runId: Int64, cells: [CellWork]) {
    self.workbook = workbook
    self.workbookFile = workbookFile
    self.projectRoot = projectRoot
    self.cacheDirectory = cacheDirectory
    self.params = params
    self.runId = runId
    self.cells = cells
  }
}

/// One cell an executor runs.
public struct CellWork: Sendable, Equatable {
  public var id: String
  public var kind: String
  /// Cells of the same request this one must wait for (a failed one means this one must not run).
  public var dependsOn: [String]
  /// The cell's definition digest in the plan (``Plan/Cell/definition``): `cell run --expect-definition` refuses
  /// to run when the workbook changed since the plan (exit code ``CellRunExitCode/planMismatch``).
  public var definition: String
  /// The cache key when the plan could compute it (every upstream cell cached), else nil.
  public var key: String?

  public init(id: String, kind: String, dependsOn: [String], definition: String, key: String?) {
    self.id = id
    self.kind = kind
    self.dependsOn = dependsOn
    self.definition = definition
    self.key = key
  }

  /// The `workbench cell run` arguments (after the executable) that execute this cell of `request`.
  public func arguments(in request: ExecutionRequest) -> [String] {
    var args = ["cell", "run", request.workbookFile, "--cell", id, "--cache", request.cacheDirectory.path,
                "--expect-definition", definition, "--json"]
    for p in request.params { args += ["--param", p] }
    return args
  }
}

/// How one remotely executed cell ended.
public struct CellExecutionResult: Sendable, Equatable {
  public enum Outcome: String, Sendable {
    /// Its cache entry was written (or was already there).
    case succeeded
    /// The cell or its job failed; `message` and `logTail` say why.
    case failed
    /// Not started because a cell it depends on failed, or the run was cancelled.
    case cancelled
  }
  public var cell: String
  public var outcome: Outcome
  /// One line for the report ("exit code 1", "job 1234 TIMEOUT", "upstream cell `a` failed").
  public var message: String?
  /// The last lines of the job's log (its standard output and error), shown with the failure.
  public var logTail: String?
  /// The cell's own structured diagnostic when it failed and said why (`cell run --json`'s `error`).
  public var error: CellDiagnostic?

  public init(cell: String, outcome: Outcome, message: String? = nil, logTail: String? = nil, error: CellDiagnostic? = nil) {
    self.cell = cell
    self.outcome = outcome
    self.message = message
    self.logTail = logTail
    self.error = error
  }
}

/// Exit codes of `workbench cell run` (documented in docs/cell-run.md).
public enum CellRunExitCode {
  /// The cell's entry is in the cache (written now or already there), or `when:` is false.
  public static let success: Int32 = 0
  /// The cell failed (its message is printed; with `--json`, in the result line).
  public static let cellFailed: Int32 = 1
  /// Usage or workbook error (no such cell, invalid workbook, bad --param).
  public static let usage: Int32 = 2
  /// The workbook changed since the plan: the cell's definition digest differs from `--expect-definition`.
  public static let planMismatch: Int32 = 4
  /// An upstream cell has no entry in the cache (run it first).
  public static let upstreamMissing: Int32 = 5
}
