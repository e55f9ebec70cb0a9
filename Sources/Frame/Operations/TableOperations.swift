import Foundation
import WorkbenchCore

/// Pure operations on frames used by the `transform` cell (docs/cells/transform.md). Each returns a new frame and
/// throws ``TableOperationError`` with a suggestion instead of trapping.
public enum TableOperations {
  /// How `cast` treats values that cannot be converted.
  public enum CastFailure: String, Sendable { case null, fail }

  static func column(_ name: String, in frame: Frame) throws(TableOperationError) -> Column {
    guard let c = frame.column(named: name) else { throw .unknownColumn(name, in: frame) }
    return c
  }

  // MARK: Columns

  /// The named columns, in the order given.
  public static func select(_ frame: Frame, _ names: [String]) throws(TableOperationError) -> Frame {
    var out: [Column] = []
    for n in names { out.append(try column(n, in: frame)) }
    do { return try Frame(columns: out) } catch { throw TableOperationError(error.message, hint: "list each column once") }
  }

  /// Every column except the named ones.
  public static func drop(_ frame: Frame, _ names: [String]) throws(TableOperationError) -> Frame {
    for n in names where frame.column(named: n) == nil { throw .unknownColumn(n, in: frame) }
    let removed = Set(names)
    return try select(frame, frame.columnNames.filter { !removed.contains($0) })
  }

  /// Renames columns (`old → new`), keeping their positions.
  public static func rename(_ frame: Frame, _ pairs: [(old: String, new: String)]) throws(TableOperationError) -> Frame {
    var columns = frame.columns
    for (old, new) in pairs {
      guard let i = columns.firstIndex(where: { $0.name == old }) else { throw .unknownColumn(old, in: frame) }
      columns[i].name = new
    }
    do { return try Frame(columns: columns) } catch {
      throw TableOperationError(error.message, hint: "a new name must not repeat an existing column")
    }
  }

  // MARK: Cast

  /// Converts columns to new types. Values that cannot be converted become null (counted per column) or, with
  /// `.fail`, stop with the first offending value. Rules: float → int truncates toward zero; text → number
  /// parses decimal text (spaces trimmed); text → bool accepts true/false/1/0 (any case); numbers → bool is `≠ 0`.
  public static func cast(_ frame: Frame, _ targets: [(column: String, type: DataType)], onError: CastFailure)
    throws(TableOperationError) -> (frame: Frame, failures: [(column: String, count: Int)])
  {
    var out = frame
    var failures: [(String, Int)] = []
    for (name, type) in targets {
      let c = try column(name, in: out)
      let (converted, failed) = convert(c, to: type)
      if !failed.isEmpty {
        if onError == .fail {
          throw TableOperationError("cannot convert `\(c.value(at: failed[0]).description)` (row \(failed[0] + 1)) of `\(name)` to \(type.rawValue); \(failed.count) value(s) fail",
                                    hint: "use `on_error: null` to turn them into nulls, or filter them out first")
        }
      }
      failures.append((name, failed.count))
      do { out = try out.setting(converted) } catch { throw TableOperationError(error.message) }
    }
    return (out, failures)
  }

  /// A column converted to `type` and the rows whose non-null value failed to convert.
  static func convert(_ c: Column, to type: DataType) -> (Column, [Int]) {
    if c.type == type { return (c, []) }
    let n = c.count
    var failed: [Int] = []
    var valid = c.validity ?? [Bool](repeating: true, count: n)
    func fail(_ i: Int) { if valid[i] { failed.append(i) }; valid[i] = false }
    switch type {
    case .string:
      var builder = StringVectorBuilder(capacity: n)
      let v = ExpressionVector(storage: c.storage, validity: c.validity)
      for i in 0..<n { builder.append(v.text(at: i)) }
      return (builder.build().column(named: c.name), [])
    case .float:
      var out = [Double](repeating: 0, count: n)
      switch c.storage {
      case .int(let x): for i in 0..<n { out[i] = Double(x[i]) }
      case .bool(let x): for i in 0..<n { out[i] = x[i] ? 1 : 0 }
      case .string(let codes, let d):
        let parsed = d.map(ExpressionEvaluator.parseDouble)
        for i in 0..<n where valid[i] { if let p = parsed[Int(codes[i])] { out[i] = p } else { fail(i) } }
      case .float: break
      }
      return (Column(name: c.name, storage: .float(out), validity: valid), failed)
    case .int:
      var out = [Int64](repeating: 0, count: n)
      switch c.storage {
      case .float(let x):
        for i in 0..<n where valid[i] {
          let t = x[i].rounded(.towardZero)
          if t.isFinite && Swift.abs(t) <= 9.2e18 { out[i] = Int64(t) } else { fail(i) }
        }
      case .bool(let x): for i in 0..<n { out[i] = x[i] ? 1 : 0 }
      case .string(let codes, let d):
        let parsed = d.map(ExpressionEvaluator.parseInt)
        for i in 0..<n where valid[i] { if let p = parsed[Int(codes[i])] { out[i] = p } else { fail(i) } }
      case .int: break
      }
      return (Column(name: c.name, storage: .int(out), validity: valid), failed)
    case .bool:
      var out = [Bool](repeating: false, count: n)
      switch c.storage {
      case .int(let x): for i in 0..<n { out[i] = x[i] != 0 }
      case .float(let x): for i in 0..<n { out[i] = x[i] != 0 }
      case .string(let codes, let d):
        let parsed: [Bool?] = d.map {
          switch $0.trimmingCharacters(in: .whitespaces).lowercased() {
          case "true", "1": true
          case "false", "0": false
          default: nil
          }
        }
        for i in 0..<n where valid[i] { if let p = parsed[Int(codes[i])] { out[i] = p } else { fail(i) } }
      case .bool: break
      }
      return (Column(name: c.name, storage: .bool(out), validity: valid), failed)
    }
  }

  // MARK: Rows

  /// Rows where `condition` is true (false and null rows are dropped).
  public static func filter(_ frame: Frame, _ condition: RowExpression) throws(TableOperationError) -> Frame {
    let mask: [Bool]
    do { mask = try condition.mask(on: frame) } catch {
      throw TableOperationError(error.message, hint: error.hint, expressionError: error)
    }
    var indices: [Int] = []
    indices.reserveCapacity(frame.rowCount)
    for i in 0..<mask.count where mask[i] { indices.append(i) }
    return indices.count == frame.rowCount ? frame : frame.gathering(indices)
  }

  /// Adds (or replaces) columns computed by expressions, in order: later ones may use earlier ones.
  public static func derive(_ frame: Frame, _ columns: [(name: String, expression: RowExpression)]) throws(TableOperationError) -> Frame {
    var out = frame
    for (name, e) in columns {
      let c: Column
      do { c = try e.evaluate(on: out, name: name) } catch {
        throw TableOperationError("in `\(name)`: \(error.message)", hint: error.hint, expressionError: error)
      }
      do { out = try out.setting(c) } catch { throw TableOperationError(error.message) }
    }
    return out
  }

  /// Replaces values by a lookup table. Keys are matched against the value's text (`2PT Field Goal`, `3`, `true`;
  /// floats compare numerically). Unmatched values and nulls get `defaultValue` (null when absent).
  /// The result type follows the mapped values: all ints → int, numbers → float, all bools → bool, else text.
  public static func map(_ frame: Frame, column name: String, values: [(key: String, value: Value)], defaultValue: Value?,
                         into: String?) throws(TableOperationError) -> Frame
  {
    let c = try column(name, in: frame)
    let outputs = values.map(\.value) + (defaultValue.map { [$0] } ?? [])
    let kinds = Set(outputs.compactMap { v -> String? in
      switch v {
      case .null: nil
      case .int: "int"
      case .float: "float"
      case .bool: "bool"
      case .string: "string"
      }
    })
    let type: DataType
    if kinds.isEmpty || kinds == ["int"] { type = .int } else if kinds.isSubset(of: ["int", "float"]) { type = .float }
    else if kinds == ["bool"] { type = .bool } else if kinds == ["string"] { type = .string }
    else {
      throw TableOperationError("the mapped values mix \(kinds.sorted().joined(separator: " and "))",
                                hint: "map every value to the same type (quote numbers to get text)")
    }
    // Index of the mapping entry for each distinct source value.
    func matches(_ key: String, _ v: Value) -> Bool {
      switch v {
      case .null: false
      case .float(let x): Double(key.trimmingCharacters(in: .whitespaces)).map { $0 == x } ?? false
      case .int(let x): Int64(key.trimmingCharacters(in: .whitespaces)).map { $0 == x } ?? (Double(key).map { $0 == Double(x) } ?? false)
      default: v.description == key
      }
    }
    let n = c.count
    var target = [Int](repeating: -1, count: n)
    switch c.storage {
    case .string(let codes, let d):
      let perEntry = d.map { s in values.firstIndex { $0.key == s } ?? -1 }
      for i in 0..<n where !c.isNull(i) { target[i] = perEntry[Int(codes[i])] }
    default:
      var cache: [Value: Int] = [:]
      for i in 0..<n where !c.isNull(i) {
        let v = c.value(at: i)
        if let t = cache[v] { target[i] = t; continue }
        let t = values.firstIndex { matches($0.key, v) } ?? -1
        cache[v] = t
        target[i] = t
      }
    }
    let results: [Value] = (0..<n).map { target[$0] >= 0 ? values[target[$0]].value : (defaultValue ?? .null) }
    let out = try makeColumn(name: into ?? name, type: type, values: results)
    do { return try frame.setting(out) } catch { throw TableOperationError(error.message) }
  }

  /// Builds a typed column from dynamic values (numbers widened to float when `type` is float).
  static func makeColumn(name: String, type: DataType, values: [Value]) throws(TableOperationError) -> Column {
    let n = values.count
    var valid = [Bool](repeating: true, count: n)
    switch type {
    case .int:
      var out = [Int64](repeating: 0, count: n)
      for (i, v) in values.enumerated() { if case .int(let x) = v { out[i] = x } else { valid[i] = false } }
      return Column(name: name, storage: .int(out), validity: valid)
    case .float:
      var out = [Double](repeating: 0, count: n)
      for (i, v) in values.enumerated() { if let x = v.doubleValue, v != .null { out[i] = x } else { valid[i] = false } }
      return Column(name: name, storage: .float(out), validity: valid)
    case .bool:
      var out = [Bool](repeating: false, count: n)
      for (i, v) in values.enumerated() { if case .bool(let x) = v { out[i] = x } else { valid[i] = false } }
      return Column(name: name, storage: .bool(out), validity: valid)
    case .string:
      return Column(name: name, strings: values.map { $0 == .null ? nil : $0.description })
    }
  }

  /// Cuts a numeric column into intervals. With `right` (default, as pandas.cut) bins are `(e[i], e[i+1]]`,
  /// otherwise `[e[i], e[i+1])`; values outside every bin, and nulls, give null. Labels default to the interval text.
  public static func bin(_ frame: Frame, column name: String, edges: [Double], labels: [String]?, right: Bool = true,
                         into: String?) throws(TableOperationError) -> Frame
  {
    let c = try column(name, in: frame)
    guard let values = c.doubles() else {
      throw TableOperationError("`bin` needs a numeric column, but `\(name)` is text", hint: "use `map` for text values")
    }
    guard edges.count >= 2, zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }), edges.allSatisfy({ !$0.isNaN }) else {
      throw TableOperationError("`edges` must hold at least two strictly increasing numbers")
    }
    let names = labels ?? zip(edges, edges.dropFirst()).map { a, b in
      right ? "(\(formatFloat(a, integralWithoutPoint: true)), \(formatFloat(b, integralWithoutPoint: true))]"
        : "[\(formatFloat(a, integralWithoutPoint: true)), \(formatFloat(b, integralWithoutPoint: true)))"
    }
    guard names.count == edges.count - 1 else {
      throw TableOperationError("\(edges.count) edges make \(edges.count - 1) bins but \(names.count) labels were given")
    }
    var builder = StringVectorBuilder(capacity: values.count)
    let codes = names.map { builder.code(for: $0) }
    var outCodes = [UInt32](repeating: 0, count: values.count)
    var valid = [Bool](repeating: false, count: values.count)
    for (i, v) in values.enumerated() {
      guard let v, !v.isNaN else { continue }
      // First edge index with edge ≥ v (right-closed) or edge > v (left-closed).
      var lo = 0, hi = edges.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if right ? edges[mid] < v : edges[mid] <= v { lo = mid + 1 } else { hi = mid }
      }
      let bin = lo - 1
      if bin >= 0 && bin < names.count { outCodes[i] = codes[bin]; valid[i] = true }
    }
    guard case .string(_, let dictionary) = builder.build().storage else { return frame }
    let out = Column(name: into ?? name, storage: .string(codes: outCodes, dictionary: dictionary), validity: valid)
    do { return try frame.setting(out) } catch { throw TableOperationError(error.message) }
  }

  /// Stable sort by several keys (`descending` per key). Nulls sort last in both directions, like pandas.
  ///
  /// Every key is first encoded as order-preserving unsigned integers (text by dictionary rank), so the sort
  /// compares plain integers.
  public static func sort(_ frame: Frame, by keys: [(column: String, descending: Bool)]) throws(TableOperationError) -> Frame {
    let n = frame.rowCount
    var encoded: [(values: [UInt64], nulls: [Bool]?)] = []
    for (name, descending) in keys {
      let c = try column(name, in: frame)
      var values = [UInt64](repeating: 0, count: n)
      var nulls = c.validity.map { $0.map { !$0 } }
      switch c.storage {
      case .int(let v): for i in 0..<n { values[i] = UInt64(bitPattern: v[i]) ^ (1 << 63) }
      case .float(let v):
        for i in 0..<n {
          let x = v[i]
          if x.isNaN { if nulls == nil { nulls = [Bool](repeating: false, count: n) }; nulls![i] = true; continue }
          let bits = (x == 0 ? 0.0 : x).bitPattern
          values[i] = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        }
      case .bool(let v): for i in 0..<n { values[i] = v[i] ? 1 : 0 }
      case .string(let codes, let d):
        // Rank the dictionary once so rows compare by integer rank.
        let order = d.indices.sorted { d[$0] < d[$1] }
        var rank = [UInt64](repeating: 0, count: d.count)
        var r: UInt64 = 0
        for (k, idx) in order.enumerated() {
          if k > 0 && d[order[k - 1]] != d[idx] { r += 1 }
          rank[idx] = r
        }
        for i in 0..<n { values[i] = rank[Int(codes[i])] }
      }
      if descending { for i in 0..<n { values[i] = ~values[i] } }
      encoded.append((values, nulls))
    }
    var indices: [Int]
    if encoded.count == 1, let key = encoded.first {
      var pairs = [(UInt8, UInt64, Int)](repeating: (0, 0, 0), count: n)
      for i in 0..<n { pairs[i] = (key.nulls?[i] == true ? 1 : 0, key.values[i], i) }
      pairs.sort { $0 < $1 }
      indices = pairs.map(\.2)
    } else {
      indices = Array(0..<n)
      indices.sort { a, b in
        for key in encoded {
          let na = key.nulls?[a] ?? false, nb = key.nulls?[b] ?? false
          if na != nb { return nb }
          if na { continue }
          let x = key.values[a], y = key.values[b]
          if x != y { return x < y }
        }
        return a < b  // stability
      }
    }
    return frame.gathering(indices)
  }

  /// A seeded random subset of rows without replacement, kept in their original order.
  ///
  /// The rows are `SeededSample.indices` (WorkbenchCore), the same the plot `sample:` option picks: the same seed
  /// and table always give the same rows, on every platform.
  public static func sample(_ frame: Frame, rows: Int?, fraction: Double?, seed: UInt64) throws(TableOperationError) -> Frame {
    let n = frame.rowCount
    let k: Int
    if let rows {
      guard rows >= 0 else { throw TableOperationError("`rows` must be ≥ 0") }
      k = Swift.min(rows, n)
    } else if let fraction {
      guard fraction >= 0, fraction <= 1 else { throw TableOperationError("`fraction` must be between 0 and 1") }
      k = Int((fraction * Double(n)).rounded(.toNearestOrEven))
    } else {
      throw TableOperationError("`sample` needs `rows` or `fraction`")
    }
    return frame.gathering(SeededSample.indices(count: k, of: n, seed: seed))
  }
}
