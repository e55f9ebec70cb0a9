import Engine
import Foundation
import Synchronization
import WorkbenchCore

/// `workbench run --executor slurm`: every stale cell becomes one Slurm job running `workbench cell run` (the same
/// binary, by absolute path) against the shared cache, chained with `--dependency=afterok`; see docs/scale-out.md.
public struct SlurmExecutor: CellExecutor {
  public var options: SlurmSubmitOptions
  /// The workbench binary every job runs (absolute; the same path must hold it on every node).
  public var executable: String
  /// Where job logs go (one sub-folder per run); every node must be able to write there.
  public var logDirectory: URL
  public var pollInterval: Duration
  /// Kinds whose work items (a sweep's trials) are computed by a job array before the cell's own job gathers them.
  public var itemKinds: Set<String>
  /// Most tasks of such an array that run at once; nil: the CPUs of the partition (`sinfo`).
  public var arrayTasks: Int?
  /// Keep the logs of a run whose jobs all succeeded (`WORKBENCH_SLURM_KEEP_LOGS=1`; bench/scale reads them).
  public var keepLogs = ProcessInfo.processInfo.environment["WORKBENCH_SLURM_KEEP_LOGS"] == "1"

  public init(options: SlurmSubmitOptions, executable: String, logDirectory: URL, itemKinds: Set<String> = [],
              arrayTasks: Int? = nil, pollInterval: Duration = .milliseconds(500)) {
    self.options = options
    self.executable = executable
    self.logDirectory = logDirectory
    self.itemKinds = itemKinds
    self.arrayTasks = arrayTasks
    self.pollInterval = pollInterval
  }

  /// The unit computing a cell's work items (`<cell>.items`).
  static func itemsUnit(_ cell: String) -> String { cell + ".items" }

  /// One job per cell; a cell with work items gets a job array before it (`workbench cell items`) and its own job
  /// gathers them. `itemCounts` has the cells whose items could be counted before submission (every upstream cell
  /// cached): their array has one task per item, at most `cpus` at once; the others get `cpus` tasks, task T
  /// computing items T, T+cpus, … (their count is known only once the upstream jobs ran). No array for a count of 0.
  func units(_ request: ExecutionRequest, cpus: Int, itemCounts: [String: Int]) -> [SlurmUnit] {
    request.cells.flatMap { cell -> [SlurmUnit] in
      let run = SlurmUnit(name: cell.id, command: [executable] + cell.arguments(in: request), after: cell.dependsOn)
      guard itemKinds.contains(cell.kind), itemCounts[cell.id] != 0 else { return [run] }
      let tasks = itemCounts[cell.id] ?? cpus
      let array = SlurmUnit(name: Self.itemsUnit(cell.id),
                            command: [executable] + itemsArguments(cell, request, ["--task", SlurmSubmission.arrayTaskNumber, "--tasks", String(tasks)]),
                            after: cell.dependsOn, array: (count: tasks, concurrency: min(tasks, cpus)))
      return [array, SlurmUnit(name: cell.id, command: run.command, after: [array.name])]
    }
  }

  /// `workbench cell items` arguments for `cell` of `request`, with `extra` (`--task`…, or `--count`).
  func itemsArguments(_ cell: CellWork, _ request: ExecutionRequest, _ extra: [String]) -> [String] {
    var args = ["cell", "items", request.workbookFile, "--cell", cell.id, "--cache", request.cacheDirectory.path] + extra
      + ["--expect-definition", cell.definition, "--json"]
    for p in request.params { args += ["--param", p] }
    return args
  }

  /// How many items each cell with items has, for those whose upstream is cached (the plan knows their key):
  /// `workbench cell items --count`, run here. A cell whose count cannot be had is left out (it gets `cpus` tasks).
  func countItems(_ request: ExecutionRequest) async -> [String: Int] {
    var counts: [String: Int] = [:]
    for cell in request.cells where itemKinds.contains(cell.kind) && cell.key != nil {
      guard let out = try? await SlurmClient.run(executable, itemsArguments(cell, request, ["--count"])), out.status == 0,
            let line = out.stdoutText.split(separator: "\n").last, let result = try? JSONValue.parse(Array(line.utf8)),
            case let .int(items)? = result["items"]
      else { continue }
      counts[cell.id] = items
    }
    return counts
  }

  public func execute(_ request: ExecutionRequest, observer: any RunObserver) async throws -> [CellExecutionResult] {
    guard !request.cells.isEmpty else { return [] }
    guard await SlurmClient.reachable() else {
      throw SlurmError("Slurm is not reachable (`scontrol ping` does not answer UP)",
                       hint: "start it (a local one: scripts/slurm.sh start), or run without --executor slurm")
    }
    let jobName = SlurmRun.jobName(workbook: request.workbook) + "-r\(request.runId)"
    let run = SlurmRun(jobName: jobName, logDirectory: logDirectory.appendingPathComponent(jobName),
                       workingDirectory: request.projectRoot, options: options, pollInterval: pollInterval)
    let needsArrays = request.cells.contains { itemKinds.contains($0.kind) }
    var cpus = 1
    if needsArrays {
      if let arrayTasks { cpus = arrayTasks } else { cpus = try await SlurmClient().totalCPUs(partition: options.partition) }
    }
    let units = units(request, cpus: cpus, itemCounts: needsArrays ? await countItems(request) : [:])
    let kinds = Dictionary(uniqueKeysWithValues: request.cells.map { ($0.id, $0.kind) })
    let cellOfUnit = Dictionary(uniqueKeysWithValues: request.cells.flatMap { [($0.id, $0.id), (Self.itemsUnit($0.id), $0.id)] })
    let shown = Mutex<Set<String>>([])
    let outcomes = try await run.execute(units) { event in
      guard case let .started(unit) = event, let cell = cellOfUnit[unit], let kind = kinds[cell] else { return }
      if shown.withLock({ $0.insert(cell).inserted }) { observer.cellStarted(cell, kind: kind) }
    }
    var results: [CellExecutionResult] = []
    for cell in request.cells {
      // A failed items array is the cell's failure (its gathering job never ran).
      var outcome = outcomes[cell.id]
      if case .failed? = outcomes[Self.itemsUnit(cell.id)] { outcome = outcomes[Self.itemsUnit(cell.id)] }
      switch outcome {
      case .completed?: results.append(CellExecutionResult(cell: cell.id, outcome: .succeeded))
      case let .failed(state, reason, logPath, logTail)?:
        let (message, rest) = Self.cellRunMessage(in: logTail)
        let job = "Slurm job \(state) (\(reason)); log: \(logPath)"
        results.append(CellExecutionResult(
          cell: cell.id, outcome: .failed, message: message.map { "\($0)\n(\(job))" } ?? job, logTail: rest,
          error: Self.cellRunDiagnostic(in: logTail)))
      case let .cancelled(reason)?: results.append(CellExecutionResult(cell: cell.id, outcome: .cancelled, message: reason))
      case .unknown?, nil: continue  // the engine reads the cache: an entry there means the job did its work
      }
    }
    // Logs of a run whose jobs all succeeded are of no further use (unless kept for a benchmark); failed ones stay.
    if results.allSatisfy({ $0.outcome == .succeeded }), !keepLogs { try? FileManager.default.removeItem(at: run.logDirectory) }
    return results
  }

  /// The structured diagnostic (`error`) of `cell run --json`'s result line at the end of a job's log, if any.
  static func cellRunDiagnostic(in logTail: String) -> CellDiagnostic? {
    let last = logTail.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    guard let last, last.hasPrefix("{"), let result = try? JSONValue.parse(Array(last.utf8)), let error = result["error"] else { return nil }
    return CellDiagnostic(json: error)
  }

  /// The message of `cell run --json`'s result line at the end of a job's log, and the log lines before it.
  static func cellRunMessage(in logTail: String) -> (message: String?, rest: String) {
    var lines = logTail.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
    guard let last = lines.last, last.hasPrefix("{"), let result = try? JSONValue.parse(Array(last.utf8)),
          result["cell"] != nil, let message = result["message"]?.stringValue
    else { return (nil, logTail) }
    return (message, lines.dropLast().joined(separator: "\n"))
  }
}
