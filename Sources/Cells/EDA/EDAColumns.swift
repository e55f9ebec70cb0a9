import Engine
import Foundation
import Frame
import Learn
import Plotting
import Reporting
import WorkbookModel

/// Column access shared by the EDA cells (`plot`, `correlate`, `describe` rates): lookups with "did you mean",
/// numeric views (NaN = missing), sorted category codes, seeded row samples and figure rendering.
enum EDAColumns {
  /// The column called `name`, or an error naming the option it came from and the closest column names.
  static func column(_ table: Frame, _ name: String, option: String, _ o: CellOptions) throws -> Column {
    guard let column = table.column(named: name) else {
      throw CellError("unknown column `\(name)` in `\(option)`", at: o.location(of: option),
                      hint: Suggest.hint(for: name, in: table.columnNames)
                        ?? "columns: \(table.columnNames.prefix(30).joined(separator: ", "))")
    }
    return column
  }

  /// Numeric values of a column (ints and bools widened), NaN for nulls; text columns are an error.
  static func numeric(_ column: Column, option: String, _ o: CellOptions) throws -> [Double] {
    switch column.storage {
    case .float(let v):
      guard let validity = column.validity else { return v }
      return v.indices.map { validity[$0] ? v[$0] : .nan }
    case .int(let v):
      guard let validity = column.validity else { return v.map { Double($0) } }
      return v.indices.map { validity[$0] ? Double(v[$0]) : .nan }
    case .bool(let v):
      guard let validity = column.validity else { return v.map { $0 ? 1 : 0 } }
      return v.indices.map { validity[$0] ? (v[$0] ? 1 : 0) : .nan }
    case .string:
      throw CellError("column `\(column.name)` in `\(option)` is text, a number column is needed here", at: o.location(of: option),
                      hint: "cast it in a `transform` step, or use it as a category (`x` of a bar chart, `group`)")
    }
  }

  /// Text of each row (nil for nulls), as shown in tables and category labels.
  static func labels(_ column: Column) -> [String?] {
    if case .string(let codes, let dictionary) = column.storage {
      return codes.indices.map { column.isNull($0) ? nil : dictionary[Int(codes[$0])] }
    }
    return (0..<column.count).map { column.isNull($0) ? nil : column.value(at: $0).description }
  }

  /// Python's string order (Unicode scalars), as pandas sorts group keys.
  static func pythonLess(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
  }

  /// The distinct values of a column as sorted categories: `codes[row]` indexes `labels` (nil for nulls).
  /// Numbers and booleans sort numerically, text in Python order (pandas `groupby(sort=True)`).
  static func categories(_ column: Column) -> (codes: [Int?], labels: [String]) {
    switch column.storage {
    case .string(let codes, let dictionary):
      let order = dictionary.indices.sorted { pythonLess(dictionary[$0], dictionary[$1]) }
      // Only values that occur on a non-null row are categories.
      var used = [Bool](repeating: false, count: dictionary.count)
      for r in codes.indices where !column.isNull(r) { used[Int(codes[r])] = true }
      var rank = [Int](repeating: -1, count: dictionary.count)
      var labels: [String] = []
      for d in order where used[d] {
        rank[d] = labels.count
        labels.append(dictionary[d])
      }
      return (codes.indices.map { column.isNull($0) ? nil : rank[Int(codes[$0])] }, labels)
    default:
      let values = (column.doubles() ?? []).map { $0 ?? .nan }
      var distinct = Set<Double>()
      for v in values where !v.isNaN { distinct.insert(v) }
      let sorted = distinct.sorted()
      let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($0.element, $0.offset) })
      let labels: [String] = sorted.map { v in
        switch column.type {
        case .bool: return v != 0 ? "true" : "false"
        case .int: return String(Int64(v))
        default: return formatFloat(v)
        }
      }
      return (values.map { $0.isNaN ? nil : index[$0] }, labels)
    }
  }

  /// The `formats` option (default `[svg]`).
  static func formats(_ o: CellOptions) throws -> [OutputFormat] {
    let names = try o.texts("formats")
    var formats: [OutputFormat] = []
    for n in names {
      guard let f = OutputFormat(rawValue: n) else {
        throw CellError("unknown format `\(n)` in `formats`", at: o.location(of: "formats"), hint: "use svg and/or png")
      }
      if !formats.contains(f) { formats.append(f) }
    }
    if !formats.contains(.svg) { formats.insert(.svg, at: 0) }  // the report inlines the SVG
    return formats
  }

  /// A file stem gnuplot accepts built from any text (column names with spaces, quotes…).
  static func fileStem(_ text: String) -> String {
    let mapped = text.unicodeScalars.map { s -> Character in
      (s.isASCII && (CharacterSet.alphanumerics.contains(s) || s == "_" || s == "-")) ? Character(s) : "_"
    }
    var stem = String(mapped)
    while stem.hasPrefix("-") || stem.hasPrefix("_") { stem.removeFirst() }
    return stem.isEmpty ? "column" : String(stem.prefix(60))
  }

  /// Renders a chart in the cell's scratch folder and returns its files (`<name>.svg`, `<name>.gp`, `<name>.png`).
  /// gnuplot errors (missing, failing, no PNG terminal) become cell errors carrying the Plotting message.
  static func render(_ chart: Chart, name: String, formats: [OutputFormat], context: CellContext, hint: String? = nil) async throws
    -> [(name: String, bytes: [UInt8])]
  {
    let folder = context.scratchDirectory.appendingPathComponent("figures")
    let figure: RenderedFigure
    do {
      figure = try await GnuplotRenderer().render(chart, name: name, in: folder, formats: formats)
    } catch {
      throw CellError("figure `\(name)`: \(error)", hint: hint)
    }
    var files: [(name: String, bytes: [UInt8])] = []
    do {
      if let svg = figure.svg { files.append(("\(name).svg", Array(try Data(contentsOf: svg)))) }
      files.append(("\(name).gp", Array(try Data(contentsOf: figure.script))))
      if let png = figure.png { files.append(("\(name).png", Array(try Data(contentsOf: png)))) }
    } catch {
      throw CellError("figure `\(name)`: cannot read the rendered file: \(error.localizedDescription)")
    }
    return files
  }
}
