#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses the rows of one chunk into typed per-column vectors.
struct CSVChunkParser {
  let ctx: CSVParseContext

  func parse(start: Int, limit: Int) -> ChunkResult {
    let ncols = ctx.columnCount
    var columns = Array(repeating: ChunkColumn(), count: ncols)
    for c in 0..<ncols { if let t = ctx.fixed[c] { columns[c].kind = InferredKind(t) } }
    var tok = RowTokenizer(base: ctx.base, count: ctx.count, delimiter: ctx.delimiter, capacity: ncols)
    defer { tok.deallocate() }
    var scratchCapacity = 256
    var scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
    defer { scratch.deallocate() }
    let b = ctx.base
    var p = start
    var line = 0
    var ordinal = 0
    var reserved = false
    var rows = 0
    var blankLines = 0
    var badRows: [ChunkBadRow] = []
    var badOrdinals: [Int] = []
    var unterminated: Int? = nil
    let order = ctx.order
    columns.withUnsafeMutableBufferPointer { cols in
      while p < limit && p < ctx.count {
        let rowStart = p
        let rowLine = line
        if !tok.scan(p) {
          unterminated = rowLine + tok.unterminatedAt
          p = ctx.count
          break
        }
        line += tok.newlines
        p = tok.next
        if tok.isBlank { blankLines += 1; continue }
        let thisOrdinal = ordinal
        ordinal += 1
        if tok.fieldCount != ncols {
          badRows.append(
            ChunkBadRow(
              localLine: rowLine, start: rowStart, end: tok.rowEnd,
              reason: "expected \(ncols) fields, found \(tok.fieldCount)", wrongFieldCount: true))
          badOrdinals.append(thisOrdinal)
          if ctx.policy == .fail { break }
          continue
        }
        if !reserved && rows == 64 {
          reserved = true
          let estimate = Int(Double(limit - start) / Double(max(rowStart - start, 1)) * 64 * 1.05) + 16
          for c in 0..<ncols {
            switch cols[c].kind {
            case .bool: cols[c].bools.reserve(estimate)
            case .int: cols[c].ints.reserve(estimate)
            case .float: cols[c].floats.reserve(estimate)
            case .string: cols[c].codes.reserve(estimate)
            case .empty: break
            }
          }
        }
        var failure: String? = nil
        var processed = 0
        for c in order {
          var fp = b + tok.starts[c]
          var fn = tok.ends[c] - tok.starts[c]
          if tok.flags[c] != 0 {
            if fn > scratchCapacity {
              scratch.deallocate()
              scratchCapacity = fn * 2
              scratch = .allocate(capacity: scratchCapacity)
            }
            fn = unescapeField(b, tok.starts[c], tok.ends[c], into: scratch)
            fp = UnsafePointer(scratch)
          }
          let stable = tok.flags[c] == 0
          var outcome = store(&cols[c], column: c, fp, fn, stable: stable)
          if outcome == .promoteToString {
            let (codes, dictionary) = rescanStrings(column: c, start: start, end: rowStart, badOrdinals: badOrdinals)
            cols[c].codes = codes
            cols[c].dictionary = dictionary
            cols[c].ints = RawVector()
            cols[c].floats = RawVector()
            cols[c].bools = RawVector()
            cols[c].kind = .string
            cols[c].rowCount -= 1
            cols[c].lastPointer = nil
            outcome = store(&cols[c], column: c, fp, fn, stable: stable)
          }
          if outcome == .schemaFailure {
            failure = schemaFailure(c, ctx.fixed[c] ?? .string, fp, fn)
            break
          }
          processed += 1
        }
        if let failure {
          for k in 0..<processed { cols[order[k]].removeLastRow() }
          badRows.append(ChunkBadRow(localLine: rowLine, start: rowStart, end: tok.rowEnd, reason: failure))
          badOrdinals.append(thisOrdinal)
          if ctx.policy == .fail { break }
          continue
        }
        rows += 1
      }
    }
    var result = ChunkResult(start: start, end: p, columns: columns)
    result.newlines = line
    result.rows = rows
    result.rowsSeen = ordinal
    result.blankLines = blankLines
    result.badRows = badRows
    result.badOrdinals = badOrdinals
    result.unterminatedQuoteLine = unterminated
    return result
  }

  /// Appends one field to a column; returns a reason when it does not fit the column's explicit type.
  enum StoreOutcome { case stored, schemaFailure, promoteToString }

  @inline(__always)
  func store(_ col: inout ChunkColumn, column c: Int, _ p: UnsafePointer<UInt8>, _ n: Int, stable: Bool) -> StoreOutcome {
    if ctx.isNull(p, n) {
      col.nullRows.append(col.rowCount)
      col.rowCount += 1
      switch col.kind {
      case .empty: break
      case .bool: col.bools.append(false)
      case .int: col.ints.append(0)
      case .float: col.floats.append(0)
      case .string: col.codes.append(0)
      }
      return .stored
    }
    if let type = ctx.fixed[c] {
      switch type {
      case .int:
        guard let v = NumberParsing.parseInt(p, n) else { return .schemaFailure }
        col.ints.append(v)
      case .float:
        guard let v = NumberParsing.parseDouble(p, n) else { return .schemaFailure }
        col.floats.append(v)
      case .bool:
        guard let v = NumberParsing.parseBool(p, n) else { return .schemaFailure }
        col.bools.append(v)
      case .string:
        col.codes.append(col.stringCode(p, n, stable: stable))
      }
      col.rowCount += 1
      return .stored
    }
    let before = col.rowCount
    col.rowCount += 1
    switch col.kind {
    case .float:
      if let v = NumberParsing.parseDouble(p, n) {
        if n >= 19, col.integerOverflow == nil { noteOverflow(&col, row: before, p, n) }
        col.floats.append(v)
        return .stored
      }
    case .int:
      if let v = NumberParsing.parseInt(p, n) { col.ints.append(v); return .stored }
      if let v = NumberParsing.parseDouble(p, n) {
        if n >= 19, col.integerOverflow == nil { noteOverflow(&col, row: before, p, n) }
        let widened = RawVector<Double>(capacity: col.ints.capacity)
        for x in col.ints.buffer { widened.append(Double(x)) }
        col.floats = widened
        col.floats.append(v)
        col.ints = RawVector()
        col.kind = .float
        return .stored
      }
    case .string:
      col.codes.append(col.stringCode(p, n, stable: stable))
      return .stored
    case .bool:
      if let v = NumberParsing.parseBool(p, n) { col.bools.append(v); return .stored }
    case .empty:
      if let v = NumberParsing.parseBool(p, n) {
        col.bools = RawVector(repeating: false, count: before)
        col.bools.append(v)
        col.kind = .bool
        return .stored
      }
      if let v = NumberParsing.parseInt(p, n) {
        col.ints = RawVector(repeating: 0, count: before)
        col.ints.append(v)
        col.kind = .int
        return .stored
      }
      if let v = NumberParsing.parseDouble(p, n) {
        if n >= 19, col.integerOverflow == nil { noteOverflow(&col, row: before, p, n) }
        col.floats = RawVector(repeating: 0, count: before)
        col.floats.append(v)
        col.kind = .float
        return .stored
      }
      col.codes = RawVector(repeating: 0, count: before)
      col.codes.append(col.stringCode(p, n, stable: stable))
      col.kind = .string
      return .stored
    }
    // Promotion to string: the caller re-reads this column's earlier rows of the chunk as text.
    return .promoteToString
  }

  /// Records integer text (sign and digits) that did not fit Int64 and so became a float.
  func noteOverflow(_ col: inout ChunkColumn, row: Int, _ p: UnsafePointer<UInt8>, _ n: Int) {
    guard NumberParsing.parseInt(p, n) == nil else { return }
    var i = 0
    if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") { i = 1 }
    guard i < n else { return }
    while i < n { guard p[i] >= 48 && p[i] <= 57 else { return }; i += 1 }
    col.integerOverflow = (row, String(decoding: UnsafeBufferPointer(start: p, count: min(n, 40)), as: UTF8.self))
  }

  func schemaFailure(_ c: Int, _ type: DataType, _ p: UnsafePointer<UInt8>, _ n: Int) -> String {
    let text = String(decoding: UnsafeBufferPointer(start: p, count: min(n, 80)), as: UTF8.self)
    return "column `\(ctx.names[c])`: `\(text)` is not a valid \(type.rawValue) (explicit schema)"
  }

  /// Dictionary codes of column `c` for the good rows in `[start, end)` (same row walk as ``parse``).
  func rescanStrings(column c: Int, start: Int, end: Int, badOrdinals: [Int]) -> (RawVector<UInt32>, ByteDictionary) {
    let codes = RawVector<UInt32>()
    var dictionary = ByteDictionary()
    var tok = RowTokenizer(base: ctx.base, count: ctx.count, delimiter: ctx.delimiter, capacity: ctx.columnCount)
    defer { tok.deallocate() }
    var scratchCapacity = 256
    var scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
    defer { scratch.deallocate() }
    var p = start
    var ordinal = 0
    var badIndex = 0
    while p < end {
      guard tok.scan(p) else { break }
      p = tok.next
      if tok.isBlank { continue }
      let thisOrdinal = ordinal
      ordinal += 1
      if badIndex < badOrdinals.count && badOrdinals[badIndex] == thisOrdinal { badIndex += 1; continue }
      guard tok.fieldCount == ctx.columnCount else { continue }
      var fp = ctx.base + tok.starts[c]
      var fn = tok.ends[c] - tok.starts[c]
      if tok.flags[c] != 0 {
        if fn > scratchCapacity {
          scratch.deallocate()
          scratchCapacity = fn * 2
          scratch = .allocate(capacity: scratchCapacity)
        }
        fn = unescapeField(ctx.base, tok.starts[c], tok.ends[c], into: scratch)
        fp = UnsafePointer(scratch)
      }
      codes.append(ctx.isNull(fp, fn) ? 0 : dictionary.code(fp, fn))
    }
    return (codes, dictionary)
  }
}
