import ArgumentParser
import Engine
import Foundation
import WorkbookModel

/// `workbench cell items`: one task's share of a sweep's trials, computed into the cache (a Slurm array task).
struct CellItems: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "items",
    abstract: "Compute one task's share of a cell's work items (a sweep's trials) into the cache, for `cell run` to gather.",
    discussion: """
      Task T of N computes items T, T+N, T+2N, … (already stored ones are kept), so N tasks together compute them \
      all; `workbench cell run` of the cell then reuses every stored item. Each task of a Slurm job array runs it \
      (see docs/scale-out.md). Exit codes as `cell run`: 0 done (or the cell's entry is already cached), 1 an item \
      failed, 2 usage or workbook error, 4 the workbook changed since the plan, 5 an upstream cell has no entry.
      """)

  @OptionGroup var workbook: WorkbookArguments
  @OptionGroup var cache: CacheArguments
  @Option(name: .customLong("cell"), help: "The cell whose items to compute (a sweep).") var cell: String
  @Option(help: "This task's number, 0 to tasks - 1 (in a Slurm array: $SLURM_ARRAY_TASK_ID).") var task: Int?
  @Option(help: "How many tasks share the items.") var tasks: Int?
  @Flag(help: "Compute nothing; say how many items the cell has (`items` of the --json line; 0 when its entry is cached).")
  var count = false
  @OptionGroup var workbookDigest: WorkbookDigestArguments
  @Option(name: .customLong("expect-definition"), help: ArgumentHelp(
    "Refuse to run (exit code 4) unless the cell's definition digest is this one (as for `cell run`).", valueName: "digest"))
  var expectedDefinition: String?
  @Flag(help: "Print a one-line JSON result on standard output.") var json = false

  func validate() throws {
    if count { return }
    guard let task, let tasks else { throw ValidationError("--task and --tasks are required (or --count)") }
    guard tasks >= 1 else { throw ValidationError("--tasks must be at least 1") }
    guard (0..<tasks).contains(task) else { throw ValidationError("--task must be between 0 and \(tasks - 1)") }
  }

  func run() async throws {
    try workbookDigest.check(workbook, cell: cell, json: json)
    let engine = try workbook.engine(cache: cache)
    let wb = try workbook.load(engine)
    let cell = self.cell
    let task = self.task ?? 0, tasks = self.tasks ?? 1
    let outcome = try await engine.runWorkItems(wb, cell: cell, task: task, of: tasks, countOnly: count,
                                                expectedDefinition: expectedDefinition) { index, seconds in
      printError("\(cell): item \(index) stored in \(String(format: "%.2f", seconds)) s")
    }
    if json {
      printOut(outcome.json.serialized(pretty: false))
    } else {
      let t = Terminal.standardError
      switch outcome.status {
      case .failed, .upstreamMissing, .planMismatch: printError(t.red("\(cell) task \(task)/\(tasks) failed: ") + (outcome.message ?? ""))
      default: printError("\(cell) task \(task)/\(tasks): \(outcome.message ?? outcome.status.rawValue)")
      }
    }
    if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
  }
}
