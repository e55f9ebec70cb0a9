import WorkbenchCore

/// Writes a ``Frame`` as CSV text, deterministically: the one table CSV writer (cell exports, scripted cells' inputs).
///
/// Header row of column names; nulls as empty fields; floats via ``formatFloat(_:integralWithoutPoint:)``;
/// bools as `true`/`false`; a field is quoted (with `"` doubled) when it contains the delimiter, a quote, CR or LF,
/// or starts or ends with a space. Lines end with `\n`.
public enum CSVWriter {
  public static func write(_ frame: Frame, delimiter: UInt8 = 44) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(frame.rowCount * max(frame.columns.count, 1) * 8 + 64)
    for (i, c) in frame.columns.enumerated() {
      if i > 0 { out.append(delimiter) }
      appendField(c.name, to: &out, delimiter: delimiter)
    }
    out.append(10)
    // Pre-render each string column's dictionary once.
    let rendered: [[[UInt8]]] = frame.columns.map { c in
      if case .string(_, let d) = c.storage { return d.map { quoteIfNeeded(Array($0.utf8), delimiter: delimiter) } }
      return []
    }
    for row in 0..<frame.rowCount {
      for (i, c) in frame.columns.enumerated() {
        if i > 0 { out.append(delimiter) }
        if c.isNull(row) { continue }
        switch c.storage {
        case .int(let v): out.append(contentsOf: String(v[row]).utf8)
        case .float(let v): out.append(contentsOf: formatFloat(v[row]).utf8)
        case .bool(let v): out.append(contentsOf: (v[row] ? "true" : "false").utf8)
        case .string(let codes, _):
          let code = Int(codes[row])
          if code < rendered[i].count { out.append(contentsOf: rendered[i][code]) }
        }
      }
      out.append(10)
    }
    return out
  }

  /// `frame` as a `String` (convenience for small tables).
  public static func string(_ frame: Frame, delimiter: UInt8 = 44) -> String {
    String(decoding: write(frame, delimiter: delimiter), as: UTF8.self)
  }

  static func appendField(_ s: String, to out: inout [UInt8], delimiter: UInt8) {
    CSVField.append(Array(s.utf8), to: &out, delimiter: delimiter)
  }

  static func quoteIfNeeded(_ b: [UInt8], delimiter: UInt8) -> [UInt8] {
    var out: [UInt8] = []
    CSVField.append(b, to: &out, delimiter: delimiter)
    return out
  }
}
