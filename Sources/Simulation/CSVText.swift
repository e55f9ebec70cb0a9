/// A minimal RFC 4180 CSV writer: fields with a comma, quote, CR or LF are quoted, quotes doubled; rows end
/// with "\n" (as the Kaggle files).
public enum CSVText {
  public static func field(_ value: String) -> String {
    guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
    var out = "\""
    for c in value {
      if c == "\"" { out += "\"\"" } else { out.append(c) }
    }
    return out + "\""
  }

  public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }

  /// Header plus one line per shot.
  public static func document(_ shots: [SimulatedShot]) -> String {
    var text = line(SimulatedShot.columns)
    text.reserveCapacity(shots.count * 160)
    for shot in shots { shot.appendCSVLine(to: &text) }
    return text
  }
}
