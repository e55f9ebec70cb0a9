/// Per-column drift between a reference and a current sample, as Evidently 0.7's data-drift metric does it.
public enum Drift {
  /// Drops missing values, picks `test` (or Evidently's default for the column), computes the score and the
  /// verdict. Throws when a sample has no value left, when the two samples are of different kinds, or when
  /// the test does not apply (KS and Wasserstein need a numerical column).
  public static func evaluate(
    reference: DriftColumn, current: DriftColumn, test: DriftTest? = nil, threshold: Double? = nil,
    column: String = "column"
  ) throws -> DriftResult {
    let prepared = try Prepared(reference: reference, current: current, column: column)
    let choice = test.map { DriftTestChoice(test: $0, threshold: threshold) }
      ?? {
        var c = defaultDriftTest(
          referenceCount: prepared.referenceCount, uniqueValues: prepared.uniqueValues,
          isCategorical: prepared.isCategorical)
        if let threshold { c.threshold = threshold }
        return c
      }()
    let score = try prepared.score(choice.test, column: column)
    return DriftResult(
      test: choice.test, score: score, threshold: choice.threshold,
      drifted: choice.test.isDrift(score: score, threshold: choice.threshold),
      lowerScoreMeansDrift: choice.test.lowerScoreMeansDrift, referenceCount: prepared.referenceCount,
      currentCount: prepared.currentCount, uniqueValues: prepared.uniqueValues)
  }

  /// One column to compare: its name, reference and current samples, and optionally a forced test/threshold.
  public struct ColumnPair: Sendable {
    public var name: String
    public var reference: DriftColumn
    public var current: DriftColumn
    public var test: DriftTest?
    public var threshold: Double?
    public init(name: String, reference: DriftColumn, current: DriftColumn, test: DriftTest? = nil, threshold: Double? = nil) {
      self.name = name
      self.reference = reference
      self.current = current
      self.test = test
      self.threshold = threshold
    }
  }

  /// `evaluate` for many columns, in parallel across columns (results do not depend on the thread count).
  /// Throws the error of the first failing column in input order.
  public static func evaluateAll(_ columns: [ColumnPair]) throws -> [DriftResult] {
    try Parallel.map(columns.count) { i in
      let c = columns[i]
      return try evaluate(reference: c.reference, current: c.current, test: c.test, threshold: c.threshold, column: c.name)
    }
  }

  /// The score of `test` alone (no verdict), after dropping missing values.
  public static func score(_ test: DriftTest, reference: DriftColumn, current: DriftColumn, column: String = "column") throws -> Double {
    try Prepared(reference: reference, current: current, column: column).score(test, column: column)
  }

  /// Cleaned, sorted (numbers) or counted (strings) samples shared by every test.
  struct Prepared {
    enum Data {
      case numbers(reference: [Double], current: [Double])
      case strings(CategoryCounts<String>)
    }
    var data: Data
    var isCategorical: Bool
    var referenceCount: Int
    var currentCount: Int
    var uniqueValues: Int
    var referenceUnique: Int

    init(reference: DriftColumn, current: DriftColumn, column: String) throws {
      let ref = reference.cleaned(), cur = current.cleaned()
      guard ref.count > 0 else {
        throw StatsError.empty(what: "reference column `\(column)` for drift", hint: "it has no non-missing value; drop the column or fix the reference table")
      }
      guard cur.count > 0 else {
        throw StatsError.empty(what: "current column `\(column)` for drift", hint: "it has no non-missing value; drop the column or fix the current table")
      }
      referenceCount = ref.count
      currentCount = cur.count
      switch (ref, cur) {
      case (.numbers(let r, let rc), .numbers(let c, let cc)) where rc == cc:
        var rs = r, cs = c
        RadixSort.sort(&rs)
        RadixSort.sort(&cs)
        data = .numbers(reference: rs, current: cs)
        isCategorical = rc
        referenceUnique = Self.distinctSorted(rs)
        uniqueValues = Self.distinctMerged(rs, cs)
      case (.strings(let r), .strings(let c)):
        let refCounts = valueCounts(r)
        let counts = CategoryCounts(referenceCounts: refCounts, currentCounts: valueCounts(c), less: PythonOrder.less)
        data = .strings(counts)
        isCategorical = true
        referenceUnique = refCounts.count
        uniqueValues = counts.keys.count
      default:
        throw StatsError.unsupported(what: "drift of column `\(column)`", reason: "reference and current hold different kinds of values (numerical vs categorical); declare the column the same way in both tables")
      }
    }

    func score(_ test: DriftTest, column: String) throws -> Double {
      switch (test, data) {
      case (.ks, .numbers(let r, let c)):
        guard !isCategorical else { throw notNumerical(test, column) }
        return KolmogorovSmirnov.test(sorted: r, sorted: c).pValue
      case (.wasserstein, .numbers(let r, let c)):
        guard !isCategorical else { throw notNumerical(test, column) }
        return DriftStatistics.normedWasserstein(sortedReference: r, sortedCurrent: c)
      case (.ks, .strings), (.wasserstein, .strings):
        throw notNumerical(test, column)
      case (.chisquare, _):
        let counts = categoryCounts()
        return DriftStatistics.chiSquarePValue(referenceCounts: counts.reference, currentCounts: counts.current)
      case (.z, _):
        let counts = categoryCounts()
        return DriftStatistics.proportionZTestPValue(referenceCounts: counts.reference, currentCounts: counts.current)
      case (.jensenshannon, _):
        let (p, q) = shares()
        return DriftStatistics.jensenShannonDistance(p, q)
      case (.psi, _):
        let (p, q) = shares()
        return DriftStatistics.populationStabilityIndex(DriftStatistics.fillZeroes(p), DriftStatistics.fillZeroes(q))
      }
    }

    /// Reference and current counts per category, categories ascending.
    func categoryCounts() -> (reference: [Int], current: [Int]) {
      switch data {
      case .numbers(let r, let c):
        let counts = CategoryCounts(sortedReference: r, sortedCurrent: c)
        return (counts.reference, counts.current)
      case .strings(let counts):
        return (counts.reference, counts.current)
      }
    }

    /// Evidently `get_binned_data` (before `feel_zeroes`): Sturges histogram for a numerical feature with
    /// more than 20 distinct reference values, otherwise the share of each category.
    func shares() -> ([Double], [Double]) {
      if case .numbers(let r, let c) = data, !isCategorical && referenceUnique > 20 {
        let s = DriftStatistics.sturgesShares(reference: r, current: c)
        return (s.reference, s.current)
      }
      let counts = categoryCounts()
      let nr = Double(referenceCount), nc = Double(currentCount)
      return (counts.reference.map { Double($0) / nr }, counts.current.map { Double($0) / nc })
    }

    func notNumerical(_ test: DriftTest, _ column: String) -> StatsError {
      .unsupported(what: "\(test.rawValue) drift test on column `\(column)`", reason: "it needs a numerical column; use chisquare, z, jensenshannon or psi for categorical data")
    }

    static func distinctSorted(_ v: [Double]) -> Int {
      guard !v.isEmpty else { return 0 }
      var count = 1
      for i in 1..<v.count where v[i] != v[i - 1] { count += 1 }
      return count
    }

    static func distinctMerged(_ a: [Double], _ b: [Double]) -> Int {
      var i = 0, j = 0, count = 0
      var last = Double.nan
      while i < a.count || j < b.count {
        let v: Double
        if j >= b.count || (i < a.count && a[i] <= b[j]) { v = a[i]; i += 1 } else { v = b[j]; j += 1 }
        if count == 0 || v != last { count += 1; last = v }
      }
      return count
    }
  }
}
