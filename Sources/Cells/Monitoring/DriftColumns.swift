import Engine
import Foundation
import Frame
import Learn
import Plotting
import Stats
import WorkbenchCore

/// Turning frame columns into drift samples, and drawing reference vs current distributions for the drift cell.
enum DriftColumns {
  /// The column as the drift tests see it: numbers (NaN = missing) unless it holds text or is forced categorical.
  /// Booleans count as categories (Evidently infers `bool` columns as categorical).
  static func sample(_ column: Column, categorical: Bool) -> DriftColumn {
    switch column.storage {
    case .string(let codes, let dictionary):
      var out = [String?](repeating: nil, count: codes.count)
      for i in 0..<codes.count where !column.isNull(i) { out[i] = dictionary[Int(codes[i])] }
      return .categorical(out)
    case .bool:
      return .categorical((0..<column.count).map { column.isNull($0) ? nil : column.value(at: $0).description })
    case .int, .float:
      let values = numbers(column)
      return categorical ? .categoricalNumbers(values) : .numerical(values)
    }
  }

  /// Numeric values with NaN for nulls (strings give all-NaN).
  static func numbers(_ column: Column) -> [Double] {
    switch column.storage {
    case .int(let v):
      var out = v.map { Double($0) }
      if let valid = column.validity { for i in 0..<out.count where !valid[i] { out[i] = .nan } }
      return out
    case .float(let v):
      guard let valid = column.validity else { return v }
      var out = v
      for i in 0..<out.count where !valid[i] { out[i] = .nan }
      return out
    case .bool(let v):
      return v.indices.map { column.isNull($0) ? .nan : (v[$0] ? 1 : 0) }
    case .string:
      return [Double](repeating: .nan, count: column.count)
    }
  }

  /// Non-missing value count of a drift sample (what `min_rows` compares against).
  static func nonMissingCount(_ sample: DriftColumn) -> Int {
    switch sample {
    case .numerical(let v), .categoricalNumbers(let v): return v.reduce(0) { $0 + ($1.isFinite ? 1 : 0) }
    case .categorical(let v): return v.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
    }
  }

  /// A seeded sample of at most `limit` finite values (order kept), and whether sampling happened.
  static func bounded(_ values: [Double], limit: Int, seed: UInt64) -> (values: [Double], sampled: Bool) {
    let finite = values.filter(\.isFinite)
    guard finite.count > limit else { return (finite, false) }
    var generator = SeededGenerator(seed: seed)
    var indices = Array(0..<finite.count)
    // Partial Fisher–Yates: the first `limit` positions are a uniform sample without replacement.
    for i in 0..<limit {
      let j = i + generator.nextInt(below: finite.count - i)
      indices.swapAt(i, j)
    }
    let chosen = indices[0..<limit].sorted()
    return (chosen.map { finite[$0] }, true)
  }

  /// Category shares (percent) in both samples for the `limit` most frequent categories over both, the rest
  /// grouped as "other".
  static func categoryShares(reference: DriftColumn, current: DriftColumn, limit: Int)
    -> (categories: [String], reference: [Double], current: [Double], grouped: Int)
  {
    func counts(_ c: DriftColumn) -> ([String: Int], Int) {
      var out: [String: Int] = [:]
      var total = 0
      switch c {
      case .categorical(let v): for s in v { if let s { out[s, default: 0] += 1; total += 1 } }
      case .numerical(let v), .categoricalNumbers(let v):
        for x in v where x.isFinite { out[formatFloat(x, integralWithoutPoint: true), default: 0] += 1; total += 1 }
      }
      return (out, total)
    }
    let (r, nr) = counts(reference), (c, nc) = counts(current)
    let keys = Set(r.keys).union(c.keys)
    func share(_ k: String) -> Double {
      (nr > 0 ? Double(r[k] ?? 0) / Double(nr) : 0) + (nc > 0 ? Double(c[k] ?? 0) / Double(nc) : 0)
    }
    let ordered = keys.sorted { (share($0), $1) > (share($1), $0) }
    let shown = Array(ordered.prefix(limit))
    let rest = ordered.dropFirst(limit)
    var refShares = shown.map { nr > 0 ? 100 * Double(r[$0] ?? 0) / Double(nr) : 0 }
    var curShares = shown.map { nc > 0 ? 100 * Double(c[$0] ?? 0) / Double(nc) : 0 }
    var categories = shown
    if !rest.isEmpty {
      categories.append("other (\(rest.count))")
      refShares.append(nr > 0 ? 100 * Double(rest.reduce(0) { $0 + (r[$1] ?? 0) }) / Double(nr) : 0)
      curShares.append(nc > 0 ? 100 * Double(rest.reduce(0) { $0 + (c[$1] ?? 0) }) / Double(nc) : 0)
    }
    return (categories, refShares, curShares, rest.count)
  }

  /// The chart of one drifted column: overlaid histograms of equal-size seeded samples for numbers (equal
  /// sizes so counts compare), grouped bars of category shares for categories.
  static func chart(name: String, reference: DriftColumn, current: DriftColumn, pointsPerSeries: Int, seed: UInt64,
                    title: String) -> (chart: Chart, note: String)
  {
    if case .numerical(let r) = reference, case .numerical(let c) = current {
      let nr = r.reduce(0) { $0 + ($1.isFinite ? 1 : 0) }, nc = c.reduce(0) { $0 + ($1.isFinite ? 1 : 0) }
      let m = max(1, min(pointsPerSeries, nr, nc))
      let rs = bounded(r, limit: m, seed: seed), cs = bounded(c, limit: m, seed: seed &+ 1)
      let note = (rs.sampled || cs.sampled)
        ? "histogram of a seeded random sample of \(TableOps.formatCount(m)) values per table (of \(TableOps.formatCount(nr)) reference and \(TableOps.formatCount(nc)) current); the test used every value"
        : "histogram of every value (\(TableOps.formatCount(nr)) reference, \(TableOps.formatCount(nc)) current)"
      let chart = Chart(.histogram(series: [Series("reference", rs.values), Series("current", cs.values)], bins: .count(30)),
                        title: title, xLabel: name, yLabel: "values in the sample", width: 720, height: 400)
      return (chart, note)
    }
    let s = categoryShares(reference: reference, current: current, limit: 15)
    let chart = Chart(.bar(categories: s.categories, series: [Series("reference", s.reference), Series("current", s.current)]),
                      title: title, xLabel: name, yLabel: "% of rows", width: 720, height: 400)
    let note = "share of non-missing rows per category, computed on every row" + (s.grouped > 0 ? "; the \(s.grouped) least frequent categories are grouped as \"other\"" : "")
    return (chart, note)
  }
}
