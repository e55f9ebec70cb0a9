import Foundation
import WorkbenchCore

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Sends one HTTP request once (no retries: `HTTPClient` retries). Any HTTP status, errors included, is a response.
/// Throws `HTTPTransportFailure` when no answer arrived, `HTTPError.responseTooLarge` past `maxResponseBytes`, and
/// `CancellationError` when the calling task is cancelled.
public protocol HTTPTransport: Sendable {
  func send(_ request: HTTPRequest, timeout: Double, maxResponseBytes: Int) async throws -> HTTPResponse
}

/// No HTTP answer (connection refused, DNS failure, timeout): the request may be retried.
public struct HTTPTransportFailure: Error, Sendable, CustomStringConvertible {
  public var reason: String
  /// True when the attempt ran out of time (as opposed to being refused).
  public var isTimeout: Bool
  public init(reason: String, isTimeout: Bool = false) {
    self.reason = reason
    self.isTimeout = isTimeout
  }
  public var description: String { reason }
}

/// `URLSession` (FoundationNetworking/libcurl on Linux) with one ephemeral session per request: no cache, no cookies.
/// `timeout` bounds the whole attempt; the body is collected through a delegate so that a response larger than
/// `maxResponseBytes` is cut off as soon as it is known, never held in memory; cancellation cancels the transfer.
public struct URLSessionTransport: HTTPTransport {
  public init() {}

  public func send(_ request: HTTPRequest, timeout: Double, maxResponseBytes: Int) async throws -> HTTPResponse {
    try Task.checkCancellation()
    let seconds = timeout.isFinite && timeout > 0 ? timeout : 30
    var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: seconds)
    urlRequest.httpMethod = request.method
    for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
    urlRequest.httpBody = request.body
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = seconds
    configuration.timeoutIntervalForResource = seconds
    configuration.urlCache = nil
    configuration.httpCookieStorage = nil
    let collector = ResponseCollector(limit: maxResponseBytes, shownURL: Redaction.redact(request.url.absoluteString))
    let session = URLSession(configuration: configuration, delegate: collector, delegateQueue: nil)
    defer { session.finishTasksAndInvalidate() }
    let task = session.dataTask(with: urlRequest)
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        if collector.begin(continuation) { task.resume() }
      }
    } onCancel: {
      collector.finish(.failure(CancellationError()))
      task.cancel()
    }
  }
}

/// Collects one task's answer and resumes the waiting caller exactly once.
private final class ResponseCollector: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  private let lock = NSLock()
  private let limit: Int
  private let shownURL: String
  private var continuation: CheckedContinuation<HTTPResponse, any Error>?
  private var earlyOutcome: Result<HTTPResponse, any Error>?
  private var body = Data()
  private var finished = false

  init(limit: Int, shownURL: String) {
    self.limit = max(0, limit)
    self.shownURL = shownURL
  }

  /// Stores the continuation; false when the outcome is already known (cancelled before the start).
  func begin(_ continuation: CheckedContinuation<HTTPResponse, any Error>) -> Bool {
    let early: Result<HTTPResponse, any Error>? = lock.withLock {
      if let earlyOutcome { return earlyOutcome }
      self.continuation = continuation
      return nil
    }
    guard let early else { return true }
    continuation.resume(with: early)
    return false
  }

  func finish(_ outcome: Result<HTTPResponse, any Error>) {
    let waiting: CheckedContinuation<HTTPResponse, any Error>? = lock.withLock {
      guard !finished else { return nil }
      finished = true
      if continuation == nil { earlyOutcome = outcome }
      defer { continuation = nil }
      return continuation
    }
    waiting?.resume(with: outcome)
  }

  private var tooLarge: HTTPError { .responseTooLarge(url: shownURL, limit: limit) }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                  completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
    if response.expectedContentLength > Int64(limit) {
      finish(.failure(tooLarge))
      completionHandler(.cancel)
      return
    }
    completionHandler(.allow)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    let over: Bool = lock.withLock {
      guard !finished else { return false }
      body.append(data)
      return body.count > limit
    }
    if over {
      finish(.failure(tooLarge))
      dataTask.cancel()
    }
  }

  func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
    if let error {
      let code = (error as? URLError)?.code
      if code == .cancelled { return finish(.failure(CancellationError())) }
      let timedOut = code == .timedOut
      let reason = timedOut ? "timed out" : "\(error.localizedDescription)" + (code.map { " (code \($0.rawValue))" } ?? "")
      return finish(.failure(HTTPTransportFailure(reason: Redaction.redact(reason), isTimeout: timedOut)))
    }
    guard let http = task.response as? HTTPURLResponse else {
      return finish(.failure(HTTPTransportFailure(reason: "no HTTP response")))
    }
    var headers: [String: String] = [:]
    for (name, value) in http.allHeaderFields {
      if let name = name as? String { headers[name] = "\(value)" }
    }
    let collected = lock.withLock { body }
    finish(.success(HTTPResponse(status: http.statusCode, headers: headers, body: collected)))
  }
}
