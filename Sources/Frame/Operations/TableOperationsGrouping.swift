import Foundation

/// Dense group ids for rows, by the values of several columns (first-appearance order; nulls form their own group,
/// NaN equals NaN, -0.0 equals 0.0, equal strings are equal whatever their dictionary codes).
///
/// Every row gets a 64-bit hash of its key values (computed in parallel over row ranges), then one sequential pass
/// numbers the groups through an open-addressing table of (hash, group). Rows whose hashes match are compared value
/// by value, so a hash collision can never merge two groups. Ids never depend on the thread count.
struct RowGrouper {
  /// Group id of every row, 0-based, numbered in order of first appearance.
  var groupOfRow: [Int]
  /// The first row of each group.
  var firstRow: [Int]

  init(columns: [Column], rowCount: Int) {
    guard !columns.isEmpty else {
      groupOfRow = [Int](repeating: 0, count: rowCount)
      firstRow = rowCount > 0 ? [0] : []
      return
    }
    let keys = columns.map(GroupingKey.init)
    let hashes = Self.rowHashes(keys, rowCount: rowCount)
    var groups = [Int](repeating: 0, count: rowCount)
    var first: [Int] = []
    var table = GroupTable()
    hashes.withUnsafeBufferPointer { hashes in
      groups.withUnsafeMutableBufferPointer { groups in
        for row in 0..<rowCount {
          groups[row] = table.group(hash: hashes[row], row: row, firstRow: &first) { a, b in
            for k in keys where !k.equal(a, b) { return false }
            return true
          }
        }
      }
    }
    groupOfRow = groups
    firstRow = first
  }

  /// Hash of each row's key values; rows are split in ranges hashed concurrently, columns in order within a range.
  private static func rowHashes(_ keys: [GroupingKey], rowCount: Int) -> [UInt64] {
    var hashes = [UInt64](repeating: 0x243F_6A88_85A3_08D3, count: rowCount)
    let rangeSize = 1 << 16
    let ranges = (rowCount + rangeSize - 1) / rangeSize
    hashes.withUnsafeMutableBufferPointer { buffer in
      let shared = SendableSlots(pointer: buffer.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: ranges) { r in
        let lower = r * rangeSize, upper = Swift.min(rowCount, lower + rangeSize)
        for (c, key) in keys.enumerated() {
          let salt = UInt64(c) &* 0x9E37_79B9_7F4A_7C15
          for i in lower..<upper { shared.pointer[i] = mix(shared.pointer[i] ^ (key.bits(i) &+ salt)) }
        }
      }
    }
    return hashes
  }

  @inline(__always)
  static func mix(_ key: UInt64) -> UInt64 {
    var x = key
    x ^= x >> 33
    x &*= 0xff51_afd7_ed55_8ccd
    x ^= x >> 33
    x &*= 0xc4ce_b9fe_1a85_ec53
    x ^= x >> 33
    return x
  }
}

/// One key column seen as canonical 64-bit values: what grouping hashes and compares.
private struct GroupingKey {
  enum Values {
    case int([Int64])
    case float([Double])
    /// Codes plus, per dictionary entry, the first entry with the same text (dictionaries may repeat a string).
    case string(codes: [UInt32], canonical: [UInt32])
    case bool([Bool])
  }
  let values: Values
  let validity: [Bool]?
  private static let nullBits: UInt64 = 0x6A09_E667_F3BC_C908

  init(_ c: Column) {
    validity = c.validity
    switch c.storage {
    case .int(let v): values = .int(v)
    case .float(let v): values = .float(v)
    case .bool(let v): values = .bool(v)
    case .string(let codes, let dictionary):
      var firstIndex: [String: UInt32] = [:]
      var canonical = [UInt32](repeating: 0, count: dictionary.count)
      for (i, s) in dictionary.enumerated() {
        if let j = firstIndex[s] { canonical[i] = j } else { firstIndex[s] = UInt32(i); canonical[i] = UInt32(i) }
      }
      values = .string(codes: codes, canonical: canonical)
    }
  }

  @inline(__always)
  func bits(_ i: Int) -> UInt64 {
    if let validity, !validity[i] { return Self.nullBits }
    switch values {
    case .int(let v): return UInt64(bitPattern: v[i])
    case .float(let v): let x = v[i]; return x == 0 ? 0 : (x.isNaN ? Double.nan.bitPattern : x.bitPattern)
    case .string(let codes, let canonical): return UInt64(canonical[Int(codes[i])])
    case .bool(let v): return v[i] ? 1 : 0
    }
  }

  @inline(__always)
  func equal(_ a: Int, _ b: Int) -> Bool {
    if let validity {
      let va = validity[a], vb = validity[b]
      if va != vb { return false }
      if !va { return true }
    }
    switch values {
    case .int(let v): return v[a] == v[b]
    case .float(let v): return v[a] == v[b] || (v[a].isNaN && v[b].isNaN)
    case .string(let codes, let canonical): return codes[a] == codes[b] || canonical[Int(codes[a])] == canonical[Int(codes[b])]
    case .bool(let v): return v[a] == v[b]
    }
  }
}

/// Open-addressing table of (row hash, group) with linear probing at load ≤ 1/2; grows by doubling.
struct GroupTable: ~Copyable {
  private var slots: UnsafeMutableBufferPointer<(hash: UInt64, group: Int)>
  private var mask: Int
  private var count = 0

  init() {
    slots = .allocate(capacity: 64)
    slots.initialize(repeating: (0, -1))
    mask = 63
  }

  deinit { slots.deallocate() }

  /// The group of `row` (hash `hash`), opening a new one (recorded in `firstRow`) when no earlier row equals it.
  @inline(__always)
  mutating func group(hash: UInt64, row: Int, firstRow: inout [Int], equal: (Int, Int) -> Bool) -> Int {
    var i = Int(truncatingIfNeeded: hash) & mask
    while true {
      let slot = slots[i]
      if slot.group < 0 { break }
      if slot.hash == hash && equal(firstRow[slot.group], row) { return slot.group }
      i = (i + 1) & mask
    }
    let group = count
    slots[i] = (hash, group)
    firstRow.append(row)
    count += 1
    if 2 * count > mask + 1 { grow() }
    return group
  }

  private mutating func grow() {
    let old = slots
    let capacity = 2 * (mask + 1)
    slots = .allocate(capacity: capacity)
    slots.initialize(repeating: (0, -1))
    mask = capacity - 1
    for slot in old where slot.group >= 0 {
      var i = Int(truncatingIfNeeded: slot.hash) & mask
      while slots[i].group >= 0 { i = (i + 1) & mask }
      slots[i] = slot
    }
    old.deallocate()
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
