import Cells
import Foundation
import Hummingbird
import HummingbirdTesting
import Serving
import Testing
import TestSupport
import WorkbenchCore

/// The routes in process (HummingbirdTesting) on the fixture's registered model: `/metrics` passes
/// `promtool check metrics` and counts what was served; `/openapi.json` is an OpenAPI 3.1 document.
@Suite struct ServeMetricsTests {
  func server() throws -> ScoringServer {
    let fixture = try ServeFixture.get()
    let files = try fixture.registeredModel(version: 2)
    let model = try ServableModel(modelFile: files.model, schemaJSON: files.schema, source: "servetest version 2")
    let loaded = LoadedModel(model: model, name: "servetest", version: 2, runId: "run-2", trainingCell: "model", cacheKey: nil,
                             workbook: "servetest", loadedAt: 1_700_000_000)
    return ScoringServer(slot: ModelSlot(loaded), settings: ServeSettings())
  }

  @Test func metricsPassPromtoolAndCountRequestsAndPredictions() async throws {
    let server = try server()
    let app = Application(router: server.router())
    let text = try await app.test(.router) { client in
      let body = ByteBuffer(string: #"{"instances": [[1, 20, 100, 150], [4, 2, 0, 10], [2, 25, -200, 80]]}"#)
      try await client.execute(uri: "/invocations", method: .post, headers: [.contentType: "application/json"], body: body) { r in
        #expect(r.status == .ok)
      }
      try await client.execute(uri: "/invocations", method: .post, headers: [.contentType: "text/plain"], body: body) { r in
        #expect(r.status == .unsupportedMediaType)
      }
      try await client.execute(uri: "/ping", method: .get) { r in #expect(r.status == .ok) }
      return try await client.execute(uri: "/metrics", method: .get) { r in
        #expect(r.status == .ok)
        #expect(r.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        return String(buffer: r.body)
      }
    }
    #expect(text.contains(#"http_requests_total{handler="/invocations",method="POST",status="200"} 1"#))
    #expect(text.contains(#"http_requests_total{handler="/invocations",method="POST",status="415"} 1"#))
    #expect(text.contains(#"workbench_predictions_total{model="servetest",version="2"} 3"#))
    #expect(text.contains(#"workbench_predicted_score_count{model="servetest",version="2"} 3"#))
    #expect(text.contains(#"http_request_duration_seconds_bucket{handler="/ping",method="GET",le="+Inf"} 1"#))
    #expect(text.contains(#"workbench_model_info{model="servetest",version="2",run_id="run-2",flavor="logistic_regression",cache_key=""} 1"#))

    guard let promtool = try Oracles.tool("promtool", package: "prometheus") else { return }
    let out = try runProcess(promtool, ["check", "metrics"], stdin: text)
    #expect(out.status == 0, "promtool: \(out.stdout)\(out.stderr)\n\(text)")
  }

  @Test func swappedModelIsReportedInTheInfoSeries() throws {
    let server = try server()
    var next = server.slot.model
    next.version = 3
    next.runId = "run-3"
    let old = server.slot.swap(next)
    server.metrics.modelLoaded(next, replacing: old)
    let text = String(decoding: server.metrics.text(), as: UTF8.self)
    #expect(text.contains(#"workbench_model_info{model="servetest",version="2",run_id="run-2",flavor="logistic_regression",cache_key=""} 0"#))
    #expect(text.contains(#"workbench_model_info{model="servetest",version="3",run_id="run-3",flavor="logistic_regression",cache_key=""} 1"#))
  }

  @Test func openAPIDocumentDescribesTheModel() async throws {
    let server = try server()
    let app = Application(router: server.router())
    let document = try await app.test(.router) { client in
      try await client.execute(uri: "/openapi.json", method: .get) { r in try JSONValue.parse(Array(r.body.readableBytesView)) }
    }
    #expect(document["openapi"] == "3.1.0")
    #expect(document.value(atPath: ["paths", "/invocations", "post"]) != nil)
    let required = document.value(atPath: ["paths", "/invocations", "post", "requestBody", "content", "application/json", "schema", "oneOf", "1",
                                           "properties", "dataframe_records", "items", "required"])
    #expect(required == .array(ServeFixture.features.map { .string($0) }))
  }
}
