import Engine
import Foundation
import Frame
import Reporting
import WorkbookModel

/// `transform`: an ordered list of table steps (select, filter, derive, join, group_by…) applied to one table.
enum TransformCell {
  static let stepKinds = ["select", "drop", "rename", "cast", "filter", "derive", "map", "bin", "dedupe", "impute",
                          "join", "group_by", "sort", "sample", "if_columns"]

  static let descriptor = KindDescriptor(
    name: "transform", version: 1,
    summary: "Apply ordered steps to a table: select, drop, rename, cast, filter, derive, map, bin, dedupe, impute, join, group_by, sort, sample.",
    options: [
      OptionSpec("input", .table, required: true, doc: "The table to transform (`cell` or `cell.table`)."),
      OptionSpec("steps", .list(.any), required: true,
                 doc: "Steps, each a one-key mapping such as `filter: \"`Shot Distance` < 30\"` (see docs/cells/transform.md)."),
      OptionSpec("tables", .list(.table), default: [], doc: "Other tables that `join` steps may use (`with:` must name one of them)."),
    ],
    validate: { cell, diagnostics in
      guard let steps = cell.option("steps") else { return }
      guard let list = steps.list else { return }
      let tables = Set((cell.option("tables")?.list ?? cell.option("tables").map { [$0] } ?? []).compactMap(\.string))
      if list.isEmpty { diagnostics.warning("`steps` is empty: the table passes through unchanged", at: steps.location, cell: cell.id) }
      for node in list {
        if node.displayText.contains("${") { continue }  // checked at run time, after substitution
        do {
          let step = try TransformStep.parse(LocatedValue(value: node.json, node: node, fallback: node.location))
          for join in step.joins where !tables.contains(join.with) {
            diagnostics.error("join table `\(join.with)` is not listed in `tables`", at: join.step.source["with"]?.location ?? join.step.location,
                              cell: cell.id, hint: "add `tables: [\(join.with)]` to the cell so the engine runs it first")
          }
        } catch let error as CellError {
          diagnostics.error(error.message, at: error.location ?? node.location, cell: cell.id, hint: error.hint)
        } catch {
          diagnostics.error("\(error)", at: node.location, cell: cell.id)
        }
      }
    })

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let input = try o.requiredString("input")
    var table = try context.table(input)
    let listed = Set(try o.texts("tables"))
    let steps = try parseSteps(o)

    var rows: [[String]] = []
    var perStep: [JSONValue] = []
    var warnings: [String] = []
    let rowsIn = table.rowCount
    for (i, step) in steps.enumerated() {
      let before = table.rowCount
      var extra: [String: JSONValue] = [:]
      var note = ""
      let lookup: (TransformStep, String) throws -> Frame = { joinStep, with in
        guard listed.contains(with) else {
          throw CellError("join table `\(with)` is not listed in `tables`", at: joinStep.source["with"]?.location ?? joinStep.location,
                          hint: "add `tables: [\(with)]` to the cell")
        }
        return try context.table(with)
      }
      do {
        table = try step.apply(to: table, tables: lookup, extra: &extra, note: &note, warnings: &warnings)
      } catch let error as TableOperationError {
        throw step.cellError(error)
      }
      var entry: [String: JSONValue] = [
        "step": .int(i + 1), "kind": .string(step.kind), "rows_in": .int(before), "rows_out": .int(table.rowCount),
        "columns": .int(table.columns.count),
      ]
      for (k, v) in extra { entry[k] = v }
      perStep.append(.object(entry))
      rows.append([String(i + 1), step.kind, step.summary, TableOps.formatCount(before), TableOps.formatCount(table.rowCount), note])
      context.progress(Double(i + 1) / Double(steps.count), step.kind)
    }
    let result: JSONValue = .object([
      "rows_in": .int(rowsIn), "rows": .int(table.rowCount), "steps": .array(perStep),
      "columns": TableOps.schemaJSON(table),
    ])
    let report: [ReportBlock] = [
      .facts([.init("rows in", TableOps.formatCount(rowsIn)), .init("rows out", TableOps.formatCount(table.rowCount)),
              .init("columns", String(table.columns.count))]),
      .table(caption: "Steps", columns: ["#", "step", "detail", "rows in", "rows out", "note"], rows: rows, note: nil),
      TableOps.schemaBlock(table),
      TableOps.previewBlock(table, rows: 5),
    ]
    return CellOutput(result: result, tables: [("table", table)], report: report, warnings: warnings)
  }

  /// The `steps` option parsed, in order (nodes as written give mapping key order and locations).
  static func parseSteps(_ o: CellOptions) throws -> [TransformStep] {
    guard let stepValues = o["steps"]?.arrayValue else {
      throw CellError("`steps` must be a list of one-key mappings", at: o.location(of: "steps"))
    }
    let nodes = o.nodes["steps"]?.list
    var steps: [TransformStep] = []
    for (i, value) in stepValues.enumerated() {
      let node = nodes.flatMap { i < $0.count ? $0[i] : nil }
      steps.append(try TransformStep.parse(LocatedValue(value: value, node: node, fallback: o.location(of: "steps"))))
    }
    return steps
  }
}

/// A workbook value paired (when known) with the YAML node it came from, for locations and key order.
///
/// At run time cell options arrive as `JSONValue` (after `${…}` substitution), whose objects have no key order
/// and no locations; the option's node as written (`CellOptions.nodes`) supplies both.
struct LocatedValue {
  let value: JSONValue
  let node: SpecNode?
  let fallback: SourceLocation

  init(value: JSONValue, node: SpecNode?, fallback: SourceLocation) {
    self.value = value
    self.node = node
    self.fallback = fallback
  }

  var location: SourceLocation { node?.location ?? fallback }

  /// Mapping entries in written order (sorted by key when the order is unknown).
  var entries: [(key: String, keyLocation: SourceLocation, value: LocatedValue)]? {
    guard case .object(let dict) = value else { return nil }
    var out: [(key: String, keyLocation: SourceLocation, value: LocatedValue)] = []
    var seen = Set<String>()
    for e in node?.entries ?? [] {
      guard let v = dict[e.key], seen.insert(e.key).inserted else { continue }
      out.append((e.key, e.keyLocation, LocatedValue(value: v, node: e.value, fallback: e.value.location)))
    }
    for (k, v) in dict.sorted(by: { $0.key < $1.key }) where !seen.contains(k) {
      out.append((k, location, LocatedValue(value: v, node: nil, fallback: location)))
    }
    return out
  }

  var items: [LocatedValue]? {
    guard case .array(let a) = value else { return nil }
    let nodes = node?.list
    return a.enumerated().map { i, v in
      let n = nodes.flatMap { $0.count == a.count ? $0[i] : nil }
      return LocatedValue(value: v, node: n, fallback: n?.location ?? location)
    }
  }

  subscript(key: String) -> LocatedValue? { entries?.first { $0.key == key }?.value }

  var string: String? {
    switch value {
    case .string(let s): s
    case .int(let i): String(i)
    case .double(let d): JSONValue.formatDouble(d)
    case .bool(let b): b ? "true" : "false"
    default: nil
    }
  }

  /// A list of strings (a single string counts as a one-element list).
  func strings(_ what: String) throws -> [String] {
    if let s = string, case .string = value { return [s] }
    guard let items else { throw CellError("\(what) must be a list of column names", at: location) }
    return try items.map {
      guard let s = $0.string else { throw CellError("\(what) must be a list of column names", at: $0.location) }
      return s
    }
  }

  /// Where character `offset` of this string value is in the workbook (inside the quotes of a quoted scalar).
  func location(ofCharacter offset: Int) -> SourceLocation {
    guard let node, let text = node.string else { return location }
    if text.contains("\n") { return node.location }
    return SourceLocation(file: node.location.file, line: node.location.line,
                          column: node.location.column + offset + (node.quoted ? 1 : 0))
  }
}

/// One parsed `transform` step: what to do, plus where it was written.
struct TransformStep {
  enum Action {
    case select([String])
    case drop([String])
    case rename([(old: String, new: String)])
    case cast([(column: String, type: DataType)], TableOperations.CastFailure)
    case filter(RowExpression, LocatedValue)
    case derive([(name: String, expression: RowExpression, source: LocatedValue)])
    case map(column: String, values: [(key: String, value: Value)], defaultValue: Value?, into: String?)
    case bin(column: String, edges: [Double], labels: [String]?, right: Bool, into: String?)
    case dedupe([String]?)
    case impute([(column: String, method: TableOperations.ImputeMethod)])
    case join(with: String, on: [(left: String, right: String)], how: TableOperations.JoinKind)
    case groupBy(keys: [String], aggregates: [(name: String, aggregate: Aggregate)])
    case sort([(column: String, descending: Bool)])
    case sample(rows: Int?, fraction: Double?, seed: UInt64)
    /// Nested steps applied only when every listed column is present (`else` steps otherwise): one workbook can
    /// accept several input layouts (e.g. NBA.com or Kaggle shots).
    case ifColumns(present: [String], then: [TransformStep], otherwise: [TransformStep])
  }

  var kind: String
  var action: Action
  /// The step's argument (the value under its key).
  var source: LocatedValue
  var location: SourceLocation

  // MARK: Parsing (static: no data)

  static func parse(_ step: LocatedValue) throws -> TransformStep {
    guard let entries = step.entries, entries.count == 1, let entry = entries.first else {
      throw CellError("each step must be a mapping with exactly one key (the step kind)", at: step.location,
                      hint: "e.g. `- filter: \"x > 0\"`; kinds: \(TransformCell.stepKinds.joined(separator: ", "))")
    }
    let kind = entry.key
    let arg = entry.value
    let at = entry.keyLocation
    func fail(_ message: String, _ where_: LocatedValue? = nil, hint: String? = nil) -> CellError {
      CellError("`\(kind)`: \(message)", at: (where_ ?? arg).location, hint: hint)
    }
    func mapping(_ what: String) throws -> [(key: String, keyLocation: SourceLocation, value: LocatedValue)] {
      guard let e = arg.entries, !e.isEmpty else { throw fail("expects a mapping of \(what)") }
      return e
    }
    func expression(_ v: LocatedValue) throws -> RowExpression {
      guard case .string(let text) = v.value else {
        throw fail("expects an expression in quotes", v, hint: "e.g. \"`Shot Distance` * 0.3048\"")
      }
      do throws(ExpressionError) { return try RowExpression(text) } catch {
        throw CellError(error.message, at: v.location(ofCharacter: error.offset), hint: error.hint)
      }
    }
    func scalar(_ v: LocatedValue) -> Value {
      switch v.value {
      case .int(let i): .int(Int64(i))
      case .double(let d): .float(d)
      case .bool(let b): .bool(b)
      case .string(let s): .string(s)
      default: .null
      }
    }
    func allowOnly(_ keys: [String], required: [String]) throws {
      guard let e = arg.entries else { throw fail("expects a mapping with \(required.map { "`\($0)`" }.joined(separator: ", "))") }
      for x in e where !keys.contains(x.key) {
        throw CellError("`\(kind)`: unknown key `\(x.key)`", at: x.keyLocation,
                        hint: Suggest.hint(for: x.key, in: keys) ?? "keys: \(keys.joined(separator: ", "))")
      }
      for r in required where arg[r] == nil { throw fail("missing `\(r)`", hint: "keys: \(keys.joined(separator: ", "))") }
    }

    let action: Action
    switch kind {
    case "select", "drop":
      let names = try arg.strings("`\(kind)`")
      if names.isEmpty { throw fail("needs at least one column") }
      action = kind == "select" ? .select(names) : .drop(names)
    case "rename":
      action = .rename(try mapping("old: new names").map { e in
        guard let new = e.value.string, case .string = e.value.value else { throw fail("the new name of `\(e.key)` must be text", e.value) }
        return (e.key, new)
      })
    case "cast":
      var onError = TableOperations.CastFailure.null
      var targets: [(column: String, type: DataType)] = []
      for e in try mapping("column: type") {
        if e.key == "on_error" {
          if case .null = e.value.value { onError = .null; continue }
          guard let s = e.value.string, let f = TableOperations.CastFailure(rawValue: s) else {
            throw fail("`on_error` must be `null` or `fail`", e.value)
          }
          onError = f
          continue
        }
        guard let s = e.value.string, let t = DataType(rawValue: s) else {
          throw fail("type of `\(e.key)` must be int, float, string or bool", e.value,
                     hint: e.value.string.flatMap { Suggest.hint(for: $0, in: DataType.allCases.map(\.rawValue)) })
        }
        targets.append((e.key, t))
      }
      action = .cast(targets, onError)
    case "filter":
      action = .filter(try expression(arg), arg)
    case "derive":
      action = .derive(try mapping("new column: expression").map { e in (e.key, try expression(e.value), e.value) })
    case "map":
      try allowOnly(["column", "values", "default", "into"], required: ["column", "values"])
      guard let column = arg["column"]?.string else { throw fail("`column` must be a column name") }
      guard let valueEntries = arg["values"]?.entries else { throw fail("`values` must be a mapping such as `{a: 1, b: 2}`", arg["values"]) }
      action = .map(column: column, values: valueEntries.map { ($0.key, scalar($0.value)) },
                    defaultValue: arg["default"].map(scalar), into: arg["into"]?.string)
    case "bin":
      try allowOnly(["column", "edges", "labels", "into", "right"], required: ["column", "edges"])
      guard let column = arg["column"]?.string else { throw fail("`column` must be a column name") }
      guard let edgeItems = arg["edges"]?.items else { throw fail("`edges` must be a list of numbers", arg["edges"]) }
      let edges = try edgeItems.map { e -> Double in
        guard let d = e.value.doubleValue else { throw fail("`edges` must be numbers", e) }
        return d
      }
      guard edges.count >= 2, zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
        throw fail("`edges` must hold at least two strictly increasing numbers", arg["edges"])
      }
      let labels = try arg["labels"].map { try $0.strings("`labels`") }
      if let labels, labels.count != edges.count - 1 {
        throw fail("\(edges.count) edges make \(edges.count - 1) bins but \(labels.count) labels were given", arg["labels"])
      }
      var right = true
      if let r = arg["right"] { guard case .bool(let b) = r.value else { throw fail("`right` must be true or false", r) }; right = b }
      action = .bin(column: column, edges: edges, labels: labels, right: right, into: arg["into"]?.string)
    case "dedupe":
      if case .bool(let b) = arg.value {
        guard b else { throw fail("use `dedupe: true` (all columns) or a list of columns") }
        action = .dedupe(nil)
      } else {
        action = .dedupe(try arg.strings("`dedupe`"))
      }
    case "impute":
      action = .impute(try mapping("column: median|mean|mode|{constant: v}").map { e in
        if let s = e.value.string, case .string = e.value.value {
          switch s {
          case "median": return (e.key, .median)
          case "mean": return (e.key, .mean)
          case "mode": return (e.key, .mode)
          default:
            throw fail("unknown method `\(s)` for `\(e.key)`", e.value,
                       hint: Suggest.hint(for: s, in: ["median", "mean", "mode"]) ?? "use median, mean, mode or {constant: value}")
          }
        }
        guard let c = e.value["constant"], e.value.entries?.count == 1 else {
          throw fail("method for `\(e.key)` must be median, mean, mode or {constant: value}", e.value)
        }
        return (e.key, .constant(scalar(c)))
      })
    case "join":
      try allowOnly(["with", "on", "how"], required: ["with", "on"])
      guard let with = arg["with"]?.string else { throw fail("`with` must name a cell (`cell` or `cell.table`)") }
      guard let on = arg["on"] else { throw fail("missing `on`") }
      let keys: [(left: String, right: String)]
      if let e = on.entries {
        keys = try e.map { x in
          guard let r = x.value.string else { throw fail("`on` maps left column names to right column names", x.value) }
          return (x.key, r)
        }
      } else {
        keys = try on.strings("`on`").map { ($0, $0) }
      }
      if keys.isEmpty { throw fail("`on` needs at least one column", on) }
      var how = TableOperations.JoinKind.inner
      if let h = arg["how"] {
        guard let s = h.string, let k = TableOperations.JoinKind(rawValue: s) else { throw fail("`how` must be `inner` or `left`", h) }
        how = k
      }
      action = .join(with: with, on: keys, how: how)
    case "group_by":
      try allowOnly(["keys", "aggregate"], required: ["aggregate"])
      let keys = try arg["keys"].map { try $0.strings("`keys`") } ?? []
      guard let aggs = arg["aggregate"]?.entries, !aggs.isEmpty else {
        throw fail("`aggregate` must map output names to `function(column)`", arg["aggregate"],
                   hint: "e.g. `aggregate: {attempts: count(), rate: mean(Shot Made Flag)}`")
      }
      action = .groupBy(keys: keys, aggregates: try aggs.map { e in
        guard let text = e.value.string else { throw fail("aggregate `\(e.key)` must be text such as `mean(x)`", e.value) }
        do throws(TableOperationError) { return (e.key, try Aggregate(parsing: text)) } catch { throw CellError("`group_by`: \(error.message)", at: e.value.location, hint: error.hint) }
      })
    case "sort":
      let keys = try arg.strings("`sort`")
      if keys.isEmpty { throw fail("needs at least one column") }
      action = .sort(keys.map { k in k.hasPrefix("-") && k.count > 1 ? (String(k.dropFirst()), true) : (k, false) })
    case "sample":
      try allowOnly(["rows", "fraction", "seed"], required: ["seed"])
      let rows = arg["rows"]?.value.intValue
      let fraction = arg["fraction"]?.value.doubleValue
      if (rows == nil) == (fraction == nil) { throw fail("give exactly one of `rows` (a count) or `fraction` (0…1)") }
      if let rows, rows < 0 { throw fail("`rows` must be ≥ 0", arg["rows"]) }
      if let fraction, !(0...1).contains(fraction) { throw fail("`fraction` must be between 0 and 1", arg["fraction"]) }
      guard let seed = arg["seed"]?.value.intValue, seed >= 0 else { throw fail("`seed` must be a non-negative integer", arg["seed"]) }
      action = .sample(rows: rows, fraction: fraction, seed: UInt64(seed))
    case "if_columns":
      try allowOnly(["present", "then", "else"], required: ["present", "then"])
      guard let present = try arg["present"].map({ try $0.strings("`present`") }), !present.isEmpty else {
        throw fail("`present` must list at least one column")
      }
      func nested(_ key: String) throws -> [TransformStep] {
        guard let v = arg[key] else { return [] }
        guard let items = v.items else { throw fail("`\(key)` must be a list of steps", v) }
        return try items.map { try TransformStep.parse($0) }
      }
      action = .ifColumns(present: present, then: try nested("then"), otherwise: try nested("else"))
    default:
      throw CellError("unknown step `\(kind)`", at: at,
                      hint: Suggest.hint(for: kind, in: TransformCell.stepKinds) ?? "steps: \(TransformCell.stepKinds.joined(separator: ", "))")
    }
    return TransformStep(kind: kind, action: action, source: arg, location: at)
  }

  /// Join steps here and in nested `if_columns` branches.
  var joins: [(with: String, step: TransformStep)] {
    switch action {
    case .join(let with, _, _): [(with, self)]
    case .ifColumns(_, let then, let otherwise): (then + otherwise).flatMap(\.joins)
    default: []
    }
  }

  // MARK: Running

  /// A short description for the report's step table.
  var summary: String {
    func list(_ xs: [String]) -> String { xs.count <= 6 ? xs.joined(separator: ", ") : xs.prefix(5).joined(separator: ", ") + ", … (\(xs.count))" }
    switch action {
    case .select(let c), .drop(let c): return list(c)
    case .rename(let p): return list(p.map { "\($0.old) → \($0.new)" })
    case .cast(let t, _): return list(t.map { "\($0.column): \($0.type.rawValue)" })
    case .filter(let e, _): return e.text
    case .derive(let d): return list(d.map { $0.name })
    case .map(let c, let v, _, let into): return "\(c) (\(v.count) values)" + (into.map { " → \($0)" } ?? "")
    case .bin(let c, let e, _, _, let into): return "\(c) (\(e.count - 1) bins)" + (into.map { " → \($0)" } ?? "")
    case .dedupe(let c): return c.map(list) ?? "all columns"
    case .impute(let m): return list(m.map { $0.column })
    case .join(let w, let on, let how): return "\(how.rawValue) with \(w) on \(list(on.map { $0.left == $0.right ? $0.left : "\($0.left) = \($0.right)" }))"
    case .groupBy(let k, let a): return "by \(k.isEmpty ? "(all rows)" : list(k)): \(list(a.map { $0.name }))"
    case .sort(let k): return list(k.map { ($0.descending ? "-" : "") + $0.column })
    case .sample(let r, let f, let s): return (r.map { "\($0) rows" } ?? "\(f ?? 0) of rows") + ", seed \(s)"
    case .ifColumns(let c, let t, let e): return "if \(list(c)) present: \(t.count) step(s), else \(e.count)"
    }
  }

  func apply(to frame: Frame, tables: (TransformStep, String) throws -> Frame, extra: inout [String: JSONValue],
             note: inout String, warnings: inout [String]) throws -> Frame
  {
    switch action {
    case .select(let c): return try TableOperations.select(frame, c)
    case .drop(let c): return try TableOperations.drop(frame, c)
    case .rename(let p): return try TableOperations.rename(frame, p)
    case .cast(let targets, let onError):
      let (out, failures) = try TableOperations.cast(frame, targets, onError: onError)
      let failed = failures.filter { $0.count > 0 }
      extra["cast_failures"] = .object(Dictionary(uniqueKeysWithValues: failures.map { ($0.column, JSONValue.int($0.count)) }))
      if !failed.isEmpty {
        let text = failed.map { "\($0.column): \($0.count)" }.joined(separator: ", ")
        note = "cast failures → null: \(text)"
        warnings.append("step \(kind) at \(location): values that could not be converted became null (\(text))")
      }
      return out
    case .filter(let e, _):
      let out = try TableOperations.filter(frame, e)
      extra["dropped"] = .int(frame.rowCount - out.rowCount)
      note = "dropped \(TableOps.formatCount(frame.rowCount - out.rowCount))"
      return out
    case .derive(let d):
      var out = frame
      for (name, e, source) in d {
        do throws(TableOperationError) { out = try TableOperations.derive(out, [(name, e)]) } catch {
          if let x = error.expressionError {
            throw CellError("`derive` `\(name)`: \(x.message)", at: source.location(ofCharacter: x.offset), hint: x.hint)
          }
          throw error
        }
      }
      return out
    case .map(let c, let v, let d, let into): return try TableOperations.map(frame, column: c, values: v, defaultValue: d, into: into)
    case .bin(let c, let e, let l, let r, let into): return try TableOperations.bin(frame, column: c, edges: e, labels: l, right: r, into: into)
    case .dedupe(let c):
      let out = try TableOperations.dedupe(frame, columns: c)
      extra["dropped"] = .int(frame.rowCount - out.rowCount)
      note = "dropped \(TableOps.formatCount(frame.rowCount - out.rowCount)) duplicate(s)"
      return out
    case .impute(let m):
      let (out, outcomes) = try TableOperations.impute(frame, m)
      extra["filled"] = .object(Dictionary(uniqueKeysWithValues: outcomes.map { ($0.column, JSONValue.int($0.filled)) }))
      extra["fill_values"] = .object(Dictionary(uniqueKeysWithValues: outcomes.map { o in
        (o.column, o.value.map { v -> JSONValue in
          switch v {
          case .int(let x): .int(Int(x))
          case .float(let x): x.isFinite ? .double(x) : .null
          case .bool(let b): .bool(b)
          case .string(let s): .string(s)
          case .null: .null
          }
        } ?? .null)
      }))
      let empty = outcomes.filter { $0.value == nil && frame.column(named: $0.column)?.nullCount ?? 0 > 0 }
      if !empty.isEmpty {
        let names = empty.map(\.column).joined(separator: ", ")
        warnings.append("step impute at \(location): \(names) \(empty.count == 1 ? "is" : "are") entirely null; nothing to compute a fill value from, nulls kept")
        note = "all null, not filled: \(names)"
      } else {
        note = outcomes.map { "\($0.column): \($0.filled)" }.joined(separator: ", ") + " filled"
      }
      return out
    case .join(let with, let on, let how):
      return try TableOperations.join(frame, try tables(self, with), on: on, how: how)
    case .ifColumns(let present, let then, let otherwise):
      let taken = present.allSatisfy { frame.column(named: $0) != nil }
      var out = frame
      var notes: [String] = []
      for step in taken ? then : otherwise {
        var nestedExtra: [String: JSONValue] = [:]
        var nestedNote = ""
        do {
          out = try step.apply(to: out, tables: tables, extra: &nestedExtra, note: &nestedNote, warnings: &warnings)
        } catch let error as TableOperationError {
          throw step.cellError(error)
        }
        notes.append(step.kind + (nestedNote.isEmpty ? "" : " (\(nestedNote))"))
      }
      extra["branch"] = .string(taken ? "then" : "else")
      extra["steps_applied"] = .int(notes.count)
      note = "\(taken ? "columns present" : "columns absent"): \(notes.isEmpty ? "nothing applied" : notes.joined(separator: ", "))"
      return out
    case .groupBy(let k, let a): return try TableOperations.groupBy(frame, keys: k, aggregates: a)
    case .sort(let k): return try TableOperations.sort(frame, by: k)
    case .sample(let r, let f, let s): return try TableOperations.sample(frame, rows: r, fraction: f, seed: s)
    }
  }

  /// A table-operation failure as a cell error at this step (inside the expression for filter errors).
  func cellError(_ error: TableOperationError) -> CellError {
    if let x = error.expressionError, case .filter(_, let source) = action {
      return CellError("`filter`: \(x.message)", at: source.location(ofCharacter: x.offset), hint: x.hint)
    }
    return CellError("`\(kind)`: \(error.message)", at: location, hint: error.hint)
  }
}
