/// Errors thrown by the Stats library. Every case names the input (`what`) and says what to do.
public enum StatsError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The input had no elements, or no non-missing elements where at least one is required.
  case empty(what: String, hint: String)
  /// Two inputs that must be aligned row by row have different lengths.
  case lengthMismatch(what: String, expected: Int, actual: Int)
  /// A parameter is outside its valid domain (e.g. a quantile outside [0, 1], unsorted bin edges).
  case invalidArgument(what: String, reason: String)
  /// The test cannot run on this kind of data (e.g. Kolmogorov–Smirnov on a categorical column).
  case unsupported(what: String, reason: String)

  public var description: String {
    switch self {
    case .empty(let what, let hint): return "\(what) is empty: \(hint)"
    case .lengthMismatch(let what, let expected, let actual):
      return "\(what): expected \(expected) values to align with the other column, got \(actual); pass columns of equal length"
    case .invalidArgument(let what, let reason): return "\(what): \(reason)"
    case .unsupported(let what, let reason): return "\(what): \(reason)"
    }
  }
}
