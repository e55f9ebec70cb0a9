import Engine
import Foundation
import Frame
import Reporting
import WorkbenchHTTP
import WorkbookModel

/// `fetch`: downloads a URL (optionally pinned by SHA-256) into a file output, with a content-addressed local copy
/// so later runs work offline; with `format:` it also parses the bytes into the cell's table.
enum FetchCell {
  static let descriptor = KindDescriptor(
    name: "fetch", version: 1,
    summary: "Download a URL over HTTP(S) (optional sha256 pin, timeouts, retries, offline copy); optionally parse CSV/TSV/JSON into a table.",
    options: [
      OptionSpec("url", .string, required: true, doc: "The http:// or https:// address to download."),
      OptionSpec("sha256", .string, pattern: OptionPattern("[0-9a-fA-F]{64}", meaning: "64 hexadecimal digits"), doc: "Expected SHA-256 of the bytes (64 hex digits); a mismatch is an error. Pinned downloads are reused offline."),
      OptionSpec("format", .choice(["none", "csv", "tsv", "json", "jsonl"]), default: "none",
                 doc: "Also parse the bytes into the cell's table (`csv`, `tsv`, `json` array of records, `jsonl`)."),
      OptionSpec("file", .string, doc: "Name of the output file (default: the last part of the URL)."),
      OptionSpec("timeout", .number, default: 30, range: .above(0), doc: "Seconds before one attempt is abandoned."),
      OptionSpec("retries", .integer, default: 3, range: .atLeast(0), doc: "Extra attempts after a network error or HTTP 408, 429, 500, 502, 503, 504, waiting 0.5 s, 1 s, 2 s… (or the server's Retry-After, at most 30 s) between them."),
    ],
    validate: { cell, diagnostics in
      if let u = cell.option("url"), let s = u.string, !s.contains("${") {
        let lower = s.lowercased()
        if !(lower.hasPrefix("http://") || lower.hasPrefix("https://")) || URL(string: s)?.host == nil {
          diagnostics.error("`url` must be an http:// or https:// address", at: u.location, cell: cell.id)
        }
      }
    })

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let address = try o.requiredString("url")
    guard let url = URL(string: address), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
      throw CellError("`url` must be an http:// or https:// address", at: o.location(of: "url"))
    }
    let pin = try o.string("sha256")?.lowercased()  // declared pattern: 64 hexadecimal digits
    let timeout = try o.number("timeout")
    let retries = try o.integer("retries")
    let format = try o.text("format")
    let fileName = try o.string("file") ?? defaultFileName(url)
    guard !fileName.isEmpty, !fileName.contains("/"), fileName != ".", fileName != ".." else {
      throw CellError("`file` must be a plain file name", at: o.location(of: "file"))
    }

    let store = DownloadStore(entries: context.subCache("downloads"))
    let offline = context.environment["WORKBENCH_OFFLINE"] == "1"
    var warnings: [String] = []
    var source = "network"
    var bytes: [UInt8]
    if let pin, let cached = store.content(digest: pin) {
      bytes = cached
      source = "local copy (pinned)"
    } else if offline {
      guard let cached = store.content(url: address) else {
        throw CellError("offline (WORKBENCH_OFFLINE=1) and no local copy of \(address)", code: .networkFailed, at: o.location(of: "url"),
                        hint: "run once with network access to keep a copy under the cache's downloads/")
      }
      bytes = cached
      source = "local copy (offline)"
    } else {
      do {
        bytes = try await download(url, timeout: timeout, retries: retries) { attempt, reason in
          context.progress(0, "attempt \(attempt + 1) failed (\(reason)), retrying")
        }
      } catch let error as DownloadFailure {
        guard error.isNetwork, let cached = store.content(url: address) else {
          throw CellError("cannot download \(address): \(error.message)", code: .networkFailed, at: o.location(of: "url"),
                          hint: error.isNetwork ? "no local copy exists yet: check the network and the address" : nil)
        }
        bytes = cached
        source = "local copy (network unavailable)"
        warnings.append("could not reach \(address) (\(error.message)); using the local copy from an earlier download")
      }
    }
    let digest = Digest.sha256(bytes)
    if let pin, digest != pin {
      throw CellError("sha256 mismatch for \(address): expected \(pin), got \(digest)", code: .digestMismatch, at: o.location(of: "sha256"),
                      hint: "the file changed upstream; check it and update the pin")
    }
    store.save(bytes, digest: digest, url: address)  // a copy that cannot be kept only costs a download next time

    var tables: [(name: String, frame: Frame)] = []
    var report: [ReportBlock] = [.facts([
      .init("url", address), .init("bytes", TableOps.formatCount(bytes.count)), .init("sha256", digest), .init("from", source),
    ])]
    var result: [String: JSONValue] = [
      "url": .string(address), "bytes": .int(bytes.count), "sha256": .string(digest), "file": .string(fileName),
      "pinned": .bool(pin != nil),
    ]
    if format != "none" {
      let frame: Frame
      do {
        switch format {
        case "json": frame = try JSONTableReader.readArray(bytes: bytes, source: fileName)
        case "jsonl": frame = try JSONTableReader.readLines(bytes: bytes, source: fileName)
        default:
          var options = CSVOptions()
          options.delimiter = format == "tsv" ? UInt8(ascii: "\t") : UInt8(ascii: ",")
          let read = try CSVReader.read(bytes: maybeGunzip(bytes), source: fileName, options: options)
          frame = read.frame
        }
      } catch {
        throw CellError("cannot parse the download as \(format): \(error)", code: .dataUnreadable, at: o.location(of: "format"), cause: error)
      }
      tables.append(("table", frame))
      result["rows"] = .int(frame.rowCount)
      result["columns"] = TableOps.schemaJSON(frame)
      report.append(TableOps.previewBlock(frame, rows: 5))
    }
    var output = CellOutput(result: .object(result), tables: tables, files: [(fileName, bytes)], report: report, warnings: warnings)
    output.cacheFiles = store.cacheFiles(digest: digest, url: address)  // the local copy is kept by `gc` with this entry
    return output
  }

  /// Gzip bytes (magic 1f 8b) are inflated before parsing; others pass through.
  static func maybeGunzip(_ bytes: [UInt8]) throws -> [UInt8] {
    guard Gzip.isGzip(bytes) else { return bytes }
    return try Gzip.inflate(bytes, source: "download")
  }

  static func defaultFileName(_ url: URL) -> String {
    let last = url.lastPathComponent
    let cleaned = String(last.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
    return cleaned.isEmpty || cleaned == "/" || cleaned == "." || cleaned == ".." ? "download" : cleaned
  }

  struct DownloadFailure: Error {
    var message: String
    /// True for connection problems and timeouts (where a local copy may stand in), false for HTTP errors.
    var isNetwork: Bool
  }

  /// Largest download kept (bytes are held in memory to hash and parse them).
  static let maxDownloadBytes = 1 << 30

  /// GET through the shared `HTTPClient`: per-attempt timeout, `retries` extra attempts on network errors, 408, 429
  /// and 5xx with the backoff 0.5 s, 1 s, 2 s… (or the server's `Retry-After`, at most 30 s).
  static func download(_ url: URL, timeout: Double, retries: Int,
                       onRetry: @escaping @Sendable (Int, String) -> Void) async throws -> [UInt8] {
    let client = HTTPClient(retry: RetryPolicy(maxRetries: retries), timeout: max(0.1, timeout), maxResponseBytes: maxDownloadBytes)
    let response: HTTPResponse
    do {
      response = try await client.send(HTTPRequest(method: "GET", url: url), onRetry: onRetry)
    } catch let error as HTTPError {
      switch error {
      case .unreachable(_, let attempts, let reason, _):
        throw DownloadFailure(message: "\(reason) (\(attempts) attempt\(attempts == 1 ? "" : "s"))", isNetwork: true)
      case .responseTooLarge(_, let limit):
        throw DownloadFailure(message: "the file is larger than \(limit) bytes", isNetwork: false)
      }
    }
    guard response.isSuccess else { throw DownloadFailure(message: "HTTP \(response.status)", isNetwork: false) }
    return [UInt8](response.body)
  }
}

/// Content-addressed downloads in the engine's `downloads` sub-cache (``SubCache``: atomic, verified on read):
/// entry `<sha256>` holds the bytes, entry `url-<sha256(url)>` the digest of the last successful download of that URL.
struct DownloadStore {
  let entries: SubCache

  static func urlKey(_ url: String) -> String { "url-" + Digest.sha256(url) }

  func content(digest: String) -> [UInt8]? {
    guard let bytes = entries.get(digest), Digest.sha256(bytes) == digest else { return nil }
    return bytes
  }

  func content(url: String) -> [UInt8]? {
    guard let index = entries.get(Self.urlKey(url)) else { return nil }
    return content(digest: String(decoding: index, as: UTF8.self))
  }

  func save(_ bytes: [UInt8], digest: String, url: String) {
    if !entries.contains(digest) { try? entries.put(digest, bytes) }
    try? entries.put(Self.urlKey(url), Array(digest.utf8))
  }

  /// The entries a cache entry of the cell relies on (see ``CellOutput/cacheFiles``).
  func cacheFiles(digest: String, url: String) -> [String] { [entries.cacheFile(digest), entries.cacheFile(Self.urlKey(url))] }
}
