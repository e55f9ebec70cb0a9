import Foundation
import Stats
import Testing

/// Every drift statistic against Evidently 0.7's stattest of the same name (which calls scipy) on the 2004
/// and 2021 seasons, plus Evidently's default test selection.
@Suite struct DriftTests {
  static let numeric = ["SHOT_DISTANCE", "LOC_X", "LOC_Y", "SECONDS_LEFT"]
  static let lowCardinality = ["QUARTER", "SHOT_MADE"]
  static let categorical = ["SHOT_TYPE", "BASIC_ZONE", "ZONE_RANGE", "ACTION_TYPE", "POSITION_GROUP"]

  static let oracleCode = """
    from evidently.legacy.calculations import stattests as st
    from evidently.legacy.calculations.stattests.registry import get_stattest
    from evidently.legacy.core import ColumnType
    from scipy import stats
    tests = {"ks": st.ks_stat_test, "chisquare": st.chi_stat_test, "z": st.z_stat_test,
             "wasserstein": st.wasserstein_stat_test, "jensenshannon": st.jensenshannon_stat_test, "psi": st.psi_stat_test}
    ref_all = season(2004, n=5000, seed=5)
    cur_all = season(2021, n=5000, seed=6)
    # Missing values in the reference of one numeric and one categorical column.
    ref_all["LOC_Y"] = ref_all["LOC_Y"].astype(float); ref_all.loc[::9, "LOC_Y"] = np.nan
    ref_all.loc[::10, "BASIC_ZONE"] = None
    num_cols = \(numeric)
    low_cols = \(lowCardinality)
    cat_cols = \(categorical)
    cases = []
    def run(tag, ref, cur, col, kind, names):
        ftype = ColumnType.Categorical if kind != "numerical" else ColumnType.Numerical
        r = ref[col].replace([-np.inf, np.inf], np.nan).dropna()
        c = cur[col].replace([-np.inf, np.inf], np.nan).dropna()
        if kind == "categorical":
            put_strings(f"{tag}_ref", ref[col].tolist()); put_strings(f"{tag}_cur", cur[col].tolist())
        else:
            put(f"{tag}_ref", ref[col].astype(float).values); put(f"{tag}_cur", cur[col].astype(float).values)
        scores = {}
        for name in names:
            res = tests[name](r, c, ftype, None)
            scores[name] = [num(res.drift_score), bool(res.drifted), float(res.actual_threshold)]
        default = get_stattest(r, c, ftype, None)
        cases.append(dict(tag=tag, kind=kind, scores=scores, default=default.name))
    for size in (5000, 700):
        ref = ref_all.iloc[:size]; cur = cur_all.iloc[:int(size * 0.9)]
        for col in num_cols:
            run(f"{col}_{size}", ref, cur, col, "numerical", ["ks", "wasserstein", "jensenshannon", "psi"])
        for col in low_cols:
            run(f"{col}_{size}", ref, cur, col, "numerical", ["ks", "wasserstein", "jensenshannon", "psi", "chisquare", "z"])
            run(f"{col}_cat_{size}", ref, cur, col, "categoricalNumbers", ["jensenshannon", "psi", "chisquare", "z"])
        for col in cat_cols:
            run(f"{col}_{size}", ref, cur, col, "categorical", ["jensenshannon", "psi", "chisquare", "z"])
    # Same season split in two (no drift expected) and a tiny reference.
    half = season(2021, n=10000, seed=7)
    run("DIST_halves", half.iloc[:5000], half.iloc[5000:], "SHOT_DISTANCE", "numerical", ["ks", "wasserstein", "jensenshannon", "psi"])
    planted = half.iloc[5000:].copy()
    rows = planted.sample(frac=0.3, random_state=8).index
    planted.loc[rows, "SHOT_DISTANCE"] = planted.loc[rows, "SHOT_DISTANCE"] + 3
    run("DIST_planted", half.iloc[:5000], planted, "SHOT_DISTANCE", "numerical", ["ks", "wasserstein", "jensenshannon", "psi"])
    run("TYPE_tiny", ref_all.iloc[:30], cur_all.iloc[:25], "SHOT_TYPE", "categorical", ["jensenshannon", "psi", "chisquare", "z"])
    run("DIST_tiny", ref_all.iloc[:30], cur_all.iloc[:25], "SHOT_DISTANCE", "numerical", ["ks", "wasserstein", "jensenshannon", "psi"])
    emit(dict(cases=cases))
    """

  @Test(.needsDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"), .needsPython("anchors")) func everyStatisticMatchesEvidently() throws {
    let oracle = try #require(try Oracle.make())
    defer { oracle.cleanUp() }
    let expected = try oracle.run(Self.oracleCode)
    let cases = try #require(expected["cases"] as? [[String: Any]])
    #expect(cases.count == 30)
    var drifted2004vs2021: [String: Bool] = [:]
    for c in cases {
      let tag = try #require(c["tag"] as? String), kind = try #require(c["kind"] as? String)
      let reference: DriftColumn, current: DriftColumn
      switch kind {
      case "categorical":
        reference = .categorical(try oracle.strings("\(tag)_ref"))
        current = .categorical(try oracle.strings("\(tag)_cur"))
      case "categoricalNumbers":
        reference = .categoricalNumbers(try oracle.doubles("\(tag)_ref"))
        current = .categoricalNumbers(try oracle.doubles("\(tag)_cur"))
      default:
        reference = .numerical(try oracle.doubles("\(tag)_ref"))
        current = .numerical(try oracle.doubles("\(tag)_cur"))
      }
      let scores = try #require(c["scores"] as? [String: [Any]])
      for (name, value) in scores {
        let test = try #require(DriftTest(rawValue: name))
        let r = try Drift.evaluate(reference: reference, current: current, test: test, column: tag)
        let score = number(value[0])
        #expect(close(r.score, score, rel: 1e-6, abs: 1e-300), "\(tag) \(name): \(r.score) vs Evidently \(score)")
        #expect(r.drifted == (value[1] as? Bool), "\(tag) \(name) verdict")
        #expect(r.threshold == number(value[2]), "\(tag) \(name) threshold")
      }
      let automatic = try Drift.evaluate(reference: reference, current: current, column: tag)
      #expect(automatic.test.rawValue == c["default"] as? String, "\(tag): default test \(automatic.test) vs Evidently \(c["default"] ?? "")")
      if tag.hasSuffix("_5000"), !tag.contains("_cat_") { drifted2004vs2021[tag] = automatic.drifted }
      // No false alarm on two halves of one season; a +3 ft shift on 30 % of the rows is detected.
      if tag == "DIST_halves" { #expect(!automatic.drifted) }
      if tag == "DIST_planted" {
        // Evidently's default (normed Wasserstein ≥ 0.1) does NOT flag it: the mean moves 0.9 ft against a
        // ~10 ft std (score ≈ 0.07). KS does. The drift cell must pick its test/threshold accordingly.
        #expect(automatic.test == .wasserstein && !automatic.drifted)
        #expect(try Drift.evaluate(reference: reference, current: current, test: .ks, column: tag).drifted)
      }
    }
    // The 3-point revolution shows as drift in shot type, zone range and distance between 2004 and 2021.
    #expect(drifted2004vs2021["SHOT_TYPE_5000"] == true)
    #expect(drifted2004vs2021["ZONE_RANGE_5000"] == true)
    #expect(drifted2004vs2021["SHOT_DISTANCE_5000"] == true)
  }

  @Test func defaultSelectionFollowsEvidentlyTable() {
    #expect(defaultDriftTest(referenceCount: 1000, uniqueValues: 6, isCategorical: false).test == .ks)
    #expect(defaultDriftTest(referenceCount: 1000, uniqueValues: 5, isCategorical: false).test == .chisquare)
    #expect(defaultDriftTest(referenceCount: 1000, uniqueValues: 2, isCategorical: false).test == .z)
    #expect(defaultDriftTest(referenceCount: 10, uniqueValues: 3, isCategorical: true).test == .chisquare)
    #expect(defaultDriftTest(referenceCount: 10, uniqueValues: 2, isCategorical: true).test == .z)
    #expect(defaultDriftTest(referenceCount: 1001, uniqueValues: 6, isCategorical: false).test == .wasserstein)
    #expect(defaultDriftTest(referenceCount: 1001, uniqueValues: 5, isCategorical: false).test == .jensenshannon)
    #expect(defaultDriftTest(referenceCount: 1001, uniqueValues: 50, isCategorical: true).test == .jensenshannon)
    let ks = defaultDriftTest(referenceCount: 10, uniqueValues: 10, isCategorical: false)
    #expect(ks.threshold == 0.05 && ks.lowerScoreMeansDrift)
    let wd = defaultDriftTest(referenceCount: 5000, uniqueValues: 10, isCategorical: false)
    #expect(wd.threshold == 0.1 && !wd.lowerScoreMeansDrift)
  }

  @Test func clearErrorsAndEdgeCases() throws {
    #expect(throws: StatsError.self) { try Drift.evaluate(reference: .numerical([.nan, .infinity]), current: .numerical([1]), column: "d") }
    #expect(throws: StatsError.self) { try Drift.evaluate(reference: .numerical([1]), current: .categorical(["a"])) }
    #expect(throws: StatsError.self) { try Drift.evaluate(reference: .categorical(["a"]), current: .categorical(["b"]), test: .ks) }
    // All-equal columns: no drift by any test.
    let same = DriftColumn.numerical([Double](repeating: 4, count: 50))
    #expect(try Drift.evaluate(reference: same, current: same).score == 1)  // z: same single value → p = 1
    #expect(try Drift.evaluate(reference: same, current: same, test: .wasserstein).score == 0)
    #expect(try Drift.evaluate(reference: same, current: same, test: .ks).pValueIsOne)
    // A category absent from the reference makes the χ² p-value 0.
    let r = try Drift.evaluate(reference: .categorical(["a", "b", "c", "a"]), current: .categorical(["a", "b", "d", "c"]), test: .chisquare)
    #expect(r.score == 0 && r.drifted)
    // Extreme magnitudes do not trap in the Sturges binning.
    let huge = DriftColumn.numerical((0..<30).map { Double($0) * 1e307 - 1.5e308 })
    _ = try Drift.evaluate(reference: huge, current: huge, test: .psi)
    // One category: scipy's chisquare gives NaN (df = 0) and Evidently reports no drift.
    let single = try Drift.evaluate(reference: .categorical(["a", "a"]), current: .categorical(["a"]), test: .chisquare)
    #expect(single.score.isNaN && !single.drifted)
    // Values checked with Evidently's z stattest: ['a','b','a'] vs ['b','b'] → p = 0.13603712811414348.
    let z = try Drift.evaluate(reference: .categorical(["a", "b", "a"]), current: .categorical(["b", "b"]), test: .z)
    #expect(close(z.score, 0.13603712811414348, rel: 1e-12) && !z.drifted)
  }
}

extension DriftResult {
  var pValueIsOne: Bool { score == 1 }
}
