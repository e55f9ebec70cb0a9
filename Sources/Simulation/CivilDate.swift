/// Proleptic Gregorian date arithmetic without Foundation calendars or time zones (deterministic everywhere).
enum CivilDate {
  static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

  static func daysIn(_ month: Int, _ year: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// yyyymmdd of the given date plus `plusDays` (≥ 0).
  static func yyyymmdd(year: Int, month: Int, day: Int, plusDays: Int) -> Int {
    var (y, m, d) = (year, month, day)
    var remaining = max(0, plusDays)
    while remaining > 0 {
      let left = daysIn(m, y) - d
      if remaining <= left { d += remaining; remaining = 0 } else {
        remaining -= left + 1
        d = 1
        m += 1
        if m > 12 { m = 1; y += 1 }
      }
    }
    return y * 10_000 + m * 100 + d
  }
}
