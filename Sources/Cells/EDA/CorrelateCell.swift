import Engine
import Foundation
import Frame
import Plotting
import Reporting
import Stats
import WorkbookModel

/// `correlate`: Pearson/Spearman matrices (pandas `DataFrame.corr`, pairwise complete), correlation of each
/// column with a target, Cramér's V between categorical columns; tables, result.json and heatmaps with values.
enum CorrelateCell {
  static let descriptor = KindDescriptor(
    name: "correlate", version: 3,
    summary: "Correlation matrices (Pearson, Spearman; pairwise complete like pandas), correlation with a target, Cramér's V for categories; gnuplot heatmaps with values.",
    options: [
      OptionSpec("input", .table, required: true, doc: "The table (`cell` or `cell.table`)."),
      OptionSpec("columns", .list(.string), doc: "Numeric columns to correlate (default: every int, float and bool column)."),
      OptionSpec("method", .choice(["pearson", "spearman", "both"]), default: "pearson", doc: "Correlation coefficient(s)."),
      OptionSpec("target", .string, doc: "A numeric column (e.g. the made flag): each column's correlation with it, sorted by absolute value."),
      OptionSpec("categorical", .list(.string), default: [], doc: "Columns (text or codes) for a Cramér's V matrix."),
      OptionSpec("min_periods", .integer, default: 1, range: .atLeast(1), doc: "Pairs with fewer complete rows get null (pandas `min_periods`)."),
      OptionSpec("decimals", .integer, default: 2, range: .from(0, to: 6), doc: "Digits printed in each heatmap cell."),
      OptionSpec("plots", .boolean, default: true, doc: "Draw the heatmaps (needs gnuplot)."),
      OptionSpec("formats", .list(.choice(["svg", "png"])), default: .array(["svg"]), doc: "Figure formats: `[svg]` or `[svg, png]`."),
    ],
    tools: ["gnuplot"])

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let table = try context.table(try o.requiredString("input"))
    guard table.rowCount > 0 else { throw CellError("the table has no rows", hint: "check the upstream cell") }
    let method = try o.text("method")
    let methods: [Correlation.Method] = method == "both" ? [.pearson, .spearman] : method == "spearman" ? [.spearman] : [.pearson]
    let minPeriods = try o.integer("min_periods")
    let decimals = try o.integer("decimals")
    let plots = try o.boolean("plots")
    let formats = try EDAColumns.formats(o)

    let names: [String]
    if let given = try o.strings("columns") {
      for n in given { _ = try EDAColumns.column(table, n, option: "columns", o) }
      names = given
    } else {
      names = table.columns.filter { $0.type != .string }.map(\.name)
    }
    if let dup = duplicate(names) { throw CellError("column `\(dup)` is listed twice in `columns`", at: o.location(of: "columns")) }
    let categorical = try o.texts("categorical")
    if let dup = duplicate(categorical) { throw CellError("column `\(dup)` is listed twice in `categorical`", at: o.location(of: "categorical")) }
    for n in categorical { _ = try EDAColumns.column(table, n, option: "categorical", o) }
    let targetName = try o.string("target")
    guard !names.isEmpty || !categorical.isEmpty else {
      throw CellError("no numeric column to correlate", at: o.cellLocation, hint: "list `columns`, or `categorical` for Cramér's V")
    }
    let values = try names.map { try EDAColumns.numeric(EDAColumns.column(table, $0, option: "columns", o), option: "columns", o) }

    var result: [String: JSONValue] = ["rows": .int(table.rowCount), "columns": .array(names.map { .string($0) }),
                                       "method": .string(method), "min_periods": .int(minPeriods)]
    var tables: [(name: String, frame: Frame)] = []
    var files: [(name: String, bytes: [UInt8])] = []
    var report: [ReportBlock] = [.facts([.init("rows", TableOps.formatCount(table.rowCount)),
                                         .init("numeric columns", String(names.count)),
                                         .init("method", method == "both" ? "pearson and spearman" : method)])]

    // Numeric matrices.
    var matrices: [Correlation.Method: [[Double]]] = [:]
    if !names.isEmpty {
      let counts = pairwiseCounts(values)
      result["counts"] = nested(names, names) { .int(counts[$0][$1]) }
      for m in methods {
        let matrix: [[Double]]
        do { matrix = try Correlation.matrix(values, method: m, minPeriods: minPeriods, names: names) } catch {
          throw CellError("\(m.rawValue) correlation: \(error)")
        }
        matrices[m] = matrix
        result[m.rawValue] = nested(names, names) { TableOps.json(matrix[$0][$1]) }
        tables.append((m.rawValue, try matrixFrame(names, names, matrix)))
        // The matrix as numbers is detail: the heatmap shows it (and prints every value).
        report.append(.details(summary: "\(m == .pearson ? "Pearson" : "Spearman") correlation matrix (table)", blocks: [
          .table(caption: nil, columns: [""] + names,
                 rows: names.indices.map { i in [names[i]] + names.indices.map { fixed(matrix[i][$0], decimals) } },
                 note: "pairwise complete observations (pandas `DataFrame.corr(method=\"\(m.rawValue)\")`)"),
        ]))
      }
    }

    // Correlation with the target.
    if let targetName {
      let target = try EDAColumns.numeric(EDAColumns.column(table, targetName, option: "target", o), option: "target", o)
      let others = names.indices.filter { names[$0] != targetName }
      var perMethod: [Correlation.Method: [Double]] = [:]
      for m in methods {
        do {
          perMethod[m] = try Correlation.withTarget(others.map { values[$0] }, target: target, method: m, minPeriods: minPeriods,
                                                     names: others.map { names[$0] })
        } catch { throw CellError("correlation with `\(targetName)`: \(error)", at: o.location(of: "target")) }
      }
      let primary = perMethod[methods[0]] ?? []
      // Strongest first; NaN last; ties by column name.
      let order = others.indices.sorted { a, b in
        let x = abs(primary[a]), y = abs(primary[b])
        if x.isNaN != y.isNaN { return !x.isNaN }
        if x != y, !x.isNaN { return x > y }
        return EDAColumns.pythonLess(names[others[a]], names[others[b]])
      }
      let entries: [JSONValue] = order.map { i in
        var e: [String: JSONValue] = ["column": .string(names[others[i]]),
                                      "count": .int(completeCount(values[others[i]], target))]
        for m in methods { e[m.rawValue] = TableOps.json(perMethod[m]?[i] ?? .nan) }
        return .object(e)
      }
      result["target"] = .object(["column": .string(targetName), "correlations": .array(entries)])
      var columns = [Column(name: "column", strings: order.map { names[others[$0]] })]
      for m in methods {
        let v = order.map { perMethod[m]?[$0] ?? .nan }
        columns.append(Column(name: m.rawValue, floats: v.map { $0.isNaN ? 0 : $0 }, validity: v.map { !$0.isNaN }))
      }
      columns.append(Column(name: "count", ints: order.map { Int64(completeCount(values[others[$0]], target)) }))
      tables.append(("target", try Frame(columns: columns)))
      report.append(.table(caption: "Correlation with \(targetName)", columns: ["column"] + methods.map(\.rawValue) + ["rows"],
                           rows: order.map { i in [names[others[i]]] + methods.map { fixed(perMethod[$0]?[i] ?? .nan, 3) }
                             + [TableOps.formatCount(completeCount(values[others[i]], target))] },
                           note: "sorted by absolute \(methods[0].rawValue) correlation"))
      if plots, !order.isEmpty {
        let chart = Chart(.bar(categories: order.map { names[others[$0]] },
                               series: methods.map { m in Series(m.rawValue, order.map { perMethod[m]?[$0] ?? .nan }) }, horizontal: true),
                          title: "Correlation with \(targetName)", xLabel: "correlation", yLabel: "",
                          height: max(300, min(2000, 120 + 28 * order.count * methods.count)),
                          legend: methods.count > 1 ? .above : .hidden)
        files += try await EDAColumns.render(chart, name: "correlation_target", formats: formats, context: context, hint: "or set `plots: false`")
        report.append(.figure(file: "correlation_target.svg", caption: "Correlation of each column with \(targetName), strongest first"))
      }
    }

    // Heatmaps of the numeric matrices.
    if plots {
      for m in methods {
        guard let matrix = matrices[m] else { continue }
        let name = "correlation_\(m.rawValue)"
        let size = min(2000, max(500, 220 + 60 * names.count))
        let chart = Chart(.heatmap(Heatmap(rowLabels: names, columnLabels: names, values: matrix, colorRange: -1...1, decimals: decimals)),
                          title: "\(m == .pearson ? "Pearson" : "Spearman") correlation", width: size + 120, height: size)
        files += try await EDAColumns.render(chart, name: name, formats: formats, context: context, hint: "or set `plots: false`")
        report.append(.figure(file: "\(name).svg", caption: "\(m == .pearson ? "Pearson" : "Spearman") correlation matrix (pairwise complete)"))
      }
    }

    // Cramér's V between categorical columns.
    if !categorical.isEmpty {
      let labels = try categorical.map { EDAColumns.labels(try EDAColumns.column(table, $0, option: "categorical", o)) }
      let k = categorical.count
      var v = [[Double]](repeating: [Double](repeating: .nan, count: k), count: k)
      var n = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
      for i in 0..<k {
        for j in i..<k {
          var both = 0
          for r in labels[i].indices where labels[i][r] != nil && labels[j][r] != nil { both += 1 }
          n[i][j] = both; n[j][i] = both
          guard both > 0 else { continue }
          let value = try CramersV.compute(labels[i], labels[j], names: (categorical[i], categorical[j]))
          v[i][j] = value; v[j][i] = value
        }
      }
      result["cramers_v"] = .object(["columns": .array(categorical.map { .string($0) }),
                                     "matrix": nested(categorical, categorical) { TableOps.json(v[$0][$1]) },
                                     "counts": nested(categorical, categorical) { .int(n[$0][$1]) }])
      tables.append(("cramers_v", try matrixFrame(categorical, categorical, v)))
      report.append(.details(summary: "Cramér's V (table)", blocks: [
        .table(caption: nil, columns: [""] + categorical,
               rows: categorical.indices.map { i in [categorical[i]] + categorical.indices.map { fixed(v[i][$0], decimals) } },
               note: "χ² without continuity correction (scipy `association(method=\"cramer\")`); 0 = independent, 1 = determined"),
      ]))
      if plots {
        let size = min(2000, max(500, 220 + 60 * k))
        let chart = Chart(.heatmap(Heatmap(rowLabels: categorical, columnLabels: categorical, values: v, colorRange: 0...1, decimals: decimals)),
                          title: "Cramér's V", width: size + 120, height: size)
        files += try await EDAColumns.render(chart, name: "cramers_v", formats: formats, context: context, hint: "or set `plots: false`")
        report.append(.figure(file: "cramers_v.svg", caption: "Cramér's V between categorical columns"))
      }
    }
    result["figures"] = .array(files.filter { $0.name.hasSuffix(".svg") }.map { .string($0.name) })
    return CellOutput(result: .object(result), tables: tables, files: files, report: report)
  }

  /// Rows where both columns are present, for every pair.
  static func pairwiseCounts(_ columns: [[Double]]) -> [[Int]] {
    let k = columns.count
    var counts = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
    let present = columns.map { c in c.map { !$0.isNaN } }
    for i in 0..<k {
      for j in i..<k {
        var n = 0
        present[i].withUnsafeBufferPointer { a in
          present[j].withUnsafeBufferPointer { b in
            for r in 0..<a.count where a[r] && b[r] { n += 1 }
          }
        }
        counts[i][j] = n; counts[j][i] = n
      }
    }
    return counts
  }

  static func duplicate(_ names: [String]) -> String? {
    var seen = Set<String>()
    return names.first { !seen.insert($0).inserted }
  }

  static func completeCount(_ x: [Double], _ y: [Double]) -> Int {
    var n = 0
    for r in 0..<min(x.count, y.count) where !x[r].isNaN && !y[r].isNaN { n += 1 }
    return n
  }

  /// `{row: {column: value}}`.
  static func nested(_ rows: [String], _ columns: [String], _ value: (Int, Int) -> JSONValue) -> JSONValue {
    var out: [String: JSONValue] = [:]
    for (i, r) in rows.enumerated() {
      var row: [String: JSONValue] = [:]
      for (j, c) in columns.enumerated() { row[c] = value(i, j) }
      out[r] = .object(row)
    }
    return .object(out)
  }

  /// A matrix as a table: a `column` column with the row names, then one float column per column name.
  static func matrixFrame(_ rows: [String], _ columns: [String], _ matrix: [[Double]]) throws -> Frame {
    var out = [Column(name: "column", strings: rows)]
    var seen: Set<String> = ["column"]
    for (j, c) in columns.enumerated() {
      var name = c
      while seen.contains(name) { name += "_" }  // a data column literally called "column"
      seen.insert(name)
      let v = rows.indices.map { matrix[$0][j] }
      out.append(Column(name: name, floats: v.map { $0.isFinite ? $0 : 0 }, validity: v.map(\.isFinite)))
    }
    do { return try Frame(columns: out) } catch { throw CellError("cannot build the matrix table: \(error)") }
  }

  static func fixed(_ x: Double, _ decimals: Int) -> String {
    guard x.isFinite else { return "—" }
    let s = String(format: "%.\(decimals)f", x)
    return Double(s) == 0 ? String(format: "%.\(decimals)f", 0.0) : s
  }
}
