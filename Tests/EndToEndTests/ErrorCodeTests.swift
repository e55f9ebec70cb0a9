import Foundation
import Testing
import TestSupport
import WorkbookModel

/// Error codes in run.json that need the real executable and a local HTTP server (the others:
/// EngineTests/CellDiagnosticTests).
@Suite struct ErrorCodeTests {
  @Test func pinnedDownloadWithOtherBytesIsDigestMismatch() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("www/data.csv", "x\n1\n")
    let server = try LocalHTTPServer(serving: p.root.appendingPathComponent("www"))
    defer { server.stop() }
    try p.write("f.yaml", """
      workbook: f
      cells:
        - id: remote
          kind: fetch
          url: http://127.0.0.1:\(server.port)/data.csv
          retries: 0
          sha256: \(String(repeating: "ab", count: 32))
      """)
    let run = try p.workbench(["run", "f.yaml"])
    #expect(run.status == 1)
    let runJSON = try JSONValue.parse(Array(try Data(contentsOf: p.root.appendingPathComponent("outputs/f/run.json"))))
    let error = try #require(runJSON["cells"]?.arrayValue?.first?["error"])
    #expect(error["code"]?.stringValue == "digest.mismatch")
    #expect(error["cell"]?.stringValue == "remote")
    #expect(error["file"]?.stringValue == "f.yaml")
    #expect(error["line"]?.intValue == 7)
    #expect(error["hint"]?.stringValue?.contains("update the pin") == true)
  }
}
