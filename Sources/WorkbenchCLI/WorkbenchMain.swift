import ArgumentParser
import Cells
import Engine
import Foundation
import WorkbookModel

/// Entry point used by the thin `workbench` executable.
public enum WorkbenchMain {
  /// Parses arguments, runs the command and exits with 0 (success), 1 (a cell failed / verify differs)
  /// or 2 (usage or workbook error).
  public static func main() async {
    do {
      var command = try WorkbenchCommand.parseAsRoot()
      if var async = command as? any AsyncParsableCommand {
        try await async.run()
      } else {
        try command.run()
      }
      exit(0)
    } catch let exit as ExitCode {
      Foundation.exit(exit.rawValue)
    } catch let diagnostics as Diagnostics {
      let t = Terminal.standardError
      for d in diagnostics.items { printError(d.severity == .error ? t.red(d.description) : t.yellow(d.description)) }
      Foundation.exit(2)
    } catch {
      let code = WorkbenchCommand.exitCode(for: error)
      if code == .success {
        WorkbenchCommand.exit(withError: error)
      }
      let message = WorkbenchCommand.fullMessage(for: error)
      if !message.isEmpty { printError(message) }
      let isUsage = code == .validationFailure || error is ValidationError
      Foundation.exit(isUsage ? 2 : (code.rawValue == 1 ? 1 : 2))
    }
  }
}

struct WorkbenchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "workbench",
    abstract: "Run declarative, cached, reproducible workbooks for sports-analytics MLOps.",
    discussion: "Exit codes: 0 success, 1 a cell failed, a --fail-on condition held or verify found a difference, 2 usage or workbook error, 3 verify could not compare because the inputs changed since the recorded run, 4 `cell run`: the workbook changed since the plan, 5 `cell run`: an upstream cell has no cache entry.",
    version: workbenchVersion,
    subcommands: [Run.self, Render.self, Status.self, Explain.self, PlanCommand.self, CellCommand.self, Verify.self, Clean.self, GC.self, Fsck.self, Schema.self, Simulate.self, Runs.self, Sync.self, Promote.self, Rollback.self, Export.self, Serve.self])
}

/// Options shared by the commands that open a workbook.
struct WorkbookArguments: ParsableArguments {
  @Argument(help: "The workbook file (YAML).")
  var workbook: String

  @Option(name: .customLong("param"), help: ArgumentHelp("Override a param: --param name=value (typed like its default).", valueName: "name=value"))
  var params: [String] = []

  func overrides() throws -> [ParamOverride] {
    try params.map {
      guard let o = ParamOverride(argument: $0), !o.name.isEmpty else {
        throw ValidationError("--param expects name=value, got `\($0)`")
      }
      return o
    }
  }

  /// The engine of the workbook's project: its root is found from the workbook's folder
  /// (``ProjectLayout/projectRoot(forWorkbookAt:relativeTo:)``), so any current directory works.
  func engine(output: OutputArguments? = nil, cache: CacheArguments? = nil) throws -> Engine {
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let root = ProjectLayout.projectRoot(forWorkbookAt: workbook, relativeTo: cwd)
    let outputDir = output?.output.map { URL(fileURLWithPath: $0, relativeTo: cwd) }
    let layout = ProjectLayout.resolve(root: root, currentDirectory: cwd, environment: ProcessInfo.processInfo.environment,
                                       cacheOption: cache?.cache, workbookCache: ProjectLayout.cacheSetting(ofWorkbookAt: workbookPath),
                                       outputOverride: outputDir)
    return try Engine(layout: layout, registry: CellRegistry.standard, notice: { printError($0) })
  }

  /// The workbook file as an absolute path (it is given relative to the current directory).
  var workbookPath: String {
    URL(fileURLWithPath: workbook, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
  }

  func load(_ engine: Engine) throws -> ValidatedWorkbook {
    try load(engine, overrides: try overrides())
  }

  func load(_ engine: Engine, overrides: [ParamOverride]) throws -> ValidatedWorkbook {
    let wb = try engine.load(workbookAt: workbookPath, overrides: overrides)
    let t = Terminal.standardError
    for w in wb.warnings { printError(t.yellow(w.description)) }
    return wb
  }
}

/// `--output DIR` of the commands that publish or read a run's outputs (run, render, verify).
struct OutputArguments: ParsableArguments {
  @Option(name: .customLong("output"), help: ArgumentHelp(
    "Use this folder for the run's outputs instead of outputs/<workbook>/ (e.g. one folder per run); it is replaced as a whole.",
    valueName: "dir"))
  var output: String?
}

/// A path as the user should read it: relative to the current directory when inside it.
func shownPath(_ url: URL) -> String {
  Engine.relative(url.standardizedFileURL.path, to: URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL)
}
