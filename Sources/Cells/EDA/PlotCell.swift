import Engine
import Foundation
import Frame
import Plotting
import Reporting
import WorkbookModel

/// `plot`: one gnuplot figure (bar, line, scatter, histogram, density, box, heatmap, shot chart) from a
/// declarative spec over an upstream table. Outputs `<id>.svg`, `<id>.gp` (and `<id>.png`).
enum PlotCell {
  static let chartKinds = ["bar", "line", "scatter", "histogram", "density", "box", "heatmap", "shot_chart"]
  /// Plotted points (scatter, line, shot-chart points) above which a `sample` is required: gnuplot's SVG
  /// takes ~100 bytes per point and the report inlines it (20,000 points ≈ 2 MB).
  static let maximumPoints = 20_000
  /// Categories (bars, heatmap rows/columns, boxes) above which the chart is refused as unreadable.
  static let maximumCategories = 200

  /// Options each chart kind reads besides the common ones (others get a warning).
  static let kindOptions: [String: Set<String>] = [
    "bar": ["x", "y", "group", "color", "aggregate", "horizontal"],
    "line": ["x", "y", "group", "color"],
    "scatter": ["x", "y", "group", "color"],
    "histogram": ["x", "group", "color", "bins", "bin_width"],
    "density": ["x", "group", "color", "bandwidth"],
    "box": ["x", "y", "group", "color"],
    "heatmap": ["x", "y", "value", "aggregate", "decimals"],
    "shot_chart": ["x", "y", "made", "court", "style", "hex_size", "min_attempts"],
  ]

  static let descriptor = KindDescriptor(
    name: "plot", version: 3,
    summary: "Draw a chart of a table with gnuplot (bar, line, scatter, histogram, density, box, heatmap, shot_chart); SVG (+PNG) and the .gp script.",
    options: [
      OptionSpec("input", .table, required: true, doc: "The table to plot (`cell` or `cell.table`)."),
      OptionSpec("chart", .choice(chartKinds), required: true, doc: "Chart kind."),
      OptionSpec("x", .list(.string), doc: "bar/heatmap: category column; line/scatter/shot_chart: x column; histogram/density: value column(s); box: grouping column."),
      OptionSpec("y", .list(.string), doc: "Value column, or a list of columns for several series (bar/line/scatter/box); heatmap: row category column; shot_chart: y column."),
      OptionSpec("group", .string, doc: "A column whose values split the data into series (one per value)."),
      OptionSpec("color", .string, doc: "Synonym of `group`."),
      OptionSpec("value", .string, doc: "heatmap: the numeric column aggregated in each cell (default: count rows)."),
      OptionSpec("aggregate", .choice(["mean", "count", "sum", "none"]), doc: "bar/heatmap: how `y`/`value` is aggregated per category (default: mean when a value column is given, else count); `none` = one bar per row."),
      OptionSpec("horizontal", .boolean, default: false, doc: "bar: horizontal bars (long category names)."),
      OptionSpec("bins", .oneOf([.integer, .list(.number)]), doc: "histogram: number of equal bins (default 20) or explicit edges."),
      OptionSpec("bin_width", .number, range: .above(0), doc: "histogram: bin width starting at the minimum (instead of `bins`)."),
      OptionSpec("bandwidth", .oneOf([.choice(["scott", "silverman"]), .number]), default: "scott", doc: "density: `scott`, `silverman` (scipy gaussian_kde rules) or a fixed kernel width in data units."),
      OptionSpec("made", .string, doc: "shot_chart: the made flag column (1/true = made, 0/false = missed)."),
      OptionSpec("court", .choice(["nba", "fiba"]), default: "nba", doc: "shot_chart: `nba` (tenths of feet, hoop at 0,0) or `fiba` (centimetres, hoop at 0,0)."),
      OptionSpec("style", .choice(["points", "hexbin"]), default: "points", doc: "shot_chart: one point per shot, or hexagons coloured by success rate."),
      OptionSpec("hex_size", .number, range: .above(0), doc: "shot_chart hexbin: hexagon radius in court units (default 15 for nba = 1.5 ft, 45 for fiba = 45 cm)."),
      OptionSpec("min_attempts", .integer, default: 1, range: .atLeast(1), doc: "shot_chart hexbin: hide hexagons with fewer shots."),
      OptionSpec("decimals", .integer, default: 2, range: .from(0, to: 6), doc: "heatmap: digits printed in each cell."),
      OptionSpec("chart_title", .string, doc: "Title printed on the figure (default: describes the chart). The cell's own `title` heads its report section."),
      OptionSpec("x_label", .string, doc: "x axis label (default: the x column)."),
      OptionSpec("y_label", .string, doc: "y axis label (default: the y column or the aggregate)."),
      OptionSpec("legend", .choice(LegendPosition.allCases.map(\.rawValue)), doc: "Legend position (default: topRight)."),
      OptionSpec("width", .integer, default: 800, range: .from(100, to: 4000), doc: "Figure width in pixels."),
      OptionSpec("height", .integer, default: 600, range: .from(100, to: 4000), doc: "Figure height in pixels."),
      OptionSpec("formats", .list(.choice(["svg", "png"])), default: .array(["svg"]), doc: "Output formats: `[svg]` or `[svg, png]`."),
      OptionSpec("sample", .object([
        OptionSpec("rows", .integer, required: true, range: .atLeast(1), doc: "How many rows to keep (drawn without replacement)."),
        OptionSpec("seed", .integer, default: 0, doc: "Seed of the draw."),
      ]), doc: "Plot a seeded random sample of the rows (declared in the caption); needed beyond 20,000 points."),
    ],
    tools: ["gnuplot"],
    validate: { cell, diagnostics in
      guard let kind = cell.option("chart")?.string else { return }
      func require(_ names: [String], _ why: String) {
        for n in names where cell.option(n) == nil {
          diagnostics.error("`\(kind)` charts need `\(n)` (\(why))", at: cell.location, cell: cell.id)
        }
      }
      func single(_ name: String) {
        if let n = cell.option(name), let l = n.list, l.count != 1 {
          diagnostics.error("`\(name)` must be one column for `\(kind)` charts", at: n.location, cell: cell.id)
        }
      }
      switch kind {
      case "bar": require(["x"], "the category column"); single("x")
      case "line", "scatter": require(["x", "y"], "the x and y columns"); single("x")
      case "histogram", "density": require(["x"], "the value column(s)")
      case "box": require(["y"], "the value column(s)"); single("x")
      case "heatmap": require(["x", "y"], "the column and row categories"); single("x"); single("y")
      case "shot_chart": require(["x", "y", "made"], "shot coordinates and the made flag"); single("x"); single("y")
      default: break
      }
      let common: Set<String> = ["input", "chart", "chart_title", "x_label", "y_label", "legend", "width", "height", "formats", "sample"]
      let specific = PlotCell.kindOptions[kind] ?? []
      for entry in cell.options where !common.contains(entry.key) && !specific.contains(entry.key)
        && PlotCell.kindOptions.values.contains(where: { $0.contains(entry.key) }) {
        diagnostics.warning("option `\(entry.key)` is ignored by `\(kind)` charts", at: entry.keyLocation, cell: cell.id,
                            hint: "`\(kind)` uses: \(specific.sorted().joined(separator: ", "))")
      }
      if cell.option("group") != nil, let c = cell.option("color") {
        diagnostics.error("give `group` or `color`, not both (they mean the same)", at: c.location, cell: cell.id)
      }
    })

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let full = try context.table(try o.requiredString("input"))
    let kind = try o.requiredString("chart")
    var plan = PlotPlan(options: o, kind: kind)

    // Sampling first: every chart kind then sees the same rows.
    var table = full
    var sampling: JSONValue = .null
    if let sample = try o.mapping("sample") {
      let rows = try sample.integer("rows")  // declared required, ≥ 1: checked before the cell runs
      let seed = try sample.integer("seed")
      if rows < full.rowCount {
        table = full.gathering(SeededSample.indices(count: rows, of: full.rowCount, seed: UInt64(bitPattern: Int64(seed))))
        plan.captionNotes.append("random sample of \(TableOps.formatCount(rows)) of \(TableOps.formatCount(full.rowCount)) rows (seed \(seed))")
      }
      sampling = .object(["rows": .int(table.rowCount), "of": .int(full.rowCount), "seed": .int(seed), "sampled": .bool(rows < full.rowCount)])
    }
    guard table.rowCount > 0 else { throw CellError("the table has no rows", hint: "check the upstream cell") }

    let chartKind: ChartKind
    switch kind {
    case "bar":
      chartKind = try plan.bar(table)
      if try o.boolean("horizontal") { swap(&plan.xLabel, &plan.yLabel) }  // categories go on the y axis
    case "line", "scatter": chartKind = try plan.xy(table, line: kind == "line")
    case "histogram", "density": chartKind = try plan.distribution(table, density: kind == "density")
    case "box": chartKind = try plan.box(table)
    case "heatmap": chartKind = try plan.heatmap(table)
    case "shot_chart": chartKind = try plan.shotChart(table)
    default: throw CellError("unknown chart `\(kind)`", at: o.location(of: "chart"), hint: Suggest.hint(for: kind, in: chartKinds))
    }

    if case .bar(_, let bars, let horizontal) = chartKind {
      // Bars start at zero (gnuplot would otherwise start the axis near the smallest bar).
      let heights = bars.flatMap(\.values).filter(\.isFinite)
      if let top = heights.max(), top > 0, heights.allSatisfy({ $0 >= 0 }) {
        if horizontal { plan.xRange = 0...(top * 1.08) } else { plan.yRange = 0...(top * 1.08) }
      }
    }
    let legend = try o.string("legend").flatMap(LegendPosition.init(rawValue:)) ?? plan.legend
    let width = try o.integer("width"), height = try o.integer("height")
    let title = try o.string("chart_title") ?? plan.title
    let chart = Chart(chartKind, title: title, xLabel: try o.string("x_label") ?? plan.xLabel,
                      yLabel: try o.string("y_label") ?? plan.yLabel, width: width, height: height,
                      xRange: plan.xRange, yRange: plan.yRange, legend: legend)
    let name = EDAColumns.fileStem(context.cellId)
    let files = try await EDAColumns.render(chart, name: name, formats: try EDAColumns.formats(o), context: context)

    var caption = title.isEmpty ? kind : title
    if !plan.captionNotes.isEmpty { caption += " — " + plan.captionNotes.joined(separator: "; ") }
    let categories: JSONValue = plan.categories.map { JSONValue.array($0.map { JSONValue.string($0) }) } ?? .null
    let result: JSONValue = .object([
      "chart": .string(kind),
      "rows": .int(full.rowCount),
      "rows_plotted": .int(table.rowCount),
      "sampling": sampling,
      "series": .array(plan.series.map { .object(["name": .string($0.name), "points": .int($0.points)]) }),
      "categories": categories,
      "dropped_missing": .int(plan.droppedMissing),
      "figure": .string("\(name).svg"),
      "files": .array(files.map { .string($0.name) }),
    ])
    var report: [ReportBlock] = [.figure(file: "\(name).svg", caption: caption)]
    if plan.droppedMissing > 0 {
      report.append(.text("\(TableOps.formatCount(plan.droppedMissing)) rows with a missing value in a plotted column were left out."))
    }
    return CellOutput(result: result, files: files, report: report)
  }
}

/// What a `plot` cell draws, built from its options and the table (one method per chart family).
struct PlotPlan {
  let o: CellOptions
  let kind: String
  var title = ""
  var xLabel = ""
  var yLabel = ""
  var xRange: ClosedRange<Double>?
  var yRange: ClosedRange<Double>?
  var legend: LegendPosition = .topRight
  /// Series drawn and their point (or value) counts, for result.json.
  var series: [(name: String, points: Int)] = []
  var categories: [String]?
  var droppedMissing = 0
  var captionNotes: [String] = []

  init(options: CellOptions, kind: String) {
    self.o = options
    self.kind = kind
  }

  // MARK: Options

  func columns(_ option: String, _ table: Frame) throws -> [String] {
    let names = try o.strings(option) ?? []
    for n in names { _ = try EDAColumns.column(table, n, option: option, o) }
    return names
  }

  func one(_ option: String, _ table: Frame) throws -> String? {
    let names = try columns(option, table)
    guard names.count <= 1 else {
      throw CellError("`\(option)` must be one column for `\(kind)` charts, got \(names.count)", at: o.location(of: option))
    }
    return names.first
  }

  func required(_ option: String, _ table: Frame) throws -> String {
    guard let name = try one(option, table) else {
      throw CellError("`\(kind)` charts need `\(option)`", at: o.cellLocation)
    }
    return name
  }

  /// The `group` (or `color`) column, if any.
  func groupColumn(_ table: Frame) throws -> (name: String, option: String)? {
    for option in ["group", "color"] {
      if let n = try o.string(option) {
        _ = try EDAColumns.column(table, n, option: option, o)
        return (n, option)
      }
    }
    return nil
  }

  func numeric(_ table: Frame, _ name: String, _ option: String) throws -> [Double] {
    try EDAColumns.numeric(EDAColumns.column(table, name, option: option, o), option: option, o)
  }

  func checkCategoryCount(_ n: Int, _ what: String, option: String) throws {
    guard n <= PlotCell.maximumCategories else {
      throw CellError("`\(option)` has \(n) distinct \(what); at most \(PlotCell.maximumCategories) can be drawn readably",
                      at: o.location(of: option), hint: "bin or filter the column in a `transform` cell, or plot another column")
    }
  }

  func checkPoints(_ n: Int) throws {
    guard n <= PlotCell.maximumPoints else {
      throw CellError("\(TableOps.formatCount(n)) points would make a huge figure (limit \(TableOps.formatCount(PlotCell.maximumPoints)))",
                      at: o.cellLocation, hint: "add `sample: {rows: 10000, seed: 1}`\(kind == "shot_chart" ? " or use `style: hexbin`" : "")")
    }
  }

  /// Row partition by the group column: series label and row indices; rows with a null group are dropped.
  mutating func partition(_ table: Frame, _ group: (name: String, option: String)?) throws -> [(label: String, rows: [Int])] {
    guard let group else { return [("", Array(0..<table.rowCount))] }
    let (codes, labels) = EDAColumns.categories(try EDAColumns.column(table, group.name, option: group.option, o))
    try checkCategoryCount(labels.count, "values", option: group.option)
    var rows = [[Int]](repeating: [], count: labels.count)
    for (r, c) in codes.enumerated() {
      if let c { rows[c].append(r) } else { droppedMissing += 1 }
    }
    return zip(labels, rows).map { (label: $0, rows: $1) }
  }

  /// The series to draw: each value column, or each group of one value column.
  mutating func valueSeries(_ table: Frame, valueOption: String) throws -> [(name: String, column: String, rows: [Int])] {
    let values = try columns(valueOption, table)
    let group = try groupColumn(table)
    if let group {
      guard values.count == 1 else {
        throw CellError("with `\(group.option)`, `\(valueOption)` must be one column (got \(values.count))", at: o.location(of: valueOption))
      }
      return try partition(table, group).map { (name: $0.label, column: values[0], rows: $0.rows) }
    }
    return values.map { (name: $0, column: $0, rows: Array(0..<table.rowCount)) }
  }

  // MARK: Chart kinds

  mutating func bar(_ table: Frame) throws -> ChartKind {
    let x = try required("x", table)
    let values = try columns("y", table)
    let aggregate = try o.string("aggregate") ?? (values.isEmpty ? "count" : "mean")
    let horizontal = try o.boolean("horizontal")
    xLabel = x
    legend = .topRight
    if aggregate == "none" {
      guard !values.isEmpty else {
        throw CellError("`aggregate: none` draws one bar per row and needs `y`", at: o.location(of: "aggregate"))
      }
      guard try groupColumn(table) == nil else {
        throw CellError("`aggregate: none` cannot be combined with `group`", at: o.location(of: "aggregate"),
                        hint: "give several `y` columns instead, or aggregate")
      }
      try checkCategoryCount(table.rowCount, "rows", option: "x")
      let labels = EDAColumns.labels(try EDAColumns.column(table, x, option: "x", o)).map { $0 ?? "" }
      var bars: [Series] = []
      for v in values {
        let numbers = try numeric(table, v, "y")
        bars.append(Series(v, numbers))
        series.append((v, numbers.filter { !$0.isNaN }.count))
      }
      categories = labels
      yLabel = values.count == 1 ? values[0] : ""
      title = values.count == 1 ? "\(values[0]) by \(x)" : "values by \(x)"
      if values.count == 1 { legend = .hidden }
      return .bar(categories: labels, series: bars, horizontal: horizontal)
    }
    if aggregate != "count", values.isEmpty {
      throw CellError("`aggregate: \(aggregate)` needs a `y` column to aggregate", at: o.location(of: "aggregate"))
    }
    let (codes, labels) = EDAColumns.categories(try EDAColumns.column(table, x, option: "x", o))
    try checkCategoryCount(labels.count, "values", option: "x")
    guard !labels.isEmpty else { throw CellError("column `\(x)` has only missing values", at: o.location(of: "x")) }
    for c in codes where c == nil { droppedMissing += 1 }
    let parts: [(name: String, column: String?, rows: [Int])]
    if values.isEmpty {
      let group = try groupColumn(table)
      parts = try partition(table, group).map { (name: group == nil ? "count" : $0.label, column: String?.none, rows: $0.rows) }
    } else {
      parts = try valueSeries(table, valueOption: "y").map { (name: $0.name, column: Optional($0.column), rows: $0.rows) }
    }
    var bars: [Series] = []
    var numericCache: [String: [Double]] = [:]
    for part in parts {
      var counts = [Int](repeating: 0, count: labels.count)
      var sums = [Double](repeating: 0, count: labels.count)
      let numbers: [Double]?
      if let column = part.column {
        if numericCache[column] == nil { numericCache[column] = try numeric(table, column, "y") }
        numbers = numericCache[column]
      } else {
        numbers = nil
      }
      for r in part.rows {
        guard let c = codes[r] else { continue }
        if let numbers {
          let v = numbers[r]
          guard !v.isNaN else { continue }
          sums[c] += v
        }
        counts[c] += 1
      }
      let heights: [Double] = labels.indices.map { i in
        switch aggregate {
        case "count": return Double(counts[i])
        case "sum": return sums[i]
        default: return counts[i] > 0 ? sums[i] / Double(counts[i]) : .nan
        }
      }
      bars.append(Series(part.name, heights))
      series.append((part.name, counts.reduce(0, +)))
    }
    categories = labels
    let what = values.isEmpty ? "rows" : (values.count == 1 ? values[0] : "values")
    yLabel = aggregate == "count" ? "count of \(what)" : "\(aggregate) of \(what)"
    title = "\(yLabel) by \(x)"
    if bars.count == 1 { legend = .hidden }
    return .bar(categories: labels, series: bars, horizontal: horizontal)
  }

  mutating func xy(_ table: Frame, line: Bool) throws -> ChartKind {
    let x = try required("x", table)
    let xs = try numeric(table, x, "x")
    var drawn: [XYSeries] = []
    var total = 0
    for part in try valueSeries(table, valueOption: "y") {
      let ys = try numeric(table, part.column, "y")
      if line {
        // A line keeps its missing values as gaps: the neighbours of a missing season are not joined.
        var rows = part.rows.filter { !xs[$0].isNaN }
        rows.sort { xs[$0] < xs[$1] || (xs[$0] == xs[$1] && $0 < $1) }
        let (gx, gy) = Self.withGaps(x: rows.map { xs[$0] }, y: rows.map { ys[$0] })
        drawn.append(XYSeries(part.name, x: gx, y: gy))
        let plotted = rows.filter { !ys[$0].isNaN }.count
        droppedMissing += part.rows.count - plotted
        series.append((part.name, plotted))
        total += plotted
        continue
      }
      let rows = part.rows.filter { !xs[$0].isNaN && !ys[$0].isNaN }
      droppedMissing += part.rows.count - rows.count
      drawn.append(XYSeries(part.name, x: rows.map { xs[$0] }, y: rows.map { ys[$0] }))
      series.append((part.name, rows.count))
      total += rows.count
    }
    try checkPoints(total)
    let ys = try columns("y", table)
    xLabel = x
    yLabel = ys.count == 1 ? ys[0] : ""
    title = ys.count == 1 ? "\(ys[0]) vs \(x)" : "\(ys.joined(separator: ", ")) vs \(x)"
    if drawn.count == 1 { legend = .hidden }
    return line ? .line(series: drawn) : .scatter(series: drawn)
  }

  /// Inserts a NaN (a break in the line) where integer x values (seasons, game numbers) skip a step: the
  /// step is the smallest gap between consecutive distinct x values.
  static func withGaps(x: [Double], y: [Double]) -> (x: [Double], y: [Double]) {
    guard x.count >= 3, x.allSatisfy({ $0 == $0.rounded() }) else { return (x, y) }
    let steps = zip(x, x.dropFirst()).map { $1 - $0 }.filter { $0 > 0 }
    guard let step = steps.min() else { return (x, y) }
    var gx: [Double] = [], gy: [Double] = []
    for i in x.indices {
      if i > 0, x[i] - x[i - 1] > step { gx.append(x[i - 1] + step); gy.append(.nan) }
      gx.append(x[i]); gy.append(y[i])
    }
    return (gx, gy)
  }

  mutating func distribution(_ table: Frame, density: Bool) throws -> ChartKind {
    var samples: [Series] = []
    for part in try valueSeries(table, valueOption: "x") {
      let values = try numeric(table, part.column, "x")
      let kept = part.rows.map { values[$0] }.filter { $0.isFinite }
      droppedMissing += part.rows.count - kept.count
      guard !kept.isEmpty else {
        throw CellError("`\(part.column)`\(part.name == part.column ? "" : " (group \(part.name))") has no finite value to plot",
                        at: o.location(of: "x"))
      }
      samples.append(Series(part.name, kept))
      series.append((part.name, kept.count))
    }
    let xs = try columns("x", table)
    xLabel = xs.count == 1 ? xs[0] : "value"
    if samples.count == 1 { legend = .hidden }
    if density {
      yLabel = "density"
      title = "density of \(xs.joined(separator: ", "))"
      let bandwidth: Bandwidth
      switch o["bandwidth"] ?? .null {
      case .string("silverman"): bandwidth = .silverman
      case .string("scott"), .null: bandwidth = .scott
      case let v:
        guard let h = v.doubleValue, h > 0, h.isFinite else {
          throw CellError("`bandwidth` must be scott, silverman or a positive number", at: o.location(of: "bandwidth"))
        }
        bandwidth = .fixed(h)
      }
      return .density(series: samples, bandwidth: bandwidth)
    }
    yLabel = "count"
    title = "histogram of \(xs.joined(separator: ", "))"
    let bins: HistogramBins
    if let w = try o.double("bin_width") {
      guard w > 0, w.isFinite else { throw CellError("`bin_width` must be positive", at: o.location(of: "bin_width")) }
      guard !o.has("bins") else { throw CellError("give `bins` or `bin_width`, not both", at: o.location(of: "bin_width")) }
      bins = .width(w)
    } else {
      switch o["bins"] {
      case nil, .null?: bins = .count(20)
      case .array(let edges)?:
        let numbers = edges.compactMap(\.doubleValue)
        guard numbers.count == edges.count, numbers.count >= 2, zip(numbers, numbers.dropFirst()).allSatisfy({ $0 < $1 }) else {
          throw CellError("`bins` edges must be at least 2 strictly increasing numbers", at: o.location(of: "bins"))
        }
        bins = .edges(numbers)
      case let v?:
        guard let k = v.intValue, (1...500).contains(k) else {
          throw CellError("`bins` must be a count between 1 and 500 or a list of edges", at: o.location(of: "bins"))
        }
        bins = .count(k)
      }
    }
    return .histogram(series: samples, bins: bins)
  }

  mutating func box(_ table: Frame) throws -> ChartKind {
    let values = try columns("y", table)
    var grouping: (name: String, option: String)? = try one("x", table).map { ($0, "x") }
    if let g = try groupColumn(table) {
      guard grouping == nil else {
        throw CellError("box charts group by `x` or `\(g.option)`, not both", at: o.location(of: g.option))
      }
      grouping = g
    }
    var groups: [Series] = []
    if let grouping {
      guard values.count == 1 else {
        throw CellError("with a grouping column, `y` must be one column (got \(values.count))", at: o.location(of: "y"))
      }
      let numbers = try numeric(table, values[0], "y")
      for part in try partition(table, grouping) {
        let kept = part.rows.map { numbers[$0] }.filter { $0.isFinite }
        droppedMissing += part.rows.count - kept.count
        guard !kept.isEmpty else { continue }
        groups.append(Series(part.label, kept))
        series.append((part.label, kept.count))
      }
      xLabel = grouping.name
      title = "\(values[0]) by \(grouping.name)"
    } else {
      for v in values {
        let kept = try numeric(table, v, "y").filter { $0.isFinite }
        droppedMissing += table.rowCount - kept.count
        guard !kept.isEmpty else { continue }
        groups.append(Series(v, kept))
        series.append((v, kept.count))
      }
      title = "distribution of \(values.joined(separator: ", "))"
    }
    guard !groups.isEmpty else { throw CellError("no finite value to draw in `y`", at: o.location(of: "y")) }
    categories = groups.map(\.name)
    yLabel = values.count == 1 ? values[0] : "value"
    legend = .hidden
    return .box(groups: groups)
  }

  mutating func heatmap(_ table: Frame) throws -> ChartKind {
    let x = try required("x", table), y = try required("y", table)
    let valueName = try o.string("value")
    let aggregate = try o.string("aggregate") ?? (valueName == nil ? "count" : "mean")
    guard aggregate != "none" else {
      throw CellError("heatmaps aggregate rows per cell: use mean, sum or count", at: o.location(of: "aggregate"))
    }
    if aggregate != "count", valueName == nil {
      throw CellError("`aggregate: \(aggregate)` needs a `value` column", at: o.location(of: "aggregate"))
    }
    let columnsCat = EDAColumns.categories(try EDAColumns.column(table, x, option: "x", o))
    let rowsCat = EDAColumns.categories(try EDAColumns.column(table, y, option: "y", o))
    try checkCategoryCount(columnsCat.labels.count, "values", option: "x")
    try checkCategoryCount(rowsCat.labels.count, "values", option: "y")
    let numbers = try valueName.map { try numeric(table, $0, "value") }
    let k = columnsCat.labels.count
    var counts = [Int](repeating: 0, count: rowsCat.labels.count * k)
    var sums = [Double](repeating: 0, count: counts.count)
    var used = 0
    for r in 0..<table.rowCount {
      guard let c = columnsCat.codes[r], let rr = rowsCat.codes[r] else { droppedMissing += 1; continue }
      if let numbers {
        guard !numbers[r].isNaN else { droppedMissing += 1; continue }
        sums[rr * k + c] += numbers[r]
      }
      counts[rr * k + c] += 1
      used += 1
    }
    let matrix: [[Double]] = rowsCat.labels.indices.map { rr in
      (0..<k).map { c in
        let i = rr * k + c
        switch aggregate {
        case "count": return Double(counts[i])
        case "sum": return sums[i]
        default: return counts[i] > 0 ? sums[i] / Double(counts[i]) : .nan
        }
      }
    }
    let decimals = try o.integer("decimals")
    series = [(valueName ?? "count", used)]
    categories = nil
    xLabel = x
    yLabel = y
    title = aggregate == "count" ? "rows by \(y) and \(x)" : "\(aggregate) of \(valueName ?? "") by \(y) and \(x)"
    return .heatmap(Heatmap(rowLabels: rowsCat.labels, columnLabels: columnsCat.labels, values: matrix, decimals: decimals))
  }

  mutating func shotChart(_ table: Frame) throws -> ChartKind {
    let x = try required("x", table), y = try required("y", table)
    guard let madeName = try o.string("made") else { throw CellError("shot charts need `made`", at: o.cellLocation) }
    let xs = try numeric(table, x, "x"), ys = try numeric(table, y, "y"), made = try numeric(table, madeName, "made")
    let isFIBA = try o.text("court") == "fiba"
    let court: CourtGeometry = isFIBA ? .fiba() : .nba()
    let hexbin = try o.text("style") == "hexbin"
    var px: [Double] = [], py: [Double] = [], pm: [Bool] = []
    for r in 0..<table.rowCount {
      guard xs[r].isFinite, ys[r].isFinite, !made[r].isNaN else { droppedMissing += 1; continue }
      px.append(xs[r]); py.append(ys[r]); pm.append(made[r] != 0)
    }
    guard !px.isEmpty else { throw CellError("no shot has x, y and made all present", at: o.location(of: "x")) }
    let makes = pm.filter { $0 }.count
    let style: ShotChart.Style
    if hexbin {
      let size = try o.double("hex_size") ?? (isFIBA ? 45 : 15)  // the default depends on the court
      let minimum = try o.integer("min_attempts")
      style = .hexbin(size: size, minimumAttempts: minimum)
      series = [("attempts", px.count), ("made", makes)]
    } else {
      try checkPoints(px.count)
      style = .points
      series = [("Missed", px.count - makes), ("Made", makes)]
    }
    title = "shots (\(TableOps.formatCount(px.count)), \(String(format: "%.1f", 100 * Double(makes) / Double(px.count))) % made)"
    legend = .topRight
    return .shotChart(ShotChart(court: court, x: px, y: py, made: pm, style: style))
  }
}
