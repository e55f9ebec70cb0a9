import Foundation
import Hummingbird
import Reporting
import ServiceLifecycle
import WorkbenchCore

/// The reports app of `workbench serve`: `/` lists the workbooks with a published run (outputs/<workbook>/run.json),
/// `/reports/<workbook>/...` serves the files of outputs/<workbook>/, and, when watching, `/events` streams
/// server-sent events after each rerun and the served HTML pages reload on them.
public struct ReportsApp: Sendable {
  /// The folder holding one published folder per workbook (outputs/).
  public let outputsRoot: URL
  /// Rerun events (only with `--watch`); when set, HTML pages get the reload script.
  public let events: ReportEvents?

  public init(outputsRoot: URL, events: ReportEvents? = nil) {
    self.outputsRoot = outputsRoot.standardizedFileURL
    self.events = events
  }

  /// Adds `/`, `/reports/...` and (when watching) `/events` to `router`.
  public func register(on router: Router<BasicRequestContext>) {
    router.get("/") { _, _ in Self.html(listingPage()) }
    router.get("/reports/**") { request, _ in file(atRequestPath: request.uri.path) }
    // HEAD (link checkers, `curl -I`): the GET answer's status and headers, without its body.
    router.head("/") { _, _ in Self.headersOnly(Self.html(listingPage())) }
    router.head("/reports/**") { request, _ in Self.headersOnly(file(atRequestPath: request.uri.path)) }
    if let events {
      router.get("/events") { _, _ in
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let stream = events.subscribe()
        // The stream never ends by itself: on SIGTERM/SIGINT it is finished so the server can drain and stop.
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
          try await withGracefulShutdownHandler {
            for await buffer in stream { try await writer.write(buffer) }
          } onGracefulShutdown: {
            events.finish()
          }
          try await writer.finish(nil)
        })
      }
    }
  }

  // MARK: Listing

  /// One published run, read from outputs/<workbook>/run.json.
  public struct PublishedRun: Sendable, Equatable {
    public var folder: String
    public var title: String?
    public var status: String
    public var counts: [String: Int]
    /// When run.json was written (its modification time; run.json itself records no time).
    public var written: Date?
  }

  /// The published runs, by folder name. A folder whose run.json cannot be read is listed with status `unreadable`.
  public func publishedRuns() -> [PublishedRun] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: outputsRoot.path)) ?? []
    return names.sorted().compactMap { name in
      let runFile = outputsRoot.appendingPathComponent(name).appendingPathComponent("run.json")
      guard FileManager.default.fileExists(atPath: runFile.path) else { return nil }
      let written = (try? FileManager.default.attributesOfItem(atPath: runFile.path))?[.modificationDate] as? Date
      guard let data = FileManager.default.contents(atPath: runFile.path), let json = try? JSONValue.parse(Array(data)) else {
        return PublishedRun(folder: name, title: nil, status: "unreadable run.json", counts: [:], written: written)
      }
      var counts: [String: Int] = [:]
      for (k, v) in json["counts"]?.objectValue ?? [:] { if let n = v.intValue { counts[k] = n } }
      return PublishedRun(folder: name, title: json["title"]?.stringValue, status: json["status"]?.stringValue ?? "unknown",
                          counts: counts, written: written)
    }
  }

  /// The HTML of `/`: every name and value escaped (a workbook name or title is data).
  public func listingPage() -> String {
    let runs = publishedRuns()
    var rows = ""
    for run in runs {
      let link = "/reports/\(Self.percentEncoded(run.folder))/"
      let counts = ["executed", "cached", "failed", "skipped"].map { "\(run.counts[$0] ?? 0)" }
      let written = run.written.map { ISO8601DateFormatter().string(from: $0) } ?? "—"
      rows += "<tr><td><a href=\"\(htmlEscape(link))\">\(htmlEscape(run.folder))</a></td><td>\(htmlEscape(run.title ?? ""))</td>"
        + "<td class=\"status-\(htmlEscape(run.status))\">\(htmlEscape(run.status))</td><td>\(htmlEscape(written))</td>"
        + counts.map { "<td>\(htmlEscape($0))</td>" }.joined() + "</tr>\n"
    }
    let body = runs.isEmpty
      ? "<p>No published runs in \(htmlEscape(outputsRoot.lastPathComponent))/ yet: run a workbook (<code>workbench run WORKBOOK</code>).</p>"
      : """
        <table><thead><tr><th>workbook</th><th>title</th><th>status</th><th>run.json written (UTC)</th>\
        <th>executed</th><th>cached</th><th>failed</th><th>skipped</th></tr></thead>
        <tbody>
        \(rows)</tbody></table>
        """
    return """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><title>Workbench reports</title>
      <style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}\
      td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.status-failed{color:#b00}</style></head>
      <body><h1>Workbench reports</h1>
      \(body)
      </body></html>

      """
  }

  // MARK: Files

  /// The file a `/reports/...` request path names, or 400/404. The path is percent-decoded segment by segment;
  /// empty, `.` and `..` segments, separators or NUL inside a segment are refused, and a file whose resolved path
  /// (symlinks followed) leaves outputs/ is not served.
  func file(atRequestPath rawPath: String) -> Response {
    switch resolve(requestPath: rawPath) {
    case .refused(let reason): return Self.plainResponse(.badRequest, reason)
    case .notFound: return Self.plainResponse(.notFound, "no such report file; the published reports are listed at /")
    case .redirect(let location):
      var headers = HTTPFields()
      headers[.location] = location
      return Response(status: .movedPermanently, headers: headers)
    case .file(let url):
      guard let data = FileManager.default.contents(atPath: url.path) else {
        return Self.plainResponse(.notFound, "no such report file; the published reports are listed at /")
      }
      let type = Self.contentType(ofExtension: url.pathExtension.lowercased())
      var bytes = Array(data)
      if events != nil, type.hasPrefix("text/html") { bytes = Array(Self.withReloadScript(String(decoding: bytes, as: UTF8.self)).utf8) }
      var headers = HTTPFields()
      headers[.contentType] = type
      headers[.cacheControl] = "no-cache"
      return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
  }

  /// What a request path resolves to.
  enum Resolution: Equatable {
    case file(URL)
    case redirect(String)
    case notFound
    case refused(String)
  }

  func resolve(requestPath rawPath: String) -> Resolution {
    let path = rawPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? rawPath
    guard path.hasPrefix("/reports/") else { return .notFound }
    let rest = path.dropFirst("/reports/".count)
    var segments = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    let trailingSlash = segments.last == ""
    if trailingSlash { segments.removeLast() }
    guard !segments.isEmpty else { return .notFound }
    var decoded: [String] = []
    for segment in segments {
      guard let name = segment.removingPercentEncoding else { return .refused("invalid percent-encoding in the path") }
      guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\\"), !name.contains("\0") else {
        return .refused("the path must name a file inside a published report: no empty, `.` or `..` segments, separators or NUL")
      }
      decoded.append(name)
    }
    var url = outputsRoot
    for name in decoded { url.appendPathComponent(name) }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return .notFound }
    // Symlinks are followed only while they stay inside outputs/.
    let realRoot = outputsRoot.resolvingSymlinksInPath().path
    let real = url.resolvingSymlinksInPath().path
    guard real.hasPrefix(realRoot + "/") else { return .notFound }
    if isDirectory.boolValue {
      guard trailingSlash else { return .redirect(path + "/") }
      let index = url.appendingPathComponent("index.html")
      guard FileManager.default.fileExists(atPath: index.path),
            index.resolvingSymlinksInPath().path.hasPrefix(realRoot + "/") else { return .notFound }
      return .file(index)
    }
    return .file(url)
  }

  /// The script added to served HTML pages when watching: reload after a successful rerun, show a banner after a failed one.
  static let reloadScript = """
    <script>(function(){var s=new EventSource('/events');s.addEventListener('rerun',function(e){var d=JSON.parse(e.data);\
    if(d.status==='succeeded'){location.reload();return;}var b=document.getElementById('workbench-rerun');\
    if(!b){b=document.createElement('div');b.id='workbench-rerun';b.style.cssText='position:fixed;top:0;left:0;right:0;\
    background:#b00;color:#fff;padding:.5em;font:14px sans-serif;z-index:9999';document.body.appendChild(b);}\
    b.textContent='Rerun failed (this is the last good report): '+d.message;});})();</script>
    """

  static func withReloadScript(_ html: String) -> String {
    guard let end = html.range(of: "</body>", options: [.backwards, .caseInsensitive]) else { return html + reloadScript }
    return html.replacingCharacters(in: end, with: reloadScript + "</body>")
  }

  static func contentType(ofExtension ext: String) -> String {
    switch ext {
    case "html", "htm": "text/html; charset=utf-8"
    case "css": "text/css; charset=utf-8"
    case "js": "text/javascript; charset=utf-8"
    case "json": "application/json"
    case "md": "text/markdown; charset=utf-8"
    case "csv": "text/csv; charset=utf-8"
    case "tsv": "text/tab-separated-values; charset=utf-8"
    case "txt", "log", "gp", "dat", "yaml", "yml": "text/plain; charset=utf-8"
    case "png": "image/png"
    case "jpg", "jpeg": "image/jpeg"
    case "gif": "image/gif"
    case "svg": "image/svg+xml"
    case "pdf": "application/pdf"
    case "sqlite": "application/vnd.sqlite3"
    default: "application/octet-stream"
    }
  }

  static func percentEncoded(_ name: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "/?#;")
    return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
  }

  /// `response` without its body, its length kept in `Content-Length` (the answer to a HEAD request).
  static func headersOnly(_ response: Response) -> Response {
    var headers = response.headers
    if let length = response.body.contentLength { headers[.contentLength] = String(length) }
    return Response(status: response.status, headers: headers)
  }

  static func html(_ page: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "text/html; charset=utf-8"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
  }

  static func plainResponse(_ status: HTTPResponse.Status, _ message: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "text/plain; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
  }
}
