import Foundation

/// Bounded exponential backoff without jitter (deterministic): attempt `k` (0-based) waits
/// `min(initialDelay * multiplier^k, maxDelay)` seconds before the next try.
/// Retried: no HTTP answer, and HTTP 408, 429, 500, 502, 503, 504 (what MLflow's Python client retries).
public struct RetryPolicy: Sendable, Equatable {
  /// Retries after the first attempt (0 = try once).
  public var maxRetries: Int
  public var initialDelay: Double
  public var multiplier: Double
  public var maxDelay: Double

  public init(maxRetries: Int = 5, initialDelay: Double = 0.5, multiplier: Double = 2, maxDelay: Double = 30) {
    self.maxRetries = max(0, maxRetries)
    self.initialDelay = max(0, initialDelay)
    self.multiplier = max(1, multiplier)
    self.maxDelay = max(0, maxDelay)
  }

  /// Fail fast (tests, and probing whether a server is up).
  public static let none = RetryPolicy(maxRetries: 0)

  /// Seconds to wait after failed attempt `attempt` (0-based).
  public func delay(afterAttempt attempt: Int) -> Double {
    min(initialDelay * pow(multiplier, Double(max(0, attempt))), maxDelay)
  }

  /// The whole schedule of waits, e.g. [0.5, 1, 2, 4, 8].
  public var schedule: [Double] { (0..<maxRetries).map(delay(afterAttempt:)) }

  public static func isRetryable(status: Int) -> Bool { [408, 429, 500, 502, 503, 504].contains(status) }
}
