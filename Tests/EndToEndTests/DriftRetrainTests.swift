import Foundation
import Testing
import TestSupport

/// Acting on the drift verdict end to end (no shared data needed): `when:`-gated retraining in both branches with
/// the cache, insufficient data, the in-sample refusal, and the `alert` cell against a local HTTP server.
@Suite struct DriftRetrainTests {
  /// Shots with `shift` feet added to every distance (0 = the reference distribution).
  static func shots(rows: Int, seed: Int, shift: Int = 0) -> String {
    var s = "zone,distance,angle,made\n"
    var x = UInt64(seed) &* 0x9E3779B97F4A7C15 &+ 1
    for _ in 0..<rows {
      x = x &* 6364136223846793005 &+ 1442695040888963407
      let d = Int((x >> 33) % 25) + shift
      let zone = d < 8 ? "paint" : (d < 22 ? "mid" : "three")
      let angle = Int((x >> 17) % 90)
      let made = (x >> 45) % 100 < UInt64(max(5, 70 - 2 * d)) ? 1 : 0
      s += "\(zone),\(d),\(angle),\(made)\n"
    }
    return s
  }

  static let workbook = """
    workbook: gate
    params:
      current: {default: current.csv}
    cells:
      - id: ref
        kind: load
        source: reference.csv
      - id: cur
        kind: load
        source: ${current}
      - id: drift
        kind: drift
        reference: ref
        current: cur
        columns: [zone, distance, angle]
      - id: retrain_split
        kind: split
        when: ${drift.dataset_drift} or ${drift.performance_drop}
        input: cur
        target: made
        seed: 1
      - id: retrain
        kind: train
        input: retrain_split
        model: logistic_regression
        features: [distance, angle]
        plots: false
    """

  static func result(_ project: Project, _ cell: String, workbook: String = "gate") throws -> [String: Any] {
    let data = try Data(contentsOf: project.root.appendingPathComponent("outputs/\(workbook)/cells/\(cell)/result.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test func retrainingFiresExactlyWhenTheVerdictSaysSo() throws {
    let project = try Project()
    defer { project.remove() }
    try project.write("reference.csv", Self.shots(rows: 1500, seed: 1))
    try project.write("current.csv", Self.shots(rows: 1500, seed: 2))            // same distribution
    try project.write("shifted.csv", Self.shots(rows: 1500, seed: 3, shift: 6))  // drifted
    try project.write("gate.yaml", Self.workbook)

    // No drift: the retraining branch is skipped.
    var run = try project.workbench(["run", "gate.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try Self.result(project, "drift")["dataset_drift"] as? Bool == false)
    var statuses = try project.statuses("gate")
    #expect(statuses["retrain_split"] == "skipped")
    #expect(statuses["retrain"] == "skipped")

    // Unchanged current table: everything reused, still no retraining.
    run = try project.workbench(["run", "gate.yaml"])
    #expect(run.status == 0)
    statuses = try project.statuses("gate")
    #expect(statuses["drift"] == "cached")
    #expect(statuses["retrain"] == "skipped")

    // Drift: the branch runs once.
    run = try project.workbench(["run", "gate.yaml", "--param", "current=shifted.csv"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try Self.result(project, "drift")["dataset_drift"] as? Bool == true)
    statuses = try project.statuses("gate")
    #expect(statuses["drift"] == "executed")
    #expect(statuses["retrain_split"] == "executed")
    #expect(statuses["retrain"] == "executed")

    // Same drifted current table again: the retrained model is reused, not trained twice.
    run = try project.workbench(["run", "gate.yaml", "--param", "current=shifted.csv"])
    #expect(run.status == 0)
    #expect(try project.executed("gate").isEmpty)
    #expect(try project.statuses("gate")["retrain"] == "cached")

    // CI signal.
    #expect(try project.workbench(["run", "gate.yaml", "--param", "current=shifted.csv", "--fail-on", "drift"]).status == 1)
    #expect(try project.workbench(["run", "gate.yaml", "--fail-on", "drift"]).status == 0)
  }

  @Test func tooFewRowsGiveInsufficientDataNotAVerdict() throws {
    let project = try Project()
    defer { project.remove() }
    try project.write("reference.csv", Self.shots(rows: 20, seed: 1))
    try project.write("current.csv", Self.shots(rows: 25, seed: 2, shift: 10))
    try project.write("gate.yaml", Self.workbook)
    let run = try project.workbench(["run", "gate.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let r = try Self.result(project, "drift")
    #expect(r["status"] as? String == "insufficient_data")
    #expect(r["dataset_drift"] as? Bool == false)
    #expect(r["tested_columns"] as? Int == 0)
    let distance = try #require((r["columns"] as? [String: Any])?["distance"] as? [String: Any])
    #expect(distance["status"] as? String == "insufficient_data")
    #expect(distance["score"] is NSNull)
    #expect(try project.statuses("gate")["retrain"] == "skipped")
    #expect(try project.read("outputs/gate/index.html").contains("Insufficient data"))
    #expect(run.stderr.contains("insufficient data"))

    // Lowering min_rows gives a verdict (small samples: KS / chi-square, as Evidently picks them).
    try project.write("gate.yaml", Self.workbook.replacingOccurrences(of: "columns: [zone, distance, angle]",
                                                                     with: "columns: [zone, distance, angle]\n    min_rows: 10"))
    #expect(try project.workbench(["run", "gate.yaml", "--cell", "drift"]).status == 0)
    let small = try Self.result(project, "drift")
    #expect(small["status"] as? String == "ok")
    let test = ((small["columns"] as? [String: Any])?["distance"] as? [String: Any])?["test"] as? String
    #expect(test == "ks")
  }

  static let modelWorkbook = """
    workbook: insample
    cells:
      - id: data
        kind: load
        source: reference.csv
      - id: split
        kind: split
        input: data
        target: made
        seed: 1
      - id: model
        kind: train
        input: split
        model: logistic_regression
        features: [distance, angle]
        plots: false
      - id: scored_train
        kind: predict
        model: model
        input: split.train
      - id: scored_test
        kind: predict
        model: model
        input: split.test
      - id: drift
        kind: drift
        reference: REFERENCE
        current: scored_test
        training: split.train
        columns: [distance, angle]
        prediction: {column: score}
        performance: {target: made}
    """

  @Test func inSampleReferenceIsRefused() throws {
    let project = try Project()
    defer { project.remove() }
    try project.write("reference.csv", Self.shots(rows: 1500, seed: 1))
    // 1. The training table itself.
    try project.write("insample.yaml", Self.modelWorkbook.replacingOccurrences(of: "REFERENCE", with: "split.train"))
    var run = try project.workbench(["run", "insample.yaml"])
    #expect(run.status == 1)
    #expect(run.stderr.contains("training table"), "\(run.stderr)")
    // 2. The training rows scored under another name: caught by the row overlap with `training:`.
    try project.write("insample.yaml", Self.modelWorkbook.replacingOccurrences(of: "REFERENCE", with: "scored_train"))
    run = try project.workbench(["run", "insample.yaml"])
    #expect(run.status == 1)
    #expect(run.stderr.contains("in-sample"), "\(run.stderr)")
    // Held-out reference: accepted, with prediction and performance figures.
    try project.write("insample.yaml", Self.modelWorkbook.replacingOccurrences(of: "REFERENCE", with: "scored_test")
      .replacingOccurrences(of: "current: scored_test", with: "current: scored_test"))
    run = try project.workbench(["run", "insample.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let r = try Self.result(project, "drift", workbook: "insample")
    #expect((r["prediction_drift"] as? [String: Any])?["drifted"] as? Bool == false)
    let auc = try #require((r["performance"] as? [String: Any])?["roc_auc"] as? [String: Any])
    #expect(auc["drop"] as? Double == 0)
    #expect(r["performance_drop"] as? Bool == false)
  }

  // MARK: alert

  static let serverCode = """
    import http.server, sys, os
    os.closerange(3, 4096)  # do not hold pipes inherited from concurrent test processes open
    out = sys.argv[1]
    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with open(os.path.join(out, "posted.json"), "wb") as f: f.write(body)
            with open(os.path.join(out, "path.txt"), "w") as f: f.write(self.path + "\\n" + self.headers.get("Content-Type", ""))
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *a): pass
    s = http.server.HTTPServer(("127.0.0.1", 0), H)
    with open(os.path.join(out, "pid"), "w") as f: f.write(str(os.getpid()))
    with open(os.path.join(out, "port.tmp"), "w") as f: f.write(str(s.server_address[1]))
    os.rename(os.path.join(out, "port.tmp"), os.path.join(out, "port"))
    s.serve_forever()
    """

  static let alertWorkbook = """
    workbook: alerting
    cells:
      - id: ref
        kind: load
        source: reference.csv
      - id: cur
        kind: load
        source: shifted.csv
      - id: drift
        kind: drift
        reference: ref
        current: cur
        columns: [zone, distance, angle]
      - id: alert
        kind: alert
        when: ${drift.dataset_drift}
        webhook_env: TEST_DRIFT_WEBHOOK
        text: "${drift.drifted_columns} columns drifted"
        fields:
          share: ${drift.drift_share}
    """

  /// Every file under `folder` (recursively) as text.
  static func allOutputText(_ folder: URL) -> [(String, String)] {
    guard let e = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
    var out: [(String, String)] = []
    for case let url as URL in e {
      if let d = try? Data(contentsOf: url) { out.append((url.path, String(decoding: d, as: UTF8.self))) }
    }
    return out
  }

  @Test func alertPostsSlackJSONAndNeverWritesTheURL() throws {
    let python = URL(fileURLWithPath: "/usr/bin/python3")
    guard FileManager.default.isExecutableFile(atPath: python.path) else {
      print("skipped: /usr/bin/python3 is needed for the local webhook server")
      return
    }
    let project = try Project()
    defer { project.remove() }
    let serverFolder = try makeTemporaryDirectory("webhook")
    defer { try? FileManager.default.removeItem(at: serverFolder) }
    // Started detached through a shell (reparented to init, output to /dev/null): a long-lived Foundation `Process`
    // child kept the test process from reaping the workbench runs. It writes its pid and port; SIGKILL stops it.
    _ = try runProcess(URL(fileURLWithPath: "/bin/sh"),
                       ["-c", "\"$0\" -c \"$1\" \"$2\" </dev/null >/dev/null 2>&1 &", python.path, Self.serverCode, serverFolder.path])
    var port = ""
    for _ in 0..<400 where port.isEmpty {
      port = (try? String(contentsOf: serverFolder.appendingPathComponent("port"), encoding: .utf8)) ?? ""
      if port.isEmpty { Thread.sleep(forTimeInterval: 0.05) }
    }
    let serverPid = Int32((try? String(contentsOf: serverFolder.appendingPathComponent("pid"), encoding: .utf8)) ?? "") ?? 0
    func stopServer() { if serverPid > 0 { kill(serverPid, SIGKILL) } }
    defer { stopServer() }
    try #require(!port.isEmpty, "the local webhook server did not start")
    let secret = "T000SECRET/B000/XyZsecretToken42"
    let url = "http://127.0.0.1:\(port)/services/\(secret)"

    try project.write("reference.csv", Self.shots(rows: 1500, seed: 1))
    try project.write("shifted.csv", Self.shots(rows: 1500, seed: 3, shift: 6))
    try project.write("alerting.yaml", Self.alertWorkbook)
    var run = try project.workbench(["run", "alerting.yaml"], environment: ["TEST_DRIFT_WEBHOOK": url])
    #expect(run.status == 0, "\(run.stderr)")
    let r = try Self.result(project, "alert", workbook: "alerting")
    #expect(r["sent"] as? Bool == true)
    #expect(r["http_status"] as? Int == 200)
    let posted = try Data(contentsOf: serverFolder.appendingPathComponent("posted.json"))
    let body = try #require(try JSONSerialization.jsonObject(with: posted) as? [String: Any])
    #expect((body["text"] as? String)?.contains("columns drifted") == true)
    #expect((body["blocks"] as? [Any])?.isEmpty == false)
    let path = try String(contentsOf: serverFolder.appendingPathComponent("path.txt"), encoding: .utf8)
    #expect(path.contains("/services/T000SECRET"))
    #expect(path.contains("application/json"))

    // Verification re-executes the alert but does not post.
    try FileManager.default.removeItem(at: serverFolder.appendingPathComponent("posted.json"))
    let verify = try project.workbench(["verify", "alerting.yaml"], environment: ["TEST_DRIFT_WEBHOOK": url])
    #expect(!FileManager.default.fileExists(atPath: serverFolder.appendingPathComponent("posted.json").path), "verify posted: \(verify.stderr)")

    // Unreachable webhook: recorded, warned, the cell and the run still succeed.
    stopServer()
    Thread.sleep(forTimeInterval: 0.2)
    run = try project.workbench(["run", "alerting.yaml", "--force"], environment: ["TEST_DRIFT_WEBHOOK": url])
    #expect(run.status == 0, "\(run.stderr)")
    let failed = try Self.result(project, "alert", workbook: "alerting")
    #expect(failed["sent"] as? Bool == false)
    #expect(failed["error"] is String)
    #expect(run.stderr.contains("alert not delivered"))

    // The URL (and its token) appears in no output file, state file or terminal output.
    for (path, text) in Self.allOutputText(project.root) where !path.hasSuffix(".csv") {
      #expect(!text.contains(secret), "\(path) contains the webhook token")
      #expect(!text.contains("127.0.0.1:\(port)"), "\(path) contains the webhook URL")
    }
    #expect(!run.stderr.contains(secret) && !run.stdout.contains(secret))
  }

  @Test func alertWithoutTheVariableIsRecordedNotSent() throws {
    let project = try Project()
    defer { project.remove() }
    try project.write("reference.csv", Self.shots(rows: 1500, seed: 1))
    try project.write("shifted.csv", Self.shots(rows: 1500, seed: 3, shift: 6))
    try project.write("alerting.yaml", Self.alertWorkbook)
    let run = try project.workbench(["run", "alerting.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let r = try Self.result(project, "alert", workbook: "alerting")
    #expect(r["sent"] as? Bool == false)
    #expect((r["status"] as? String)?.contains("not set") == true)
    #expect((r["message"] as? [String: Any])?["blocks"] != nil)
    // A URL written where the variable's name belongs is a workbook error.
    try project.write("alerting.yaml", Self.alertWorkbook.replacingOccurrences(of: "TEST_DRIFT_WEBHOOK", with: "https://hooks.example/x"))
    #expect(try project.workbench(["run", "alerting.yaml"]).status == 2)
  }
}
