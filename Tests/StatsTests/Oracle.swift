import Foundation
import TestSupport

/// Runs Python oracles (pandas / numpy / scipy / evidently in the `anchors` environment) on the real NBA
/// season files and exchanges data through a temporary folder: float64 columns as raw little-endian
/// binaries (`name.f64`, NaN = missing), string columns as JSON arrays (`name.json`, null = missing), and the
/// oracle's expectations as JSON on stdout.
struct Oracle {
  let python: URL
  let folder: URL

  /// nil (test skipped) when the Python environment or the datasets are absent.
  static func make() throws -> Oracle? {
    guard try Oracles.sharedDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz") != nil else { return nil }
    guard let py = try Oracles.python("anchors") else { return nil }
    return Oracle(python: py, folder: try makeTemporaryDirectory("stats-oracle"))
  }

  /// Python prelude: imports, the season loader and writers for the exchange folder.
  static let prelude = """
    import sys, json, math, os, warnings
    warnings.filterwarnings("ignore")
    import numpy as np, pandas as pd
    OUT = sys.argv[1]
    DATA = sys.argv[2]
    USECOLS = ["SHOT_MADE", "SHOT_TYPE", "BASIC_ZONE", "ZONE_RANGE", "ACTION_TYPE", "POSITION", "POSITION_GROUP",
               "LOC_X", "LOC_Y", "SHOT_DISTANCE", "QUARTER", "MINS_LEFT", "SECS_LEFT"]
    def season(year, n=None, seed=0):
        df = pd.read_csv(f"{DATA}/nba_shots/nba_com_2004_2024/NBA_{year}_Shots.csv.gz", usecols=USECOLS)
        df["SHOT_MADE"] = df["SHOT_MADE"].astype(float)
        df["SECONDS_LEFT"] = df["MINS_LEFT"] * 60 + df["SECS_LEFT"]
        if n is not None:
            df = df.sample(n=n, random_state=seed).reset_index(drop=True)
        return df
    def put(name, values):
        np.asarray(values, dtype="<f8").tofile(os.path.join(OUT, name + ".f64"))
    def put_strings(name, values):
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump([None if (v is None or (isinstance(v, float) and math.isnan(v))) else str(v) for v in values], f)
    def num(x):
        x = float(x)
        return None if math.isnan(x) else ("inf" if x == math.inf else ("-inf" if x == -math.inf else x))
    def emit(obj):
        print(json.dumps(obj))

    """

  /// Runs `code` after the prelude and decodes its last stdout line as JSON.
  func run(_ code: String) throws -> [String: Any] {
    let out = try runPython(python, Self.prelude + code, arguments: [folder.path, TestPaths.sharedDatasets.path])
    let line = out.split(separator: "\n").last.map(String.init) ?? ""
    guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
      throw MissingResource("oracle printed no JSON object: \(out.suffix(500))")
    }
    return object
  }

  func doubles(_ name: String) throws -> [Double] {
    let data = try Data(contentsOf: folder.appendingPathComponent(name + ".f64"))
    return data.withUnsafeBytes { raw in
      (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
    }
  }

  func strings(_ name: String) throws -> [String?] {
    let data = try Data(contentsOf: folder.appendingPathComponent(name + ".json"))
    let array = try JSONSerialization.jsonObject(with: data) as? [Any] ?? []
    return array.map { $0 as? String }
  }

  func cleanUp() { try? FileManager.default.removeItem(at: folder) }
}

/// Decodes an oracle number: JSON null = NaN, "inf"/"-inf" strings = infinities.
func number(_ any: Any?) -> Double {
  if let d = any as? Double { return d }
  if let i = any as? Int { return Double(i) }
  if let s = any as? String { return s == "inf" ? .infinity : (s == "-inf" ? -.infinity : .nan) }
  return .nan
}

/// |a − b| ≤ rel·|b| + abs, with NaN == NaN and equal infinities accepted.
func close(_ a: Double, _ b: Double, rel: Double, abs absolute: Double = 0) -> Bool {
  if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
  if a.isInfinite || b.isInfinite { return a == b }
  return Swift.abs(a - b) <= rel * Swift.abs(b) + absolute
}
