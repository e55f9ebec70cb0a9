import WorkbenchCore

/// CSV lines of simulated shots (fields quoted by WorkbenchCore's `CSVField`); rows end with "\n" (as the Kaggle files).
public enum CSVText {
  public static func field(_ value: String) -> String { CSVField.text(value) }

  public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }

  /// Header plus one line per shot.
  public static func document(_ shots: [SimulatedShot]) -> String {
    var text = line(SimulatedShot.columns)
    text.reserveCapacity(shots.count * 160)
    for shot in shots { shot.appendCSVLine(to: &text) }
    return text
  }
}
