import Foundation
import Stats
import Testing

@Suite struct NumericProfileTests {
  static var fields: [(String, KeyPath<NumericProfile, Double>)] {
    [
    ("mean", \.mean), ("std", \.std), ("min", \.min), ("p1", \.p1), ("p5", \.p5), ("q1", \.q1),
    ("median", \.median), ("q3", \.q3), ("p95", \.p95), ("p99", \.p99), ("max", \.max), ("skew", \.skew),
    ("kurtosis", \.kurtosis),
    ]
  }

  /// Every describe figure on real 2004 and 2021 columns (all rows) matches pandas within 1e-9 relative.
  @Test(.needsDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"), .needsPython("anchors")) func matchesPandasOnRealSeasons() throws {
    let oracle = try #require(try Oracle.make())
    defer { oracle.cleanUp() }
    let expected = try oracle.run("""
      out = {}
      cols = ["LOC_X", "LOC_Y", "SHOT_DISTANCE", "QUARTER", "SECONDS_LEFT", "SHOT_MADE"]
      for year in (2004, 2021):
          df = season(year)
          # Plant missing values and a constant column to exercise NaN handling.
          df.loc[::7, "LOC_Y"] = np.nan
          df["CONSTANT"] = 3.3
          # Ill-conditioned: spread 1e-5 around 1e6. Same pairwise sums as numpy → same (inaccurate) skew as pandas.
          df["TINY"] = df["SHOT_DISTANCE"] * 1e-6 + 1e6
          for c in cols + ["CONSTANT", "TINY"]:
              s = df[c].astype(float)
              name = f"{c}_{year}"
              put(name, s.values)
              q = s.quantile([0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
              out[name] = dict(count=int(s.count()), missing=int(s.isna().sum()), zeros=int((s == 0).sum()),
                  mean=num(s.mean()), std=num(s.std()), min=num(s.min()), max=num(s.max()),
                  p1=num(q.iloc[0]), p5=num(q.iloc[1]), q1=num(q.iloc[2]), median=num(q.iloc[3]),
                  q3=num(q.iloc[4]), p95=num(q.iloc[5]), p99=num(q.iloc[6]), skew=num(s.skew()), kurtosis=num(s.kurt()))
      emit(out)
      """)
    #expect(expected.count == 16)
    for (name, value) in expected {
      let e = try #require(value as? [String: Any])
      let profile = try NumericProfile(try oracle.doubles(name), name: name)
      #expect(profile.count == e["count"] as? Int, "\(name) count")
      #expect(profile.missing == e["missing"] as? Int, "\(name) missing")
      #expect(profile.zeros == e["zeros"] as? Int, "\(name) zeros")
      for (field, path) in Self.fields {
        let mine = profile[keyPath: path], theirs = number(e[field])
        // Skew/kurtosis of a constant column: pandas reports 0 after zeroing fp noise; so do we.
        #expect(close(mine, theirs, rel: 1e-9, abs: 1e-300), "\(name).\(field): \(mine) vs pandas \(theirs)")
      }
    }
  }

  @Test func smallSamplesFollowPandas() throws {
    let one = try NumericProfile([5])
    #expect(one.count == 1 && one.mean == 5 && one.std.isNaN && one.skew.isNaN && one.median == 5)
    let two = try NumericProfile([1, .nan, 3])
    #expect(two.count == 2 && two.missing == 1 && two.std == 2.0.squareRoot() && two.skew.isNaN)
    // numpy: np.percentile([1, 3], 25) == 1.5
    #expect(two.q1 == 1.5)
    let three = try NumericProfile([0, 0, 1])
    #expect(three.zeros == 2 && three.kurtosis.isNaN)
    #expect(close(three.skew, 1.7320508075688774, rel: 1e-12))
  }

  @Test func allMissingGivesNaNStatistics() throws {
    let p = try NumericProfile([.nan, .nan])
    #expect(p.count == 0 && p.missing == 2 && p.mean.isNaN && p.median.isNaN && p.max.isNaN)
  }

  @Test func emptyColumnThrowsNamingIt() {
    #expect(throws: StatsError.self) { try NumericProfile([], name: "SHOT_DISTANCE") }
    do {
      _ = try NumericProfile([], name: "SHOT_DISTANCE")
    } catch {
      #expect("\(error)".contains("SHOT_DISTANCE"))
    }
  }

  @Test func radixSortAgreesWithComparisonSort() throws {
    var generator = SplitMix(seed: 7)
    let values = (0..<5000).map { i -> Double in
      switch i % 7 {
      case 0: return -0.0
      case 1: return Double(generator.next() % 100) - 50
      case 2: return .infinity
      case 3: return -Double(generator.next() % 1000) * 1e-300
      default: return Double(Int64(bitPattern: generator.next())) * 1e-10
      }
    }
    let (sorted, nans) = RadixSort.sortedDroppingNaN(values + [.nan])
    #expect(nans == 1)
    #expect(sorted == values.sorted())
    let order = RadixSort.argsort(values)
    #expect(order.map { values[$0] } == values.sorted())
    // describe's selection path gives the same quantiles as the sorted path.
    let viaSelection = try NumericProfile(values + [.nan])
    let viaSort = NumericProfile(sortedNonMissing: sorted, missing: 1)
    #expect(viaSelection.min == viaSort.min && viaSelection.max == viaSort.max)
    #expect([viaSelection.p1, viaSelection.p5, viaSelection.q1, viaSelection.median, viaSelection.q3, viaSelection.p95, viaSelection.p99]
      .elementsEqual([viaSort.p1, viaSort.p5, viaSort.q1, viaSort.median, viaSort.q3, viaSort.p95, viaSort.p99]) { $0 == $1 || ($0.isNaN && $1.isNaN) })
  }

  @Test func quantileRejectsOutOfRange() {
    #expect(throws: StatsError.self) { try Quantiles.quantile(sorted: [1, 2], 1.5) }
    #expect(throws: StatsError.self) { try Quantiles.quantile(sorted: [], 0.5) }
  }
}

/// A tiny deterministic generator for test inputs.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
