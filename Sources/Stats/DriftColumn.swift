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

  var isCategorical: Bool {
    switch self {
    case .numbers(_, let c): return c
    case .strings: return true
    }
  }
}

/// Value counts of a reference and a current sample over the union of their values (Evidently's
/// `get_unique_not_nan_values_list_from_series` followed by `value_counts`). Keys are in ascending order.
struct CategoryCounts<Key: Hashable> {
  var keys: [Key]
  var reference: [Int]
  var current: [Int]

  init(reference ref: [Key], current cur: [Key], less: (Key, Key) -> Bool) {
    var refCounts: [Key: Int] = [:], curCounts: [Key: Int] = [:]
    for k in ref { refCounts[k, default: 0] += 1 }
    for k in cur { curCounts[k, default: 0] += 1 }
    keys = Array(Set(refCounts.keys).union(curCounts.keys)).sorted(by: less)
    reference = keys.map { refCounts[$0] ?? 0 }
    current = keys.map { curCounts[$0] ?? 0 }
  }
}

extension CategoryCounts where Key == Double {
  init(reference ref: [Double], current cur: [Double]) {
    // +0.0 and −0.0 are one key (as in pandas); normalise so hashing agrees with ==.
    self.init(reference: ref.map { $0 + 0 }, current: cur.map { $0 + 0 }, less: <)
  }
}

extension CategoryCounts where Key == String {
  init(reference ref: [String], current cur: [String]) {
    self.init(reference: ref, current: cur, less: PythonOrder.less)
  }
}
