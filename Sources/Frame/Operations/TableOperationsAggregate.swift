import Foundation
import WorkbenchCore

/// One aggregate of a `group_by`: `function(column)`, e.g. `mean(Shot Made Flag)`, `count()`.
public struct Aggregate: Sendable, Equatable {
  public enum Function: String, Sendable, CaseIterable {
    case count, sum, mean, min, max, median, std, count_distinct
  }
  public var function: Function
  /// nil only for `count()` / `count(*)` (rows in the group).
  public var column: String?

  public init(function: Function, column: String?) {
    self.function = function
    self.column = column
  }

  /// Parses `fn(column)`; the column may contain spaces and may be backquoted.
  public init(parsing text: String) throws(TableOperationError) {
    let t = text.trimmingCharacters(in: .whitespaces)
    guard let open = t.firstIndex(of: "("), t.hasSuffix(")") else {
      throw TableOperationError("aggregate `\(text)` must look like `function(column)`",
                                hint: "functions: \(Function.allCases.map(\.rawValue).joined(separator: ", ")), e.g. `mean(Shot Made Flag)`")
    }
    let name = t[..<open].trimmingCharacters(in: .whitespaces).lowercased()
    guard let f = Function(rawValue: name) else {
      throw TableOperationError("unknown aggregate function `\(name)`",
                                hint: Suggest.hint(for: name, in: Function.allCases.map(\.rawValue))
                                  ?? "functions: \(Function.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    var inner = t[t.index(after: open)..<t.index(before: t.endIndex)].trimmingCharacters(in: .whitespaces)
    if inner.hasPrefix("`"), inner.hasSuffix("`"), inner.count >= 2 { inner = String(inner.dropFirst().dropLast()) }
    if inner.isEmpty || inner == "*" {
      guard f == .count else { throw TableOperationError("`\(name)` needs a column, e.g. `\(name)(Shot Distance)`") }
      column = nil
    } else {
      column = inner
    }
    function = f
  }
}

extension TableOperations {
  /// Groups rows by `keys` and computes aggregates per group. One row per group, sorted by the keys (ascending,
  /// nulls last); null keys form their own group (as SQL GROUP BY). Nulls are skipped by every aggregate except
  /// `count()`. `std` is the sample standard deviation (ddof = 1, null below 2 values); `median` averages the two
  /// middle values; `sum` of ints stays int; `mean`/`median`/`std` are floats; an empty aggregate is null (sum: 0).
  public static func groupBy(_ frame: Frame, keys: [String], aggregates: [(name: String, aggregate: Aggregate)])
    throws(TableOperationError) -> Frame
  {
    var keyColumns: [Column] = []
    for k in keys { keyColumns.append(try column(k, in: frame)) }
    let grouper = RowGrouper(columns: keyColumns, rowCount: frame.rowCount)
    let groups = grouper.firstRow.count
    let g = grouper.groupOfRow
    var columns = keyColumns.map { $0.gathering(grouper.firstRow) }

    // Rows of each group, contiguous (counting sort), for order statistics.
    var offsets = [Int](repeating: 0, count: groups + 1)
    for id in g { offsets[id + 1] += 1 }
    for k in 0..<groups { offsets[k + 1] += offsets[k] }
    var members = [Int](repeating: 0, count: frame.rowCount)
    var fill = offsets
    for (row, id) in g.enumerated() { members[fill[id]] = row; fill[id] += 1 }

    for (name, agg) in aggregates {
      if columns.contains(where: { $0.name == name }) {
        throw TableOperationError("aggregate name `\(name)` repeats a column", hint: "choose another output name")
      }
      guard let source = agg.column else {
        columns.append(Column(name: name, ints: (0..<groups).map { Int64(offsets[$0 + 1] - offsets[$0]) }))
        continue
      }
      let c = try column(source, in: frame)
      var valid = [Bool](repeating: true, count: groups)
      switch agg.function {
      case .count:
        var counts = [Int64](repeating: 0, count: groups)
        for i in 0..<frame.rowCount where !c.isNull(i) { counts[g[i]] += 1 }
        columns.append(Column(name: name, ints: counts))
      case .count_distinct:
        let ids = RowGrouper(columns: [c], rowCount: frame.rowCount).groupOfRow
        var out = [Int64](repeating: 0, count: groups)
        for k in 0..<groups {
          var seen = Set<Int>()
          for r in members[offsets[k]..<offsets[k + 1]] where !c.isNull(r) { seen.insert(ids[r]) }
          out[k] = Int64(seen.count)
        }
        columns.append(Column(name: name, ints: out))
      case .min, .max:
        let rows: [Int] = (0..<groups).map { k in
          var best = -1
          for r in members[offsets[k]..<offsets[k + 1]] where !c.isNull(r) {
            if best < 0 { best = r; continue }
            let less = Self.valueLess(c.value(at: r), c.value(at: best))
            let greater = Self.valueLess(c.value(at: best), c.value(at: r))
            if agg.function == .min ? less : greater { best = r }
          }
          return best
        }
        var out = gatherWithNulls(c, rows)
        out.name = name
        columns.append(out)
      default:
        guard c.type != .string, let values = c.doubles() else {
          throw TableOperationError("`\(agg.function.rawValue)` needs a numeric column, but `\(source)` is text",
                                    hint: "use count, count_distinct, min or max for text")
        }
        if agg.function == .sum, case .int(let x) = c.storage {
          var out = [Int64](repeating: 0, count: groups)
          for i in 0..<frame.rowCount where !c.isNull(i) {
            let (s, o) = out[g[i]].addingReportingOverflow(x[i])
            if o { valid[g[i]] = false } else { out[g[i]] = s }
          }
          columns.append(Column(name: name, storage: .int(out), validity: valid))
          continue
        }
        var out = [Double](repeating: 0, count: groups)
        for k in 0..<groups {
          var xs: [Double] = []
          for r in members[offsets[k]..<offsets[k + 1]] { if let v = values[r] { xs.append(v) } }
          switch agg.function {
          case .sum: out[k] = xs.reduce(0, +)
          case .mean:
            if xs.isEmpty { valid[k] = false } else { out[k] = xs.reduce(0, +) / Double(xs.count) }
          case .median:
            if xs.isEmpty { valid[k] = false } else {
              xs.sort()
              out[k] = xs.count % 2 == 1 ? xs[xs.count / 2] : (xs[xs.count / 2 - 1] + xs[xs.count / 2]) / 2
            }
          default:  // std
            if xs.count < 2 { valid[k] = false } else {
              let mean = xs.reduce(0, +) / Double(xs.count)
              let ss = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
              out[k] = (ss / Double(xs.count - 1)).squareRoot()
            }
          }
        }
        columns.append(Column(name: name, storage: .float(out), validity: valid))
      }
    }
    let grouped: Frame
    do { grouped = try Frame(columns: columns) } catch { throw TableOperationError(error.message) }
    return keys.isEmpty ? grouped : try sort(grouped, by: keys.map { ($0, false) })
  }
}
