import Cells
import Foundation
import Frame
import Serving
import Testing
import TestSupport
import WorkbenchCore

/// Drift of served traffic in process: the bounded window, the verdict (the `drift` cell's tests and rule) and the
/// `/metrics` series, on the fixture's registered model; then a real `workbench serve` that reads the training
/// table from the cache and reports drifted traffic in `/metrics`.
@Suite struct ServedDriftTests {
  static let features = ServeFixture.features  // Period, Shot Distance, X Location, Y Location

  func model(version: Int = 2) throws -> LoadedModel {
    let fixture = try ServeFixture.get()
    let files = try fixture.registeredModel(version: 2)
    let model = try ServableModel(modelFile: files.model, schemaJSON: files.schema, source: "servetest version 2")
    return LoadedModel(model: model, name: "servetest", version: version, runId: "run-\(version)", trainingCell: "model", cacheKey: nil,
                       workbook: "servetest", loadedAt: 1_700_000_000)
  }

  /// `rows` deterministic shot-like rows; `shift` moves the shot locations and distances.
  static func shots(_ rows: Int, offset: Int = 0, shift: Double = 0) throws -> Frame {
    let i = (0..<rows).map { Double(($0 + offset) * 7919 % 1000) / 1000 }  // spread over [0, 1)
    return try Frame(columns: [
      Column(name: "Period", ints: (0..<rows).map { Int64(1 + ($0 + offset) % 4) }),
      Column(name: "Shot Distance", floats: i.map { 25 * $0 + shift }),
      Column(name: "X Location", floats: i.map { 500 * (($0 * 3).truncatingRemainder(dividingBy: 1)) - 250 + 10 * shift }),
      Column(name: "Y Location", floats: i.map { 300 * (($0 * 7).truncatingRemainder(dividingBy: 1)) + 10 * shift }),
    ])
  }

  func monitor(window: Int = 1000, minimum: Int = 100) -> ServedDrift {
    var settings = ServedDriftSettings()
    settings.windowRows = window
    settings.minimumRows = minimum
    return ServedDrift(settings: settings) { _ in try Self.shots(3000) }
  }

  @Test func windowKeepsTheLastRowsOfTheVersionInService() throws {
    let drift = monitor(window: 1000, minimum: 100)
    let model = try model()
    for k in 0..<25 { drift.record(try Self.shots(100, offset: k * 100), model: model) }
    let metrics = ServeMetrics()
    let verdict = try #require(try drift.check(model: model, reference: try Self.shots(3000), metrics: metrics, now: Date(timeIntervalSince1970: 1_800_000_000)))
    #expect(verdict.features.map(\.currentRows) == [1000, 1000, 1000, 1000])
    // Rows scored by another version start a new window: below the minimum, no verdict.
    let next = try self.model(version: 3)
    drift.record(try Self.shots(50), model: next)
    #expect(try drift.check(model: next, reference: try Self.shots(3000), metrics: metrics) == nil)
    #expect(try drift.check(model: model, reference: try Self.shots(3000), metrics: metrics) == nil)
  }

  @Test func sameTrafficHasNoDriftAndShiftedTrafficDrifts() throws {
    let model = try model()
    let reference = try Self.shots(3000)
    let same = monitor()
    same.record(try Self.shots(800, offset: 11), model: model)
    let metrics = ServeMetrics()
    let calm = try #require(try same.check(model: model, reference: reference, metrics: metrics, now: Date(timeIntervalSince1970: 1_800_000_000)))
    #expect(!calm.datasetDrift && calm.status == "ok" && calm.testedColumns == 4)
    var text = String(decoding: metrics.text(), as: UTF8.self)
    #expect(text.contains(#"workbench_drift_detected{model="servetest",version="2"} 0"#))
    #expect(text.contains(#"workbench_drift_window_rows{model="servetest",version="2"} 800"#))
    #expect(text.contains(#"workbench_drift_check_timestamp_seconds{model="servetest",version="2"} 1800000000"#))

    let shifted = monitor()
    shifted.record(try Self.shots(800, offset: 11, shift: 8), model: model)
    let drifted = try #require(try shifted.check(model: model, reference: reference, metrics: metrics))
    #expect(drifted.datasetDrift && drifted.driftedColumns >= 2)
    text = String(decoding: metrics.text(), as: UTF8.self)
    #expect(text.contains(#"workbench_drift_detected{model="servetest",version="2"} 1"#))
    #expect(text.contains(#"workbench_feature_drift_detected{model="servetest",version="2",feature="Shot Distance"} 1"#))
    #expect(text.contains(#"workbench_feature_drift_score{model="servetest",version="2",feature="Shot Distance",test=""#))
    #expect(text.contains(#"workbench_feature_window_mean{model="servetest",version="2",feature="Shot Distance"}"#))

    // The same statistics and verdict as the drift cell's computation on the same two tables (deterministic).
    let again = try DatasetDrift.compare(reference: reference, current: try Self.shots(800, offset: 11, shift: 8), columns: Self.features)
    #expect(again == drifted)

    // A swap removes the series of the previous version.
    metrics.driftReset()
    text = String(decoding: metrics.text(), as: UTF8.self)
    #expect(!text.contains("workbench_drift_detected"))
  }

  @Test func driftSeriesPassPromtool() throws {
    let model = try model()
    let drift = monitor()
    drift.record(try Self.shots(800, shift: 8), model: model)
    let metrics = ServeMetrics()
    metrics.modelLoaded(model, replacing: nil)
    _ = try drift.check(model: model, reference: try Self.shots(3000), metrics: metrics)
    let text = String(decoding: metrics.text(), as: UTF8.self)
    #expect(text.contains("# TYPE workbench_feature_drift_score gauge"))
    guard let promtool = try Oracles.tool("promtool", package: "prometheus") else { return }
    let out = try runProcess(promtool, ["check", "metrics"], stdin: text)
    #expect(out.status == 0, "promtool: \(out.stdout)\(out.stderr)\n\(text)")
  }

  /// A real server: the reference is the training cell's split table read from the project's cache.
  @Test func serverReportsDriftedTrafficInMetrics() throws {
    let fixture = try ServeFixture.get()
    let log = fixture.root.appendingPathComponent("drift-requests-\(UUID().uuidString).sqlite").path
    let server = try RunningServer(fixture, arguments: ["--poll", "0", "--drift-every", "0.2", "--drift-min-rows", "200",
                                                        "--drift-window", "400", "--request-log", log])
    defer { server.stop() }
    #expect(server.logText.contains("drift of served traffic: every 0.2 s, the last 400 scored rows vs the"))
    let rows = (0..<400).map { i in "\(1 + i % 4),\(30 + i % 10),\(200 + i % 40),\(400 + i % 50)" }
    let csv = "Period,Shot Distance,X Location,Y Location\n" + rows.joined(separator: "\n") + "\n"
    #expect(try server.request("POST", "/invocations", body: csv, contentType: "text/csv").status == 200)
    var text = ""
    var polls = 0
    while !text.contains("workbench_drift_detected{"), polls < 400 {  // a bound, not a timing assertion
      usleep(50_000)
      polls += 1
      text = try server.request("GET", "/metrics").body
    }
    #expect(text.contains(/workbench_drift_detected\{model="servetest",version="\d+"\} 1\.0\n/), "\(text)")
    #expect(text.contains(#"feature="X Location"} 1"#))
    #expect(server.logText.contains("DRIFT"))
  }
}
