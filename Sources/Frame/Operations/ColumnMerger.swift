/// Joins one column's chunk vectors (type join, int→float widening, string re-reads, dictionary merge).
struct ColumnMerger: @unchecked Sendable {
  let ctx: CSVParseContext
  let chunks: [ChunkResult]

  func merge(column c: Int) -> Column {
    let name = ctx.names[c]
    var kind = InferredKind.empty
    if let t = ctx.fixed[c] { kind = InferredKind(t) } else {
      for chunk in chunks { kind = kind.join(chunk.columns[c].kind) }
    }
    let total = chunks.reduce(0) { $0 + $1.rows }
    var validity: [Bool]? = nil
    var offset0 = 0
    for chunk in chunks {
      let nulls = chunk.columns[c].nullRows
      if !nulls.isEmpty {
        if validity == nil { validity = [Bool](repeating: true, count: total) }
        for r in nulls { validity?[offset0 + r] = false }
      }
      offset0 += chunk.rows
    }
    switch kind {
    case .int:
      var out = [Int64]()
      out.reserveCapacity(total)
      for chunk in chunks {
        let col = chunk.columns[c]
        if col.kind == .int { out.append(contentsOf: col.ints.buffer) } else {
          out.append(contentsOf: repeatElement(0, count: chunk.rows))
        }
      }
      return Column(name: name, ints: out, validity: validity)
    case .float:
      var out = [Double]()
      out.reserveCapacity(total)
      for chunk in chunks {
        let col = chunk.columns[c]
        switch col.kind {
        case .float: out.append(contentsOf: col.floats.buffer)
        case .int: out.append(contentsOf: col.ints.buffer.lazy.map { Double($0) })
        default: out.append(contentsOf: repeatElement(0, count: chunk.rows))
        }
      }
      return Column(name: name, floats: out, validity: validity)
    case .bool:
      var out = [Bool]()
      out.reserveCapacity(total)
      for chunk in chunks {
        let col = chunk.columns[c]
        if col.kind == .bool { out.append(contentsOf: col.bools.buffer) } else {
          out.append(contentsOf: repeatElement(false, count: chunk.rows))
        }
      }
      return Column(name: name, bools: out, validity: validity)
    case .string, .empty:
      var global = ByteDictionary()
      var out = [UInt32](repeating: 0, count: total)
      var offset = 0
      let parser = CSVChunkParser(ctx: ctx)
      for chunk in chunks {
        let col = chunk.columns[c]
        var codes: RawVector<UInt32>
        var local: ByteDictionary
        switch col.kind {
        case .string:
          codes = col.codes
          local = col.dictionary
        case .empty:
          offset += chunk.rows
          continue
        default:
          (codes, local) = parser.rescanStrings(column: c, start: chunk.start, end: chunk.end,
                                                badOrdinals: chunk.badOrdinals)
        }
        var map = [UInt32](repeating: 0, count: max(local.count, 1))
        for e in 0..<local.count { map[e] = local.withEntry(e) { p, n in global.code(p, n) } }
        out.withUnsafeMutableBufferPointer { o in
          map.withUnsafeBufferPointer { m in
            let cb = codes.buffer
            for i in 0..<min(cb.count, chunk.rows) { o[offset + i] = m[Int(cb[i])] }
            for r in col.nullRows where r < chunk.rows { o[offset + r] = 0 }  // nulls store code 0
          }
        }
        offset += chunk.rows
      }
      let dictionary = (0..<global.count).map { global.string($0) }
      return Column(name: name, storage: .string(codes: out, dictionary: dictionary), validity: validity)
    }
  }
}
