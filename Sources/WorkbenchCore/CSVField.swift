/// RFC 4180 field quoting shared by every CSV writer (tables in Frame's `CSVWriter`, simulated shots): a field is
/// quoted, with `"` doubled, when it contains the delimiter, a quote, CR or LF, or starts or ends with a space.
public enum CSVField {
  /// Whether `bytes` must be quoted.
  @inlinable public static func needsQuotes(_ bytes: some BidirectionalCollection<UInt8>, delimiter: UInt8 = 44) -> Bool {
    bytes.contains { $0 == delimiter || $0 == 34 || $0 == 10 || $0 == 13 } || bytes.first == 32 || bytes.last == 32
  }

  /// `bytes` as one field (quoted when needed) appended to `out`.
  @inlinable public static func append(_ bytes: some BidirectionalCollection<UInt8>, to out: inout [UInt8], delimiter: UInt8 = 44) {
    guard needsQuotes(bytes, delimiter: delimiter) else { out.append(contentsOf: bytes); return }
    out.append(34)
    for b in bytes {
      if b == 34 { out.append(34) }
      out.append(b)
    }
    out.append(34)
  }

  /// `value` as one comma-delimited field.
  public static func text(_ value: String) -> String {
    guard needsQuotes(value.utf8) else { return value }
    var out: [UInt8] = []
    append(Array(value.utf8), to: &out)
    return String(decoding: out, as: UTF8.self)
  }
}
