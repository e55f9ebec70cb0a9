import Engine
import Foundation
import Frame
import Reporting
import Stats
import WorkbookModel

/// `describe`: per-column profiles of a table (numeric statistics or categorical top values), and optional
/// group-by rates of a target (`rates:`, see `EDARates`).
enum DescribeCell {
  static let descriptor = KindDescriptor(
    name: "describe", version: 3,
    summary: "Profile a table: count, missing, mean, std, quantiles, skew for numbers; distinct and top values for categories; group-by rates of a target.",
    options: [
      OptionSpec("input", .table, required: true, doc: "The table to profile (`cell` or `cell.table`)."),
      OptionSpec("columns", .list(.string), doc: "Columns to profile (default: all)."),
      OptionSpec("categorical", .list(.string), default: [], doc: "Numeric columns to treat as categories (codes, ids)."),
      OptionSpec("top", .integer, default: 5, range: .atLeast(0), doc: "How many most frequent values to list per categorical column."),
      EDARates.option,
    ],
    tools: ["gnuplot"])

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let table = try context.table(try o.requiredString("input"))
    let names = try o.strings("columns") ?? table.columnNames
    let categorical = Set(try o.texts("categorical"))
    let top = try o.integer("top")
    for n in names + Array(categorical) where table.column(named: n) == nil {
      throw CellError("unknown column `\(n)`", at: o.location(of: "columns"),
                      hint: Suggest.hint(for: n, in: table.columnNames) ?? "columns: \(table.columnNames.joined(separator: ", "))")
    }
    guard table.rowCount > 0 else { throw CellError("the table has no rows", hint: "check the upstream cell") }

    var numericRows: [[String]] = []
    var categoricalRows: [[String]] = []
    var profiles: [String: JSONValue] = [:]
    for name in names {
      let column = table.column(named: name)!
      if column.type != .string, !categorical.contains(name) {
        let values = (column.doubles() ?? []).map { $0 ?? .nan }
        let p = try NumericProfile(values, name: name)
        profiles[name] = .object([
          "type": "numeric", "count": .int(p.count), "missing": .int(p.missing), "zeros": .int(p.zeros),
          "mean": TableOps.json(p.mean), "std": TableOps.json(p.std), "min": TableOps.json(p.min),
          "p1": TableOps.json(p.p1), "p5": TableOps.json(p.p5), "q1": TableOps.json(p.q1), "median": TableOps.json(p.median),
          "q3": TableOps.json(p.q3), "p95": TableOps.json(p.p95), "p99": TableOps.json(p.p99), "max": TableOps.json(p.max),
          "skew": TableOps.json(p.skew),
        ])
        numericRows.append([name, TableOps.formatCount(p.count), TableOps.formatCount(p.missing)]
          + [p.mean, p.std, p.min, p.q1, p.median, p.q3, p.max, p.skew].map { TableOps.formatNumber($0) })
      } else {
        let values: [String?] = (0..<column.count).map { column.isNull($0) ? nil : column.value(at: $0).description }
        let p = try CategoricalProfile(values, topK: top, name: name)
        profiles[name] = .object([
          "type": "categorical", "count": .int(p.count), "missing": .int(p.missing), "distinct": .int(p.distinct),
          "top": .array(p.top.map { .object(["value": .string($0.value), "count": .int($0.count), "frequency": .double($0.frequency)]) }),
        ])
        categoricalRows.append([name, TableOps.formatCount(p.count), TableOps.formatCount(p.missing), TableOps.formatCount(p.distinct),
                                p.top.map { "\($0.value) (\(String(format: "%.1f", $0.frequency * 100)) %)" }.joined(separator: ", ")])
      }
    }
    var report: [ReportBlock] = [.facts([.init("rows", TableOps.formatCount(table.rowCount)), .init("columns profiled", String(names.count))])]
    if !numericRows.isEmpty {
      report.append(.table(caption: "Numeric columns", columns: ["column", "count", "missing", "mean", "std", "min", "q1", "median", "q3", "max", "skew"],
                           rows: numericRows, note: "std with ddof = 1; quantiles by linear interpolation (as pandas)"))
    }
    if !categoricalRows.isEmpty {
      report.append(.table(caption: "Categorical columns", columns: ["column", "count", "missing", "distinct", "top values"],
                           rows: categoricalRows, note: nil))
    }
    var result: [String: JSONValue] = ["rows": .int(table.rowCount), "columns": .object(profiles)]
    var files: [(name: String, bytes: [UInt8])] = []
    if let spec = o["rates"], spec != .null {
      let rates = try await EDARates.compute(table, spec, context: context)
      result["rates"] = rates.result
      report += rates.report
      files = rates.files
    }
    return CellOutput(result: .object(result), files: files, report: report)
  }
}
