import ArgumentParser
import Engine
import Foundation
import Orchestration
import WorkbookModel

/// `workbench export airflow WORKBOOK -o dags/`: the workbook as an Airflow 3 DAG (docs/orchestration.md).
struct Export: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Export a workbook to run under an orchestrator.",
    subcommands: [ExportAirflow.self])
}

struct ExportAirflow: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "airflow",
    abstract: "Write an Airflow 3 DAG (one task per cell running `workbench cell run`) and its cell graph.",
    discussion: """
      Writes <dag_id>.py and <dag_id>.workbench.json into the output folder. Settings come from the workbook's \
      `orchestration:` section; the flags below override them. The workbook's params (as given with --param) become \
      DAG params, overridable per run by dag_run.conf. Exit code 2 when the workbook cannot be exported (the reasons \
      are printed).
      """)

  @OptionGroup var workbook: WorkbookArguments

  @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Folder to write the DAG into (Airflow's dags folder).", valueName: "dir"))
  var output: String

  @Option(name: .customLong("dag-id"), help: "The DAG id (default: workbench_<workbook>).")
  var dagId: String?

  @Option(help: ArgumentHelp("@daily, @hourly, …, a cron expression, or `none` (triggered by hand).", valueName: "schedule"))
  var schedule: String?

  @Option(name: .customLong("start-date"), help: ArgumentHelp("First logical date (UTC).", valueName: "YYYY-MM-DD"))
  var startDate: String?

  @Option(help: "Run the intervals between the start date and now (true or false).")
  var catchup: Bool?

  @Option(help: "Retries of a failed task.")
  var retries: Int?

  @Option(name: .customLong("retry-delay-minutes"), help: "Minutes between retries.")
  var retryDelayMinutes: Int?

  @Option(help: ArgumentHelp("The cache folder every task shares (default: the project's .workbench/cache).", valueName: "dir"))
  var cache: String?

  @Option(help: ArgumentHelp("The workbench executable the tasks run (default: this one).", valueName: "path"))
  var workbench: String?

  @Flag(name: .customLong("map-sweeps"), help: "Run each sweep's trials as dynamically mapped tasks, one per trial (`workbench cell items`), instead of one task.")
  var mapSweeps = false

  func run() async throws {
    let engine = try workbook.engine()
    let wb = try workbook.load(engine)
    var settings = try AirflowSettings.parse(wb.workbook.orchestration)
    if let dagId { settings.dagId = dagId }
    if let schedule { settings.schedule = schedule == "none" ? nil : schedule }
    if let startDate { settings.startDate = startDate }
    if let catchup { settings.catchup = catchup }
    if let retries { settings.retries = retries }
    if let retryDelayMinutes { settings.retryDelayMinutes = retryDelayMinutes }
    if mapSweeps { settings.mapSweeps = true }
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    if let cache { settings.cache = URL(fileURLWithPath: cache, relativeTo: cwd).standardizedFileURL.path }

    let root = engine.layout.root.standardizedFileURL.path
    let bytes = try Data(contentsOf: URL(fileURLWithPath: workbook.workbookPath))
    let executable = workbench.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL.path } ?? Orchestration.currentExecutable
    let files: AirflowExport.Files
    do {
      files = try AirflowExport.export(
        wb, workbookPath: Engine.relative(workbook.workbookPath, to: engine.layout.root.standardizedFileURL),
        workbookSHA256: Digest.sha256(bytes), projectRoot: root, workbench: executable, settings: settings,
        itemKinds: engine.registry.itemKinds)
    } catch let refusal as AirflowExport.Refusal {
      printError("\(workbook.workbook): \(refusal.description)")
      throw ExitCode(2)
    }
    let folder = URL(fileURLWithPath: output, relativeTo: cwd).standardizedFileURL
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    // The graph first: the DAG file never names a graph that is not there.
    try AtomicFile.write(files.graph.serializedBytes(pretty: true), to: folder.appendingPathComponent(files.graphFileName).path)
    try AtomicFile.write(Array(files.dagFile.utf8), to: folder.appendingPathComponent(files.dagFileName).path)
    printError("\(wb.workbook.name): \(wb.cells.count) cells → \(shownPath(folder.appendingPathComponent(files.dagFileName))) "
               + "(graph: \(files.graphFileName))")
  }
}
