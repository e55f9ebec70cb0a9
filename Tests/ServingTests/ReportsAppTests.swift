import Foundation
import Hummingbird
import HummingbirdTesting
import Serving
import Testing
import TestSupport
import WorkbenchCore

/// The reports app in process (HummingbirdTesting): the listing of outputs/, escaping, content types, and paths that
/// try to leave outputs/.
@Suite struct ReportsAppTests {
  /// A project folder with outputs/ (two published runs, one folder without run.json) and a secret beside it.
  struct Outputs {
    let root: URL
    var outputs: URL { root.appendingPathComponent("outputs") }
    static let secret = "TOP-SECRET-CONTENT"

    init() throws {
      root = try makeTemporaryDirectory("wb-reports")
      let fm = FileManager.default
      let good = root.appendingPathComponent("outputs/good")
      try fm.createDirectory(at: good.appendingPathComponent("cells/plot"), withIntermediateDirectories: true)
      try #"{"workbook": "good", "title": "<script>alert(1)</script> & co", "status": "succeeded", "counts": {"executed": 3, "cached": 2, "failed": 0, "skipped": 1}}"#
        .write(to: good.appendingPathComponent("run.json"), atomically: true, encoding: .utf8)
      try "<!doctype html><html><head><title>Good report</title></head><body><h1>Good report</h1></body></html>"
        .write(to: good.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
      try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).write(to: good.appendingPathComponent("cells/plot/figure.png"))
      try "a,b\n1,2\n".write(to: good.appendingPathComponent("cells/plot/table.csv"), atomically: true, encoding: .utf8)
      let odd = root.appendingPathComponent("outputs/a&b<i>\"x")
      try fm.createDirectory(at: odd, withIntermediateDirectories: true)
      try #"{"status": "failed", "counts": {"executed": 1, "cached": 0, "failed": 1, "skipped": 0}}"#
        .write(to: odd.appendingPathComponent("run.json"), atomically: true, encoding: .utf8)
      try fm.createDirectory(at: root.appendingPathComponent("outputs/unpublished"), withIntermediateDirectories: true)
      try Self.secret.write(to: root.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
      let elsewhere = root.appendingPathComponent("elsewhere")
      try fm.createDirectory(at: elsewhere, withIntermediateDirectories: true)
      try Self.secret.write(to: elsewhere.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
      // Symlinks: one leaving outputs/ (a file and a folder), one staying inside.
      try fm.createSymbolicLink(atPath: good.appendingPathComponent("leak.txt").path, withDestinationPath: "../../secret.txt")
      try fm.createSymbolicLink(atPath: root.appendingPathComponent("outputs/linked").path, withDestinationPath: elsewhere.path)
      try fm.createSymbolicLink(atPath: good.appendingPathComponent("alias.html").path, withDestinationPath: "index.html")
    }
  }

  func get(_ app: some ApplicationProtocol, _ uris: [String]) async throws -> [(status: Int, type: String?, location: String?, body: String)] {
    try await app.test(.router) { client in
      var out: [(Int, String?, String?, String)] = []
      for uri in uris {
        try await client.execute(uri: uri, method: .get) { r in
          out.append((Int(r.status.code), r.headers[.contentType], r.headers[.location], String(buffer: r.body)))
        }
      }
      return out
    }
  }

  func application(_ outputs: Outputs, events: ReportEvents? = nil) -> some ApplicationProtocol {
    let router = Router()
    ReportsApp(outputsRoot: outputs.outputs, events: events).register(on: router)
    return Application(router: router)
  }

  /// HEAD over real HTTP (link checkers, `curl -I`): GET's status, type and length, no body; refusals alike.
  @Test func headAnswersLikeGetWithoutABody() async throws {
    let outputs = try Outputs()
    defer { try? FileManager.default.removeItem(at: outputs.root) }
    try await application(outputs).test(.live) { client in
      try await client.execute(uri: "/reports/good/cells/plot/table.csv", method: .head) { r in
        #expect(r.status == .ok)
        #expect(r.headers[.contentType] == "text/csv; charset=utf-8")
        #expect(r.headers[.contentLength] == "8")
        #expect(r.body.readableBytes == 0)
      }
      try await client.execute(uri: "/", method: .head) { r in
        #expect(r.status == .ok && r.body.readableBytes == 0)
      }
      try await client.execute(uri: "/reports/good/..%2f..%2fsecret.txt", method: .head) { r in
        #expect(r.status == .badRequest || r.status == .notFound)
        #expect(r.body.readableBytes == 0)
      }
      try await client.execute(uri: "/reports/good/missing.png", method: .head) { r in
        #expect(r.status == .notFound)
      }
    }
  }

  @Test func listingShowsPublishedRunsEscapedWithTheirCountsAndLinks() async throws {
    let outputs = try Outputs()
    defer { try? FileManager.default.removeItem(at: outputs.root) }
    let page = try #require(try await get(application(outputs), ["/"]).first)
    #expect(page.status == 200 && page.type == "text/html; charset=utf-8")
    // Names and titles are data: escaped, never markup.
    #expect(!page.body.contains("<script>alert"))
    #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"))
    #expect(page.body.contains("a&amp;b&lt;i&gt;&quot;x"))
    #expect(!page.body.contains("<i>"))
    // Links are percent-encoded, statuses and counts come from run.json; a folder without run.json is not listed.
    #expect(page.body.contains(#"<a href="/reports/good/">good</a>"#))
    #expect(page.body.contains(#"href="/reports/a&amp;b%3Ci%3E%22x/""#))
    #expect(page.body.contains("<td>3</td><td>2</td><td>0</td><td>1</td>"))
    #expect(page.body.contains(#"<td class="status-failed">failed</td>"#))
    #expect(!page.body.contains("unpublished"))
    let runs = ReportsApp(outputsRoot: outputs.outputs).publishedRuns()
    #expect(runs.map(\.folder) == ["a&b<i>\"x", "good"])
    #expect(runs.allSatisfy { $0.written != nil })
  }

  @Test func reportFilesAreServedWithTheirContentTypes() async throws {
    let outputs = try Outputs()
    defer { try? FileManager.default.removeItem(at: outputs.root) }
    let answers = try await get(application(outputs), [
      "/reports/good/", "/reports/good/cells/plot/figure.png", "/reports/good/cells/plot/table.csv", "/reports/good/run.json",
      "/reports/good", "/reports/good/alias.html", "/reports/good/missing.html", "/reports/a%26b%3Ci%3E%22x/run.json",
    ])
    #expect(answers[0].status == 200 && answers[0].type == "text/html; charset=utf-8" && answers[0].body.contains("<title>Good report</title>"))
    #expect(!answers[0].body.contains("EventSource"), "no reload script without --watch")
    #expect(answers[1].status == 200 && answers[1].type == "image/png")
    #expect(answers[2].status == 200 && answers[2].type == "text/csv; charset=utf-8" && answers[2].body == "a,b\n1,2\n")
    #expect(answers[3].status == 200 && answers[3].type == "application/json")
    #expect(answers[4].status == 301 && answers[4].location == "/reports/good/", "a folder redirects to its slash form so relative links work")
    #expect(answers[5].status == 200 && answers[5].body.contains("Good report"), "a symlink that stays inside outputs/ is served")
    #expect(answers[6].status == 404)
    #expect(answers[7].status == 200 && answers[7].body.contains("failed"))
  }

  @Test(arguments: [
    "/reports/../secret.txt",  // dot-dot
    "/reports/good/../../secret.txt",
    "/reports/%2e%2e/secret.txt",  // encoded dot-dot
    "/reports/good/%2E%2E/%2E%2E/secret.txt",
    "/reports/%2e%2e%2fsecret.txt",  // encoded separator
    "/reports/good%2f..%2f..%2fsecret.txt",
    "/reports/..%5c..%5csecret.txt",  // backslash
    "/reports//etc/passwd",  // absolute
    "/reports/%2Fetc%2Fpasswd",
    "/reports/good/%252e%252e/%252e%252e/secret.txt",  // double-encoded: a literal name, which does not exist
    "/reports/good/leak.txt",  // symlink to a file outside
    "/reports/linked/",  // symlink to a folder outside
    "/reports/linked/index.html",
    "/reports/good/index.html%00.png",  // NUL
  ])
  func pathsCannotLeaveOutputs(_ uri: String) async throws {
    let outputs = try Outputs()
    defer { try? FileManager.default.removeItem(at: outputs.root) }
    let answer = try #require(try await get(application(outputs), [uri]).first)
    #expect(answer.status == 400 || answer.status == 404, "\(uri): \(answer.status)")
    #expect(!answer.body.contains(Outputs.secret), "\(uri) leaked a file outside outputs/")
    #expect(!answer.body.contains("root:"), "\(uri) leaked /etc/passwd")
  }

  @Test func watchingAddsTheReloadScriptToHTMLOnly() async throws {
    let outputs = try Outputs()
    defer { try? FileManager.default.removeItem(at: outputs.root) }
    let answers = try await get(application(outputs, events: ReportEvents()), ["/reports/good/", "/reports/good/cells/plot/table.csv"])
    #expect(answers[0].body.contains("new EventSource('/events')"))
    #expect(answers[0].body.hasSuffix("</script></body></html>"))
    #expect(answers[1].body == "a,b\n1,2\n")
  }

  @Test func eventsCarryTheOutcomeAsJSON() async throws {
    let events = ReportEvents()
    var stream = events.subscribe().makeAsyncIterator()
    #expect(String(buffer: try #require(await stream.next())) == ": connected\n\n")
    events.publish(RerunOutcome(succeeded: false, message: "cell `x`: \"bad\"\nline"))
    let event = String(buffer: try #require(await stream.next()))
    #expect(event.hasPrefix("event: rerun\ndata: {") && event.hasSuffix("}\n\n"))
    let data = try JSONValue.parse(Array(event.dropFirst("event: rerun\ndata: ".count).utf8))
    #expect(data["status"] == "failed")
    #expect(data["message"]?.stringValue == "cell `x`: \"bad\"\nline")
  }
}
