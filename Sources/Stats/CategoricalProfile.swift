/// A summary of a categorical column: distinct values and the most frequent ones.
///
/// Missing values are `nil`. Frequencies are shares of the non-missing values (pandas
/// `value_counts(normalize=True)`). Ties in the top-k are broken by value ascending (Unicode scalar
/// order, as Python compares strings), so the result is deterministic.
public struct CategoricalProfile: Sendable, Equatable, Codable {
  public struct Entry: Sendable, Equatable, Codable {
    public var value: String
    public var count: Int
    public var frequency: Double
  }

  public var count: Int
  public var missing: Int
  public var distinct: Int
  public var top: [Entry]

  /// Profiles `values`, keeping the `topK` most frequent categories. Throws on an empty column or
  /// a negative `topK`.
  public init(_ values: [String?], topK: Int = 10, name: String = "values") throws {
    guard !values.isEmpty else {
      throw StatsError.empty(what: "column `\(name)`", hint: "describe needs at least one row")
    }
    guard topK >= 0 else {
      throw StatsError.invalidArgument(what: "top-k of `\(name)`", reason: "k = \(topK) must be ≥ 0")
    }
    var counts: [String: Int] = [:]
    var missingCount = 0
    for v in values {
      if let v { counts[v, default: 0] += 1 } else { missingCount += 1 }
    }
    let present = values.count - missingCount
    count = present
    missing = missingCount
    distinct = counts.count
    top = Self.rank(counts).prefix(topK).map {
      Entry(value: $0.key, count: $0.value, frequency: Double($0.value) / Double(present))
    }
  }

  /// Profiles integer category codes (`nil` = missing); values are reported as decimal strings.
  public init(codes: [Int?], topK: Int = 10, name: String = "values") throws {
    try self.init(codes.map { $0.map(String.init) }, topK: topK, name: name)
  }

  /// Categories by count descending, then value ascending.
  static func rank(_ counts: [String: Int]) -> [(key: String, value: Int)] {
    counts.sorted { a, b in
      a.value != b.value ? a.value > b.value : PythonOrder.less(a.key, b.key)
    }
  }
}
