import Foundation
import Testing
import TestSupport

/// `workbench serve WORKBOOK --watch` as a process: an edit of the workbook or of its input reruns it and sends a
/// server-sent event; the new report is served; a failed rerun sends a failed event and keeps the last good report.
/// Headless Chromium loads `/` and the report (screenshots in the test's folder).
@Suite(.serialized) struct ServeWatchTests {
  /// Reads `file` until `condition` holds on its text (bounded: 1,200 reads 0.1 s apart); returns the text.
  func waitFor(_ file: URL, _ what: String, _ condition: (String) -> Bool) throws -> String {
    for _ in 0..<1200 {
      let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
      if condition(text) { return text }
      usleep(100_000)
    }
    throw MissingResource("never saw \(what) in \(file.lastPathComponent): \((try? String(contentsOf: file, encoding: .utf8)) ?? "")")
  }

  func workbook(title: String, source: String) -> String {
    """
    workbook: watchtest
    title: \(title)
    cells:
      - id: data
        kind: load
        source: \(source)
    """
  }

  @Test func editsRerunTheWorkbookNotifyBrowsersAndKeepTheLastGoodReport() throws {
    let root = try makeTemporaryDirectory("wb-watch")
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.createDirectory(at: root.appendingPathComponent(".workbench"), withIntermediateDirectories: true)
    let yaml = root.appendingPathComponent("watch.yaml")
    let data = root.appendingPathComponent("data.csv")
    try "a,b\n1,2\n3,4\n".write(to: data, atomically: true, encoding: .utf8)
    try workbook(title: "First title", source: data.path).write(to: yaml, atomically: true, encoding: .utf8)
    let first = try runProcess(TestPaths.workbenchExecutable, ["run", "watch.yaml"], currentDirectory: root)
    #expect(first.status == 0, "\(first.stderr)")

    let serverLog = root.appendingPathComponent("serve.log")
    let server = try startProcess(TestPaths.workbenchExecutable, ["serve", "watch.yaml", "--watch", "--port", "0"],
                                  currentDirectory: root, environment: ["NO_COLOR": "1"], logFile: serverLog)
    defer { server.signalGroup(SIGKILL); _ = server.wait() }
    let started = try waitFor(serverLog, "the watcher and the listening line") {
      $0.contains("file(s) for changes") && $0.contains("listening on http://127.0.0.1:")
    }
    let portText = started[started.range(of: "listening on http://127.0.0.1:")!.upperBound...].prefix { $0.isNumber }
    let port = try #require(Int(portText))
    let client = RunningServer.Client(port: port)

    let eventsLog = root.appendingPathComponent("events.log")
    let events = try startProcess(URL(fileURLWithPath: "/usr/bin/curl"), ["-sN", "http://127.0.0.1:\(port)/events"], logFile: eventsLog)
    defer { events.signalGroup(SIGKILL); _ = events.wait() }
    _ = try waitFor(eventsLog, "the stream's opening comment") { $0.contains(": connected") }
    func eventCount(_ text: String) -> Int { text.components(separatedBy: "event: rerun").count - 1 }

    // 1. The workbook changes: a successful rerun, and the report served has the new title and the reload script.
    try workbook(title: "Second title", source: data.path).write(to: yaml, atomically: true, encoding: .utf8)
    var stream = try waitFor(eventsLog, "a first rerun event") { eventCount($0) >= 1 }
    #expect(stream.contains(#"data: {"message":"watchtest:"#) && stream.contains(#""status":"succeeded""#), "\(stream)")
    let report = try client.request("GET", "/reports/watchtest/", contentType: nil)
    #expect(report.status == 200 && report.body.contains("Second title") && report.body.contains("new EventSource('/events')"))

    // 2. An input file changes: another rerun.
    try "a,b\n1,2\n3,4\n5,6\n".write(to: data, atomically: true, encoding: .utf8)
    stream = try waitFor(eventsLog, "a second rerun event") { eventCount($0) >= 2 }
    #expect(stream.components(separatedBy: #""status":"succeeded""#).count - 1 == 2, "\(stream)")

    // 3. A rerun that fails: the event says so and the last good report stays.
    try workbook(title: "Broken title", source: root.appendingPathComponent("missing.csv").path).write(to: yaml, atomically: true, encoding: .utf8)
    stream = try waitFor(eventsLog, "a failed rerun event") { eventCount($0) >= 3 }
    #expect(stream.contains(#""status":"failed""#), "\(stream)")
    let kept = try client.request("GET", "/reports/watchtest/", contentType: nil)
    #expect(kept.status == 200 && kept.body.contains("Second title") && !kept.body.contains("Broken title"))
    let listing = try client.request("GET", "/", contentType: nil)
    #expect(listing.body.contains(#"<a href="/reports/watchtest/">watchtest</a>"#) && listing.body.contains("succeeded"))
    let log = (try? String(contentsOf: serverLog, encoding: .utf8)) ?? ""
    #expect(log.contains("rerun failed (the last good report is kept)"), "\(log)")

    // 4. Headless Chromium renders the listing and the report.
    guard let chromium = try Oracles.tool("chromium", package: "chromium") else { return }
    for (name, path, expected) in [("listing", "/", "Workbench reports"), ("report", "/reports/watchtest/", "Second title")] {
      let png = root.appendingPathComponent("\(name).png")
      let url = "http://127.0.0.1:\(port)\(path)"
      let common = ["120", chromium.path, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,900"]
      let shot = try runProcess(URL(fileURLWithPath: "/usr/bin/timeout"), common + ["--screenshot=\(png.path)", url],
                                environment: ["HOME": root.path])
      #expect(shot.status == 0, "\(name): chromium: \(shot.stderr.suffix(500))")
      let bytes = try Data(contentsOf: png)
      #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && bytes.count > 1_000, "\(name): a rendered page")
      let dom = try runProcess(URL(fileURLWithPath: "/usr/bin/timeout"), common + ["--dump-dom", url], environment: ["HOME": root.path])
      #expect(dom.status == 0 && dom.stdout.contains(expected), "\(name): \(dom.stdout.prefix(500)) \(dom.stderr.suffix(300))")
    }
  }
}
