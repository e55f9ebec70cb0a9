import Foundation
import WorkbookModel

/// Turns a workbook into an Airflow 3 DAG: a generic, static DAG file (`<dag_id>.py`, `airflow.sdk` API) and the
/// cell graph as data beside it (`<dag_id>.workbench.json`). One `BashOperator` task per cell runs
/// `workbench cell run` against the shared cache; a last task, `workbench_publish`, renders `outputs/` from the
/// cache exactly as a local run. The DAG file imports nothing from Workbench and does no work at parse time but read
/// the graph file. See docs/orchestration.md.
public enum AirflowExport {
  /// What an export writes.
  public struct Files: Sendable {
    public var dagFileName: String
    public var dagFile: String
    public var graphFileName: String
    public var graph: JSONValue
  }

  /// Why a workbook cannot become a DAG.
  public struct Refusal: Error, Sendable, CustomStringConvertible {
    public var reasons: [String]
    public var description: String {
      "the workbook cannot be exported to Airflow:\n" + reasons.map { "  - \($0)" }.joined(separator: "\n")
    }
  }

  /// Airflow's default `max_map_length`: a mapped task expands to at most this many task instances.
  public static let maxMappedTasks = 1024

  /// The name of the last task, which publishes `outputs/<workbook>/` from the cache.
  public static let publishTask = "workbench_publish"
  /// Format tag of the graph file.
  public static let graphFormat = "workbench-airflow-graph/1"

  /// - Parameters:
  ///   - workbookPath: the workbook relative to `projectRoot` (tasks run with the project root as working directory).
  ///   - workbookSHA256: digest of the workbook file's bytes; a task refuses to run when the file differs.
  ///   - workbench: absolute path of the `workbench` executable every worker runs.
  ///   - itemKinds: kinds whose work items (a sweep's trials) `workbench cell items` computes one by one; with
  ///     `settings.mapSweeps`, such a cell becomes dynamically mapped tasks, one per item.
  public static func export(_ workbook: ValidatedWorkbook, workbookPath: String, workbookSHA256: String,
                            projectRoot: String, workbench: String, settings: AirflowSettings,
                            itemKinds: Set<String> = []) throws -> Files {
    var reasons: [String] = []
    if let problem = settings.problem() { reasons.append(problem) }
    for (what, text) in [("workbook path", workbookPath), ("project root", projectRoot), ("workbench path", workbench),
                         ("cache", settings.cache ?? "")] where containsJinja(text) {
      reasons.append("the \(what) `\(text)` contains `{{`, `{%` or `{#`, which Airflow would read as a template")
    }
    if workbookPath.hasPrefix("/") || workbookPath.hasPrefix("..") {
      reasons.append("the workbook \(workbookPath) is not inside the project \(projectRoot): tasks run from the project root")
    }
    if !workbench.hasPrefix("/") { reasons.append("the workbench executable must be an absolute path, got `\(workbench)`") }
    if workbook.cells.contains(where: { $0.id == publishTask }) {
      reasons.append("a cell is named `\(publishTask)`, the name of the DAG's publishing task: rename the cell")
    }

    // Params: DAG params (overridable by dag_run.conf) reach every task through one environment variable each.
    var envNames: [String: String] = [:]
    var paramsJSON: [String: JSONValue] = [:]
    var env: [String: JSONValue] = [:]
    for spec in workbook.workbook.params {
      let variable = "WORKBENCH_DAG_PARAM_" + spec.name.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
      if let other = envNames.first(where: { $0.value == variable })?.key {
        reasons.append("params `\(other)` and `\(spec.name)` would share the environment variable \(variable): rename one")
        continue
      }
      envNames[spec.name] = variable
      let value = workbook.params[spec.name] ?? spec.defaultValue
      if spec.type == .list, case .array(let items) = value,
         items.contains(where: { $0.stringValue?.contains(",") == true || $0.arrayValue != nil || $0.objectValue != nil }) {
        reasons.append("list param `\(spec.name)` has items with commas or nested values, which `--param` cannot carry")
      }
      var param: [String: JSONValue] = ["default": value, "type": .string(airflowType(spec.type))]
      if let doc = spec.doc { param["description"] = .string(doc) }
      paramsJSON[spec.name] = .object(param)
      let reference = "params[\(pythonString(spec.name))]"
      let rendered = switch spec.type {
      case .string: "{{ \(reference) }}"
      case .list: "{{ \(reference) | join(',') }}"
      case .integer, .number, .boolean: "{{ \(reference) | tojson }}"
      }
      env[variable] = .string(rendered)
    }
    if !reasons.isEmpty { throw Refusal(reasons: reasons) }

    let dagId = settings.dagId ?? defaultDagId(workbook.workbook.name)
    var common: [String] = []
    if let cache = settings.cache { common += ["--cache", shellQuote(cache)] }
    for spec in workbook.workbook.params {
      common += ["--param", "\"\(spec.name)=$\(envNames[spec.name]!)\""]
    }
    let exe = shellQuote(workbench), wb = shellQuote(workbookPath)
    var tasks: [JSONValue] = []
    for cell in workbook.order.compactMap({ workbook.cell($0) }) {
      // `--json`: the result's one line on stdout is the task's XCom, which the publishing task reads.
      let command = (["exec", exe, "cell", "run", wb, "--cell", shellQuote(cell.id), "--expect-workbook-sha256", workbookSHA256,
                      "--json"] + common).joined(separator: " ")
      var task: [String: JSONValue] = [
        "task_id": .string(cell.id), "cell": .string(cell.id), "kind": .string(cell.spec.kind),
        "upstream": .array(cell.dependencies.map { .string($0) }), "command": .string(command),
        "params_used": .array(cell.paramsUsed.map { .string($0) }),
      ]
      if let title = cell.spec.title { task["title"] = .string(title) }
      if settings.mapSweeps, itemKinds.contains(cell.spec.kind) {
        // `<cell>__items` counts the items; `<cell>__item` is mapped over them, one task per item (at most
        // `maxMappedTasks`, each then taking every n-th); the cell's own task gathers what they stored.
        let countId = cell.id + "__items", itemId = cell.id + "__item"
        if let clash = workbook.cells.first(where: { [countId, itemId, countId + "_commands"].contains($0.id) }) {
          throw Refusal(reasons: ["cell `\(clash.id)` has the name of a task mapping the items of sweep `\(cell.id)`: rename it"])
        }
        let items = ["exec", exe, "cell", "items", wb, "--cell", shellQuote(cell.id), "--expect-workbook-sha256", workbookSHA256]
        tasks.append(.object([
          "task_id": .string(countId), "cell": .string(cell.id), "kind": .string("items"),
          "upstream": .array(cell.dependencies.map { .string($0) }), "params_used": .array([]),
          "command": .string((items + ["--count", "--json"] + common).joined(separator: " ")),
          "title": .string("Count the trials of \(cell.id)"),
        ]))
        tasks.append(.object([
          "task_id": .string(itemId), "cell": .string(cell.id), "kind": .string("item"),
          "upstream": .array([.string(countId)]), "params_used": .array([]),
          "map": .object([
            "from": .string(countId), "max_tasks": .int(maxMappedTasks),
            "command": .string((items + ["--task", "@TASK@", "--tasks", "@TASKS@", "--json"] + common).joined(separator: " ")),
          ]),
          "title": .string("One trial of \(cell.id)"),
        ]))
        task["upstream"] = .array([.string(itemId)])
      }
      tasks.append(.object(task))
    }
    // Publishing waits for every cell: it renders outputs/ from the cache, as `workbench run` would have.
    // It reports as executed the cells this DAG run's tasks executed (their XComs), as a local run would.
    let publish = (["exec", exe, "render", wb, "--cell-results", "\"$WORKBENCH_CELL_RESULTS\""] + common).joined(separator: " ")
    let ids = workbook.order.map(pythonString).joined(separator: ", ")
    tasks.append(.object([
      "task_id": .string(publishTask), "cell": .null, "kind": .string("publish"),
      "env": .object(["WORKBENCH_CELL_RESULTS": .string("{{ ti.xcom_pull(task_ids=[\(ids)]) | list | tojson }}")]),
      "upstream": .array(workbook.order.map { .string($0) }), "command": .string(publish), "params_used": .array([]),
      "title": .string("Publish outputs/\(workbook.workbook.name)/ from the cache"),
    ]))

    let dag: [String: JSONValue] = [
      "dag_id": .string(dagId), "schedule": settings.schedule.map { .string($0) } ?? .null,
      "start_date": .string(settings.startDate), "catchup": .bool(settings.catchup), "retries": .int(settings.retries),
      "retry_delay_minutes": .int(settings.retryDelayMinutes), "max_active_runs": .int(settings.maxActiveRuns),
      "tags": .array((["workbench", workbook.workbook.name] + settings.tags).map { .string($0) }),
    ]
    let graph: JSONValue = .object([
      "format": .string(graphFormat), "workbook": .string(workbookPath), "workbook_name": .string(workbook.workbook.name),
      "workbook_sha256": .string(workbookSHA256), "project_root": .string(projectRoot), "workbench": .string(workbench),
      "cache": settings.cache.map { .string($0) } ?? .null, "dag": .object(dag), "params": .object(paramsJSON),
      "env": .object(env), "tasks": .array(tasks),
      "doc": .string(docMarkdown(workbook, workbookPath: workbookPath)),
    ])
    let graphFileName = "\(dagId).workbench.json"
    return Files(dagFileName: "\(dagId).py", dagFile: dagFile(graphFileName: graphFileName, workbookPath: workbookPath),
                 graphFileName: graphFileName, graph: graph)
  }

  /// `workbench_<name>` with characters Airflow refuses replaced by `_`.
  public static func defaultDagId(_ workbookName: String) -> String {
    "workbench_" + workbookName.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") ? String($0) : "_" }.joined()
  }

  static func airflowType(_ type: ParamType) -> String {
    switch type {
    case .string: "string"
    case .integer: "integer"
    case .number: "number"
    case .boolean: "boolean"
    case .list: "array"
    }
  }

  /// POSIX shell single quoting.
  static func shellQuote(_ s: String) -> String {
    if !s.isEmpty, s.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || "/._-=:@+,".unicodeScalars.contains($0) }) {
      return s
    }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// A Python string literal (JSON's escapes are valid Python).
  static func pythonString(_ s: String) -> String {
    var out = ""
    JSONValue.writeString(s, into: &out)
    return out
  }

  static func containsJinja(_ s: String) -> Bool { s.contains("{{") || s.contains("{%") || s.contains("{#") }

  static func docMarkdown(_ workbook: ValidatedWorkbook, workbookPath: String) -> String {
    var s = "Workbench workbook `\(workbookPath)`"
    if let title = workbook.workbook.title { s += ": \(title)" }
    s += ". Each task runs one cell with `workbench cell run` (a cached cell does nothing); "
    s += "`\(publishTask)` renders outputs/\(workbook.workbook.name)/ from the cache. Re-export after editing the workbook."
    return s
  }

  /// The DAG file: the same generic text for every workbook but for the graph file's name.
  static func dagFile(graphFileName: String, workbookPath: String) -> String {
    """
    # Airflow DAG of the Workbench workbook \(workbookPath.replacingOccurrences(of: "\n", with: " ")).
    # Generated by `workbench export airflow`: do not edit; re-export after editing the workbook (a task refuses to run
    # a workbook whose bytes differ from the exported one). The cell graph is data, in \(graphFileName) beside this
    # file; nothing from Workbench is imported and nothing runs at parse time but reading that file.
    import datetime
    import json
    import pathlib

    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG, Param, task as python_task

    GRAPH = json.loads(pathlib.Path(__file__).with_name(\(pythonString(graphFileName))).read_text(encoding="utf-8"))
    SETTINGS = GRAPH["dag"]

    with DAG(
        dag_id=SETTINGS["dag_id"],
        schedule=SETTINGS["schedule"],
        start_date=datetime.datetime.fromisoformat(SETTINGS["start_date"]).replace(tzinfo=datetime.timezone.utc),
        catchup=SETTINGS["catchup"],
        max_active_runs=SETTINGS["max_active_runs"],
        default_args={
            "retries": SETTINGS["retries"],
            "retry_delay": datetime.timedelta(minutes=SETTINGS["retry_delay_minutes"]),
        },
        params={
            name: Param(spec["default"], type=spec["type"], description=spec.get("description"))
            for name, spec in GRAPH["params"].items()
        },
        tags=SETTINGS["tags"],
        doc_md=GRAPH["doc"],
    ) as dag:

        def item_commands(spec):
            \"\"\"One command per item, from the item count the `from` task printed (`{"items": n, ...}`).\"\"\"

            @python_task(task_id=spec["from"] + "_commands")
            def commands(result):
                count = int(json.loads(result).get("items") or 0)
                tasks = max(1, min(count, spec["max_tasks"]))
                return [
                    spec["command"].replace("@TASK@", str(number)).replace("@TASKS@", str(tasks))
                    for number in range(tasks)
                ]

            return commands

        tasks = {}
        for task in GRAPH["tasks"]:
            arguments = dict(
                task_id=task["task_id"],
                env={**GRAPH["env"], **task.get("env", {})},
                append_env=True,
                cwd=GRAPH["project_root"],
                doc_md=task.get("title"),
            )
            if "map" in task:
                commands = item_commands(task["map"])(tasks[task["map"]["from"]].output)
                tasks[task["task_id"]] = BashOperator.partial(**arguments).expand(bash_command=commands)
            else:
                tasks[task["task_id"]] = BashOperator(bash_command=task["command"], **arguments)
        for task in GRAPH["tasks"]:
            for upstream in task["upstream"]:
                if "map" in task and upstream == task["map"]["from"]:
                    continue  # already upstream through the commands it maps over
                tasks[upstream] >> tasks[task["task_id"]]

    """
  }
}
