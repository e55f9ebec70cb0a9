import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A plain HTTP request (the REST store builds these; a transport sends them).
public struct HTTPRequest: Sendable, Equatable {
  public var method: String
  public var url: URL
  public var headers: [String: String]
  public var body: Data?
  public init(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
  }
}

public struct HTTPResponse: Sendable, Equatable {
  public var status: Int
  public var body: Data
  public init(status: Int, body: Data) {
    self.status = status
    self.body = body
  }
}

/// Sends one HTTP request. Throws `HTTPTransportFailure` when no HTTP answer arrived (connection refused,
/// DNS failure, timeout); any HTTP status, including errors, is a response.
public protocol HTTPTransport: Sendable {
  func send(_ request: HTTPRequest) throws -> HTTPResponse
}

/// No HTTP answer: the request may be retried.
public struct HTTPTransportFailure: Error, Sendable, CustomStringConvertible {
  public var reason: String
  public init(reason: String) { self.reason = reason }
  public var description: String { reason }
}

/// `URLSession` transport (FoundationNetworking/libcurl on Linux) with a per-request timeout.
public final class URLSessionTransport: HTTPTransport {
  private let session: URLSession
  private let timeout: TimeInterval

  public init(timeout: TimeInterval = 30) {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.timeoutIntervalForResource = timeout * 4
    configuration.urlCache = nil
    configuration.httpCookieStorage = nil
    self.session = URLSession(configuration: configuration)
    self.timeout = timeout
  }

  deinit { session.finishTasksAndInvalidate() }

  private final class ResultBox: @unchecked Sendable {
    var result: Result<HTTPResponse, HTTPTransportFailure> = .failure(HTTPTransportFailure(reason: "no answer"))
  }

  public func send(_ request: HTTPRequest) throws -> HTTPResponse {
    var urlRequest = URLRequest(url: request.url, timeoutInterval: timeout)
    urlRequest.httpMethod = request.method
    for (k, v) in request.headers { urlRequest.setValue(v, forHTTPHeaderField: k) }
    urlRequest.httpBody = request.body
    let box = ResultBox()
    let done = DispatchSemaphore(value: 0)
    let task = session.dataTask(with: urlRequest) { data, response, error in
      if let http = response as? HTTPURLResponse {
        box.result = .success(HTTPResponse(status: http.statusCode, body: data ?? Data()))
      } else {
        // URLError descriptions hold the URL without headers, never credentials sent in headers.
        let reason = (error as? URLError).map { "\($0.code.rawValue) \($0.localizedDescription)" }
          ?? error?.localizedDescription ?? "no HTTP response"
        box.result = .failure(HTTPTransportFailure(reason: reason))
      }
      done.signal()
    }
    task.resume()
    if done.wait(timeout: .now() + timeout * 4 + 5) == .timedOut {
      task.cancel()
      throw HTTPTransportFailure(reason: "timed out after \(Int(timeout * 4 + 5)) s")
    }
    return try box.result.get()
  }
}
