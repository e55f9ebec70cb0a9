/// Why a language-model answer was not used; the deterministic text is used instead.
public enum LLMFallbackReason: Error, Sendable, Equatable, CustomStringConvertible {
  case timeout(seconds: Double)
  case unreachable(String)
  case httpError(status: Int)
  case invalidResponse(String)
  case rejected(String)

  public var description: String {
    switch self {
    case .timeout(let s): return "timeout after \(FactSheet.format(s, decimals: 1, language: .english)) s"
    case .unreachable(let m): return "unreachable: \(m)"
    case .httpError(let status): return "HTTP error \(status)"
    case .invalidResponse(let m): return "invalid response: \(m)"
    case .rejected(let m): return "rejected: \(m)"
    }
  }
}
