import Cells
import Engine
import Foundation
import Frame
import Serving
import Testing
import TestSupport
import WorkbenchCore
import WorkbookModel

/// A project whose model is trained on PariVision's silver features (Workbooks/parivision.yaml's `silver` steps, on
/// the bundled Kaggle-layout sample), with a `predict` cell scoring every silver row. Built once per test process.
struct RawServeFixture: Sendable {
  let root: URL
  static let features = ["Player ID", "X Location", "Y Location", "Total_Seconds_Remaining", "Shot_Type_Encoded",
                         "Shot_Distance_Meters", "Shot_Zone_Combined"]
  static let shared: Result<RawServeFixture, any Error> = Result { try RawServeFixture() }
  static func get() throws -> RawServeFixture { try shared.get() }

  private init() throws {
    root = try makeTemporaryDirectory("wb-raw-serve")
    try FileManager.default.createDirectory(at: root.appendingPathComponent(".workbench"), withIntermediateDirectories: true)
    let sample = TestPaths.repositoryRoot.appendingPathComponent("datasets/nba_shots_sample.csv").path
    try """
      workbook: rawserve
      params:
        distance_limit: 90
      cells:
        - id: bronze
          kind: load
          source: \(sample)
        - id: silver
          kind: transform
          input: bronze
          steps:
            - drop: [Game ID, Game Event ID, Player Name, Team ID, Team Name, Period, Season Type, Game Date, Home Team, Away Team]
            - dedupe: true
            - impute:
                Player ID: median
                Minutes Remaining: median
                Seconds Remaining: median
                Shot Distance: median
                X Location: median
                Y Location: median
                Shot Made Flag: median
            - derive:
                Total_Seconds_Remaining: "to_int(`Minutes Remaining`) * 60 + to_int(`Seconds Remaining`)"
            - filter: "Total_Seconds_Remaining is not null and `Shot Distance` < ${distance_limit}"
            - derive:
                Shot_Type_Encoded: "case when `Shot Type` = '2PT Field Goal' then 2 when `Shot Type` = '3PT Field Goal' then 3 else 0 end"
                Shot_Distance_Meters: "to_float(`Shot Distance`) * 0.3048"
                Shot_Zone_Combined: >-
                  case
                    when `Shot Zone Basic` = 'Restricted Area' then 1
                    when `Shot Zone Basic` = 'In The Paint (Non-RA)' then 2
                    when `Shot Zone Basic` = 'Mid-Range' and `Shot Zone Area` in ('Left Side(L)', 'Left Side Center(LC)') then 3
                    when `Shot Zone Basic` = 'Mid-Range' then 4
                    when `Shot Zone Basic` = 'Above the Break 3' then 5
                    when contains(`Shot Zone Basic`, 'Corner 3') then 6
                    when `Shot Zone Basic` = 'Backcourt' then 7
                    else 0
                  end
            - select: [Player ID, X Location, Y Location, Total_Seconds_Remaining, Shot_Type_Encoded, Shot_Distance_Meters, Shot_Zone_Combined, Shot Made Flag]
            - cast:
                Player ID: int
                X Location: int
                Y Location: int
                Total_Seconds_Remaining: int
                Shot_Type_Encoded: int
                Shot_Distance_Meters: float
                Shot_Zone_Combined: int
                Shot Made Flag: int
                on_error: fail
        - id: split
          kind: split
          input: silver
          target: Shot Made Flag
          seed: 42
        - id: model
          kind: train
          input: split
          model: logistic_regression
          features: [\(Self.features.joined(separator: ", "))]
          plots: false
        - id: scored
          kind: predict
          model: model
          input: silver
        - id: track
          kind: track
          of: model
          data: split.train
          experiment: rawserve
        - id: champion
          kind: promote
          of: track
          model_name: rawserve
      """.write(to: root.appendingPathComponent("rawserve.yaml"), atomically: true, encoding: .utf8)
    let out = try runProcess(TestPaths.workbenchExecutable, ["run", "rawserve.yaml"], currentDirectory: root, environment: ["NO_COLOR": "1"])
    guard out.status == 0 else { throw MissingResource("fixture run of rawserve.yaml failed: \(out.stdout)\n\(out.stderr)") }
  }

  /// The bronze sample's header and rows (no quoted fields in it).
  func bronze() throws -> (header: [String], rows: [[String]]) {
    let text = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("datasets/nba_shots_sample.csv"), encoding: .utf8)
    let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    return (lines[0], Array(lines.dropFirst()))
  }

  /// The `predict` cell's output over every silver row: the features and the score per row.
  func scored() throws -> (features: [[String]], scores: [Double]) {
    let text = try String(contentsOf: root.appendingPathComponent("outputs/rawserve/cells/scored/predictions.csv"), encoding: .utf8)
    let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = lines[0]
    let indices = try Self.features.map { f in try #require(header.firstIndex(of: f)) }
    let score = try #require(header.firstIndex(of: "score"))
    return (lines.dropFirst().map { row in indices.map { row[$0] } }, try lines.dropFirst().map { try #require(Double($0[score])) })
  }
}

/// A CSV field as JSON: a whole number, a number, or text.
func jsonField(_ field: String) -> JSONValue {
  if let i = Int(field) { return .int(i) }
  if let d = Double(field) { return .double(d) }
  return field.isEmpty ? .null : .string(field)
}

/// `workbench serve rawserve.yaml` on a free port, stopped (SIGTERM) by `stop()`.
final class RawServer: @unchecked Sendable {
  let process: ChildProcess.Spawned
  let client: RunningServer.Client
  let log: URL

  init(_ fixture: RawServeFixture, arguments: [String] = []) throws {
    let log = fixture.root.appendingPathComponent("serve-\(UUID().uuidString).log")
    self.log = log
    let logText = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    process = try startProcess(TestPaths.workbenchExecutable, ["serve", "rawserve.yaml", "--port", "0", "--request-log", "none"] + arguments,
                               currentDirectory: fixture.root, environment: ["NO_COLOR": "1"], logFile: log)
    var found: Int?
    for _ in 0..<600 {
      let text = logText()
      if let range = text.range(of: "listening on http://127.0.0.1:") {
        found = Int(text[range.upperBound...].prefix { $0.isNumber })
        break
      }
      if text.contains("Error") { break }
      usleep(100_000)
    }
    guard let found else {
      process.signalGroup(SIGKILL)
      _ = process.wait()
      throw MissingResource("workbench serve did not start: \(logText())")
    }
    client = RunningServer.Client(port: found)
  }

  var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

  func post(_ body: JSONValue) throws -> (status: Int, body: String) {
    try client.request("POST", "/invocations", body: body.serialized(pretty: false))
  }

  func stop() {
    process.signal(SIGTERM)
    _ = process.wait()
  }
}

/// Raw (bronze) rows sent to `/invocations` are turned into features by the workbook's own transform cells.
@Suite(.serialized) struct RawInputTests {
  func predictions(_ body: String) throws -> [Double] {
    try #require(try JSONValue.parse(Array(body.utf8))["predictions"]?.arrayValue?.compactMap { $0.doubleValue })
  }

  /// A `dataframe_split` body of bronze rows, without the columns in `leaving`.
  func split(_ header: [String], _ rows: [[String]], leaving: Set<String> = []) -> JSONValue {
    let kept = header.indices.filter { !leaving.contains(header[$0]) }
    return .object(["dataframe_split": .object([
      "columns": .array(kept.map { .string(header[$0]) }),
      "data": .array(rows.map { row in .array(kept.map { jsonField(row[$0]) }) }),
    ])])
  }

  @Test func bronzeRowsScoreLikeThePredictCellBitForBit() throws {
    let fixture = try RawServeFixture.get()
    let server = try RawServer(fixture)
    defer { server.stop() }
    let bronze = try fixture.bronze()
    let scored = try fixture.scored()
    // Every bronze row of the sample is a silver row, in order (no duplicate, none filtered out).
    try #require(scored.scores.count == bronze.rows.count)
    let n = 300
    let expected = scored.scores.prefix(n).map(\.bitPattern)

    // JSON, without the target (unknown at serving time).
    let json = try server.post(split(bronze.header, Array(bronze.rows.prefix(n)), leaving: ["Shot Made Flag"]))
    #expect(json.status == 200, "\(json.body)")
    #expect(try predictions(json.body).map(\.bitPattern) == expected)

    // CSV, with every bronze column.
    let csv = ([bronze.header] + bronze.rows.prefix(n)).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    let csvAnswer = try server.client.request("POST", "/invocations", body: csv, contentType: "text/csv")
    #expect(csvAnswer.status == 200, "\(csvAnswer.body)")
    #expect(try predictions(csvAnswer.body).map(\.bitPattern) == expected)

    // Records with the explicit choice, and silver features still scored directly.
    let records = JSONValue.object([
      "dataframe_records": .array(bronze.rows.prefix(3).map { row in
        .object(Dictionary(uniqueKeysWithValues: bronze.header.indices.map { (bronze.header[$0], jsonField(row[$0])) }))
      }),
      "params": .object(["input": "raw"]),
    ])
    let explicit = try server.post(records)
    #expect(explicit.status == 200, "\(explicit.body)")
    #expect(try predictions(explicit.body).map(\.bitPattern) == Array(expected.prefix(3)))
    let silver = JSONValue.object(["dataframe_split": .object([
      "columns": .array(RawServeFixture.features.map { .string($0) }),
      "data": .array(scored.features.prefix(3).map { row in .array(row.map(jsonField)) }),
    ])])
    let direct = try server.post(silver)
    #expect(direct.status == 200, "\(direct.body)")
    #expect(try predictions(direct.body).map(\.bitPattern) == Array(expected.prefix(3)))
    #expect(server.logText.contains("raw rows accepted: columns of cell `bronze`"))
  }

  @Test func refusalsNameTheRawColumnTheRowAndTheStep() throws {
    let fixture = try RawServeFixture.get()
    let server = try RawServer(fixture)
    defer { server.stop() }
    let bronze = try fixture.bronze()
    let rows = Array(bronze.rows.prefix(3))

    let missing = try server.post(split(bronze.header, rows, leaving: ["Shot Made Flag", "Shot Zone Basic"]))
    #expect(missing.status == 400)
    #expect(missing.body.contains("missing raw column(s) `Shot Zone Basic`"), "\(missing.body)")

    // Row 1 is 95 ft from the hoop: the `filter` step drops it, so the request is refused naming row and step.
    let distance = try #require(bronze.header.firstIndex(of: "Shot Distance"))
    var far = rows
    far[1][distance] = "95"
    let filtered = try server.post(split(bronze.header, far))
    #expect(filtered.status == 400)
    #expect(filtered.body.contains("row 1 is dropped by cell `silver`, step 5 (filter)"), "\(filtered.body)")

    // An explicit `features` choice with raw columns is refused as features; unknown params stay refused.
    var asFeatures = split(bronze.header, rows)
    asFeatures = .object(["dataframe_split": asFeatures["dataframe_split"]!, "params": .object(["input": "features"])])
    let refused = try server.post(asFeatures)
    #expect(refused.status == 400)
    #expect(refused.body.contains("the model takes:") && !refused.body.contains("as raw rows"), "\(refused.body)")
    let unknown = try server.post(.object(["dataframe_split": asFeatures["dataframe_split"]!, "params": .object(["threshold": .double(0.3)])]))
    #expect(unknown.status == 400)
    #expect(unknown.body.contains("unknown param `threshold`"))
    // Columns of neither kind: the message names what is missing for both.
    let neither = try server.post(.object(["dataframe_records": .array([.object(["Period": .int(1)])])]))
    #expect(neither.status == 400)
    #expect(neither.body.contains("missing column(s)") && neither.body.contains("as raw rows of cell `bronze`"), "\(neither.body)")
  }

  /// A missing value is filled with the training run's median, never with a statistic of the request.
  @Test func imputeUsesTheTrainingMedian() throws {
    let fixture = try RawServeFixture.get()
    let server = try RawServer(fixture)
    defer { server.stop() }
    let bronze = try fixture.bronze()
    let scored = try fixture.scored()
    let column = try #require(bronze.header.firstIndex(of: "X Location"))
    let values = bronze.rows.compactMap { Double($0[column]) }.sorted()
    let median = values.count % 2 == 1 ? values[values.count / 2] : (values[values.count / 2 - 1] + values[values.count / 2]) / 2
    // Two rows with the value missing: a statistic of the request would be the other row's value.
    var rows = Array(bronze.rows.prefix(2))
    rows[0][column] = ""
    let raw = try server.post(split(bronze.header, rows))
    #expect(raw.status == 200, "\(raw.body)")

    var silverRow = scored.features[0].map(jsonField)
    silverRow[1] = median == median.rounded() ? .int(Int(median)) : .double(median)
    let silver = try server.post(.object(["dataframe_split": .object([
      "columns": .array(RawServeFixture.features.map { .string($0) }), "data": .array([.array(silverRow), .array(scored.features[1].map(jsonField))]),
    ])]))
    #expect(silver.status == 200, "\(silver.body)")
    #expect(try predictions(raw.body).map(\.bitPattern) == (try predictions(silver.body)).map(\.bitPattern))
  }

  /// `--raw-input` names the entry cell; with no transform cell below it, raw rows are refused saying why.
  @Test func rawInputOptionPicksTheEntryCell() throws {
    let fixture = try RawServeFixture.get()
    let server = try RawServer(fixture, arguments: ["--raw-input", "silver"])
    defer { server.stop() }
    #expect(server.logText.contains("raw rows not accepted (features only): no transform cell lies between cell `silver`"))
    let version = try JSONValue.parse(Array(try server.client.request("GET", "/version").body.utf8))
    #expect(version["raw_input"]?["accepted"] == .bool(false))
    let bronze = try fixture.bronze()
    let refused = try server.post(.object(["dataframe_split": split(bronze.header, Array(bronze.rows.prefix(2)))["dataframe_split"]!,
                                           "params": .object(["input": "raw"])]))
    #expect(refused.status == 400)
    #expect(refused.body.contains("raw rows are not accepted by this server: no transform cell"), "\(refused.body)")
  }

  @Test func versionAndOpenAPIShowTheRawSchema() throws {
    let fixture = try RawServeFixture.get()
    let server = try RawServer(fixture)
    defer { server.stop() }
    let version = try JSONValue.parse(Array(try server.client.request("GET", "/version").body.utf8))
    let raw = try #require(version["raw_input"])
    #expect(raw["cell"] == "bronze")
    #expect(raw["transforms"] == .array(["silver"]))
    let columns = try #require(raw["columns"]?.arrayValue)
    #expect(columns.count == 22)
    #expect(columns.contains(.object(["name": "Shot Made Flag", "type": "int", "required": false])))
    #expect(columns.contains(.object(["name": "Shot Zone Basic", "type": "string", "required": true])))
    #expect(raw["skipped_steps"]?.arrayValue?.first?.stringValue?.contains("step 2 (dedupe)") == true)

    let openapi = try JSONValue.parse(Array(try server.client.request("GET", "/openapi.json").body.utf8))
    let row = try #require(openapi["components"]?["schemas"]?["RawRow"])
    #expect(row["required"]?.arrayValue?.contains("Game ID") == true)
    #expect(row["required"]?.arrayValue?.contains("Shot Made Flag") == false)
    #expect(row["properties"]?["Shot Distance"] == .object(["type": ["integer", "null"]]))
  }
}

/// ``ServingTransform`` in process: fitted values, skipped and unservable steps.
struct ServingTransformTests {
  let location = SourceLocation(file: "t.yaml", line: 1, column: 1)

  func transform(_ steps: [JSONValue], training: Frame) throws -> ServingTransform {
    let options = CellOptions(values: ["input": "raw", "steps": .array(steps)], locations: [:], cellLocation: location, defaults: [:])
    return try ServingTransform(cell: "t", options: options, trainingInput: training) { name in throw CellError("no table \(name)") }
  }

  @Test func imputeFillsWithTheTrainingStatisticAndTheTrainingType() throws {
    let training = try Frame(columns: [Column(name: "a", ints: [1, 2, 10])])
    let t = try transform([.object(["dedupe": true]), .object(["impute": .object(["a": "median"])])], training: training)
    let out = try t.apply(try Frame(columns: [Column(name: "a", ints: [0, 100, 0], validity: [false, true, false])]))
    #expect(out.column(named: "a") == Column(name: "a", ints: [2, 100, 2]))
    #expect(t.skipped.count == 1 && t.skipped[0].contains("dedupe"))

    let mean = try transform([.object(["impute": .object(["a": "mean"])])], training: try Frame(columns: [Column(name: "a", ints: [1, 2, 0], validity: [true, true, false])]))
    // The training fill (1.5) made the int column float; a request without nulls gets the same type.
    #expect(try mean.apply(try Frame(columns: [Column(name: "a", ints: [3])])).column(named: "a") == Column(name: "a", floats: [3]))
    #expect(try mean.apply(try Frame(columns: [Column(name: "a", ints: [0], validity: [false])])).column(named: "a") == Column(name: "a", floats: [1.5]))
  }

  @Test func groupByIsNotServableAndFilterRefusesTheRow() throws {
    let training = try Frame(columns: [Column(name: "a", ints: [1, 2, 3])])
    #expect(throws: CellError.self) {
      try transform([.object(["group_by": .object(["keys": ["a"], "aggregate": .object(["n": "count()"])])])], training: training)
    }
    let filter = try transform([.object(["filter": "a > 0"])], training: training)
    do {
      _ = try filter.apply(try Frame(columns: [Column(name: "a", ints: [5, -1])]))
      Issue.record("row 1 should be refused")
    } catch {
      #expect("\(error)".contains("row 1 is dropped by cell `t`, step 1 (filter)"))
    }
  }
}

/// The shipped PariVision workbook: its raw chain (bronze → conformed → silver, through the `contract` expect cell)
/// turns the bundled bronze sample into exactly the silver table the run cached.
struct ParivisionRawChainTests {
  @Test func bronzeThroughTheChainIsTheCachedSilverTable() throws {
    let root = try makeTemporaryDirectory("wb-raw-parivision")
    try FileManager.default.createDirectory(at: root.appendingPathComponent(".workbench"), withIntermediateDirectories: true)
    // A copy inside the throwaway project, so that the run's cache and outputs are the project's, not the repository's.
    let workbook = root.appendingPathComponent("parivision.yaml").path
    try FileManager.default.copyItem(at: TestPaths.repositoryRoot.appendingPathComponent("Workbooks/parivision.yaml"),
                                     to: URL(fileURLWithPath: workbook))
    let sample = TestPaths.repositoryRoot.appendingPathComponent("datasets/nba_shots_sample.csv").path
    let out = try runProcess(TestPaths.workbenchExecutable, ["run", "parivision.yaml", "--cell", "silver", "--param", "shots=\(sample)"],
                             currentDirectory: root, environment: ["NO_COLOR": "1"])
    try #require(out.status == 0, "\(out.stdout)\n\(out.stderr)")

    let engine = try Engine(layout: ProjectLayout(root: root), registry: CellRegistry.standard)
    let wb = try engine.load(workbookAt: workbook, overrides: [ParamOverride(name: "shots", rawValue: sample)])
    let status = RawInput.resolve(engine: engine, workbook: wb, trainingCell: "sweep", entry: nil)
    let raw = try #require(status.raw, "\(status.logLine)")
    #expect(raw.entryCell == "bronze")
    #expect(raw.transforms.map(\.cell) == ["conformed", "silver"])
    #expect(raw.contracts == ["contract"])
    #expect(raw.columns.filter { !$0.required }.map(\.name) == ["Shot Made Flag"])

    let plan = engine.plan(wb)
    var table = try engine.cachedTable("table", of: try #require(plan.cell("bronze")?.manifest))
    for transform in raw.transforms { table = try transform.apply(table) }
    let silver = try engine.cachedTable("table", of: try #require(plan.cell("silver")?.manifest))
    #expect(table.rowCount == silver.rowCount)
    #expect(table == silver)
  }
}
