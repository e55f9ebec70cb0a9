import Foundation
import Learn
import TestSupport

/// Real PariVision features for the logistic-regression and metrics tests: Python applies PariVision's
/// preprocessing rules to `nba_shots/kaggle_random_10000.csv`, writes a numeric CSV and fits sklearn models;
/// the Swift side parses the CSV (simple numeric parser) and compares.
enum PariVisionFixture {
  static let featureNames = [
    "Player_ID", "X_Location", "Y_Location", "Total_Seconds_Remaining", "Shot_Type_Encoded",
    "Shot_Distance_Meters", "Shot_Zone_Combined",
  ]

  /// Feature preparation (PariVision `process_data.py` rules 1–9) shared by all Python snippets.
  static let preparePython = """
    import sys, json, warnings
    import numpy as np, pandas as pd
    def prepare(src):
        df = pd.read_csv(src)
        df = df.drop(columns=['Game ID','Game Event ID','Player Name','Team ID','Team Name','Period',
                              'Season Type','Game Date','Home Team','Away Team']).drop_duplicates()
        mins = pd.to_numeric(df['Minutes Remaining'], errors='coerce')
        secs = pd.to_numeric(df['Seconds Remaining'], errors='coerce')
        ok = mins.notna() & secs.notna(); df = df[ok]; mins = mins[ok]; secs = secs[ok]
        def zone(basic, area):
            if basic == 'Restricted Area': return 1
            if basic == 'In The Paint (Non-RA)': return 2
            if basic == 'Mid-Range': return 3 if area in ('Left Side(L)', 'Left Side Center(LC)') else 4
            if basic == 'Above the Break 3': return 5
            if 'Corner 3' in str(basic): return 6
            if basic == 'Backcourt': return 7
            return 0
        return pd.DataFrame({
          'Player_ID': df['Player ID'].astype(int),
          'X_Location': df['X Location'].astype(int),
          'Y_Location': df['Y Location'].astype(int),
          'Total_Seconds_Remaining': mins.astype(int) * 60 + secs.astype(int),
          'Shot_Type_Encoded': df['Shot Type'].map({'2PT Field Goal': 2, '3PT Field Goal': 3}).fillna(0).astype(int),
          'Shot_Distance_Meters': df['Shot Distance'].astype(float) * 0.3048,
          'Shot_Zone_Combined': [zone(b, a) for b, a in zip(df['Shot Zone Basic'], df['Shot Zone Area'])],
          'Shot_Made_Flag': df['Shot Made Flag'].astype(int)})

    """

  static func temporaryURL(_ name: String) -> URL {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("learn-linear-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
  }

  /// Parses a header + numeric-rows CSV into a dataset whose last column is the target.
  static func parseCSV(_ text: String) throws -> Dataset {
    var lines = text.split(whereSeparator: \.isNewline)
    guard !lines.isEmpty else { throw MissingResource("empty CSV") }
    let header = lines.removeFirst().split(separator: ",").map(String.init)
    var columns = [[Double]](repeating: [], count: header.count)
    for line in lines {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == header.count else { throw MissingResource("bad CSV row: \(line)") }
      for (j, f) in fields.enumerated() {
        guard let v = Double(f) else { throw MissingResource("not a number: \(f)") }
        columns[j].append(v)
      }
    }
    let target = columns.removeLast()
    return Dataset(featureNames: Array(header.dropLast()), features: columns, target: target)
  }
}
