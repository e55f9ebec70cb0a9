import Frame
import WorkbookModel

/// Deterministic CSV for exported tables: RFC 4180 quoting, nulls empty, floats in shortest round-trip form.
public enum TableCSV {
  public static func render(_ frame: Frame) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(frame.rowCount * frame.columns.count * 6 + 64)
    func field(_ s: String) {
      if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.hasPrefix(" ") || s.hasSuffix(" ") {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
          if b == UInt8(ascii: "\"") { out.append(b) }
          out.append(b)
        }
        out.append(UInt8(ascii: "\""))
      } else {
        out.append(contentsOf: s.utf8)
      }
    }
    for (i, c) in frame.columns.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      field(c.name)
    }
    out.append(UInt8(ascii: "\n"))
    for row in 0..<frame.rowCount {
      for (i, c) in frame.columns.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        if c.isNull(row) { continue }
        switch c.storage {
        case .int(let v): out.append(contentsOf: String(v[row]).utf8)
        case .float(let v): out.append(contentsOf: formatFloat(v[row]).utf8)
        case .bool(let v): out.append(contentsOf: (v[row] ? "true" : "false").utf8)
        case .string(let codes, let dict): field(dict[Int(codes[row])])
        }
      }
      out.append(UInt8(ascii: "\n"))
    }
    return out
  }
}
