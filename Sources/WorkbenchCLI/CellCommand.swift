import ArgumentParser
import Engine
import Foundation
import WorkbookModel

/// `--cache DIR` of the commands that read or write the cache.
struct CacheArguments: ParsableArguments {
  @Option(name: .customLong("cache"), help: ArgumentHelp(
    "Use this cache folder (e.g. on a shared filesystem) instead of .workbench/cache; also WORKBENCH_CACHE_DIR or the workbook's `cache:`. It holds only blobs and manifests; the state database stays in .workbench/.",
    valueName: "dir"))
  var cache: String?
}

struct CellCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cell", abstract: "Work with one cell of a workbook.", subcommands: [CellRun.self, CellItems.self])
}

struct CellRun: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Execute exactly one cell against the cache, writing its cache entry and nothing in outputs/.",
    discussion: """
      Every cell it depends on must already have its entry in the cache. The unit of work of every executor \
      (Slurm, Kubernetes Jobs, a CI matrix); see docs/cell-run.md. Exit codes: 0 the entry was written, was \
      already there (nothing done) or the cell's `when:` is false; 1 the cell failed; 2 usage or workbook error; \
      4 the workbook changed since the plan (--expect-definition differs); 5 an upstream cell has no entry in the \
      cache (it is named).
      """)

  @OptionGroup var workbook: WorkbookArguments
  @OptionGroup var cache: CacheArguments
  @Option(name: .customLong("cell"), help: "The cell to execute.") var cell: String
  @Option(name: .customLong("expect-definition"), help: ArgumentHelp(
    "Refuse to run (exit code 4) unless the cell's definition digest (`definition` in `workbench plan --json`) is this one.",
    valueName: "digest"))
  var expectedDefinition: String?
  @OptionGroup var workbookDigest: WorkbookDigestArguments
  @Flag(help: "Print a one-line JSON result on standard output.") var json = false

  func run() async throws {
    try workbookDigest.check(workbook, cell: cell, json: json)
    let engine = try workbook.engine(cache: cache)
    let wb = try workbook.load(engine)
    let outcome = try await engine.runSingleCell(wb, cell: cell, expectedDefinition: expectedDefinition,
                                                 observer: ConsoleObserver(quiet: true, progress: false))
    if json {
      printOut(outcome.json.serialized(pretty: false))
    } else {
      let t = Terminal.standardError
      let key = outcome.key.map { " (key \($0.prefix(12))…)" } ?? ""
      switch outcome.status {
      case .executed: printError("\(cell): " + t.green("executed") + "\(key) in \(outcome.durationMs) ms, entry written to \(shownPath(engine.layout.cacheDirectory))")
      case .cached: printError("\(cell): already in the cache\(key), nothing to do")
      case .skipped: printError("\(cell): skipped: \(outcome.message ?? "condition `when` is false")")
      case .failed: printError(t.red("\(cell) failed: ") + (outcome.message ?? "no reason given"))
      case .upstreamMissing, .planMismatch: printError(t.red("error: ") + (outcome.message ?? ""))
      }
    }
    if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
  }
}
