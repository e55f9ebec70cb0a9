import Stats
import Testing

/// The parallel entry points give byte-identical results to the sequential ones, run after run.
@Suite struct DeterminismTests {
  static func columns() -> [[Double]] {
    var g = SplitMix(seed: 3)
    return (0..<5).map { c in
      (0..<5_000).map { i in
        if c == 2 && i % 9 == 0 { return .nan }
        return c % 2 == 0 ? g.uniform() * 100 - 50 : Double(g.next() % 12)
      }
    }
  }

  @Test func parallelEqualsSequential() throws {
    let cols = Self.columns()
    let batch = try NumericProfile.profiles(cols)
    #expect(try batch == cols.map { try NumericProfile($0) })
    for method in Correlation.Method.allCases {
      let a = try Correlation.matrix(cols, method: method)
      // Each entry is bit for bit what the pair alone gives (a two-column matrix, or the pairwise path for the
      // column with NaN): no result depends on how the parallel pass split the work or on the other columns.
      for i in 0..<cols.count {
        for j in 0..<i {
          let alone = i == 2 || j == 2
            ? Correlation.pairwise(cols[i], cols[j], method: method)
            : try Correlation.matrix([cols[i], cols[j]], method: method)[0][1]
          #expect(a[i][j].bitPattern == alone.bitPattern && a[j][i].bitPattern == alone.bitPattern, "\(method) \(i) \(j)")
        }
      }
      // The fast (NaN-free) path and the pairwise path agree.
      for i in 0..<cols.count {
        for j in 0..<cols.count where i != 2 && j != 2 {
          let p = Correlation.pairwise(cols[i], cols[j], method: method)
          #expect(abs(a[i][j] - p) <= 1e-12 * max(abs(p), 1e-3), "\(method) \(i) \(j)")
        }
      }
    }
    let pairs = (0..<4).map { Drift.ColumnPair(name: "c\($0)", reference: .numerical(cols[$0]), current: .numerical(cols[$0 + 1])) }
    let all = try Drift.evaluateAll(pairs)
    #expect(try all == pairs.map { try Drift.evaluate(reference: $0.reference, current: $0.current, column: $0.name) })
  }
}
