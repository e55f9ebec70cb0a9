import Engine
import Foundation
import Frame
import WorkbookModel

/// One check of an `expect` cell, parsed from a one-key mapping (`- between: {column: x, min: 0}`) plus the shared
/// keys `name`, `severity`, `by` and `mostly`. Parsing needs no data, so the same code validates workbooks statically.
struct ExpectCheck {
  enum Severity: String { case error, warn }

  enum Rule {
    /// Every non-null value within `[min, max]` (either bound may be absent); NaN is outside.
    case between(column: String, min: Double?, max: Double?)
    /// Every non-null value one of `values`.
    case inSet(column: String, values: [JSONValue])
    /// Share of null values at most `max`.
    case nullRate(column: String, max: Double)
    /// No two rows share the values of `columns` (nulls equal nulls, as `dedupe`).
    case unique([String])
    /// Row count within `[min, max]`.
    case rowCount(min: Int?, max: Int?)
    /// A true/false expression that must hold on every row (null results are not evaluated, and counted).
    case expression(RowExpression, LocatedValue)
  }

  static let types = ["between", "in_set", "null_rate", "unique", "row_count", "expression"]
  static let sharedKeys = ["name", "severity", "by", "mostly"]

  var type: String
  var rule: Rule
  var name: String
  var severity: Severity
  /// Grouping columns of this check; nil means the cell's `by`.
  var by: [String]?
  /// Share of evaluated rows that must pass (1: all), as Great Expectations' `mostly`.
  var mostly: Double
  var location: SourceLocation

  /// Columns checked by name before evaluating (an expression reports its own unknown columns, at the character).
  var namedColumns: [String] {
    if case .expression = rule { return [] }
    return columns
  }

  /// Columns the check reads (grouping excluded).
  var columns: [String] {
    switch rule {
    case .between(let c, _, _), .inSet(let c, _), .nullRate(let c, _): [c]
    case .unique(let cs): cs
    case .rowCount: []
    case .expression(let e, _): e.referencedColumns
    }
  }

  /// The rule's parameters for result.json.
  var specification: [String: JSONValue] {
    switch rule {
    case .between(let c, let lo, let hi): ["column": .string(c), "min": lo.map(JSONValue.double) ?? .null, "max": hi.map(JSONValue.double) ?? .null]
    case .inSet(let c, let v): ["column": .string(c), "values": .array(v)]
    case .nullRate(let c, let m): ["column": .string(c), "max": .double(m)]
    case .unique(let cs): ["columns": .array(cs.map(JSONValue.string))]
    case .rowCount(let lo, let hi): ["min": lo.map(JSONValue.int) ?? .null, "max": hi.map(JSONValue.int) ?? .null]
    case .expression(let e, _): ["expression": .string(e.text)]
    }
  }

  // MARK: Parsing

  static func parse(_ check: LocatedValue) throws -> ExpectCheck {
    guard let entries = check.entries, !entries.isEmpty else {
      throw CellError("each check must be a mapping with one check type", at: check.location,
                      hint: "e.g. `- between: {column: X Location, min: -250, max: 250}`; types: \(types.joined(separator: ", "))")
    }
    var found: (key: String, keyLocation: SourceLocation, value: LocatedValue)?
    for e in entries where !sharedKeys.contains(e.key) {
      guard types.contains(e.key) else {
        throw CellError("unknown check `\(e.key)`", at: e.keyLocation,
                        hint: Suggest.hint(for: e.key, in: types + sharedKeys) ?? "check types: \(types.joined(separator: ", ")); other keys: \(sharedKeys.joined(separator: ", "))")
      }
      if let first = found {
        throw CellError("a check has one type, but this one has `\(first.key)` and `\(e.key)`", at: e.keyLocation,
                        hint: "write them as two checks (two `-` items)")
      }
      found = e
    }
    guard let (type, at, arg) = found.map({ ($0.key, $0.keyLocation, $0.value) }) else {
      throw CellError("the check has no type", at: check.location, hint: "add one of: \(types.joined(separator: ", "))")
    }
    func fail(_ message: String, _ where_: LocatedValue? = nil, hint: String? = nil) -> CellError {
      CellError("`\(type)`: \(message)", at: (where_ ?? arg).location, hint: hint)
    }
    func allowOnly(_ keys: [String], required: [String]) throws {
      guard let e = arg.entries else { throw fail("expects a mapping with \(keys.map { "`\($0)`" }.joined(separator: ", "))") }
      for x in e where !keys.contains(x.key) {
        throw CellError("`\(type)`: unknown key `\(x.key)`", at: x.keyLocation,
                        hint: Suggest.hint(for: x.key, in: keys) ?? "keys: \(keys.joined(separator: ", "))")
      }
      for r in required where arg[r] == nil { throw fail("missing `\(r)`", hint: "keys: \(keys.joined(separator: ", "))") }
    }
    func columnName() throws -> String {
      guard let c = arg["column"], case .string(let s) = c.value, !s.isEmpty else { throw fail("`column` must be a column name", arg["column"]) }
      return s
    }
    func number(_ key: String) throws -> Double? {
      guard let v = arg[key] else { return nil }
      guard let d = v.value.doubleValue, d.isFinite else { throw fail("`\(key)` must be a number", v) }
      return d
    }

    let rule: Rule
    let defaultName: String
    switch type {
    case "between":
      try allowOnly(["column", "min", "max"], required: ["column"])
      let column = try columnName()
      let lo = try number("min"), hi = try number("max")
      if lo == nil && hi == nil { throw fail("give `min`, `max` or both") }
      if let lo, let hi, lo > hi { throw fail("`min` (\(TableOps.formatNumber(lo))) is above `max` (\(TableOps.formatNumber(hi)))") }
      rule = .between(column: column, min: lo, max: hi)
      let (a, b) = (lo.map { TableOps.formatNumber($0) }, hi.map { TableOps.formatNumber($0) })
      defaultName = "\(column) " + (a != nil && b != nil ? "between \(a!) and \(b!)" : a != nil ? "≥ \(a!)" : "≤ \(b!)")
    case "in_set":
      try allowOnly(["column", "values"], required: ["column", "values"])
      let column = try columnName()
      guard let items = arg["values"]?.items, !items.isEmpty else { throw fail("`values` must be a non-empty list", arg["values"]) }
      for item in items {
        switch item.value {
        case .string, .int, .double, .bool: continue
        default: throw fail("`values` must hold text, numbers or true/false", item)
        }
      }
      rule = .inSet(column: column, values: items.map(\.value))
      defaultName = "\(column) in {\(items.prefix(4).map { $0.value.displayText }.joined(separator: ", "))\(items.count > 4 ? ", …" : "")}"
    case "null_rate":
      try allowOnly(["column", "max"], required: ["column", "max"])
      let column = try columnName()
      guard let m = try number("max"), (0...1).contains(m) else { throw fail("`max` must be a share between 0 and 1", arg["max"]) }
      rule = .nullRate(column: column, max: m)
      defaultName = m == 0 ? "\(column) has no nulls" : "\(column) null rate ≤ \(TableOps.formatNumber(m))"
    case "unique":
      let columns: [String]
      if let c = arg["column"] ?? arg["columns"], arg.entries?.count == 1 {
        columns = try c.strings("`unique`")
      } else {
        columns = try arg.strings("`unique`")
      }
      if columns.isEmpty { throw fail("needs at least one column") }
      rule = .unique(columns)
      defaultName = "unique \(columns.joined(separator: ", "))"
    case "row_count":
      try allowOnly(["min", "max"], required: [])
      func count(_ key: String) throws -> Int? {
        guard let v = arg[key] else { return nil }
        guard let i = v.value.intValue, i >= 0 else { throw fail("`\(key)` must be a whole number ≥ 0", v) }
        return i
      }
      let lo = try count("min"), hi = try count("max")
      if lo == nil && hi == nil { throw fail("give `min`, `max` or both") }
      if let lo, let hi, lo > hi { throw fail("`min` (\(lo)) is above `max` (\(hi))") }
      rule = .rowCount(min: lo, max: hi)
      defaultName = "row count " + (lo != nil && hi != nil ? "between \(lo!) and \(hi!)" : lo != nil ? "≥ \(lo!)" : "≤ \(hi!)")
    default:  // expression
      guard case .string(let text) = arg.value else {
        throw fail("expects a true/false expression in quotes", hint: "e.g. \"abs(`Shot Distance` - 10) <= 1\"")
      }
      do throws(ExpressionError) { rule = .expression(try RowExpression(text), arg) } catch {
        throw CellError("`expression`: \(error.message)", at: arg.location(ofCharacter: error.offset), hint: error.hint)
      }
      defaultName = text
    }

    var severity = Severity.error
    if let s = check["severity"] {
      guard let text = s.string, case .string = s.value, let v = Severity(rawValue: text) else {
        throw CellError("`severity` must be `error` or `warn`", at: s.location,
                        hint: s.string.flatMap { Suggest.hint(for: $0, in: ["error", "warn"]) })
      }
      severity = v
    }
    var mostly = 1.0
    if let m = check["mostly"] {
      guard let d = m.value.doubleValue, d > 0, d <= 1 else {
        throw CellError("`mostly` must be a share in (0, 1]: the part of the evaluated rows that must pass", at: m.location)
      }
      if case .rowCount = rule { throw CellError("`mostly` does not apply to `row_count`", at: m.location) }
      if case .nullRate = rule { throw CellError("`mostly` does not apply to `null_rate` (its `max` is already a share)", at: m.location) }
      mostly = d
    }
    var name = defaultName
    if let n = check["name"] {
      guard case .string(let s) = n.value, !s.isEmpty else { throw CellError("`name` must be text", at: n.location) }
      name = s
    }
    let by = try check["by"].map { try $0.strings("`by`") }
    return ExpectCheck(type: type, rule: rule, name: name, severity: severity, by: by, mostly: mostly, location: at)
  }

  // MARK: Evaluation

  /// Row states: 0 passes, 1 fails, 2 not evaluated (a null value or a null expression result).
  static let passes: UInt8 = 0, fails: UInt8 = 1, unevaluated: UInt8 = 2

  /// The state of every row (nil for `row_count`, which has no per-row verdict). `groups` is needed for `unique`,
  /// whose duplicates are found within each group.
  func rowStates(_ frame: Frame, groupBy: [String]) throws -> [UInt8]? {
    switch rule {
    case .between(let name, let lo, let hi):
      let c = try column(name, in: frame)
      guard let values = c.doubles(), c.type != .bool else {
        throw CellError("check `\(self.name)`: `between` needs a numeric column, but `\(name)` is \(c.type.rawValue)", at: location,
                        hint: "use `in_set` for text, or an `expression` such as \"to_float(x) <= 3\"")
      }
      let low = lo ?? -.infinity, high = hi ?? .infinity
      return values.map { v in
        guard let v else { return Self.unevaluated }
        return v >= low && v <= high ? Self.passes : Self.fails
      }
    case .inSet(let name, let allowed):
      let c = try column(name, in: frame)
      switch c.storage {
      case .string(let codes, let dictionary):
        let texts = Set(allowed.map(\.displayText))
        let ok = dictionary.map { texts.contains($0) }
        return codes.indices.map { c.isNull($0) ? Self.unevaluated : ok[Int(codes[$0])] ? Self.passes : Self.fails }
      case .bool(let v):
        let ok = try Set(allowed.map { a -> Bool in
          guard let b = a.boolValue else { throw notComparable(a, c) }
          return b
        })
        return v.indices.map { c.isNull($0) ? Self.unevaluated : ok.contains(v[$0]) ? Self.passes : Self.fails }
      case .int, .float:
        let ok = try Set(allowed.map { a -> Double in
          if case .bool = a { throw notComparable(a, c) }
          guard let d = a.doubleValue ?? a.stringValue.flatMap(Double.init) else { throw notComparable(a, c) }
          return d
        })
        return (c.doubles() ?? []).map { v in v.map { ok.contains($0) ? Self.passes : Self.fails } ?? Self.unevaluated }
      }
    case .nullRate(let name, _):
      let c = try column(name, in: frame)
      guard let validity = c.validity else { return [UInt8](repeating: Self.passes, count: frame.rowCount) }
      return validity.map { $0 ? Self.passes : Self.fails }
    case .unique(let names):
      for n in names { _ = try column(n, in: frame) }
      let groups = try TableOperations.rowGroups(frame, by: groupBy + names.filter { !groupBy.contains($0) })
      var sizes = [Int](repeating: 0, count: groups.count)
      for g in groups.groupOfRow { sizes[g] += 1 }
      return groups.groupOfRow.map { sizes[$0] > 1 ? Self.fails : Self.passes }
    case .rowCount:
      return nil
    case .expression(let e, let source):
      let result: Column
      do throws(ExpressionError) { result = try e.evaluate(on: frame, name: "check") } catch {
        throw CellError("check `\(name)`: \(error.message)", at: source.location(ofCharacter: error.offset), hint: error.hint)
      }
      guard case .bool(let values) = result.storage else {
        if result.type == .float, result.nullCount == frame.rowCount { return [UInt8](repeating: Self.unevaluated, count: frame.rowCount) }
        throw CellError("check `\(name)`: the expression must be a true/false condition, but it gives \(result.type.rawValue)",
                        at: source.location, hint: "compare it, e.g. `x <= 2` or `x is not null`")
      }
      return values.indices.map { result.isNull($0) ? Self.unevaluated : values[$0] ? Self.passes : Self.fails }
    }
  }

  /// The named column, or an error naming this check and the nearest column.
  func column(_ name: String, in frame: Frame) throws -> Column {
    guard let c = frame.column(named: name) else { throw unknownColumn(name, in: frame) }
    return c
  }

  func unknownColumn(_ name: String, in frame: Frame) -> CellError {
    CellError("check `\(self.name)`: unknown column `\(name)`", at: location,
              hint: Suggest.hint(for: name, in: frame.columnNames) ?? "columns: \(frame.columnNames.prefix(30).joined(separator: ", "))")
  }

  private func notComparable(_ value: JSONValue, _ column: Column) -> CellError {
    CellError("check `\(name)`: `in_set` value `\(value.displayText)` can never occur in \(column.type.rawValue) column `\(column.name)`",
              at: location, hint: "list values of the column's type (or cast the column first)")
  }
}
