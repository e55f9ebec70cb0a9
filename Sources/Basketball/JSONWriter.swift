import Foundation

/// A small deterministic JSON writer for `[String: Any]` trees (sorted keys, 4-space indent, raw UTF-8), used by
/// ``GameSimulator``; much faster than `JSONSerialization` with `.sortedKeys` on Linux.
enum JSONWriter {
  static func data(_ value: Any) -> Data {
    var out = ""
    out.reserveCapacity(1 << 18)
    write(value, indent: 0, into: &out)
    return Data(out.utf8)
  }

  static func write(_ value: Any, indent: Int, into out: inout String) {
    switch value {
    case let s as String: writeString(s, into: &out)
    case let b as Bool: out += b ? "true" : "false"
    case let i as Int: out += String(i)
    case let d as Double: out += d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) + ".0" : String(d)) : "null"
    case let a as [Any]:
      if a.isEmpty { out += "[]"; return }
      out += "[\n"
      for (i, v) in a.enumerated() {
        out += String(repeating: " ", count: indent + 4)
        write(v, indent: indent + 4, into: &out)
        out += i + 1 < a.count ? ",\n" : "\n"
      }
      out += String(repeating: " ", count: indent) + "]"
    case let o as [String: Any]:
      if o.isEmpty { out += "{}"; return }
      out += "{\n"
      let keys = o.keys.sorted()
      for (i, k) in keys.enumerated() {
        out += String(repeating: " ", count: indent + 4)
        writeString(k, into: &out)
        out += ": "
        write(o[k] ?? NSNull(), indent: indent + 4, into: &out)
        out += i + 1 < keys.count ? ",\n" : "\n"
      }
      out += String(repeating: " ", count: indent) + "}"
    default: out += "null"
    }
  }

  static func writeString(_ s: String, into out: inout String) {
    out += "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
      }
    }
    out += "\""
  }
}
