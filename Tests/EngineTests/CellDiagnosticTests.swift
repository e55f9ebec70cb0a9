import Cells
import Engine
import Foundation
import Frame
import Testing
import TestSupport
import WorkbookModel

/// A workbook run in-process in a fresh project (the real engine and cells), for reading its run.json.
struct DiagnosticProject {
  let root: URL
  var registry = CellRegistry.standard

  init() throws { root = try makeTemporaryDirectory("diagnostics") }

  func write(_ path: String, _ text: String) throws {
    let url = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }

  /// Runs `yaml` (saved as `wb.yaml`) and returns run.json's entry for `cell`.
  func run(_ yaml: String, cell: String, params: [String: String] = [:], environment: [String: String] = [:]) async throws -> JSONValue {
    try write("wb.yaml", yaml)
    let engine = try Engine(layout: ProjectLayout(root: root), registry: registry)
    let workbook = try engine.load(workbookAt: root.appendingPathComponent("wb.yaml").path,
                                   overrides: params.sorted { $0.key < $1.key }.map { ParamOverride(name: $0.key, rawValue: $0.value) })
    var options = RunOptions()
    options.environment = environment
    let summary = try await engine.run(workbook, options: options)
    let runJSON = try JSONValue.parse(Array(try Data(contentsOf: summary.outputsDirectory.appendingPathComponent("run.json"))))
    let entry = runJSON["cells"]?.arrayValue?.first { $0["id"]?.stringValue == cell }
    return try #require(entry)
  }

  func remove() { try? FileManager.default.removeItem(at: root) }
}

/// A test kind whose body throws what the test gives it, or outputs a file with a given name.
func throwingKind(_ name: String, _ body: @escaping @Sendable (CellContext) throws -> CellOutput) -> CellImplementation {
  CellImplementation(descriptor: KindDescriptor(name: name, version: 1, summary: "test", options: [
    OptionSpec("input", .table, doc: "upstream"),
  ])) { context in try body(context) }
}

struct UnmappedTestError: Error {}

/// Runtime failures are recorded in run.json as `{code, message, cell, file, line, column, hint}`; each code of
/// docs/errors.md is produced here, except `digest.mismatch` (EndToEndTests/ErrorCodeTests: it needs a download).
@Suite struct CellDiagnosticTests {
  static let csv = "x,y\n1,a\n2,b\n3,c\n"

  func loadWorkbook(_ extra: String = "") -> String {
    """
    workbook: wb
    params:
      data: data.csv
    cells:
      - id: bronze
        kind: load
        source: ${data}
    \(extra)
    """
  }

  @Test func missingInputIsInputMissingAtTheSourceLine() async throws {
    let p = try DiagnosticProject(); defer { p.remove() }
    let entry = try await p.run(loadWorkbook(), cell: "bronze", params: ["data": "nope.csv"])
    #expect(entry["status"]?.stringValue == "failed")
    let error = try #require(entry["error"])
    #expect(error["code"]?.stringValue == "input.missing")
    #expect(error["cell"]?.stringValue == "bronze")
    #expect(error["file"]?.stringValue == "wb.yaml")
    #expect(error["line"]?.intValue == 7)
    #expect(error["column"]?.intValue != nil)
    #expect(error["message"]?.stringValue?.contains("nope.csv") == true)
    #expect(error["hint"]?.stringValue?.contains("--param") == true)
    // The terminal's one-line reason is still there.
    #expect(entry["reason"]?.stringValue?.contains("does not exist") == true)
  }

  @Test func emptyInputPathIsInputInvalid() async throws {
    let p = try DiagnosticProject(); defer { p.remove() }
    let entry = try await p.run(loadWorkbook(), cell: "bronze", params: ["data": ""])
    #expect(entry["error"]?["code"]?.stringValue == "input.invalid")
  }

  @Test func malformedCSVIsDataUnreadable() async throws {
    let p = try DiagnosticProject(); defer { p.remove() }
    try p.write("data.csv", "x,y\n1,a\n2,b,extra\n")
    let entry = try await p.run(loadWorkbook(), cell: "bronze")
    #expect(entry["error"]?["code"]?.stringValue == "data.unreadable")
    #expect(entry["error"]?["line"]?.intValue == 7)
  }

  @Test func missingResultFieldIsReferenceInvalid() async throws {
    let p = try DiagnosticProject(); defer { p.remove() }
    try p.write("data.csv", Self.csv)
    let entry = try await p.run(loadWorkbook("""
      - id: profile
        kind: describe
        input: bronze
        top: ${bronze.no_such_field}
    """), cell: "profile")
    #expect(entry["error"]?["code"]?.stringValue == "reference.invalid")
    #expect(entry["error"]?["line"]?.intValue == 11)
  }

  @Test func paramOutOfRangeIsOptionInvalid() async throws {
    let p = try DiagnosticProject(); defer { p.remove() }
    try p.write("data.csv", Self.csv)
    let entry = try await p.run("""
    workbook: wb
    params:
      n: 3
    cells:
      - id: bronze
        kind: load
        source: data.csv
      - id: profile
        kind: describe
        input: bronze
        top: ${n}
    """, cell: "profile", params: ["n": "-3"])
    #expect(entry["error"]?["code"]?.stringValue == "option.invalid")
    #expect(entry["error"]?["line"]?.intValue == 11)
  }

  @Test func failingShellCodeIsScriptFailed() async throws {
    let p = try DiagnosticProject(); defer { p.remove() }
    let entry = try await p.run("""
    workbook: wb
    cells:
      - id: fails
        kind: shell
        code: exit 3
    """, cell: "fails")
    #expect(entry["error"]?["code"]?.stringValue == "script.failed")
    #expect(entry["error"]?["cell"]?.stringValue == "fails")
    #expect(entry["error"]?["line"]?.intValue == 5)
  }

  @Test func offlineFetchWithoutCopyIsNetworkFailed() async throws {
    let p = try DiagnosticProject(); defer { p.remove() }
    let entry = try await p.run("""
    workbook: wb
    cells:
      - id: get
        kind: fetch
        url: https://example.invalid/data.csv
    """, cell: "get", environment: ["WORKBENCH_OFFLINE": "1"])
    #expect(entry["error"]?["code"]?.stringValue == "network.failed")
    #expect(entry["error"]?["line"]?.intValue == 5)
  }

  @Test func brokenDataContractIsCheckFailed() async throws {
    let p = try DiagnosticProject(); defer { p.remove() }
    try p.write("data.csv", Self.csv)
    let entry = try await p.run(loadWorkbook("""
      - id: contract
        kind: expect
        input: bronze
        checks:
          - row_count: {min: 1000}
    """), cell: "contract")
    #expect(entry["status"]?.stringValue == "failed")
    #expect(entry["error"]?["code"]?.stringValue == "check.failed")
    #expect(entry["error"]?["line"]?.intValue == 8)  // the cell's own line
  }

  @Test func unusableTrackingStoreIsTrackingFailed() async throws {
    let p = try DiagnosticProject(); defer { p.remove() }
    var csv = "a,y\n"
    for i in 0..<60 { csv += "\(i % 9),\(i % 9 > 4 ? 1 : 0)\n" }
    try p.write("data.csv", csv)
    try p.write("blocked", "a file where the store's folder would be\n")
    let entry = try await p.run("""
    workbook: wb
    cells:
      - id: data
        kind: load
        source: data.csv
      - id: split
        kind: split
        input: data
        target: y
      - id: model
        kind: train
        input: split
        features: [a]
        model: logistic_regression
        plots: false
      - id: log
        kind: track
        of: model
        uri: blocked/mlruns
    """, cell: "log")
    #expect(entry["error"]?["code"]?.stringValue == "tracking.failed", "\(entry)")
    #expect(entry["error"]?["line"]?.intValue == 19)
  }

  /// Codes the engine gives errors it does not get from a cell's own `CellError`: library errors, cancellation,
  /// unstorable outputs, unknown errors; and a `CellError` without a code.
  @Test func engineMapsOtherErrorsToCodes() async throws {
    var p = try DiagnosticProject(); defer { p.remove() }
    try p.write("data.csv", Self.csv)
    p.registry.register(throwingKind("t_upstream") { context in _ = try context.table("bronze.no_such_table"); return CellOutput() })
    p.registry.register(throwingKind("t_output") { _ in CellOutput(files: [("../escape", [1])]) })
    p.registry.register(throwingKind("t_cancel") { _ in throw CancellationError() })
    p.registry.register(throwingKind("t_plain") { _ in throw CellError("the kind's own check failed") })
    p.registry.register(throwingKind("t_frame") { _ in throw TableOperationError("no column `z`") })
    p.registry.register(throwingKind("t_unknown") { _ in throw UnmappedTestError() })
    p.registry.register(throwingKind("t_tool") { _ in throw ChildProcessError("`gnuplot` could not be started") })
    let yaml = loadWorkbook(["t_upstream", "t_output", "t_cancel", "t_plain", "t_frame", "t_unknown", "t_tool"].map {
      "  - id: \($0)\n    kind: \($0)\n    input: bronze"
    }.joined(separator: "\n"))
    let expected = ["t_upstream": "upstream.missing", "t_output": "output.invalid", "t_cancel": "run.interrupted",
                    "t_plain": "cell.failed", "t_frame": "data.invalid", "t_unknown": "internal.unexpected",
                    "t_tool": "tool.failed"]
    for (cell, code) in expected.sorted(by: { $0.key < $1.key }) {
      let entry = try await p.run(yaml, cell: cell)
      #expect(entry["error"]?["code"]?.stringValue == code, "\(cell)")
      #expect(entry["error"]?["cell"]?.stringValue == cell)
    }
  }

  /// A remote executor that fails every cell: with the cell's own diagnostic (as `cell run --json` reports it), or
  /// without one (as when Slurm kills a job).
  struct FailingExecutor: CellExecutor {
    var diagnostic: CellDiagnostic?
    func execute(_ request: ExecutionRequest, observer: any RunObserver) async throws -> [CellExecutionResult] {
      request.cells.map { CellExecutionResult(cell: $0.id, outcome: .failed, message: "job 12 TIMEOUT", error: diagnostic) }
    }
  }

  /// Run through an executor, a failed cell's run.json error is the cell's own diagnostic when the job reported
  /// one, else `executor.failed` at the cell's line.
  @Test func remoteFailuresKeepTheCellsDiagnosticOrAreExecutorFailed() async throws {
    let p = try DiagnosticProject(); defer { p.remove() }
    let yaml = "workbook: wb\ncells:\n  - id: note\n    kind: note\n    text: hello\n"
    try p.write("wb.yaml", yaml)
    func runJSON(_ executor: FailingExecutor) async throws -> JSONValue? {
      let engine = try Engine(layout: ProjectLayout(root: p.root), registry: p.registry)
      let summary = try await engine.run(try engine.load(workbookAt: p.root.appendingPathComponent("wb.yaml").path), executor: executor)
      #expect(summary.exitCode == 1)
      let runJSON = try JSONValue.parse(Array(try Data(contentsOf: summary.outputsDirectory.appendingPathComponent("run.json"))))
      return runJSON["cells"]?.arrayValue?.first?["error"]
    }
    let killed = try await runJSON(FailingExecutor(diagnostic: nil))
    #expect(killed?["code"]?.stringValue == "executor.failed")
    #expect(killed?["line"]?.intValue == 3)
    #expect(killed?["message"]?.stringValue?.contains("TIMEOUT") == true)
    let own = CellDiagnostic(code: .scriptFailed, message: "exited with status 3", cell: "note",
                             location: SourceLocation(file: "wb.yaml", line: 5, column: 11))
    let reported = try await runJSON(FailingExecutor(diagnostic: own))
    #expect(reported.flatMap(CellDiagnostic.init(json:)) == own)
  }

  @Test func diagnosticJSONRoundTrips() throws {
    let d = CellDiagnostic(code: .inputMissing, message: "input `x` does not exist", cell: "bronze",
                           location: SourceLocation(file: "wb.yaml", line: 7, column: 13), hint: "pass another")
    #expect(CellDiagnostic(json: d.json) == d)
    let bare = CellDiagnostic(code: .cellFailed, message: "m", cell: "c")
    #expect(bare.json["line"] == .null)
    #expect(CellDiagnostic(json: bare.json) == bare)
  }

  /// Every code the engine knows is documented in docs/errors.md, and every documented code is one it knows.
  @Test func everyCodeIsDocumented() throws {
    let docs = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("docs/errors.md"), encoding: .utf8)
    let documented = Set(docs.split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix("| `"), let end = line.dropFirst(3).firstIndex(of: "`") else { return nil }
      return String(line.dropFirst(3)[..<end])
    })
    #expect(documented == Set(ErrorCode.all.map(\.rawValue)))
  }
}
