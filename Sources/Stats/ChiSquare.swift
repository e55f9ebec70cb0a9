/// Pearson's χ² statistic for contingency tables (used by Cramér's V).
enum ChiSquare {
  /// Σ (O − E)² / E with E = row total · column total / n; 0 when df = 0 (one row or column), as scipy's
  /// `chi2_contingency` returns.
  static func contingencyStatistic(_ table: [Double], rows: Int, cols: Int) -> Double {
    guard rows > 1, cols > 1 else { return 0 }
    var rowSums = [Double](repeating: 0, count: rows), colSums = [Double](repeating: 0, count: cols)
    for r in 0..<rows {
      for c in 0..<cols {
        rowSums[r] += table[r * cols + c]
        colSums[c] += table[r * cols + c]
      }
    }
    let n = rowSums.reduce(0, +)
    var stat = CompensatedSum()
    for r in 0..<rows {
      for c in 0..<cols {
        let expected = rowSums[r] * colSums[c] / n
        let d = table[r * cols + c] - expected
        stat.add(d * d / expected)
      }
    }
    return stat.value
  }
}
