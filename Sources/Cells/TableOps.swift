import Engine
import Foundation
import Frame
import Reporting
import WorkbookModel

/// Table helpers shared by cell kinds (concatenation, schema and preview blocks, number formatting).
enum TableOps {
  /// Stacks frames with the same column names; a column typed differently across files is widened
  /// (int+float → float, anything else mixed → string). Optionally adds a `source_file` column first.
  static func concatenate(_ frames: [Frame], sourceNames: [String]?) throws -> Frame {
    guard let first = frames.first else { return .empty }
    let names = first.columnNames
    for (i, f) in frames.enumerated().dropFirst() where f.columnNames != names {
      let missing = Set(names).symmetricDifference(f.columnNames).sorted()
      throw CellError("file \(sourceNames?[i] ?? "#\(i + 1)") has different columns than the first file (differs in: \(missing.prefix(5).joined(separator: ", ")))",
                      hint: "load files with the same header together, or load them separately")
    }
    var columns: [Column] = []
    if let sourceNames {
      var values: [String?] = []
      for (f, n) in zip(frames, sourceNames) { values += Array(repeating: n, count: f.rowCount) }
      columns.append(Column(name: "source_file", strings: values))
    }
    for (j, name) in names.enumerated() {
      let parts = frames.map { $0.columns[j] }
      let types = Set(parts.map(\.type))
      let validity: [Bool]? = parts.contains { $0.validity != nil }
        ? parts.flatMap { $0.validity ?? Array(repeating: true, count: $0.count) } : nil
      if types.count == 1 {
        switch parts[0].storage {
        case .int:
          var all: [Int64] = []
          for p in parts { if case .int(let v) = p.storage { all += v } }
          columns.append(Column(name: name, storage: .int(all), validity: validity))
        case .float:
          var all: [Double] = []
          for p in parts { if case .float(let v) = p.storage { all += v } }
          columns.append(Column(name: name, storage: .float(all), validity: validity))
        case .bool:
          var all: [Bool] = []
          for p in parts { if case .bool(let v) = p.storage { all += v } }
          columns.append(Column(name: name, storage: .bool(all), validity: validity))
        case .string:
          var values: [String?] = []
          for p in parts { for r in 0..<p.count { values.append(p.isNull(r) ? nil : p.value(at: r).description) } }
          columns.append(Column(name: name, strings: values))
        }
      } else if types == [.int, .float] {
        var values: [Double] = []
        for p in parts { values += (p.doubles() ?? []).map { $0 ?? 0 } }
        columns.append(Column(name: name, storage: .float(values), validity: validity))
      } else {
        var values: [String?] = []
        for p in parts { for r in 0..<p.count { values.append(p.isNull(r) ? nil : p.value(at: r).description) } }
        columns.append(Column(name: name, strings: values))
      }
    }
    return try Frame(columns: columns)
  }

  static func schemaJSON(_ frame: Frame) -> JSONValue {
    .array(frame.columns.map { .object(["name": .string($0.name), "type": .string($0.type.rawValue), "nulls": .int($0.nullCount)]) })
  }

  static func schemaBlock(_ frame: Frame) -> ReportBlock {
    .table(caption: "Columns", columns: ["column", "type", "nulls"],
           rows: frame.columns.map { [$0.name, $0.type.rawValue, String($0.nullCount)] }, note: nil)
  }

  static func previewBlock(_ frame: Frame, rows: Int) -> ReportBlock {
    let n = min(rows, frame.rowCount)
    return .table(caption: "First \(n) rows", columns: frame.columnNames,
                  rows: (0..<n).map { r in frame.columns.map { $0.value(at: r).description } },
                  note: frame.rowCount > n ? "\(formatCount(frame.rowCount)) rows in all" : nil)
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

  /// A number for display: integers plainly, others with `digits` significant decimals.
  static func formatNumber(_ x: Double, digits: Int = 4) -> String {
    guard x.isFinite else { return x.isNaN ? "—" : (x > 0 ? "∞" : "-∞") }
    if x == x.rounded(), abs(x) < 1e12 { return String(Int64(x)) }
    return String(format: "%.\(digits)g", x)
  }

  /// A JSON number, or null for NaN/∞.
  static func json(_ x: Double) -> JSONValue { x.isFinite ? .double(x) : .null }
}
