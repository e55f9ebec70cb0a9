import WorkbenchCore

/// Per-group count and mean of a target ("success rate by shot zone"), like
/// `df.groupby(key)[target].agg(["count", "mean"])`.
///
/// Rows with a missing key (`nil` / NaN) are dropped, as pandas' `groupby(dropna=True)` does; rows with a
/// NaN target are dropped from that group's count and mean (pandas `count` and `mean` skip NaN).
public struct GroupRates: Sendable, Equatable, Codable {
  public struct Group: Sendable, Equatable, Codable {
    public var key: String
    public var count: Int
    public var mean: Double
  }

  /// How groups are ordered in the result.
  public enum Order: String, Sendable, Codable {
    /// Key ascending (numeric keys numerically, strings by Unicode scalars) — pandas' default `sort=True`.
    case key
    /// Count descending, then key ascending.
    case countDescending
    /// Mean descending, then key ascending.
    case meanDescending
  }

  public var groups: [Group]
  /// Rows dropped because the key was missing.
  public var missingKeys: Int

  /// Groups string keys.
  public init(keys: [String?], target: [Double], order: Order = .key, name: String = "key") throws {
    try Self.checkLengths(keys.count, target.count, name: name)
    var sums: [String: (count: Int, sum: CompensatedSum)] = [:]
    var missingCount = 0
    for i in 0..<keys.count {
      guard let k = keys[i] else { missingCount += 1; continue }
      var entry = sums[k] ?? (0, CompensatedSum())
      let t = target[i]
      if !t.isNaN {
        entry.count += 1
        entry.sum.add(t)
      }
      sums[k] = entry
    }
    missingKeys = missingCount
    groups = sums.map { Group(key: $0.key, count: $0.value.count, mean: $0.value.count > 0 ? $0.value.sum.value / Double($0.value.count) : .nan) }
    groups.sort(by: Self.comparator(order, keyLess: PythonOrder.less))
  }

  /// Groups numeric keys (e.g. bin indices or periods); keys are reported with Swift's shortest
  /// round-trip formatting, integers without a decimal point.
  public init(numericKeys: [Double], target: [Double], order: Order = .key, name: String = "key") throws {
    try Self.checkLengths(numericKeys.count, target.count, name: name)
    var sums: [Double: (count: Int, sum: CompensatedSum)] = [:]
    var missingCount = 0
    for i in 0..<numericKeys.count {
      let k = numericKeys[i]
      guard !k.isNaN else { missingCount += 1; continue }
      var entry = sums[k] ?? (0, CompensatedSum())
      let t = target[i]
      if !t.isNaN {
        entry.count += 1
        entry.sum.add(t)
      }
      sums[k] = entry
    }
    missingKeys = missingCount
    let numeric = sums.map { (key: $0.key, count: $0.value.count, mean: $0.value.count > 0 ? $0.value.sum.value / Double($0.value.count) : .nan) }
    let numericLess: (Double, Double) -> Bool = { $0 < $1 }
    let sorted = numeric.sorted { a, b in
      switch order {
      case .key: return a.key < b.key
      case .countDescending: return a.count != b.count ? a.count > b.count : numericLess(a.key, b.key)
      case .meanDescending: return Self.meanGreater(a.mean, b.mean) ?? numericLess(a.key, b.key)
      }
    }
    groups = sorted.map { Group(key: Self.format($0.key), count: $0.count, mean: $0.mean) }
  }

  static func format(_ x: Double) -> String { formatFloat(x, integralWithoutPoint: true) }

  static func checkLengths(_ keys: Int, _ target: Int, name: String) throws {
    guard keys == target else { throw StatsError.lengthMismatch(what: "target for group key `\(name)`", expected: keys, actual: target) }
    guard keys > 0 else { throw StatsError.empty(what: "group key `\(name)`", hint: "group-by needs at least one row") }
  }

  /// nil when the means tie (NaN means sort last).
  static func meanGreater(_ a: Double, _ b: Double) -> Bool? {
    if a.isNaN && b.isNaN { return nil }
    if a.isNaN { return false }
    if b.isNaN { return true }
    return a != b ? a > b : nil
  }

  static func comparator(_ order: Order, keyLess: @escaping (String, String) -> Bool) -> (Group, Group) -> Bool {
    switch order {
    case .key: return { keyLess($0.key, $1.key) }
    case .countDescending: return { $0.count != $1.count ? $0.count > $1.count : keyLess($0.key, $1.key) }
    case .meanDescending: return { meanGreater($0.mean, $1.mean) ?? keyLess($0.key, $1.key) }
    }
  }
}

extension GroupRates {
  /// Groups a numeric column by explicit bins (e.g. seconds-remaining buckets), groups in bin order and
  /// labelled like pandas ("(0, 5]"). Values outside every bin count as missing keys. Empty bins are omitted.
  public init(binning: Binning, values: [Double], target: [Double], name: String = "key") throws {
    try Self.checkLengths(values.count, target.count, name: name)
    var counts = [Int](repeating: 0, count: binning.binCount)
    var sums = [CompensatedSum](repeating: CompensatedSum(), count: binning.binCount)
    var present = [Bool](repeating: false, count: binning.binCount)
    var missingCount = 0
    for i in 0..<values.count {
      guard let b = binning.bin(values[i]) else { missingCount += 1; continue }
      present[b] = true
      let t = target[i]
      if !t.isNaN {
        counts[b] += 1
        sums[b].add(t)
      }
    }
    missingKeys = missingCount
    groups = (0..<binning.binCount).filter { present[$0] }.map {
      Group(key: binning.label($0), count: counts[$0], mean: counts[$0] > 0 ? sums[$0].value / Double(counts[$0]) : .nan)
    }
  }
}
