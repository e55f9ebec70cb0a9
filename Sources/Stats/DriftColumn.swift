/// One column of a reference or current table as the drift tests see it.
///
/// Missing values are dropped before any test, as Evidently does (`replace([-inf, inf], nan).dropna()`):
/// NaN and ±∞ for numbers, `nil` for strings.
public enum DriftColumn: Sendable, Equatable {
  /// A numerical feature.
  case numerical([Double])
  /// A categorical feature with string values.
  case categorical([String?])
  /// A categorical feature stored as numbers (e.g. period 1…4); categories compare numerically.
  case categoricalNumbers([Double])

  public var isCategorical: Bool {
    if case .numerical = self { return false }
    return true
  }

  /// The column with missing values removed.
  func cleaned() -> CleanedDriftColumn {
    switch self {
    case .numerical(let v): return .numbers(v.filter { $0.isFinite }, categorical: false)
    case .categoricalNumbers(let v): return .numbers(v.filter { $0.isFinite }, categorical: true)
    case .categorical(let v): return .strings(v.compactMap { $0 })
    }
  }
}

/// A drift column without missing values.
enum CleanedDriftColumn {
  case numbers([Double], categorical: Bool)
  case strings([String])

  var count: Int {
    switch self {
    case .numbers(let v, _): return v.count
    case .strings(let v): return v.count
    }
  }
}
