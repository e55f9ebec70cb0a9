/// The outcome of asking a model to phrase a report: its text when grounded, otherwise the fallback text and why.
public enum PhrasingOutcome: Sendable, Equatable {
  case accepted(String)
  case fallback(reason: LLMFallbackReason, text: String)

  /// The text to publish (the model's when accepted, the deterministic one otherwise).
  public var text: String {
    switch self {
    case .accepted(let t): return t
    case .fallback(_, let t): return t
    }
  }
}
