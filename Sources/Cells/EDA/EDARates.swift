import Engine
import Foundation
import Frame
import Plotting
import Reporting
import Stats
import WorkbookModel

/// Group-by rates for `describe` (`rates:` option): the mean of a 0/1 target per value of each `by` column
/// and per bucket of each `bins` column ("success rate by shot zone / period / seconds remaining").
enum EDARates {
  /// Groups beyond this per column are refused (bin the column instead).
  static let maximumGroups = 200

  static let option = OptionSpec("rates", .object([
    OptionSpec("target", .string, required: true, doc: "Numeric target whose mean per group is reported (a 0/1 made flag gives the success rate)."),
    OptionSpec("by", .list(.string), doc: "Columns to group by, one table each (text, codes or small integers such as Period)."),
    OptionSpec("bins", .dictionary(.list(.number)), doc: "Numeric columns cut into buckets: `{column: [edges…]}` (pandas `cut`, right-closed)."),
    OptionSpec("include_lowest", .boolean, default: true, doc: "Close the first bucket on the left too (`pd.cut(include_lowest=True)`), so a value equal to the first edge counts."),
    OptionSpec("order", .choice(["key", "count", "rate"]), default: "key", doc: "Group order: by key (pandas default), by count or by rate (descending)."),
    OptionSpec("plots", .boolean, default: true, doc: "Draw a bar chart per grouping (needs gnuplot)."),
  ]), doc: "Group-by rates: `{target: Shot Made Flag, by: [Shot_Zone_Combined, Period], bins: {Total_Seconds_Remaining: [0, 60, 180, 360, 720]}}`.")

  struct Grouping {
    var column: String
    var edges: [Double]?
    var rates: GroupRates
  }

  /// Computes the groupings; returns result.json's `rates`, report blocks and figure files.
  static func compute(_ table: Frame, _ spec: JSONValue, context: CellContext) async throws
    -> (result: JSONValue, report: [ReportBlock], files: [(name: String, bytes: [UInt8])])
  {
    let o = context.options
    let at = o.location(of: "rates")
    guard case .object(let fields) = spec, let rates = try o.mapping("rates") else { throw CellError("`rates` must be a mapping with `target`, `by` and/or `bins`", at: at) }
    guard let targetName = fields["target"]?.stringValue else { throw CellError("`rates.target` is missing", at: at) }
    func column(_ name: String, _ field: String) throws -> Column {
      guard let c = table.column(named: name) else {
        throw CellError("unknown column `\(name)` in `rates.\(field)`", at: at,
                        hint: Suggest.hint(for: name, in: table.columnNames) ?? "columns: \(table.columnNames.prefix(30).joined(separator: ", "))")
      }
      return c
    }
    let targetColumn = try column(targetName, "target")
    guard targetColumn.type != .string else {
      throw CellError("`rates.target` column `\(targetName)` is text; a numeric (0/1) column is needed", at: at,
                      hint: "encode it first, e.g. a `transform` step `derive: {made: \"case when result = 'made' then 1 else 0 end\"}`")
    }
    let target = (targetColumn.doubles() ?? []).map { $0 ?? .nan }

    var byNames: [String] = []
    if let by = fields["by"] {
      switch by {
      case .string(let s): byNames = [s]
      case .array(let items):
        byNames = try items.map {
          guard let s = $0.stringValue else { throw CellError("`rates.by` must be a list of column names", at: at) }
          return s
        }
      default: throw CellError("`rates.by` must be a list of column names", at: at)
      }
    }
    var binEdges: [String: [Double]] = [:]
    if let bins = fields["bins"] {
      guard case .object(let entries) = bins else { throw CellError("`rates.bins` must map column names to edge lists", at: at) }
      for (name, value) in entries {
        let edges = value.arrayValue?.compactMap(\.doubleValue) ?? []
        guard edges.count == value.arrayValue?.count, edges.count >= 2 else {
          throw CellError("`rates.bins.\(name)` must be a list of at least 2 numbers", at: at)
        }
        binEdges[name] = edges
      }
    }
    // `by` order first, then binned columns not in `by`, alphabetically.
    let names = byNames + binEdges.keys.filter { !byNames.contains($0) }.sorted()
    guard !names.isEmpty else { throw CellError("`rates` needs `by` columns or `bins`", at: at) }
    let includeLowest = try rates.boolean("include_lowest")
    let orderName = try rates.text("order")
    let order: GroupRates.Order = orderName == "count" ? .countDescending : orderName == "rate" ? .meanDescending : .key
    let plots = try rates.boolean("plots")

    var groupings: [Grouping] = []
    for name in names {
      let c = try column(name, binEdges[name] != nil ? "bins" : "by")
      let rates: GroupRates
      do {
        if let edges = binEdges[name] {
          guard c.type != .string else {
            throw CellError("`rates.bins.\(name)`: column `\(name)` is text and cannot be cut into buckets", at: at)
          }
          let binning = try Binning(edges: edges, includeLowest: includeLowest)
          var r = try GroupRates(binning: binning, values: (c.doubles() ?? []).map { $0 ?? .nan }, target: target, name: name)
          if order != .key { r = try reorder(r, order) }
          rates = r
        } else if c.type == .int || c.type == .float {
          rates = try GroupRates(numericKeys: (c.doubles() ?? []).map { $0 ?? .nan }, target: target, order: order, name: name)
        } else {
          rates = try GroupRates(keys: EDAColumns.labels(c), target: target, order: order, name: name)
        }
      } catch let e as CellError { throw e } catch {
        throw CellError("rates by `\(name)`: \(error)", at: at)
      }
      guard rates.groups.count <= maximumGroups else {
        throw CellError("`\(name)` has \(rates.groups.count) distinct values: too many groups for a rate table (limit \(maximumGroups))", at: at,
                        hint: "cut it into buckets with `rates.bins: {\(name): [edges…]}`")
      }
      groupings.append(Grouping(column: name, edges: binEdges[name], rates: rates))
    }

    let present = target.filter { !$0.isNaN }
    let overall = present.isEmpty ? Double.nan : present.reduce(0, +) / Double(present.count)
    let isRate = present.allSatisfy { $0 >= 0 && $0 <= 1 }
    let word = isRate ? "rate" : "mean"
    var report: [ReportBlock] = [.facts([.init("\(word) of \(targetName)", TableOps.formatNumber(overall)),
                                         .init("rows with \(targetName)", TableOps.formatCount(present.count))])]
    var files: [(name: String, bytes: [UInt8])] = []
    var json: [JSONValue] = []
    for (i, g) in groupings.enumerated() {
      var entry: [String: JSONValue] = [
        "column": .string(g.column), "missing": .int(g.rates.missingKeys),
        "groups": .array(g.rates.groups.map { .object(["key": .string($0.key), "count": .int($0.count), "rate": TableOps.json($0.mean)]) }),
      ]
      let edges: JSONValue = g.edges.map { JSONValue.array($0.map { JSONValue.double($0) }) } ?? .null
      entry["edges"] = edges
      json.append(.object(entry))
      let what = g.edges == nil ? g.column : "\(g.column) bucket"
      report.append(.table(caption: "\(word.capitalized) of \(targetName) by \(what)", columns: [g.column, "count", word],
                           rows: g.rates.groups.map { [$0.key, TableOps.formatCount($0.count), TableOps.formatNumber($0.mean)] },
                           note: g.rates.missingKeys > 0 ? "\(TableOps.formatCount(g.rates.missingKeys)) rows without a \(what) left out" : nil))
      if plots, !g.rates.groups.isEmpty {
        let name = "rate_\(i + 1)_\(EDAColumns.fileStem(g.column))"
        let chart = Chart(.bar(categories: g.rates.groups.map(\.key), series: [Series(word, g.rates.groups.map(\.mean))]),
                          title: "\(word.capitalized) of \(targetName) by \(what)", xLabel: g.column, yLabel: "\(word) of \(targetName)",
                          yRange: isRate ? 0...1 : nil, legend: .hidden)
        files += try await EDAColumns.render(chart, name: name, formats: [.svg], context: context, hint: "or set `rates.plots: false`")
        report.append(.figure(file: "\(name).svg", caption: "\(word.capitalized) of \(targetName) by \(what) (overall \(TableOps.formatNumber(overall)))"))
      }
    }
    let result: JSONValue = .object(["target": .string(targetName), "count": .int(present.count), "rate": TableOps.json(overall),
                                     "include_lowest": .bool(includeLowest), "groupings": .array(json)])
    return (result, report, files)
  }

  /// Bucket groupings come in bin order; `order: count|rate` re-sorts them (ties by bucket order).
  static func reorder(_ rates: GroupRates, _ order: GroupRates.Order) throws -> GroupRates {
    var r = rates
    let indexed = Array(r.groups.enumerated())
    r.groups = indexed.sorted { a, b in
      switch order {
      case .countDescending: return a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset
      case .meanDescending:
        let x = a.element.mean, y = b.element.mean
        if x.isNaN != y.isNaN { return !x.isNaN }
        return x != y && !x.isNaN ? x > y : a.offset < b.offset
      case .key: return a.offset < b.offset
      }
    }.map(\.element)
    return r
  }
}
