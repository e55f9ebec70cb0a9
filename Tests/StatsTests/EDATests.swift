import Foundation
import Stats
import Testing

/// Categorical profiles, group-by rates, binning, correlations and Cramér's V against pandas / scipy on
/// 20 000 real 2021 shots (with planted missing values).
@Suite struct EDATests {
  static let numericColumns = ["LOC_X", "LOC_Y", "SHOT_DISTANCE", "QUARTER", "SECONDS_LEFT", "MINS_LEFT", "SHOT_MADE"]
  static let categoricalColumns = ["SHOT_TYPE", "BASIC_ZONE", "ZONE_RANGE", "ACTION_TYPE", "POSITION"]

  static let oracleCode = """
    from scipy.stats.contingency import association
    df = season(2021, n=20000, seed=1)
    df.loc[::11, "LOC_Y"] = np.nan
    df.loc[::13, "SHOT_DISTANCE"] = np.nan
    df.loc[::17, "BASIC_ZONE"] = None
    num_cols = \(numericColumns)
    cat_cols = \(categoricalColumns)
    for c in num_cols: put(c, df[c].astype(float).values)
    for c in cat_cols: put_strings(c, df[c].tolist())
    out = {"pearson": df[num_cols].corr().values.tolist(),
           "spearman": df[num_cols].corr(method="spearman").values.tolist(),
           "pearson_target": [df[c].corr(df["SHOT_MADE"]) for c in num_cols],
           "spearman_target": [df[c].corr(df["SHOT_MADE"], method="spearman") for c in num_cols]}
    cats = {}
    for c in cat_cols:
        s = df[c]
        vc = s.value_counts()
        items = sorted(vc.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        cats[c] = dict(distinct=int(s.nunique()), missing=int(s.isna().sum()), count=int(s.count()),
                       top=[[k, int(v), float(v / s.count())] for k, v in items])
    out["categorical"] = cats
    rates = {}
    for c in ["BASIC_ZONE", "SHOT_TYPE"]:
        g = df.groupby(c)["SHOT_MADE"].agg(["count", "mean"])
        rates[c] = [[k, int(r["count"]), float(r["mean"])] for k, r in g.iterrows()]
    g = df.groupby("QUARTER")["SHOT_MADE"].agg(["count", "mean"])
    rates["QUARTER"] = [[str(k), int(r["count"]), float(r["mean"])] for k, r in g.iterrows()]
    edges = [0, 5, 24, 60, 120, 300, 720]
    binned = pd.cut(df["SECONDS_LEFT"], edges, include_lowest=True)
    g = df.groupby(binned, observed=True)["SHOT_MADE"].agg(["count", "mean"])
    rates["SECONDS_BUCKET"] = [[str(i), int(r["count"]), float(r["mean"])] for i, (k, r) in enumerate(g.iterrows())]
    out["bins"] = [None if pd.isna(v) else int(v) for v in pd.cut(df["SECONDS_LEFT"], edges, include_lowest=True, labels=False)]
    out["rates"] = rates
    cv = {}
    for i, a in enumerate(cat_cols):
        for b in cat_cols[i + 1:]:
            t = pd.crosstab(df[a], df[b])
            cv[a + "|" + b] = float(association(t.values, method="cramer"))
    out["cramer"] = cv
    emit(out)
    """

  @Test(.needsDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"), .needsPython("anchors")) func matchesPandasAndScipy() throws {
    let oracle = try #require(try Oracle.make())
    defer { oracle.cleanUp() }
    let expected = try oracle.run(Self.oracleCode)
    let numeric = try Self.numericColumns.map { try oracle.doubles($0) }
    var categorical: [String: [String?]] = [:]
    for c in Self.categoricalColumns { categorical[c] = try oracle.strings(c) }

    // Correlation matrices and correlation with the target.
    for method in Correlation.Method.allCases {
      let mine = try Correlation.matrix(numeric, method: method, names: Self.numericColumns)
      let theirs = try #require(expected[method.rawValue] as? [[Any]])
      for i in 0..<numeric.count {
        for j in 0..<numeric.count {
          #expect(close(mine[i][j], number(theirs[i][j]), rel: 1e-9, abs: 1e-15), "\(method) [\(Self.numericColumns[i]), \(Self.numericColumns[j])]: \(mine[i][j]) vs \(number(theirs[i][j]))")
        }
      }
      let target = try Correlation.withTarget(numeric, target: numeric[6], method: method)
      let theirTarget = try #require(expected["\(method.rawValue)_target"] as? [Any])
      for i in 0..<numeric.count {
        #expect(close(target[i], number(theirTarget[i]), rel: 1e-9, abs: 1e-15), "\(method) target \(Self.numericColumns[i])")
      }
    }

    // Categorical profiles.
    let cats = try #require(expected["categorical"] as? [String: [String: Any]])
    for (name, e) in cats {
      let profile = try CategoricalProfile(try #require(categorical[name]), topK: 5, name: name)
      #expect(profile.distinct == e["distinct"] as? Int)
      #expect(profile.missing == e["missing"] as? Int)
      #expect(profile.count == e["count"] as? Int)
      let top = try #require(e["top"] as? [[Any]])
      #expect(profile.top.map(\.value) == top.map { $0[0] as? String ?? "" }, "\(name) top values")
      #expect(profile.top.map(\.count) == top.map { $0[1] as? Int ?? -1 })
      for (entry, t) in zip(profile.top, top) { #expect(close(entry.frequency, number(t[2]), rel: 1e-12)) }
    }

    // Group-by rates (string keys, numeric keys, explicit bins).
    let rates = try #require(expected["rates"] as? [String: [[Any]]])
    func check(_ mine: GroupRates, _ name: String) throws {
      let theirs = try #require(rates[name])
      #expect(mine.groups.map(\.key) == theirs.map { $0[0] as? String ?? "" }, "\(name) keys")
      #expect(mine.groups.map(\.count) == theirs.map { $0[1] as? Int ?? -1 }, "\(name) counts")
      for (g, t) in zip(mine.groups, theirs) { #expect(close(g.mean, number(t[2]), rel: 1e-12), "\(name) \(g.key)") }
    }
    try check(GroupRates(keys: try #require(categorical["BASIC_ZONE"]), target: numeric[6]), "BASIC_ZONE")
    try check(GroupRates(keys: try #require(categorical["SHOT_TYPE"]), target: numeric[6]), "SHOT_TYPE")
    try check(GroupRates(numericKeys: numeric[3], target: numeric[6]), "QUARTER")
    let binning = try Binning(edges: [0, 5, 24, 60, 120, 300, 720], includeLowest: true)
    let bucketed = try GroupRates(binning: binning, values: numeric[4], target: numeric[6])
    let theirBuckets = try #require(rates["SECONDS_BUCKET"])
    #expect(bucketed.groups.map(\.count) == theirBuckets.map { $0[1] as? Int ?? -1 })
    for (g, t) in zip(bucketed.groups, theirBuckets) { #expect(close(g.mean, number(t[2]), rel: 1e-12)) }
    #expect(bucketed.groups.first?.key == "[0, 5]")
    let theirBins = try #require(expected["bins"] as? [Any])
    #expect(binning.bins(numeric[4]) == theirBins.map { $0 as? Int })

    // Cramér's V.
    let cramer = try #require(expected["cramer"] as? [String: Any])
    for (pair, value) in cramer {
      let names = pair.split(separator: "|").map(String.init)
      let v = try CramersV.compute(try #require(categorical[names[0]]), try #require(categorical[names[1]]), names: (names[0], names[1]))
      #expect(close(v, number(value), rel: 1e-9), "Cramér's V \(pair): \(v) vs \(number(value))")
    }
  }

  @Test func tieBreakIsCountThenValue() throws {
    let p = try CategoricalProfile(["b", "a", nil, "c", "b", "a", "é", "Z"], topK: 3)
    #expect(p.top.map(\.value) == ["a", "b", "Z"])
    #expect(p.missing == 1 && p.count == 7 && p.distinct == 5)
    #expect(throws: StatsError.self) { try CategoricalProfile([], topK: 3) }
    let codes = try CategoricalProfile(codes: [3, 3, nil, 1])
    #expect(codes.top.first?.value == "3")
  }

  @Test func correlationEdgeCases() throws {
    // Constant column → NaN (zero variance), as pandas.
    let m = try Correlation.matrix([[1, 2, 3, 4], [5, 5, 5, 5]])
    #expect(m[0][0] == 1 && m[0][1].isNaN && m[1][1].isNaN)
    // Ties: Spearman uses average ranks.
    let s = Correlation.pairwise([1, 2, 2, 3], [1, 3, 2, 4], method: .spearman)
    #expect(close(s, 0.9486832980505138, rel: 1e-12))
    #expect(throws: StatsError.self) { try Correlation.matrix([[1, 2], [1]]) }
    #expect(throws: StatsError.self) { try Correlation.matrix([]) }
    #expect(Correlation.pairwise([1, .nan], [.nan, 2]).isNaN)
    #expect(try CramersV.compute(["a", "a"], ["x", "y"]).isNaN)
    #expect(throws: StatsError.self) { try CramersV.compute([nil], ["x"]) }
  }

  @Test func ranksAgreeOnBothPaths() {
    var g = SplitMix(seed: 11)
    let lowCardinality = (0..<3000).map { _ in Double(g.next() % 40) - 20 + (g.next() % 5 == 0 ? -0.0 : 0) }
    let continuous = (0..<3000).map { _ in g.uniform() * 1e3 - 500 }
    for values in [lowCardinality, continuous, [0.0, -0.0, 1, 1, 1]] {
      #expect(Ranks.average(values) == Ranks.averageByArgsortForTesting(values))
    }
    #expect(Ranks.average([0.0, -0.0, 1]) == [1.5, 1.5, 3])
  }

  @Test func binningValidatesEdges() {
    #expect(throws: StatsError.self) { try Binning(edges: [1]) }
    #expect(throws: StatsError.self) { try Binning(edges: [0, 2, 2]) }
    #expect(throws: StatsError.self) { try Binning(edges: [0, .nan]) }
    let b = try? Binning(edges: [0, 10, 20])
    #expect(b?.bin(0) == nil && b?.bin(10) == 0 && b?.bin(10.5) == 1 && b?.bin(25) == nil)
    #expect(b?.label(1) == "(10, 20]")
    let left = try? Binning(edges: [0, 10, 20], rightClosed: false)
    #expect(left?.bin(0) == 0 && left?.bin(10) == 1 && left?.bin(20) == nil)
  }
}
