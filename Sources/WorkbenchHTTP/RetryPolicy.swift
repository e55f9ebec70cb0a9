import Foundation

/// When and how long to wait before trying an HTTP request again — the one policy of every HTTP caller.
///
/// Retried: no HTTP answer (connection refused, DNS failure, timeout) and HTTP 408, 429, 500, 502, 503, 504 (what
/// MLflow's Python client retries). Backoff is exponential without jitter (deterministic): after failed attempt `k`
/// (0-based) the wait is `min(initialDelay * multiplier^k, maxDelay)` seconds, or the server's `Retry-After`
/// (seconds or an HTTP date) when it sends one, capped at `maxDelay` as well.
public struct RetryPolicy: Sendable, Equatable {
  /// Retries after the first attempt (0 = try once).
  public var maxRetries: Int
  public var initialDelay: Double
  public var multiplier: Double
  public var maxDelay: Double

  public init(maxRetries: Int = 5, initialDelay: Double = 0.5, multiplier: Double = 2, maxDelay: Double = 30) {
    self.maxRetries = max(0, maxRetries)
    self.initialDelay = initialDelay.isFinite ? max(0, initialDelay) : 0
    self.multiplier = multiplier.isFinite ? max(1, multiplier) : 1
    self.maxDelay = maxDelay.isFinite ? max(0, maxDelay) : 0
  }

  /// Fail fast (tests, and probing whether a server is up).
  public static let none = RetryPolicy(maxRetries: 0)

  /// Seconds to wait after failed attempt `attempt` (0-based).
  public func delay(afterAttempt attempt: Int) -> Double {
    min(initialDelay * pow(multiplier, Double(max(0, attempt))), maxDelay)
  }

  /// The whole schedule of waits, e.g. [0.5, 1, 2, 4, 8].
  public var schedule: [Double] { (0..<maxRetries).map(delay(afterAttempt:)) }

  /// Statuses that mean "try again later".
  public static func isRetryable(status: Int) -> Bool { [408, 429, 500, 502, 503, 504].contains(status) }

  /// The wait after failed attempt `attempt` given the server's `Retry-After` header (nil = none): the header's
  /// delay when it parses, else the backoff; never more than `maxDelay`.
  public func delay(afterAttempt attempt: Int, retryAfter: String?, now: Date = Date()) -> Double {
    guard let retryAfter, let asked = Self.seconds(retryAfter: retryAfter, now: now) else { return delay(afterAttempt: attempt) }
    return min(max(0, asked), maxDelay)
  }

  /// `Retry-After` as seconds from `now`: a non-negative integer, or an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`).
  public static func seconds(retryAfter: String, now: Date = Date()) -> Double? {
    let text = retryAfter.trimmingCharacters(in: .whitespaces)
    if let n = Int(text), n >= 0 { return Double(n) }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: text) else { return nil }
    return max(0, date.timeIntervalSince(now))
  }
}
