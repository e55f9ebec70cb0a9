import Foundation
import Testing
import TestSupport

/// `correlate` and `describe` rates through the real executable, checked against pandas/scipy.
@Suite("EDA correlate and rates", .serialized)
struct EDACorrelateTests {
  static let workbook = """
    workbook: corr
    cells:
      - id: shots
        kind: load
        source: shots.csv
      - id: corr
        kind: correlate
        input: shots
        method: both
        target: made
        categorical: [zone, type, period]
      - id: prof
        kind: describe
        input: shots
        columns: [made, distance]
        rates:
          target: made
          by: [zone, type, period]
          bins: {seconds: [0, 60, 180, 360, 720]}

    """

  /// Runs the workbook once (figures only when gnuplot is present).
  static func run(plots: Bool) throws -> Project {
    let p = try Project()
    try p.write("shots.csv", edaShotsCSV(rows: 400, seed: 5))
    var text = workbook
    if !plots {
      text = text.replacingOccurrences(of: "categorical: [zone, type, period]", with: "categorical: [zone, type, period]\n    plots: false")
      text = text.replacingOccurrences(of: "bins: {seconds: [0, 60, 180, 360, 720]}", with: "bins: {seconds: [0, 60, 180, 360, 720]}\n      plots: false")
    }
    try p.write("corr.yaml", text)
    let out = try p.workbench(["run", "corr.yaml"])
    #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
    return p
  }

  static func close(_ a: Any?, _ b: Any?, tolerance: Double = 1e-12) -> Bool {
    switch (a, b) {
    case (is NSNull, is NSNull), (nil, is NSNull), (is NSNull, nil): return true
    case (let x as Double, let y as Double): return abs(x - y) <= tolerance * max(1, abs(y))
    default: return false
    }
  }

  @Test(.needsPython("anchors")) func matricesTargetAndCramersVMatchPandas() throws {
    let py = try #require(try Oracles.python("anchors"))
    let plots = edaGnuplotAvailable()
    let p = try Self.run(plots: plots)
    defer { p.remove() }
    let result = try p.cellResult("corr", "corr")
    let expected = try #require(try JSONSerialization.jsonObject(with: Data(runPython(py, """
      import json, sys, math
      import pandas as pd
      from scipy.stats.contingency import association
      df = pd.read_csv(sys.argv[1])
      num = df[["period", "seconds", "x", "y", "distance", "made"]]
      def clean(m):
          return {r: {c: (None if (v is None or math.isnan(v)) else float(v)) for c, v in row.items()} for r, row in m.items()}
      out = {"pearson": clean(num.corr(method="pearson").to_dict(orient="index")),
             "spearman": clean(num.corr(method="spearman").to_dict(orient="index"))}
      present = num.notna().astype(int)
      out["counts"] = {r: {c: float(v) for c, v in row.items()} for r, row in (present.T @ present).to_dict(orient="index").items()}
      out["target"] = {c: {"pearson": num[c].corr(num["made"]), "spearman": num[c].corr(num["made"], method="spearman")}
                       for c in num.columns if c != "made"}
      cats = ["zone", "type", "period"]
      out["cramers_v"] = {a: {b: float(association(pd.crosstab(df[a], df[b]).values, method="cramer")) for b in cats} for a in cats}
      print(json.dumps(out))
      """, arguments: [p.root.appendingPathComponent("shots.csv").path]).utf8)) as? [String: Any])

    #expect(result["columns"] as? [String] == ["period", "seconds", "x", "y", "distance", "made"])
    for key in ["pearson", "spearman", "counts"] {
      let mine = try #require(result[key] as? [String: [String: Any]], "\(key)")
      let theirs = try #require(expected[key] as? [String: [String: Any]])
      for (r, row) in theirs {
        for (c, v) in row {
          let m = mine[r]?[c]
          #expect(Self.close(m.map { ($0 as? NSNumber)?.doubleValue ?? $0 } ?? nil, v), "\(key)[\(r)][\(c)]: \(String(describing: m)) vs \(v)")
        }
      }
    }
    // Target: every column but the target, strongest |pearson| first, values as pandas.
    let target = try #require(result["target"] as? [String: Any])
    let entries = try #require(target["correlations"] as? [[String: Any]])
    #expect(entries.count == 5)
    let expectedTarget = try #require(expected["target"] as? [String: [String: Double]])
    for e in entries {
      let c = try #require(e["column"] as? String)
      #expect(Self.close(e["pearson"], expectedTarget[c]?["pearson"]), "target pearson \(c)")
      #expect(Self.close(e["spearman"], expectedTarget[c]?["spearman"]), "target spearman \(c)")
    }
    let magnitudes = entries.map { abs($0["pearson"] as? Double ?? 0) }
    #expect(magnitudes == magnitudes.sorted(by: >))
    // Cramér's V as scipy's association(method="cramer").
    let cramer = try #require((result["cramers_v"] as? [String: Any])?["matrix"] as? [String: [String: Any]])
    for (a, row) in try #require(expected["cramers_v"] as? [String: [String: Double]]) {
      for (b, v) in row { #expect(Self.close(cramer[a]?[b], v, tolerance: 1e-10), "V[\(a)][\(b)]") }
    }
    // Tables: the matrices as CSV.
    let pearsonCSV = try p.read("outputs/corr/cells/corr/pearson.csv")
    #expect(pearsonCSV.hasPrefix("column,period,seconds,x,y,distance,made\n"))
    #expect(p.exists("outputs/corr/cells/corr/target.csv") && p.exists("outputs/corr/cells/corr/cramers_v.csv"))
    if plots {
      for name in ["correlation_pearson", "correlation_spearman", "correlation_target", "cramers_v"] {
        let svg = try EDASVG.parse(try p.cellFile("corr", "corr", "\(name).svg"))
        #expect(!svg.texts.isEmpty, "\(name)")
        #expect(p.exists("outputs/corr/cells/corr/\(name).gp"))
      }
      // The heatmap prints the values: the diagonal 1.00 and the made/distance coefficient.
      let heat = try EDASVG.parse(try p.cellFile("corr", "corr", "correlation_pearson.svg")).texts
      #expect(heat.contains("1.00"))
      let r = try #require((expected["pearson"] as? [String: [String: Double]])?["distance"]?["made"])
      #expect(heat.contains(String(format: "%.2f", r)))
    }
  }

  @Test(.needsPython("anchors")) func ratesMatchPandasGroupBy() throws {
    let py = try #require(try Oracles.python("anchors"))
    let plots = edaGnuplotAvailable()
    let p = try Self.run(plots: plots)
    defer { p.remove() }
    let rates = try #require(try p.cellResult("corr", "prof")["rates"] as? [String: Any])
    // The lead's fields are still there.
    #expect((try p.cellResult("corr", "prof")["columns"] as? [String: Any])?["made"] != nil)
    let expected = try #require(try JSONSerialization.jsonObject(with: Data(runPython(py, """
      import json, sys
      import pandas as pd
      df = pd.read_csv(sys.argv[1])
      out = {}
      for c in ["zone", "type", "period"]:
          g = df.groupby(c)["made"].agg(["count", "mean"])
          out[c] = [[str(k), int(r["count"]), float(r["mean"])] for k, r in g.iterrows()]
      b = pd.cut(df["seconds"], [0, 60, 180, 360, 720], include_lowest=True)
      g = df.groupby(b, observed=True)["made"].agg(["count", "mean"])
      out["seconds"] = [[None, int(r["count"]), float(r["mean"])] for k, r in g.iterrows()]
      out["overall"] = float(df["made"].mean())
      print(json.dumps(out))
      """, arguments: [p.root.appendingPathComponent("shots.csv").path]).utf8)) as? [String: Any])
    #expect(Self.close(rates["rate"], expected["overall"]))
    let groupings = try #require(rates["groupings"] as? [[String: Any]])
    #expect(groupings.map { $0["column"] as? String } == ["zone", "type", "period", "seconds"])
    for g in groupings {
      let column = try #require(g["column"] as? String)
      let mine = try #require(g["groups"] as? [[String: Any]])
      let theirs = try #require(expected[column] as? [[Any]])
      #expect(mine.count == theirs.count, "\(column)")
      for (m, t) in zip(mine, theirs) {
        if let key = t[0] as? String { #expect(m["key"] as? String == key, "\(column) key") }
        #expect(m["count"] as? Int == t[1] as? Int, "\(column) count")
        #expect(Self.close(m["rate"], t[2]), "\(column) rate")
      }
    }
    let seconds = try #require(groupings.last?["groups"] as? [[String: Any]])
    #expect(seconds.map { $0["key"] as? String } == ["[0, 60]", "(60, 180]", "(180, 360]", "(360, 720]"])
    #expect(groupings.last?["missing"] as? Int == 24)  // rows 0, 17, … without seconds
    let report = try p.read("outputs/corr/report.md")
    #expect(report.contains("Rate of made by zone"))
    #expect(report.contains("Rate of made by seconds bucket"))
    if plots {
      #expect(p.exists("outputs/corr/cells/prof/rate_1_zone.svg") && p.exists("outputs/corr/cells/prof/rate_4_seconds.svg"))
    }
  }

  @Test func unknownTargetAndCategoricalColumnsAreNamed() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", edaShotsCSV(rows: 30))
    try p.write("bad.yaml", shotsWorkbook("bad", """
        - id: corr
          kind: correlate
          input: shots
          target: mde
          plots: false
        - id: prof
          kind: describe
          input: shots
          rates: {target: made, by: [zones]}

      """))
    let out = try p.workbench(["run", "bad.yaml"])
    #expect(out.status == 1)
    let text = out.stdout + out.stderr
    #expect(text.contains("unknown column `mde` in `target`") && text.contains("did you mean `made`?"), "\(text)")
    #expect(text.contains("unknown column `zones` in `rates.by`") && text.contains("did you mean `zone`?"), "\(text)")
  }
}
