import Foundation

/// Dense group ids for rows, by the values of several columns (first-appearance order; nulls form their own group).
///
/// Each column is reduced to dense ids, then the ids are combined column by column and re-densified, so no
/// per-row key object is ever allocated.
struct RowGrouper {
  /// Group id of every row, 0-based, numbered in order of first appearance.
  var groupOfRow: [Int]
  /// The first row of each group.
  var firstRow: [Int]

  init(columns: [Column], rowCount: Int) {
    var ids = [Int](repeating: 0, count: rowCount)
    var cardinality = 1
    for c in columns {
      let (columnIds, columnCardinality) = Self.denseIds(c)
      let space = cardinality.multipliedReportingOverflow(by: columnCardinality)
      if !space.overflow && space.partialValue <= 4 * rowCount + 4096 {
        // Small key space: a direct table instead of hashing.
        var table = [Int](repeating: -1, count: space.partialValue)
        var next = 0
        for i in 0..<rowCount {
          let key = ids[i] &* columnCardinality &+ columnIds[i]
          if table[key] < 0 { table[key] = next; next += 1 }
          ids[i] = table[key]
        }
        cardinality = Swift.max(1, next)
        continue
      }
      var lookup: [Int: Int] = [:]
      lookup.reserveCapacity(rowCount)
      for i in 0..<rowCount {
        let key = ids[i] &* columnCardinality &+ columnIds[i]
        if let g = lookup[key] { ids[i] = g } else { let g = lookup.count; lookup[key] = g; ids[i] = g }
      }
      cardinality = Swift.max(1, lookup.count)
    }
    var first = [Int](repeating: -1, count: columns.isEmpty ? (rowCount > 0 ? 1 : 0) : cardinality)
    if !columns.isEmpty, rowCount == 0 { first = [] }
    for i in 0..<rowCount where first[ids[i]] < 0 { first[ids[i]] = i }
    groupOfRow = ids
    firstRow = first
  }

  /// Dense ids of one column's values (null = its own id) and how many distinct ids there are.
  static func denseIds(_ c: Column) -> ([Int], Int) {
    let n = c.count
    var out = [Int](repeating: 0, count: n)
    switch c.storage {
    case .string(let codes, let d):
      var byText: [String: Int] = [:]
      let entry = d.map { s -> Int in
        if let id = byText[s] { return id }
        let id = byText.count + 1
        byText[s] = id
        return id
      }
      for i in 0..<n { out[i] = c.isNull(i) ? 0 : entry[Int(codes[i])] }
      return (out, byText.count + 1)
    default:
      var lookup: [UInt64: Int] = [:]
      let bits: (Int) -> UInt64
      switch c.storage {
      case .int(let v): bits = { UInt64(bitPattern: v[$0]) }
      case .float(let v): bits = { i in let x = v[i]; return x == 0 ? 0 : (x.isNaN ? Double.nan.bitPattern : x.bitPattern) }
      case .bool(let v): bits = { v[$0] ? 1 : 0 }
      case .string: bits = { _ in 0 }
      }
      for i in 0..<n {
        if c.isNull(i) { continue }
        let key = bits(i)
        if let id = lookup[key] { out[i] = id } else { let id = lookup.count + 1; lookup[key] = id; out[i] = id }
      }
      return (out, lookup.count + 1)
    }
  }
}

extension TableOperations {
  /// Keeps the first row of each set of duplicates over `columns` (all columns when nil). Nulls equal nulls.
  public static func dedupe(_ frame: Frame, columns: [String]?) throws(TableOperationError) -> Frame {
    var keys: [Column] = []
    for n in columns ?? frame.columnNames { keys.append(try column(n, in: frame)) }
    let grouper = RowGrouper(columns: keys, rowCount: frame.rowCount)
    if grouper.firstRow.count == frame.rowCount { return frame }
    return frame.gathering(grouper.firstRow)
  }

  // MARK: Impute

  /// How `impute` fills nulls.
  public enum ImputeMethod: Sendable, Equatable {
    case median, mean, mode
    case constant(Value)
  }

  /// What `impute` did to one column.
  public struct ImputeOutcome: Sendable, Equatable {
    public var column: String
    /// Nulls replaced.
    public var filled: Int
    /// The fill value (nil when the column was entirely null, so nothing could be computed).
    public var value: Value?
  }

  /// Fills nulls per column. median/mean need numbers; an int column whose median or mean is not whole becomes
  /// float (as pandas). Median uses the middle value or the mean of the two middle values; mode the most frequent
  /// value, ties going to the smallest. An all-null column is left as is and reported with `value == nil`.
  public static func impute(_ frame: Frame, _ methods: [(column: String, method: ImputeMethod)])
    throws(TableOperationError) -> (frame: Frame, outcomes: [ImputeOutcome])
  {
    var out = frame
    var outcomes: [ImputeOutcome] = []
    for (name, method) in methods {
      let c = try column(name, in: out)
      let nulls = c.nullCount
      if nulls == 0, case .constant = method {} else if nulls == 0 {
        // Nothing to fill: skip the (sorting) statistic.
        outcomes.append(ImputeOutcome(column: name, filled: 0, value: nil))
        if (method == .median || method == .mean) && (c.type == .string || c.type == .bool) {
          throw TableOperationError("cannot take the \(method == .median ? "median" : "mean") of `\(name)` (\(c.type.rawValue))",
                                    hint: "use `mode` or `{constant: …}` for text and true/false columns")
        }
        continue
      }
      var fill: Value?
      switch method {
      case .median, .mean:
        guard let values = c.doubles(), c.type != .bool else {
          throw TableOperationError("cannot take the \(method == .median ? "median" : "mean") of `\(name)` (\(c.type.rawValue))",
                                    hint: "use `mode` or `{constant: …}` for text and true/false columns")
        }
        let present = values.compactMap { $0 }.filter { !$0.isNaN }
        if !present.isEmpty {
          let x: Double
          if method == .mean {
            x = present.reduce(0, +) / Double(present.count)
          } else {
            let s = present.sorted()
            x = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
          }
          fill = c.type == .int && x == x.rounded() && Swift.abs(x) < 9e18 ? .int(Int64(x)) : .float(x)
        }
      case .mode:
        var counts: [Value: Int] = [:]
        for i in 0..<c.count where !c.isNull(i) { counts[c.value(at: i), default: 0] += 1 }
        fill = counts.max { a, b in a.value != b.value ? a.value < b.value : Self.valueLess(b.key, a.key) }?.key
      case .constant(let v):
        fill = v == .null ? nil : v
      }
      outcomes.append(ImputeOutcome(column: name, filled: fill == nil ? 0 : nulls, value: fill))
      guard let fill, nulls > 0 else { continue }
      var target = c
      if case .float = fill, c.type == .int { target = convert(c, to: .float).0 }
      if case .string = fill, c.type != .string {
        throw TableOperationError("cannot fill `\(name)` (\(c.type.rawValue)) with text `\(fill.description)`")
      }
      if case .bool = fill, c.type != .bool { throw TableOperationError("cannot fill `\(name)` (\(c.type.rawValue)) with true/false") }
      guard let validity = target.validity else { continue }
      switch target.storage {
      case .int(var v):
        guard case .int(let x) = fill else { throw TableOperationError("cannot fill int column `\(name)` with `\(fill.description)`", hint: "cast it to float first") }
        for i in 0..<v.count where !validity[i] { v[i] = x }
        target.storage = .int(v)
      case .float(var v):
        guard let x = fill.doubleValue else { throw TableOperationError("cannot fill `\(name)` with `\(fill.description)`") }
        for i in 0..<v.count where !validity[i] { v[i] = x }
        target.storage = .float(v)
      case .bool(var v):
        guard case .bool(let x) = fill else { throw TableOperationError("cannot fill `\(name)` with `\(fill.description)`") }
        for i in 0..<v.count where !validity[i] { v[i] = x }
        target.storage = .bool(v)
      case .string(var codes, var d):
        let s = fill.description
        let code: UInt32
        if let k = d.firstIndex(of: s) { code = UInt32(k) } else { code = UInt32(d.count); d.append(s) }
        for i in 0..<codes.count where !validity[i] { codes[i] = code }
        target.storage = .string(codes: codes, dictionary: d)
      }
      target.validity = nil
      do { out = try out.setting(target) } catch { throw TableOperationError(error.message) }
    }
    return (out, outcomes)
  }

  /// A total order on values for deterministic tie-breaking (numbers before text).
  static func valueLess(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.string(let x), .string(let y)): return x < y
    case (.string, _): return false
    case (_, .string): return true
    default: return (a.doubleValue ?? 0) < (b.doubleValue ?? 0)
    }
  }

  // MARK: Join

  /// How `join` keeps rows.
  public enum JoinKind: String, Sendable { case inner, left }

  /// Joins `right` onto `left` on key pairs. Output: left rows in order, each followed by its matches in right
  /// order (a left row without match is kept once with nulls under `left`). Columns: every left column, then the
  /// right's non-key columns (a name already present gets the suffix `_right`). Null keys never match (as SQL).
  public static func join(_ left: Frame, _ right: Frame, on keys: [(left: String, right: String)], how: JoinKind)
    throws(TableOperationError) -> Frame
  {
    guard !keys.isEmpty else { throw TableOperationError("`join` needs at least one key column") }
    var leftKeys: [Column] = [], rightKeys: [Column] = []
    for (l, r) in keys {
      let a = try column(l, in: left)
      guard let b = right.column(named: r) else { throw .unknownColumn(r, in: right, role: "column of the joined table") }
      let numeric: Set<DataType> = [.int, .float]
      if a.type != b.type && !(numeric.contains(a.type) && numeric.contains(b.type)) {
        throw TableOperationError("cannot join `\(l)` (\(a.type.rawValue)) with `\(r)` (\(b.type.rawValue))",
                                  hint: "cast one of them first")
      }
      if a.type != b.type {
        leftKeys.append(convert(a, to: .float).0)
        rightKeys.append(convert(b, to: .float).0)
      } else {
        leftKeys.append(a)
        rightKeys.append(b)
      }
    }
    // Group both sides together: stack the key columns, so equal keys get the same id.
    let stacked = zip(leftKeys, rightKeys).map { stack($0, $1) }
    let grouper = RowGrouper(columns: stacked, rowCount: left.rowCount + right.rowCount)
    let hasNull: (Int) -> Bool = { row in stacked.contains { $0.isNull(row) } }
    var matches: [Int: [Int]] = [:]
    for j in 0..<right.rowCount where !hasNull(left.rowCount + j) {
      matches[grouper.groupOfRow[left.rowCount + j], default: []].append(j)
    }
    var leftRows: [Int] = [], rightRows: [Int] = []
    for i in 0..<left.rowCount {
      if !hasNull(i), let m = matches[grouper.groupOfRow[i]] {
        for j in m { leftRows.append(i); rightRows.append(j) }
      } else if how == .left {
        leftRows.append(i); rightRows.append(-1)
      }
    }
    var columns = left.gathering(leftRows).columns
    let rightKeyNames = Set(keys.map(\.right))
    let taken = Set(left.columnNames)
    for c in right.columns where !rightKeyNames.contains(c.name) {
      var g = gatherWithNulls(c, rightRows)
      if taken.contains(g.name) { g.name += "_right" }
      columns.append(g)
    }
    do { return try Frame(columns: columns) } catch { throw TableOperationError(error.message, hint: "rename clashing columns before joining") }
  }

  /// Rows of `c` at `rows`, where -1 gives null.
  static func gatherWithNulls(_ c: Column, _ rows: [Int]) -> Column {
    let safe = rows.map { Swift.max(0, $0) }
    var g = c.count == 0 ? ExpressionVector.nulls(ExpressionType(c.type), count: rows.count).column(named: c.name) : c.gathering(safe)
    if rows.contains(-1) || c.count == 0 {
      var valid = g.validity ?? [Bool](repeating: true, count: rows.count)
      for (k, r) in rows.enumerated() where r < 0 { valid[k] = false }
      g = Column(name: c.name, storage: g.storage, validity: valid)
    }
    return g
  }

  /// One column holding `a`'s rows then `b`'s (same type).
  static func stack(_ a: Column, _ b: Column) -> Column {
    let validity: [Bool]? = a.validity == nil && b.validity == nil ? nil
      : (a.validity ?? .init(repeating: true, count: a.count)) + (b.validity ?? .init(repeating: true, count: b.count))
    switch (a.storage, b.storage) {
    case (.int(let x), .int(let y)): return Column(name: a.name, storage: .int(x + y), validity: validity)
    case (.float(let x), .float(let y)): return Column(name: a.name, storage: .float(x + y), validity: validity)
    case (.bool(let x), .bool(let y)): return Column(name: a.name, storage: .bool(x + y), validity: validity)
    case (.string(let xc, let xd), .string(let yc, let yd)):
      let offset = UInt32(xd.count)
      return Column(name: a.name, storage: .string(codes: xc + yc.map { $0 &+ offset }, dictionary: xd + yd), validity: validity)
    default: return a
    }
  }
}
