import Foundation
import Testing
import TestSupport

/// schemathesis generates requests from `/openapi.json` (valid and invalid) against a running `workbench serve`:
/// no 5xx, and every response conforms to the documented schema, status code and content type.
@Suite struct OpenAPIFuzzTests {
  @Test(.needsPython("schemathesis"))
  func schemathesisFindsNoServerErrorAndNoSchemaBreak() throws {
    guard let python = try Oracles.python("schemathesis") else { return }
    let fixture = try ServeFixture.get()
    let server = try RunningServer(fixture, arguments: ["--model", "servetrees_gbt@champion"])
    defer { server.stop() }
    let executable = python.deletingLastPathComponent().appendingPathComponent("schemathesis")
    let out = try runProcess(executable, [
      "run", "http://127.0.0.1:\(server.port)/openapi.json",
      "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
      "--max-examples", "60", "--seed", "7", "--generation-deterministic", "--no-color",
    ], currentDirectory: fixture.root, environment: ["SCHEMATHESIS_HOOKS": ""])
    #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
    #expect(try server.request("GET", "/ping").status == 200)
  }
}
