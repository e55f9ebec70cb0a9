import ArgumentParser
import Engine
import Foundation
import WorkbookModel

struct Run: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a workbook: execute stale cells, reuse cached ones, write outputs/<workbook>/.")

  @OptionGroup var workbook: WorkbookArguments
  @OptionGroup var output: OutputArguments
  @OptionGroup var cache: CacheArguments
  @OptionGroup var execution: ExecutorArguments

  @Option(name: .customLong("cell"), help: "Run only this cell and what it depends on (repeatable).")
  var cells: [String] = []

  @Flag(help: "Re-execute cells even when a cached result exists.")
  var force = false

  @Option(help: "How many independent cells may run at once.")
  var jobs: Int = 1

  @Flag(help: "Print the run summary (run.json) on standard output.")
  var json = false

  @Flag(name: .shortAndLong, help: "Only report failures.")
  var quiet = false

  @Option(name: .customLong("fail-on"), help: ArgumentHelp(
    "Fail the run (exit code 1, recorded in run.json) when a condition holds after it: `drift` (a drift cell reports dataset drift), `contracts` (an expect cell recorded failed warn-level checks), or `cell.path OP number` over the cell's result.json, OP one of < <= > >= == != (e.g. \"sweep.best.test.roc_auc < 0.62\"). Repeatable.",
    valueName: "condition"))
  var failOn: [String] = []

  func validate() throws {
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    if execution.executor == .slurm && jobs != 1 {
      throw ValidationError("--jobs applies to cells run here; with --executor slurm, Slurm runs as many jobs at once as the partition allows")
    }
    _ = try gates()
  }

  func gates() throws -> [RunGate] {
    try failOn.map { text in
      do { return try RunGate.parse(text) } catch { throw ValidationError(String(describing: error)) }
    }
  }

  func run() async throws {
    let engine = try workbook.engine(output: output, cache: cache)
    let wb = try workbook.load(engine)
    for c in cells where wb.cell(c) == nil {
      throw Diagnostics([.error("--cell \(c): no such cell", hint: Suggest.hint(for: c, in: wb.cells.map(\.id)))])
    }
    let gates = try gates()
    for g in gates {
      guard let c = g.cell, wb.cell(c) == nil else { continue }
      throw Diagnostics([.error("--fail-on \(g): no cell `\(c)` in \(wb.workbook.file)", hint: Suggest.hint(for: c, in: wb.cells.map(\.id)))])
    }
    var options = RunOptions()
    options.overrides = try workbook.overrides()
    options.selectedCells = cells
    options.force = force
    options.jobs = jobs
    options.command = CommandLine.arguments.dropFirst().joined(separator: " ")
    options.gates = gates
    let observer = ConsoleObserver(quiet: quiet || json)
    let summary = try await engine.run(wb, options: options, executor: try execution.executor(engine: engine, workbook: wb), observer: observer)
    observer.finish()
    let out = summary.outputsDirectory
    if json {
      let data = (try? Data(contentsOf: out.appendingPathComponent("run.json"))) ?? Data()
      FileHandle.standardOutput.write(data)
    } else if !quiet {
      let t = Terminal.standardError
      let counts = Dictionary(grouping: summary.records, by: \.status).mapValues(\.count)
      var parts = ["\(counts[.executed] ?? 0) executed", "\(counts[.cached] ?? 0) cached"]
      if let f = counts[.failed] { parts.append(t.red("\(f) failed")) }
      if let s = counts[.skipped] { parts.append("\(s) skipped") }
      let shown = shownPath(out.appendingPathComponent("index.html"))
      for w in summary.outputWarnings { printError(t.yellow("warning: ") + w) }
      printError("\(wb.workbook.name): " + parts.joined(separator: ", ") + " — report: \(shown)")
      if summary.exitCode != 0, let failed = summary.records.first(where: { $0.status == .failed }) {
        printError("fix the problem, then rerun: cached cells are reused (e.g. `workbench run \(workbook.workbook) --cell \(failed.id)`)")
      }
    }
    reportGates(summary)
    if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
  }
}

/// Prints the `--fail-on` conditions that held or could not be checked (also in run.json `gates`).
func reportGates(_ summary: RunSummary) {
  let t = Terminal.standardError
  for g in summary.gates {
    switch g.verdict {
    case .passed: continue
    case .failed: printError(t.red("--fail-on \(g.condition): ") + g.detail + " (exit code 1)")
    case .invalid: printError(t.red("error: --fail-on \(g.condition): ") + g.detail)
    }
  }
}

extension Engine {
  static func relative(_ path: String, to root: URL) -> String {
    let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
  }
}

struct Render: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Rebuild outputs/<workbook>/ (reports, run.json, cell folders, warehouse) from the cache, executing nothing.",
    discussion: "When a cell's current inputs have no cache entry, the stale cells are named, nothing is published (the outputs folder stays as it was) and the exit code is 1; `workbench run` computes them.")

  @OptionGroup var workbook: WorkbookArguments
  @OptionGroup var output: OutputArguments
  @OptionGroup var cache: CacheArguments

  @Flag(help: "Print the summary (run.json) on standard output.")
  var json = false

  @Flag(name: .shortAndLong, help: "Only report problems.")
  var quiet = false

  @Option(name: .customLong("cell-results"), help: ArgumentHelp(
    "A JSON array of `workbench cell run --json` results (objects or their JSON text; nulls ignored): the cells they say were executed are reported as executed by this run instead of cached. An exported Airflow DAG's publishing task passes its tasks' results.",
    valueName: "json"))
  var cellResults: String?

  func run() async throws {
    let engine = try workbook.engine(output: output, cache: cache)
    let wb = try workbook.load(engine)
    let executed = try cellResults.map(Self.executedCells) ?? [:]
    let summary = try engine.render(wb, executedElsewhere: executed, observer: ConsoleObserver(quiet: quiet || json))
    let out = summary.outputsDirectory
    if !summary.staleCells.isEmpty {
      let t = Terminal.standardError
      if !quiet && !json {
        for f in summary.records where f.status == .skipped && summary.staleCells.contains(f.id) {
          printError(t.yellow("stale  ") + "\(f.id): " + (f.reason ?? ""))
        }
      }
      printError(t.yellow("\(wb.workbook.name): \(summary.staleCells.count) stale (not rendered): \(summary.staleCells.joined(separator: ", "))")
                 + " — nothing published, \(shownPath(out)) left as it was; run `workbench run \(workbook.workbook)` to compute them")
      throw ExitCode(1)
    }
    if json {
      FileHandle.standardOutput.write((try? Data(contentsOf: out.appendingPathComponent("run.json"))) ?? Data())
    } else if !quiet {
      let t = Terminal.standardError
      for w in summary.outputWarnings { printError(t.yellow("warning: ") + w) }
      let shown = shownPath(out.appendingPathComponent("index.html"))
      let rendered = summary.records.filter { $0.status == .cached || $0.status == .executed }.count
      var line = "\(wb.workbook.name): \(rendered) rendered from the cache"
      if !executed.isEmpty { line += " (\(executed.count) executed for this run by other processes)" }
      if !summary.staleCells.isEmpty { line += ", " + t.yellow("\(summary.staleCells.count) stale (not rendered)") }
      printError(line + " — report: \(shown)")
      if !summary.staleCells.isEmpty { printError("run `workbench run \(workbook.workbook)` to compute the stale cells") }
      for r in summary.records where r.status == .failed { printError(t.red("FAILED ") + "\(r.id): " + (r.reason ?? "")) }
    }
    if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
  }
}

extension Render {
  /// Cell → duration (ms) of the results whose status is `executed`.
  static func executedCells(_ text: String) throws -> [String: Int] {
    let bad = { (why: String) in ValidationError("--cell-results: \(why); expected a JSON array of `workbench cell run --json` results") }
    guard let value = try? JSONValue.parse(Array(text.utf8)) else { throw bad("not JSON") }
    guard let items = value.arrayValue else { throw bad("not an array") }
    var executed: [String: Int] = [:]
    for (index, item) in items.enumerated() {
      var result = item
      if case .null = item { continue }
      if let text = item.stringValue {
        guard let parsed = try? JSONValue.parse(Array(text.utf8)) else { throw bad("item \(index) is text but not JSON") }
        result = parsed
      }
      guard let cell = result["cell"]?.stringValue, let status = result["status"]?.stringValue else {
        throw bad("item \(index) has no `cell` and `status`")
      }
      if status == "executed" { executed[cell] = result["duration_ms"]?.intValue ?? 0 }
    }
    return executed
  }
}
