/// Shortest round-tripping text for a Double ("1.5", "2.0", "0.1", "1e+16"); NaN is "NaN", infinities "inf" and
/// "-inf"; integral values below 1e15 print without ".0" when `integralWithoutPoint` is true ("2"). The one
/// float-to-text rule for data (CSV exports, table cells, group keys, class labels), so outputs are byte-stable.
///
/// Deliberately separate contracts, each documented where it lives: `JSONValue.formatDouble` (JSON: non-finite
/// is `null`, integral values keep ".0"), MLflow metric files (`nan`, Python's spelling), gnuplot literals
/// (fixed decimals), report prose (`ReadableNumber`, French `FactSheet` numbers) and cell summaries
/// (`TableOps.formatNumber`, `%g` with "—" for missing).
public func formatFloat(_ v: Double, integralWithoutPoint: Bool = false) -> String {
  if v.isNaN { return "NaN" }
  if v.isInfinite { return v > 0 ? "inf" : "-inf" }
  if integralWithoutPoint, v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
  return "\(v)"
}
