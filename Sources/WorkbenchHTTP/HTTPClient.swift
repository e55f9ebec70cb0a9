import Foundation
import WorkbenchCore

/// Why an HTTP exchange failed without an answer to hand back. Messages never hold URL credentials.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No HTTP answer after every attempt (connection refused, DNS failure, timeout).
  case unreachable(url: String, attempts: Int, reason: String, timedOut: Bool)
  /// The answer was larger than the caller's bound; it was cut off, not read.
  case responseTooLarge(url: String, limit: Int)

  public var description: String {
    switch self {
    case .unreachable(let url, let attempts, let reason, _):
      return "\(url) unreachable after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(reason)"
    case .responseTooLarge(let url, let limit):
      return "the answer of \(url) is larger than \(limit) bytes; it was not read"
    }
  }
}

/// The one HTTP client of Workbench (tracking REST, `fetch`, `alert`, the LLM client): one attempt at a time through a
/// `HTTPTransport`, retried by `RetryPolicy` with `Task.sleep` between attempts (cancellation stops the waits and the
/// transfer), a per-attempt timeout and a bound on the response size. Nothing blocks a thread.
public struct HTTPClient: Sendable {
  public var retry: RetryPolicy
  /// Seconds one attempt may take, from connecting to the last byte.
  public var timeout: Double
  /// Larger answers fail with `HTTPError.responseTooLarge`.
  public var maxResponseBytes: Int
  private let transport: any HTTPTransport
  private let sleep: @Sendable (Double) async throws -> Void

  public static let defaultMaxResponseBytes = 256 << 20

  /// The waits between attempts: `Task.sleep` (no thread blocked; throws `CancellationError` when cancelled), at most a day.
  public static let taskSleep: @Sendable (Double) async throws -> Void = { seconds in
    try await Task.sleep(nanoseconds: UInt64((seconds.isFinite ? min(max(0, seconds), 86_400) : 0) * 1e9))
  }

  /// `sleep` waits between attempts (tests record the schedule instead of waiting).
  public init(
    retry: RetryPolicy = RetryPolicy(), timeout: Double = 30, maxResponseBytes: Int = defaultMaxResponseBytes,
    transport: any HTTPTransport = URLSessionTransport(),
    sleep: @escaping @Sendable (Double) async throws -> Void = HTTPClient.taskSleep
  ) {
    self.retry = retry
    self.timeout = timeout
    self.maxResponseBytes = maxResponseBytes
    self.transport = transport
    self.sleep = sleep
  }

  /// Sends `request`, retrying what `RetryPolicy` retries. Returns the last answer — a success, a status that is not
  /// retried, or the retryable status of the last attempt. Throws `HTTPError.unreachable` when no attempt got an
  /// answer, `HTTPError.responseTooLarge`, or `CancellationError`. `onRetry(attempt, reason)` runs before each wait.
  public func send(_ request: HTTPRequest, onRetry: (@Sendable (_ attempt: Int, _ reason: String) -> Void)? = nil)
    async throws -> HTTPResponse
  {
    var attempt = 0
    while true {
      try Task.checkCancellation()
      let reason: String
      var retryAfter: String?
      do {
        let response = try await transport.send(request, timeout: timeout, maxResponseBytes: maxResponseBytes)
        guard RetryPolicy.isRetryable(status: response.status), attempt < retry.maxRetries else { return response }
        reason = "HTTP \(response.status)"
        retryAfter = response.header("Retry-After")
      } catch let failure as HTTPTransportFailure {
        guard attempt < retry.maxRetries else {
          throw HTTPError.unreachable(
            url: Redaction.redact(request.url.absoluteString), attempts: attempt + 1, reason: Redaction.redact(failure.reason),
            timedOut: failure.isTimeout)
        }
        reason = Redaction.redact(failure.reason)
      }
      onRetry?(attempt, reason)
      try await sleep(retry.delay(afterAttempt: attempt, retryAfter: retryAfter))
      attempt += 1
    }
  }
}
