import Foundation
import Stats
import Testing

@Suite struct KolmogorovSmirnovTests {
  /// kstwo.sf, smirnov and chi2.sf on grids that reach every branch of scipy's selection.
  @Test(.needsDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"), .needsPython("anchors")) func distributionsMatchScipy() throws {
    let oracle = try #require(try Oracle.make())
    defer { oracle.cleanUp() }
    let expected = try oracle.run("""
      from scipy import stats, special
      ks = []
      for n in [1, 2, 3, 5, 10, 37, 100, 140, 141, 500, 1000, 5000, 20000, 100000, 100001, 250000]:
          for x in [1e-4, 0.3 / n, 0.7 / n, 1.0 / n, 1.5 / n, 0.002, 0.005, 0.01, 0.02, 0.05, 0.08, 0.1, 0.2, 0.3, 0.45, 0.5, 0.6, 0.9, 1 - 0.5 / n, 0.999999]:
              if 0 < x < 1:
                  ks.append([n, x, float(stats.kstwo.sf(x, n))])
      sm = []
      for n in [2, 3, 10, 100, 1000, 20000, 200000]:
          for x in [0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.8, 0.99]:
              sm.append([n, x, float(special.smirnov(n, x))])
      chi = []
      for df in [1, 2, 3, 4, 7, 20, 101, 1000]:
          for x in [0.0, 0.01, 0.5, 1, 2.5, 7, 15, 40, 120, 900, 1500, 5000]:
              chi.append([df, x, float(stats.chi2.sf(x, df))])
      nd = [[z, float(1 - stats.norm.cdf(z))] for z in [-3, -0.5, 0, 0.3, 0.7, 1.2, 1.96, 3.5, 5, 6.3, 7.9]]
      emit(dict(ks=ks, smirnov=sm, chi=chi, ndtr=nd))
      """)
    var worst = 0.0
    for row in try #require(expected["ks"] as? [[Any]]) {
      let n = Int(number(row[0])), x = number(row[1]), p = number(row[2])
      let mine = KolmogorovDistribution.twoSidedSurvival(n: n, x: x)
      if p > 0 { worst = max(worst, abs(mine - p) / p) }
      #expect(close(mine, p, rel: 1e-9, abs: 1e-300), "kstwo.sf(\(x), \(n)) = \(p), mine \(mine)")
    }
    for row in try #require(expected["smirnov"] as? [[Any]]) {
      let n = Int(number(row[0])), x = number(row[1]), p = number(row[2])
      let mine = KolmogorovDistribution.smirnovSurvival(n: n, x: x)
      #expect(close(mine, p, rel: 1e-9, abs: 1e-300), "smirnov(\(n), \(x)) = \(p), mine \(mine)")
    }
    for row in try #require(expected["ndtr"] as? [[Any]]) {
      let z = number(row[0]), upper = number(row[1])
      let mine = 1 - SpecialFunctions.normalCDF(z)
      #expect(close(mine, upper, rel: 1e-9, abs: 1e-300), "1 - norm.cdf(\(z)) = \(upper), mine \(mine)")
    }
    for row in try #require(expected["chi"] as? [[Any]]) {
      let df = number(row[0]), x = number(row[1]), p = number(row[2])
      let mine = SpecialFunctions.chiSquareSurvival(x, degreesOfFreedom: df)
      #expect(close(mine, p, rel: 1e-9, abs: 1e-300), "chi2.sf(\(x), \(df)) = \(p), mine \(mine)")
    }
  }

  /// ks_2samp(method="auto") on real columns: exact small samples (with ties and equal sizes) and
  /// asymptotic large ones.
  @Test(.needsDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"), .needsPython("anchors")) func twoSampleTestMatchesScipyOnRealData() throws {
    let oracle = try #require(try Oracle.make())
    defer { oracle.cleanUp() }
    let expected = try oracle.run("""
      from scipy import stats
      a = season(2004, n=60000, seed=3)
      b = season(2021, n=60000, seed=4)
      cases = []
      sizes = [(1, 1), (1, 5), (3, 3), (5, 8), (10, 10), (17, 40), (40, 17), (60, 60), (100, 73), (250, 250),
               (500, 999), (1000, 1000), (2000, 3001), (10000, 9999), (10001, 40), (10001, 10001), (30000, 12000), (60000, 60000)]
      k = 0
      for col in ["SHOT_DISTANCE", "LOC_X", "SECONDS_LEFT"]:
          for (n1, n2) in sizes:
              x = a[col].values[:n1].astype(float); y = b[col].values[-n2:].astype(float)
              put(f"x{k}", x); put(f"y{k}", y)
              r = stats.ks_2samp(x, y)
              cases.append([k, float(r.statistic), float(r.pvalue)])
              k += 1
      # Same distribution (small D, p near 1) and identical samples.
      for (n1, n2) in [(50, 70), (5000, 5000), (20000, 30000)]:
          x = a["LOC_Y"].values[:n1].astype(float); y = a["LOC_Y"].values[n1:n1 + n2].astype(float)
          put(f"x{k}", x); put(f"y{k}", y)
          r = stats.ks_2samp(x, y); cases.append([k, float(r.statistic), float(r.pvalue)]); k += 1
      emit(dict(cases=cases))
      """)
    for row in try #require(expected["cases"] as? [[Any]]) {
      let k = Int(number(row[0]))
      let x = try oracle.doubles("x\(k)"), y = try oracle.doubles("y\(k)")
      let r = try KolmogorovSmirnov.test(x, y)
      #expect(close(r.statistic, number(row[1]), rel: 1e-12), "case \(k) (\(x.count) vs \(y.count)) D \(r.statistic) vs \(number(row[1]))")
      #expect(close(r.pValue, number(row[2]), rel: 1e-6, abs: 1e-300), "case \(k) (\(x.count) vs \(y.count)) p \(r.pValue) vs \(number(row[2]))")
    }
  }

  @Test func exactSmallCasesWithKnownValues() throws {
    // Disjoint samples of 3: D = 1, exact p = 2 / C(6, 3) = 0.1.
    let disjoint = try KolmogorovSmirnov.test([1, 2, 3], [4, 5, 6])
    #expect(disjoint.statistic == 1 && close(disjoint.pValue, 0.1, rel: 1e-14) && disjoint.exact)
    // Identical samples: D = 0, p = 1.
    let same = try KolmogorovSmirnov.test([1, 1, 2], [2, 1, 1])
    #expect(same.statistic == 0 && same.pValue == 1)
    // NaNs are dropped.
    let withNaN = try KolmogorovSmirnov.test([1, .nan, 2, 3], [4, 5, 6, .nan])
    #expect(withNaN.statistic == 1)
    #expect(throws: StatsError.self) { try KolmogorovSmirnov.test([], [1]) }
    #expect(throws: StatsError.self) { try KolmogorovSmirnov.test([1], [.nan]) }
  }
}
