import Foundation
import Testing
import TestSupport

/// The `drift` cell end to end with the built executable, on real NBA seasons prepared by a Python oracle that also
/// computes Evidently 0.7's scores for the same columns and methods (skipped with a reason when data or Python is
/// absent).
@Suite struct DriftCellTests {
  static let columns = ["SHOT_TYPE", "BASIC_ZONE", "ZONE_RANGE", "ACTION_TYPE", "SHOT_DISTANCE", "LOC_X", "LOC_Y",
                        "QUARTER", "SECONDS_LEFT", "SHOT_MADE"]

  /// Writes the CSVs (random halves of 2021, a planted shift, 2004 and 2021 samples) and Evidently's scores.
  static let oracleCode = """
    import sys, json, math, os, warnings
    warnings.filterwarnings("ignore")
    import numpy as np, pandas as pd
    from evidently.legacy.calculations import stattests as st
    from evidently.legacy.calculations.stattests.registry import get_stattest
    from evidently.legacy.core import ColumnType
    OUT, DATA = sys.argv[1], sys.argv[2]
    COLS = \(columns)
    CAT = ["SHOT_TYPE", "BASIC_ZONE", "ZONE_RANGE", "ACTION_TYPE"]
    def season(year, n, seed):
        df = pd.read_csv(f"{DATA}/nba_shots/nba_com_2004_2024/NBA_{year}_Shots.csv.gz",
                         usecols=["SHOT_MADE", "SHOT_TYPE", "BASIC_ZONE", "ZONE_RANGE", "ACTION_TYPE", "LOC_X", "LOC_Y",
                                  "SHOT_DISTANCE", "QUARTER", "MINS_LEFT", "SECS_LEFT"])
        df["SHOT_MADE"] = df["SHOT_MADE"].astype(int)
        df["SECONDS_LEFT"] = df["MINS_LEFT"] * 60 + df["SECS_LEFT"]
        return df[COLS].sample(n=n, random_state=seed).reset_index(drop=True)
    tests = {"ks": st.ks_stat_test, "chisquare": st.chi_stat_test, "z": st.z_stat_test,
             "wasserstein": st.wasserstein_stat_test, "jensenshannon": st.jensenshannon_stat_test, "psi": st.psi_stat_test}
    def scores(ref, cur, methods=None):
        out = {}
        for col in COLS:
            ftype = ColumnType.Categorical if col in CAT else ColumnType.Numerical
            r = ref[col].replace([-np.inf, np.inf], np.nan).dropna(); c = cur[col].replace([-np.inf, np.inf], np.nan).dropna()
            t = get_stattest(r, c, ftype, None) if methods is None else tests[methods]
            res = t(r, c, ftype, None)
            out[col] = dict(test=t.name, score=float(res.drift_score), drifted=bool(res.drifted))
        return out
    half = season(2021, 12000, 7)
    a, b = half.iloc[:6000].reset_index(drop=True), half.iloc[6000:].reset_index(drop=True)
    planted = b.copy()
    rows = planted.sample(frac=0.3, random_state=8).index
    planted.loc[rows, "SHOT_DISTANCE"] = planted.loc[rows, "SHOT_DISTANCE"] + 3
    s04, s21 = season(2004, 20000, 5), season(2021, 20000, 6)
    for name, df in [("half_a", a), ("half_b", b), ("planted", planted), ("s2004", s04), ("s2021", s21)]:
        df.to_csv(os.path.join(OUT, name + ".csv"), index=False)
    ks_planted = tests["ks"](a["SHOT_DISTANCE"], planted["SHOT_DISTANCE"], ColumnType.Numerical, None)
    print(json.dumps(dict(halves=scores(a, b), planted=scores(a, planted), seasons=scores(s04, s21),
                          seasons_psi=scores(s04, s21, "psi"),
                          planted_ks=dict(score=float(ks_planted.drift_score), drifted=bool(ks_planted.drifted)))))
    """

  struct Prepared: @unchecked Sendable {
    let folder: URL
    let expected: [String: Any]
  }

  /// Prepared once per test process (the oracle reads two full seasons).
  static let prepared: Result<Prepared?, any Error> = Result {
    guard try Oracles.sharedDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz") != nil,
          let py = try Oracles.python("anchors") else { return nil }
    let folder = try makeTemporaryDirectory("drift-oracle")
    let out = try runPython(py, oracleCode, arguments: [folder.path, TestPaths.sharedDatasets.path])
    let line = out.split(separator: "\n").last.map(String.init) ?? ""
    guard let expected = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
      throw MissingResource("oracle printed no JSON: \(out.suffix(300))")
    }
    return Prepared(folder: folder, expected: expected)
  }

  static func driftWorkbook(reference: String, current: String, extra: String = "") -> String {
    """
    workbook: d
    cells:
      - id: ref
        kind: load
        source: \(reference)
      - id: cur
        kind: load
        source: \(current)
      - id: drift
        kind: drift
        reference: ref
        current: cur
    \(extra)
    """
  }

  static func result(_ project: Project, _ cell: String = "drift", workbook: String = "d") throws -> [String: Any] {
    let data = try Data(contentsOf: project.root.appendingPathComponent("outputs/\(workbook)/cells/\(cell)/result.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func column(_ result: [String: Any], _ name: String) -> [String: Any] {
    ((result["columns"] as? [String: Any])?[name] as? [String: Any]) ?? [:]
  }

  static func relativeClose(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool {
    abs(a - b) <= tolerance * max(abs(b), 1e-300) || abs(a - b) < 1e-12
  }

  @Test(.needsDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"), .needsPython("anchors")) func randomHalvesOfOneSeasonDoNotDrift() throws {
    let data = try #require(try Self.prepared.get())
    let project = try Project()
    defer { project.remove() }
    try project.write("d.yaml", Self.driftWorkbook(reference: data.folder.appendingPathComponent("half_a.csv").path,
                                                   current: data.folder.appendingPathComponent("half_b.csv").path))
    let run = try project.workbench(["run", "d.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let r = try Self.result(project)
    #expect(r["dataset_drift"] as? Bool == false)
    #expect(r["tested_columns"] as? Int == 10)
    let expected = try #require(data.expected["halves"] as? [String: [String: Any]])
    for (name, e) in expected {
      let c = Self.column(r, name)
      #expect(c["test"] as? String == e["test"] as? String, "\(name)")
      #expect(c["drifted"] as? Bool == e["drifted"] as? Bool, "\(name)")
      #expect(Self.relativeClose(c["score"] as? Double ?? .nan, e["score"] as? Double ?? .nan), "\(name): \(c) vs \(e)")
    }
    // No drifted column, so no plot.
    let files = try FileManager.default.contentsOfDirectory(atPath: project.root.appendingPathComponent("outputs/d/cells/drift").path)
    #expect(!files.contains { $0.hasSuffix(".svg") })
    // --fail-on drift does not fire without drift.
    #expect(try project.workbench(["run", "d.yaml", "--fail-on", "drift"]).status == 0)
  }

  @Test(.needsDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"), .needsPython("anchors")) func plantedDistanceShiftIsMissedByTheDefaultAndCaughtByKS() throws {
    let data = try #require(try Self.prepared.get())
    let project = try Project()
    defer { project.remove() }
    let ref = data.folder.appendingPathComponent("half_a.csv").path, cur = data.folder.appendingPathComponent("planted.csv").path
    try project.write("d.yaml", Self.driftWorkbook(reference: ref, current: cur))
    #expect(try project.workbench(["run", "d.yaml"]).status == 0)
    let defaults = try Self.result(project)
    let distance = Self.column(defaults, "SHOT_DISTANCE")
    let expected = try #require((data.expected["planted"] as? [String: [String: Any]])?["SHOT_DISTANCE"])
    #expect(distance["test"] as? String == "wasserstein")
    #expect(distance["drifted"] as? Bool == false)  // normed Wasserstein ≈ 0.07 < 0.1
    #expect(Self.relativeClose(distance["score"] as? Double ?? .nan, expected["score"] as? Double ?? .nan))

    try project.write("d.yaml", Self.driftWorkbook(reference: ref, current: cur) + "    tests: {SHOT_DISTANCE: ks}\n")
    let run = try project.workbench(["run", "d.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let ks = Self.column(try Self.result(project), "SHOT_DISTANCE")
    let expectedKS = try #require(data.expected["planted_ks"] as? [String: Any])
    #expect(ks["test"] as? String == "ks")
    #expect(ks["drifted"] as? Bool == true)
    #expect(Self.relativeClose(ks["score"] as? Double ?? .nan, expectedKS["score"] as? Double ?? .nan))
    // The drifted column gets a plot; the report declares the sample.
    #expect(project.exists("outputs/d/cells/drift/drift_1_SHOT_DISTANCE.svg"))
    #expect(try project.read("outputs/d/index.html").contains("seeded random sample"))
  }

  @Test(.needsDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"), .needsPython("anchors")) func seasons2004And2021DriftLikeEvidently() throws {
    let data = try #require(try Self.prepared.get())
    let project = try Project()
    defer { project.remove() }
    let ref = data.folder.appendingPathComponent("s2004.csv").path, cur = data.folder.appendingPathComponent("s2021.csv").path
    try project.write("d.yaml", Self.driftWorkbook(reference: ref, current: cur, extra: """
        - id: psi
          kind: drift
          reference: ref
          current: cur
          method: psi
        - id: ks
          kind: drift
          reference: ref
          current: cur
          method: ks
          columns: [SHOT_DISTANCE]
      """))
    let run = try project.workbench(["run", "d.yaml", "--fail-on", "drift"])
    #expect(run.status == 1, "--fail-on drift exits 1 on drift: \(run.stderr)")
    #expect(run.stderr.contains("--fail-on drift"))
    let r = try Self.result(project)
    #expect(r["dataset_drift"] as? Bool == true)
    for name in ["SHOT_TYPE", "ZONE_RANGE", "SHOT_DISTANCE"] { #expect(Self.column(r, name)["drifted"] as? Bool == true, "\(name)") }
    for (key, cell) in [("seasons", "drift"), ("seasons_psi", "psi")] {
      let result = try Self.result(project, cell)
      let expected = try #require(data.expected[key] as? [String: [String: Any]])
      #expect(expected.count == 10)
      for (name, e) in expected {
        let c = Self.column(result, name)
        #expect(c["test"] as? String == e["test"] as? String, "\(cell) \(name)")
        #expect(c["drifted"] as? Bool == e["drifted"] as? Bool, "\(cell) \(name)")
        #expect(Self.relativeClose(c["score"] as? Double ?? .nan, e["score"] as? Double ?? .nan), "\(cell) \(name): \(c) vs \(e)")
      }
    }
    // p-values on 20,000 values: the large-n warning.
    let ks = try Self.result(project, "ks")
    #expect((ks["warnings"] as? [String])?.contains { $0.contains("p-values flag even negligible differences") } == true)
    #expect(run.stderr.contains("p-values flag even negligible differences"))
    // Summary first, bounded plots: one figure per drifted column (≤ 8), each SVG small.
    let html = try project.read("outputs/d/index.html")
    let verdict = try #require(html.range(of: "Dataset drift"))
    let firstFigure = try #require(html.range(of: "<svg"))
    #expect(verdict.lowerBound < firstFigure.lowerBound)
    let folder = project.root.appendingPathComponent("outputs/d/cells/drift")
    let svgs = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".svg") }
    #expect(svgs.count == min(8, r["drifted_columns"] as? Int ?? 0))
    for s in svgs {
      let size = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(s).path)[.size] as? Int ?? 0
      #expect(size < 400_000, "\(s) is \(size) bytes")
    }
  }
}
