/// Cramér's V between two categorical columns, matching
/// `scipy.stats.contingency.association(table, method="cramer")` (no Yates correction, no bias correction):
/// V = √(χ² / (n · (min(r, c) − 1))) where χ² is Pearson's statistic of the r × c contingency table of the
/// rows where both values are present.
///
/// Returns NaN when either column has a single category (scipy returns NaN there as well).
public enum CramersV {
  public static func compute(_ x: [String?], _ y: [String?], names: (String, String) = ("x", "y")) throws -> Double {
    guard x.count == y.count else {
      throw StatsError.lengthMismatch(what: "column `\(names.1)` for Cramér's V with `\(names.0)`", expected: x.count, actual: y.count)
    }
    var rowIndex: [String: Int] = [:], colIndex: [String: Int] = [:]
    var cells: [(Int, Int)] = []
    cells.reserveCapacity(x.count)
    for i in 0..<x.count {
      guard let a = x[i], let b = y[i] else { continue }
      let r = rowIndex[a] ?? { let v = rowIndex.count; rowIndex[a] = v; return v }()
      let c = colIndex[b] ?? { let v = colIndex.count; colIndex[b] = v; return v }()
      cells.append((r, c))
    }
    guard !cells.isEmpty else {
      throw StatsError.empty(what: "Cramér's V of `\(names.0)` and `\(names.1)`", hint: "no row has both values present")
    }
    let rows = rowIndex.count, cols = colIndex.count
    var table = [Double](repeating: 0, count: rows * cols)
    for (r, c) in cells { table[r * cols + c] += 1 }
    return fromTable(table, rows: rows, cols: cols)
  }

  /// Cramér's V of a row-major `rows × cols` table of counts.
  public static func fromTable(_ table: [Double], rows: Int, cols: Int) -> Double {
    let chi2 = ChiSquare.contingencyStatistic(table, rows: rows, cols: cols)
    let n = table.reduce(0, +)
    let k = Swift.min(rows, cols) - 1
    guard k > 0 else { return .nan }
    return (chi2 / n / Double(k)).squareRoot()
  }
}
