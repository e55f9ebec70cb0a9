import Foundation
import Hummingbird
import WorkbenchCore

/// Settings of `workbench serve` that are not the model.
public struct ServeSettings: Sendable {
  public var host = "127.0.0.1"
  public var port = 5000
  /// Largest request body accepted (413 above).
  public var maximumBodyBytes = 16 << 20
  /// When set, `/invocations`, `/version` and `/metrics` require `Authorization: Bearer <token>`.
  public var token: String?
  /// Seconds between two reads of the registry alias (hot swap); nil or a pinned version: never.
  public var pollSeconds: Double? = 2
  /// Where every scored row is appended (nil: not logged).
  public var requestLog: RequestLog?
  /// The reports app (`/`, `/reports/...`, `/events` when watching); nil: scoring routes only.
  public var reports: ReportsApp?
  /// The drift check over served traffic (nil: off).
  public var servedDrift: ServedDrift?
  public init() {}
}

/// MLflow's scoring protocol (`/invocations`, `/ping`, `/health`, `/version`) plus `/metrics` and `/openapi.json`
/// in front of the model in a ``ModelSlot``.
public struct ScoringServer: Sendable {
  public let slot: ModelSlot
  public let metrics: ServeMetrics
  public let settings: ServeSettings

  public init(slot: ModelSlot, metrics: ServeMetrics = ServeMetrics(), settings: ServeSettings) {
    self.slot = slot
    self.metrics = metrics
    self.settings = settings
    metrics.modelLoaded(slot.model, replacing: nil)
    settings.requestLog?.observe(committed: { [metrics] in metrics.requestLogCommitted(rows: $0) },
                                 failed: { [metrics] in metrics.requestLogFailure(rows: $0) })
  }

  /// The routes.
  public func router() -> Router<BasicRequestContext> {
    let router = Router()
    router.get("/ping") { _, _ in try await measured("/ping", "GET") { Self.text("\n") } }
    router.get("/health") { _, _ in try await measured("/health", "GET") { Self.text("\n") } }
    router.get("/version") { request, _ in
      try await measured("/version", "GET") {
        if let refusal = authorization(request) { return refusal }
        return Self.json(slot.model.versionDocument)
      }
    }
    router.get("/metrics") { request, _ in
      // The metrics request is counted after it is answered, so it never appears in its own body.
      let start = ContinuousClock.now
      let response: Response
      if let refusal = authorization(request) {
        response = refusal
      } else {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        response = Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.text())))
      }
      metrics.request(handler: "/metrics", method: "GET", status: Int(response.status.code), duration: ContinuousClock.now - start)
      return response
    }
    router.get("/openapi.json") { _, _ in
      try await measured("/openapi.json", "GET") { Self.json(OpenAPIDocument.document(for: slot.model)) }
    }
    router.post("/invocations") { request, _ in
      try await measured("/invocations", "POST") {
        if let refusal = authorization(request) { return refusal }
        return await invocations(request)
      }
    }
    settings.reports?.register(on: router)
    return router
  }

  /// The application bound to `settings.host:settings.port`.
  public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(
      router: router(),
      configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "workbench"),
      onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) })
  }

  /// Scores one request against the model in service when it arrived.
  func invocations(_ request: Request) async -> Response {
    let served = slot.model
    do {
      let format = try ScoringInput.format(contentType: request.headers[.contentType])
      let buffer: ByteBuffer
      do { buffer = try await request.body.collect(upTo: settings.maximumBodyBytes) } catch {
        throw ScoringError(status: 413, "the request body is larger than \(settings.maximumBodyBytes) bytes (--max-body-bytes); send fewer rows per request")
      }
      let table = try ScoringInput.table(Array(buffer.readableBytesView), format: format, served: served).features
      let scores: [Double]
      do { scores = try served.model.predict(table) } catch { throw ScoringError(Self.plain(error)) }
      metrics.predictions(scores, model: served)
      settings.servedDrift?.record(table, model: served)
      settings.requestLog?.append(table, scores: scores, model: served)  // queued: written off the request path
      let body = JSONValue.object(["predictions": .array(scores.map { $0.isFinite ? .double($0) : .null })])
      return Self.json(body)
    } catch let e as ScoringError {
      return Self.error(e)
    } catch {
      return Self.error(ScoringError(status: 500, code: "INTERNAL_ERROR", "\(error)"))
    }
  }

  /// 401 when a token is configured and the request does not carry it (compared in constant time).
  func authorization(_ request: Request) -> Response? {
    guard let token = settings.token else { return nil }
    let given = request.headers[.authorization] ?? ""
    let expected = "Bearer \(token)"
    var difference = given.utf8.count == expected.utf8.count ? 0 : 1
    for (a, b) in zip(given.utf8, expected.utf8) { difference |= Int(a ^ b) }
    guard difference != 0 else { return nil }
    var response = Self.error(ScoringError(status: 401, code: "UNAUTHENTICATED", "send the header Authorization: Bearer <token> (the token set for this server)"))
    response.headers[.wwwAuthenticate] = "Bearer"
    return response
  }

  func measured(_ handler: String, _ method: String, _ body: () async throws -> Response) async throws -> Response {
    let start = ContinuousClock.now
    let response = try await body()
    metrics.request(handler: handler, method: method, status: Int(response.status.code), duration: ContinuousClock.now - start)
    return response
  }

  /// A cell error's message and hint, without the internal `request:0:0` location.
  static func plain(_ error: any Error) -> String {
    let text = "\(error)"
    return text.hasPrefix("request:0:0: ") ? String(text.dropFirst("request:0:0: ".count)) : text
  }

  static func text(_ s: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "text/plain; charset=utf-8"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: s)))
  }

  static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: value.serializedBytes(pretty: false))))
  }

  static func error(_ e: ScoringError) -> Response {
    json(e.body, status: HTTPResponse.Status(code: e.status))
  }
}
