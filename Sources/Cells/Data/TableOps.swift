import Engine
import Foundation
import Frame
import Reporting
import WorkbookModel

/// Table helpers shared by cell kinds (concatenation, schema and preview blocks, number formatting).
enum TableOps {
  static func schemaJSON(_ frame: Frame) -> JSONValue {
    .array(frame.columns.map { .object(["name": .string($0.name), "type": .string($0.type.rawValue), "nulls": .int($0.nullCount)]) })
  }

  static func schemaBlock(_ frame: Frame) -> ReportBlock {
    .table(caption: "Columns", columns: ["column", "type", "nulls"],
           rows: frame.columns.map { [$0.name, $0.type.rawValue, String($0.nullCount)] }, note: nil)
  }

  /// The first rows of a table, folded (a row preview is detail, not a finding); floats are written for reading.
  static func previewBlock(_ frame: Frame, rows: Int) -> ReportBlock {
    let n = min(rows, frame.rowCount)
    let table = ReportBlock.table(
      caption: nil, columns: frame.columnNames,
      rows: (0..<n).map { r in
        frame.columns.map { c in
          if case .float(let v) = c.storage, !c.isNull(r) { return ReadableNumber.format(v[r]) }
          return c.value(at: r).description
        }
      },
      note: frame.rowCount > n ? "\(formatCount(frame.rowCount)) rows in all" : nil)
    return .details(summary: "First \(n) rows", blocks: [table])
  }

  /// 1234567 → "1,234,567".
  static func formatCount(_ n: Int) -> String {
    let s = String(abs(n))
    var out = ""
    for (i, c) in s.enumerated() {
      if i > 0 && (s.count - i) % 3 == 0 { out += "," }
      out.append(c)
    }
    return n < 0 ? "-" + out : out
  }

  /// A number for display in cell summaries: integers plainly, others with `digits` significant digits (`%g`), "—"
  /// for missing. Not WorkbenchCore's `formatFloat` (data text, full precision) nor Reporting's `ReadableNumber`
  /// (report prose, trailing zeros trimmed): changing either would change cell outputs.
  static func formatNumber(_ x: Double, digits: Int = 4) -> String {
    guard x.isFinite else { return x.isNaN ? "—" : (x > 0 ? "∞" : "-∞") }
    if x == x.rounded(), abs(x) < 1e12 { return String(Int64(x)) }
    return String(format: "%.\(digits)g", x)
  }

  /// A JSON number, or null for NaN/∞.
  static func json(_ x: Double) -> JSONValue { x.isFinite ? .double(x) : .null }
}
