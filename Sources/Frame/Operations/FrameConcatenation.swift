extension Frame {
  /// Stacks `frames` vertically (e.g. the files of a folder or glob).
  ///
  /// Columns are matched by name, in first-appearance order; a column missing from a frame is null there.
  /// Types: equal types stay; int with float → float; any other mix → string (values as their text form,
  /// floats via ``formatFloat(_:integralWithoutPoint:)``). String dictionaries are merged in first-appearance order.
  /// With `sourceColumn`, a string column of that name holding `sources[i]` for the rows of `frames[i]` is appended.
  public static func concatenating(_ frames: [Frame], sourceColumn: String? = nil, sources: [String] = [])
    throws(FrameError) -> Frame
  {
    var names: [String] = []
    var seen = Set<String>()
    for f in frames { for n in f.columnNames where seen.insert(n).inserted { names.append(n) } }
    if let sourceColumn {
      guard sources.count == frames.count else {
        throw FrameError("\(sources.count) source names for \(frames.count) frames")
      }
      guard !seen.contains(sourceColumn) else {
        throw FrameError("source column `\(sourceColumn)` already exists in the data; choose another name")
      }
    }
    let total = frames.reduce(0) { $0 + $1.rowCount }
    var columns: [Column] = []
    for name in names {
      let parts = frames.map { ($0.column(named: name), $0.rowCount) }
      var type: DataType? = nil
      for (c, _) in parts {
        guard let c else { continue }
        if let t = type, t != c.type {
          type = (t == .int && c.type == .float) || (t == .float && c.type == .int) ? .float : .string
        } else if type == nil {
          type = c.type
        }
      }
      var validity = [Bool]()
      validity.reserveCapacity(total)
      for (c, rows) in parts {
        if let c { for i in 0..<rows { validity.append(!c.isNull(i)) } } else {
          validity.append(contentsOf: repeatElement(false, count: rows))
        }
      }
      switch type ?? .string {
      case .int:
        var out: [Int64] = []
        out.reserveCapacity(total)
        for (c, rows) in parts {
          if let c, case .int(let v) = c.storage { out.append(contentsOf: v) } else {
            out.append(contentsOf: repeatElement(0, count: rows))
          }
        }
        columns.append(Column(name: name, ints: out, validity: validity))
      case .float:
        var out: [Double] = []
        out.reserveCapacity(total)
        for (c, rows) in parts {
          switch c?.storage {
          case .float(let v)?: out.append(contentsOf: v)
          case .int(let v)?: out.append(contentsOf: v.lazy.map { Double($0) })
          default: out.append(contentsOf: repeatElement(0, count: rows))
          }
        }
        columns.append(Column(name: name, floats: out, validity: validity))
      case .bool:
        var out: [Bool] = []
        out.reserveCapacity(total)
        for (c, rows) in parts {
          if let c, case .bool(let v) = c.storage { out.append(contentsOf: v) } else {
            out.append(contentsOf: repeatElement(false, count: rows))
          }
        }
        columns.append(Column(name: name, bools: out, validity: validity))
      case .string:
        var dictionary: [String] = []
        var lookup: [String: UInt32] = [:]
        var codes: [UInt32] = []
        codes.reserveCapacity(total)
        func code(_ s: String) -> UInt32 {
          if let k = lookup[s] { return k }
          let k = UInt32(dictionary.count)
          dictionary.append(s)
          lookup[s] = k
          return k
        }
        for (c, rows) in parts {
          guard let c else { codes.append(contentsOf: repeatElement(0, count: rows)); continue }
          if case .string(let local, let d) = c.storage {
            var map = [UInt32?](repeating: nil, count: d.count)
            for i in 0..<rows {
              if c.isNull(i) { codes.append(0); continue }
              let l = Int(local[i])
              if let m = map[l] { codes.append(m) } else {
                let m = code(d[l])
                map[l] = m
                codes.append(m)
              }
            }
          } else {
            for i in 0..<rows { codes.append(c.isNull(i) ? 0 : code(c.value(at: i).description)) }
          }
        }
        columns.append(Column(name: name, storage: .string(codes: codes, dictionary: dictionary), validity: validity))
      }
    }
    if let sourceColumn {
      var codes: [UInt32] = []
      codes.reserveCapacity(total)
      var dictionary: [String] = []
      var lookup: [String: UInt32] = [:]
      for (f, s) in zip(frames, sources) {
        let k: UInt32
        if let existing = lookup[s] { k = existing } else {
          k = UInt32(dictionary.count)
          dictionary.append(s)
          lookup[s] = k
        }
        codes.append(contentsOf: repeatElement(k, count: f.rowCount))
      }
      columns.append(Column(name: sourceColumn, storage: .string(codes: codes, dictionary: dictionary)))
    }
    return try Frame(columns: columns)
  }
}
