import Foundation
import Testing
import TestSupport
import WorkbenchCore

/// The same payloads, valid and malformed, sent to `workbench serve` and to a real `mlflow models serve` of the same
/// registered model (loaded by MLflow through the model's python_function flavour): same status codes, same
/// response shapes, and the same predictions to 1e-12.
@Suite struct MLflowCompatibilityTests {
  @Test(.needsPython("mlflow3"))
  func sameStatusCodesAndShapesAsMLflowModelsServe() throws {
    guard let python = try Oracles.python("mlflow3") else { return }
    let fixture = try ServeFixture.get()
    // Pinned versions: the hot-swap test moves servetest's champion alias while this runs.
    let workbench = try RunningServer(fixture, arguments: ["--model", "servetest@2"])
    defer { workbench.stop() }
    let port = Int(try runPython(python, "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
      .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    let bin = python.deletingLastPathComponent()
    let log = fixture.root.appendingPathComponent("mlflow-serve-\(port).log")
    let mlflow = try startProcess(
      bin.appendingPathComponent("mlflow"),
      ["models", "serve", "-m", "models:/servetest/2", "--env-manager", "local", "-h", "127.0.0.1", "-p", String(port)],
      currentDirectory: fixture.root,
      environment: ["PATH": "\(bin.path):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")",
                    "MLFLOW_ALLOW_FILE_STORE": "true", "MLFLOW_TRACKING_URI": "file://\(fixture.root.path)/mlruns"],
      logFile: log)
    defer {
      mlflow.signalGroup(SIGTERM)
      mlflow.wait()
    }
    let reference = RunningServer.Client(port: port)
    var ready = false
    for _ in 0..<600 where !ready {  // MLflow starts uvicorn: a bounded wait for /ping
      ready = (try? reference.request("GET", "/ping").status) == 200
      if !ready { usleep(200_000) }
    }
    try #require(ready, "mlflow models serve did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")

    let columns = #"["Period", "Shot Distance", "X Location", "Y Location"]"#
    let payloads: [(String, String?, String)] = [
      ("split", "application/json", #"{"dataframe_split": {"columns": \#(columns), "data": [[1, 20, 100, 150], [4, 2, 0, 10]]}}"#),
      ("records", "application/json", #"{"dataframe_records": [{"Period": 1, "Shot Distance": 20, "X Location": 100, "Y Location": 150}]}"#),
      ("instances", "application/json", #"{"instances": [{"Period": 1, "Shot Distance": 20, "X Location": 100, "Y Location": 150}]}"#),
      ("inputs", "application/json", #"{"inputs": {"Period": [1, 2], "Shot Distance": [20, 3], "X Location": [100, 0], "Y Location": [150, 5]}}"#),
      ("csv", "text/csv", "Period,Shot Distance,X Location,Y Location\n1,20,100,150\n2,3,0,5\n"),
      ("charset utf-8", "application/json; charset=utf-8", #"{"instances": [{"Period": 1, "Shot Distance": 20, "X Location": 100, "Y Location": 150}]}"#),
      ("invalid JSON", "application/json", #"{"dataframe_split": "#),
      ("list body", "application/json", "[1, 2, 3]"),
      ("two input keys", "application/json", #"{"instances": [], "inputs": []}"#),
      ("no input key", "application/json", #"{"rows": []}"#),
      ("missing column", "application/json", #"{"dataframe_records": [{"Period": 1}]}"#),
      ("text in a numeric column", "application/json", #"{"dataframe_split": {"columns": \#(columns), "data": [[1, "far", 100, 150]]}}"#),
      ("content type", "text/plain", "Period\n1\n"),
      ("charset", "application/json; charset=latin-1", #"{"instances": []}"#),
      ("MLflow 1 format parameter", "application/json; format=pandas-split", #"{"columns": [], "data": []}"#),
    ]
    // The one intended difference: MLflow's docs send `application/csv` but its server (3.x) answers 415; we accept it.
    let csv = try workbench.request("POST", "/invocations", body: "Period,Shot Distance,X Location,Y Location\n1,20,100,150\n",
                                    contentType: "application/csv")
    #expect(csv.status == 200)
    for (name, contentType, body) in payloads {
      let ours = try workbench.request("POST", "/invocations", body: body, contentType: contentType)
      let theirs = try reference.request("POST", "/invocations", body: body, contentType: contentType)
      #expect(ours.status == theirs.status, "\(name): workbench \(ours.status) \(ours.body) vs mlflow \(theirs.status) \(theirs.body)")
      let a = try? JSONValue.parse(Array(ours.body.utf8)), b = try? JSONValue.parse(Array(theirs.body.utf8))
      if ours.status == 200 {
        let x = a?["predictions"]?.arrayValue?.compactMap { $0.doubleValue } ?? []
        let y = b?["predictions"]?.arrayValue?.compactMap { $0.doubleValue } ?? []
        #expect(x.count == y.count && !x.isEmpty, "\(name): \(ours.body) vs \(theirs.body)")
        #expect(zip(x, y).allSatisfy { abs($0 - $1) <= 1e-12 }, "\(name): \(ours.body) vs \(theirs.body)")
      } else if ours.status == 400 {
        #expect(a?["error_code"] == "BAD_REQUEST" && b?["error_code"] == "BAD_REQUEST", "\(name): \(ours.body) vs \(theirs.body)")
        #expect(a?["message"]?.stringValue?.isEmpty == false)
      }
    }
  }
}
