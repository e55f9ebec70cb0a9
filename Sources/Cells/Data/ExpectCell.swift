import Engine
import Foundation
import Frame
import Reporting
import WorkbookModel

/// `expect`: a data contract. Checks a table must satisfy — value ranges, allowed values, null rates, uniqueness, row
/// counts and row-wise relations (expressions) — optionally per group. A failed `error` check fails the cell (its
/// outputs still show what failed); a failed `warn` check is recorded and the run goes on.
enum ExpectCell {
  static let descriptor = KindDescriptor(
    name: "expect", version: 1,
    summary: "Data contract: ranges, allowed values, null rates, uniqueness, row counts and row-wise expressions a table must satisfy, optionally per group; error checks fail the cell, warn checks are recorded.",
    options: [
      OptionSpec("input", .table, required: true, doc: "The table to check (`cell` or `cell.table`)."),
      OptionSpec("checks", .list(.any), required: true,
                 doc: "Checks, each a mapping with one type (between, in_set, null_rate, unique, row_count, expression) and optional name, severity (error|warn), by, mostly (see docs/cells/expect.md)."),
      OptionSpec("by", .list(.string), doc: "Columns whose value combinations (e.g. a season) each check is evaluated in separately; a check's own `by` replaces it (`by: []` for the whole table)."),
      OptionSpec("sample_rows", .integer, default: 5, range: .atLeast(0), doc: "Failing rows kept per check and per failing group: the first ones in table order."),
      OptionSpec("sample_columns", .list(.string), default: [], doc: "Extra columns shown with the failing rows (the grouping and checked columns are always shown)."),
    ],
    validate: { cell, diagnostics in
      guard let checks = cell.option("checks"), let list = checks.list else { return }
      if list.isEmpty { diagnostics.error("`checks` is empty: a contract needs at least one check", at: checks.location, cell: cell.id) }
      var names: [String: SourceLocation] = [:]
      for node in list {
        if node.displayText.contains("${") { continue }  // checked at run time, after substitution
        do {
          let check = try ExpectCheck.parse(LocatedValue(value: node.json, node: node, fallback: node.location))
          if let earlier = names[check.name] {
            diagnostics.error("two checks are named `\(check.name)` (the other at \(earlier))", at: check.location, cell: cell.id,
                              hint: "give one a different `name`: result.json and the report list checks by name")
          }
          names[check.name] = check.location
        } catch let error as CellError {
          diagnostics.error(error.message, at: error.location ?? node.location, cell: cell.id, hint: error.hint)
        } catch {
          diagnostics.error("\(error)", at: node.location, cell: cell.id)
        }
      }
    })

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let table = try context.table(try o.requiredString("input"))
    guard let values = o["checks"]?.arrayValue, !values.isEmpty else {
      throw CellError("`checks` must be a non-empty list of checks", at: o.location(of: "checks"))
    }
    let nodes = o.nodes["checks"]?.list
    let checks = try values.enumerated().map { i, value in
      let node = nodes.flatMap { i < $0.count ? $0[i] : nil }
      return try ExpectCheck.parse(LocatedValue(value: value, node: node, fallback: o.location(of: "checks")))
    }
    let cellBy = try o.strings("by") ?? []
    let sampleRows = try o.integer("sample_rows")
    let extra = try o.texts("sample_columns")
    for name in extra + cellBy where table.column(named: name) == nil {
      throw CellError("unknown column `\(name)`", at: o.location(of: extra.contains(name) ? "sample_columns" : "by"),
                      hint: Suggest.hint(for: name, in: table.columnNames) ?? "columns: \(table.columnNames.prefix(30).joined(separator: ", "))")
    }

    var outcomes: [ExpectOutcome] = []
    for (i, check) in checks.enumerated() {
      outcomes.append(try ExpectOutcome(check, table: table, by: check.by ?? cellBy, sampleRows: sampleRows, sampleColumns: extra))
      context.progress(Double(i + 1) / Double(checks.count), check.name)
    }
    let failed = outcomes.filter { !$0.passed && $0.check.severity == .error }
    let warned = outcomes.filter { !$0.passed && $0.check.severity == .warn }
    let result: JSONValue = .object([
      "rows": .int(table.rowCount), "checks": .array(outcomes.map(\.json)),
      "passed": .int(outcomes.count - failed.count - warned.count), "failed": .int(failed.count), "warned": .int(warned.count),
    ])
    // The input passes through unchanged (as pandera's `validate`): cells that take their input from the contract
    // run only on data that met it.
    var output = CellOutput(result: result, tables: [("table", table)], report: report(outcomes, rows: table.rowCount),
                            warnings: warned.map { "contract check `\($0.check.name)` (warn) failed: \($0.summary)" })
    if !failed.isEmpty {
      output.failure = "data contract broken: " + failed.map { "`\($0.check.name)` failed (\($0.summary))" }.joined(separator: "; ")
        + " — see the cell's report and result.json for the failing rows"
    }
    return output
  }

  // MARK: Report

  static func report(_ outcomes: [ExpectOutcome], rows: Int) -> [ReportBlock] {
    let failed = outcomes.filter { !$0.passed && $0.check.severity == .error }.count
    let warned = outcomes.filter { !$0.passed && $0.check.severity == .warn }.count
    var blocks: [ReportBlock] = [
      .facts([.init("rows", TableOps.formatCount(rows)), .init("checks", String(outcomes.count)),
              .init("passed", String(outcomes.count - failed - warned)), .init("failed (error)", String(failed)),
              .init("failed (warn)", String(warned))]),
    ]
    if failed > 0 {
      blocks.append(.callout(level: .danger, text: "Data contract broken: \(failed) error check\(failed == 1 ? "" : "s") failed. Dependent cells are skipped."))
    } else if warned > 0 {
      blocks.append(.callout(level: .warning, text: "\(warned) warning check\(warned == 1 ? "" : "s") failed; the run goes on."))
    } else {
      blocks.append(.callout(level: .success, text: "All \(outcomes.count) checks passed."))
    }
    blocks.append(.table(caption: "Data quality checks", columns: ["check", "type", "severity", "result", "failing rows", "observed"],
                         rows: outcomes.map { o in
                           [o.check.name, o.check.type, o.check.severity.rawValue,
                            o.passed ? "passed" : (o.check.severity == .error ? "FAILED" : "warning"),
                            TableOps.formatCount(o.failingRows),
                            o.by.isEmpty ? o.observedText : "\(o.failingGroups) of \(o.groupCount) groups fail"]
                         }, note: "failing rows: rows that break the check (with `mostly`, a check passes while few enough do)"))
    for o in outcomes where !o.passed {
      if !o.by.isEmpty {
        let listed = o.groups.filter { !$0.passed }
        blocks.append(.table(caption: "“\(o.check.name)”: failing groups (\(o.failingGroups) of \(o.groupCount))",
                             columns: [o.by.joined(separator: ", "), "rows", "failing rows", "observed"],
                             rows: listed.map { [$0.label, TableOps.formatCount($0.rows), TableOps.formatCount($0.failing), $0.observedText] },
                             note: nil))
      }
      if !o.sample.rows.isEmpty {
        blocks.append(.table(caption: "“\(o.check.name)”: first \(o.sample.rows.count) failing rows",
                             columns: ["row"] + o.sample.columns,
                             rows: o.sample.rows.map { [String($0.row)] + $0.values.map(\.description) },
                             note: "row: 0-based position in the input table"))
      }
    }
    return blocks
  }
}

/// A check evaluated on a table: per-group counts and observations, the verdict and a deterministic sample.
struct ExpectOutcome {
  struct Group {
    var key: [Value]
    var label: String
    var rows = 0
    var failing = 0
    var unevaluated = 0
    var passed = true
    var observed: [String: JSONValue] = [:]
    var sample: [Int] = []
    var observedText: String { ExpectOutcome.describe(observed) }
  }
  struct Sample {
    var columns: [String]
    var rows: [(row: Int, values: [Value])]
  }

  let check: ExpectCheck
  let by: [String]
  /// Every group in key order (one group of all rows when ungrouped).
  var groups: [Group] = []
  var failingRows = 0
  var unevaluatedRows = 0
  var passed = true
  var observed: [String: JSONValue] = [:]
  var sample = Sample(columns: [], rows: [])
  let sampleColumns: [String]
  let frame: Frame

  var groupCount: Int { groups.count }
  var failingGroups: Int { groups.filter { !$0.passed }.count }
  var observedText: String { Self.describe(observed) }

  /// At most this many groups are listed in result.json (only failing ones when there are more groups).
  static let listedGroups = 100

  init(_ check: ExpectCheck, table: Frame, by: [String], sampleRows: Int, sampleColumns extra: [String]) throws {
    self.check = check
    self.by = by
    frame = table
    for name in by + check.namedColumns where table.column(named: name) == nil { throw check.unknownColumn(name, in: table) }
    let grouping: RowGroups
    do { grouping = try TableOperations.rowGroups(table, by: by) } catch {
      throw CellError("check `\(check.name)`: \(error.message)", at: check.location, hint: error.hint)
    }
    let states = try check.rowStates(table, groupBy: by)
    var shown: [String] = []
    for name in by + check.columns + extra where !shown.contains(name) { shown.append(name) }
    sampleColumns = shown
    let count = by.isEmpty ? 1 : grouping.count  // ungrouped, even an empty table is one (empty) group
    let groupOf: (Int) -> Int = by.isEmpty ? { _ in 0 } : { grouping.groupOfRow[$0] }
    let keyColumns = by.map { table.column(named: $0)! }
    groups = (0..<count).map { g in
      let key = by.isEmpty ? [] : keyColumns.map { $0.value(at: grouping.firstRow[g]) }
      let text = key.map { $0 == .null ? "null" : $0.description }
      let label = text.count == 1 ? text[0] : zip(by, text).map { "\($0)=\($1)" }.joined(separator: ", ")
      return Group(key: key, label: key.isEmpty ? "all rows" : label)
    }
    for row in 0..<table.rowCount {
      let g = groupOf(row)
      groups[g].rows += 1
      guard let states else { continue }
      switch states[row] {
      case ExpectCheck.fails:
        groups[g].failing += 1
        if groups[g].sample.count < sampleRows { groups[g].sample.append(row) }
      case ExpectCheck.unevaluated: groups[g].unevaluated += 1
      default: break
      }
    }
    observe(states: states, groupOf: groupOf)
    for g in groups.indices { groups[g].passed = verdict(groups[g]) }
    groups.sort { Self.precedes($0.key, $1.key) }
    failingRows = groups.reduce(0) { $0 + $1.failing }
    unevaluatedRows = groups.reduce(0) { $0 + $1.unevaluated }
    passed = groups.allSatisfy(\.passed)
    if by.isEmpty { observed = groups[0].observed }
    if let states {
      var rows: [Int] = []
      for row in 0..<table.rowCount where rows.count < sampleRows && states[row] == ExpectCheck.fails { rows.append(row) }
      sample = Sample(columns: shown, rows: rows.map { r in (r, shown.map { table.column(named: $0)!.value(at: r) }) })
    }
  }

  /// Whether a group meets the check.
  private func verdict(_ g: Group) -> Bool {
    switch check.rule {
    case .rowCount(let lo, let hi): return g.rows >= (lo ?? 0) && g.rows <= (hi ?? Int.max)
    case .nullRate(_, let max): return g.rows == 0 || Double(g.failing) / Double(g.rows) <= max
    default:
      let evaluated = g.rows - g.unevaluated
      return evaluated == 0 || Double(evaluated - g.failing) / Double(evaluated) >= check.mostly
    }
  }

  /// GE-style observed values per group: min/max for `between`, unexpected values for `in_set`, the null share, the
  /// row count, the share of rows that pass.
  private mutating func observe(states: [UInt8]?, groupOf: (Int) -> Int) {
    switch check.rule {
    case .between(let name, _, _):
      let values = frame.column(named: name)!.doubles() ?? []
      var lo = [Double](repeating: .infinity, count: groups.count), hi = [Double](repeating: -.infinity, count: groups.count)
      for (row, v) in values.enumerated() {
        guard let v, !v.isNaN else { continue }
        let g = groupOf(row)
        if v < lo[g] { lo[g] = v }
        if v > hi[g] { hi[g] = v }
      }
      for g in groups.indices where lo[g] <= hi[g] { groups[g].observed = ["min": .double(lo[g]), "max": .double(hi[g])] }
    case .inSet(let name, _):
      guard let states else { return }
      let column = frame.column(named: name)!
      var unexpected = [[String: Int]](repeating: [:], count: groups.count)
      for row in 0..<frame.rowCount where states[row] == ExpectCheck.fails {
        unexpected[groupOf(row)][column.value(at: row).description, default: 0] += 1
      }
      for g in groups.indices where !unexpected[g].isEmpty {
        let top = unexpected[g].sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5)
        groups[g].observed = ["unexpected_values": .array(top.map { .object(["value": .string($0.key), "count": .int($0.value)]) }),
                              "unexpected_distinct": .int(unexpected[g].count)]
      }
    case .nullRate:
      for g in groups.indices where groups[g].rows > 0 { groups[g].observed = ["null_rate": .double(Double(groups[g].failing) / Double(groups[g].rows))] }
    case .rowCount:
      for g in groups.indices { groups[g].observed = ["rows": .int(groups[g].rows)] }
    case .unique, .expression:
      for g in groups.indices where groups[g].rows > groups[g].unevaluated {
        let evaluated = groups[g].rows - groups[g].unevaluated
        groups[g].observed = ["pass_share": .double(Double(evaluated - groups[g].failing) / Double(evaluated))]
      }
    }
  }

  /// One line for the report's tables and the terminal.
  var summary: String {
    var s: String
    if case .rowCount = check.rule { s = by.isEmpty ? "\(observedText)" : "rows out of bounds" } else {
      s = "\(TableOps.formatCount(failingRows)) failing row\(failingRows == 1 ? "" : "s")"
    }
    if !by.isEmpty {
      let bad = groups.filter { !$0.passed }.map(\.label)
      s += " in \(bad.count) of \(groups.count) groups: " + bad.prefix(10).joined(separator: ", ") + (bad.count > 10 ? ", …" : "")
    }
    return s
  }

  var json: JSONValue {
    var o: [String: JSONValue] = [
      "name": .string(check.name), "type": .string(check.type), "severity": .string(check.severity.rawValue),
      "passed": .bool(passed), "rows": .int(frame.rowCount), "failing_rows": .int(failingRows),
      "sample": .array(sample.rows.map { Self.rowJSON($0.row, $0.values, sample.columns) }),
    ]
    for (k, v) in check.specification { o[k] = v }
    if check.mostly < 1 { o["mostly"] = .double(check.mostly) }
    switch check.rule {
    case .between, .inSet, .expression: o["unevaluated_rows"] = .int(unevaluatedRows)
    default: break
    }
    if by.isEmpty {
      o["observed"] = .object(observed)
    } else {
      o["by"] = .array(by.map(JSONValue.string))
      o["groups_total"] = .int(groups.count)
      o["groups_failed"] = .int(failingGroups)
      let listed = groups.count <= Self.listedGroups ? groups : Array(groups.filter { !$0.passed }.prefix(Self.listedGroups))
      o["groups"] = .array(listed.map { g in
        .object([
          "group": .object(Dictionary(uniqueKeysWithValues: zip(by, g.key.map(Self.json)))),
          "rows": .int(g.rows), "failing_rows": .int(g.failing), "passed": .bool(g.passed), "observed": .object(g.observed),
          "sample": .array(g.passed ? [] : g.sample.map { r in Self.rowJSON(r, sampleColumns.map { frame.column(named: $0)!.value(at: r) }, sampleColumns) }),
        ])
      })
    }
    return .object(o)
  }

  static func rowJSON(_ row: Int, _ values: [Value], _ columns: [String]) -> JSONValue {
    var o: [String: JSONValue] = ["row": .int(row)]
    for (c, v) in zip(columns, values) { o[c] = json(v) }
    return .object(o)
  }

  static func json(_ v: Value) -> JSONValue {
    switch v {
    case .null: .null
    case .int(let x): .int(Int(x))
    case .float(let x): x.isFinite ? .double(x) : .null
    case .string(let s): .string(s)
    case .bool(let b): .bool(b)
    }
  }

  static func describe(_ observed: [String: JSONValue]) -> String {
    if let lo = observed["min"]?.doubleValue, let hi = observed["max"]?.doubleValue {
      return "min \(TableOps.formatNumber(lo)), max \(TableOps.formatNumber(hi))"
    }
    if let values = observed["unexpected_values"]?.arrayValue {
      return "unexpected: " + values.compactMap { v in
        v["value"]?.stringValue.map { "\($0) (\(v["count"]?.intValue ?? 0))" }
      }.joined(separator: ", ")
    }
    if let r = observed["null_rate"]?.doubleValue { return "null rate \(TableOps.formatNumber(r))" }
    if let n = observed["rows"]?.intValue { return "\(TableOps.formatCount(n)) rows" }
    if let s = observed["pass_share"]?.doubleValue { return String(format: "%.4f%% pass", s * 100) }
    return ""
  }

  /// Key order: nulls last; numbers numerically; text by code points; false before true.
  static func precedes(_ a: [Value], _ b: [Value]) -> Bool {
    for (x, y) in zip(a, b) where x != y {
      switch (x, y) {
      case (.null, _): return false
      case (_, .null): return true
      case (.string(let s), .string(let t)): return s < t
      case (.bool(let s), .bool(let t)): return !s && t
      default:
        if let p = x.doubleValue, let q = y.doubleValue, p != q { return p < q }
        return x.description < y.description
      }
    }
    return false
  }
}
