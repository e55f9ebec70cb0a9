#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The inferred type of a column inside one chunk, ordered so that the join of two kinds is computable.
enum InferredKind: UInt8, Sendable {
  case empty, bool, int, float, string

  /// The least kind holding both: bool with a number gives string, int with float gives float.
  func join(_ other: InferredKind) -> InferredKind {
    if self == other { return self }
    if self == .empty { return other }
    if other == .empty { return self }
    if self == .string || other == .string || self == .bool || other == .bool { return .string }
    return .float
  }

  init(_ type: DataType) {
    switch type {
    case .bool: self = .bool
    case .int: self = .int
    case .float: self = .float
    case .string: self = .string
    }
  }
}

/// Byte equality for short strings (inline; avoids a libc call per field).
@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
  var i = 0
  let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
  while i + 8 <= n {
    if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
      return false
    }
    i += 8
  }
  while i < n {
    if a[i] != b[i] { return false }
    i += 1
  }
  return true
}

/// One column's values for the rows of one chunk.
struct ChunkColumn: @unchecked Sendable {
  var kind: InferredKind = .empty
  var ints = RawVector<Int64>()
  var floats = RawVector<Double>()
  var bools = RawVector<Bool>()
  var codes = RawVector<UInt32>()
  var dictionary = ByteDictionary()
  /// Rows stored so far.
  var rowCount = 0
  /// Local indices of the null rows, ascending (no per-row validity writes when a column has no nulls).
  var nullRows: [Int] = []
  /// The previous string field when it pointed into the input (repeated values skip the hash lookup).
  var lastPointer: UnsafePointer<UInt8>? = nil
  var lastLength = 0
  var lastCode: UInt32 = 0

  @inline(__always)
  mutating func stringCode(_ p: UnsafePointer<UInt8>, _ n: Int, stable: Bool) -> UInt32 {
    if n == lastLength, let last = lastPointer, bytesEqual(last, p, n) { return lastCode }
    let code = dictionary.code(p, n)
    if stable {
      lastPointer = p
      lastLength = n
      lastCode = code
    } else {
      lastPointer = nil
    }
    return code
  }

  mutating func removeLastRow() {
    rowCount -= 1
    if nullRows.last == rowCount { nullRows.removeLast() }
    switch kind {
    case .empty: break
    case .bool: bools.removeLast()
    case .int: ints.removeLast()
    case .float: floats.removeLast()
    case .string: codes.removeLast()
    }
  }
}

/// A bad row found in a chunk; `localLine` counts newlines from the chunk start.
struct ChunkBadRow {
  var localLine: Int
  var start: Int
  var end: Int
  var reason: String
}

/// The parse of the rows starting in `[start, limit)`; `end` is where the last row (possibly past `limit`) ended.
struct ChunkResult {
  var start: Int
  var end: Int
  var newlines = 0
  var rows = 0
  var rowsSeen = 0
  var blankLines = 0
  var columns: [ChunkColumn]
  var badRows: [ChunkBadRow] = []
  /// Ordinals (among non-blank rows of the chunk) of the bad rows, ascending.
  var badOrdinals: [Int] = []
  /// Local line where an unterminated quote opened.
  var unterminatedQuoteLine: Int? = nil
}

/// Immutable inputs shared by the chunk workers.
struct CSVParseContext: @unchecked Sendable {
  let base: UnsafePointer<UInt8>
  let count: Int
  let delimiter: UInt8
  let columnCount: Int
  /// Explicit type per column, or nil when inferred.
  let fixed: [DataType?]
  let names: [String]
  let policy: BadRowPolicy
  let nullTokens: [[UInt8]]
  /// Bit `b` set when some null token starts with byte `b` (fast rejection).
  let nullFirstBytes: [Bool]
  let maxNullLength: Int
  let emptyIsNull: Bool
  /// Column processing order: explicitly typed non-string columns first (so a schema failure rolls back cheaply).
  let order: [Int]

  init(
    base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8, names: [String], fixed: [DataType?],
    policy: BadRowPolicy, nullTokens: [String]
  ) {
    self.base = base
    self.count = count
    self.delimiter = delimiter
    self.columnCount = names.count
    self.names = names
    self.fixed = fixed
    self.policy = policy
    let tokens = nullTokens.map { Array($0.utf8) }.filter { !$0.isEmpty }
    self.nullTokens = tokens
    var first = [Bool](repeating: false, count: 256)
    for t in tokens { first[Int(t[0])] = true }
    self.nullFirstBytes = first
    self.maxNullLength = tokens.map(\.count).max() ?? 0
    self.emptyIsNull = nullTokens.contains("")
    let typedFirst = fixed.indices.filter { fixed[$0] != nil && fixed[$0] != .string }
    self.order = typedFirst + fixed.indices.filter { !(fixed[$0] != nil && fixed[$0] != .string) }
  }

  @inline(__always)
  func isNull(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    if n == 0 { return emptyIsNull }
    if n > maxNullLength || !nullFirstBytes[Int(p[0])] { return false }
    for t in nullTokens where t.count == n {
      var same = true
      for k in 0..<n where t[k] != p[k] { same = false; break }
      if same { return true }
    }
    return false
  }
}

/// Splits one CSV record into fields (RFC 4180 quoting, lenient about text after a closing quote).
struct RowTokenizer {
  let b: UnsafePointer<UInt8>
  let n: Int
  let delimiter: UInt8
  let capacity: Int
  let starts: UnsafeMutablePointer<Int>
  let ends: UnsafeMutablePointer<Int>
  /// 1 when the field range is raw text that needs ``unescape``.
  let flags: UnsafeMutablePointer<UInt8>
  var fieldCount = 0
  var newlines = 0
  var rowEnd = 0
  var next = 0
  /// Newlines between the row start and an unterminated quote.
  var unterminatedAt = 0

  init(base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8, capacity: Int) {
    b = base
    n = count
    self.delimiter = delimiter
    self.capacity = max(capacity, 1)
    starts = .allocate(capacity: self.capacity)
    ends = .allocate(capacity: self.capacity)
    flags = .allocate(capacity: self.capacity)
  }

  func deallocate() {
    starts.deallocate()
    ends.deallocate()
    flags.deallocate()
  }

  /// Scans the record at `start`; false when a quote is never closed.
  @inline(__always)
  mutating func scan(_ start: Int) -> Bool {
    var p = start
    fieldCount = 0
    newlines = 0
    let d = delimiter
    while true {
      let fieldStart = p
      var fStart = p
      var fEnd = p
      var flag: UInt8 = 0
      if p < n && b[p] == 34 {
        let openNewlines = newlines
        p += 1
        let contentStart = p
        while true {
          while p < n {
            let c = b[p]
            if c == 34 { break }
            if c == 10 { newlines += 1 }
            p += 1
          }
          if p >= n { unterminatedAt = openNewlines; return false }
          if p + 1 < n && b[p + 1] == 34 { flag = 1; p += 2; continue }
          break
        }
        let closing = p
        p += 1
        var q = p
        if q < n && b[q] == 13 && (q + 1 == n || b[q + 1] == 10) { q += 1 }
        if q == n || b[q] == d || b[q] == 10 {
          if flag == 0 { fStart = contentStart; fEnd = closing } else { fStart = fieldStart; fEnd = closing + 1 }
          p = q
        } else {
          flag = 1
          while p < n {
            let c = b[p]
            if c == d || c == 10 { break }
            p += 1
          }
          fStart = fieldStart
          fEnd = p
          if (p == n || b[p] == 10) && fEnd > fStart && b[fEnd - 1] == 13 { fEnd -= 1 }
        }
      } else {
        p = findDelimiterOrNewline(from: p)
        fEnd = p
        if (p == n || b[p] == 10) && fEnd > fStart && b[fEnd - 1] == 13 { fEnd -= 1 }
      }
      if fieldCount < capacity {
        starts[fieldCount] = fStart
        ends[fieldCount] = fEnd
        flags[fieldCount] = flag
      }
      fieldCount += 1
      if p < n && b[p] == d { p += 1; continue }
      if p < n {
        rowEnd = p > start && b[p - 1] == 13 ? p - 1 : p
        next = p + 1
        newlines += 1
      } else {
        rowEnd = n > start && b[n - 1] == 13 ? n - 1 : n
        next = n
      }
      return true
    }
  }

  /// The first position at or after `p` holding the delimiter or LF (or `n`), scanning 8 bytes at a time.
  @inline(__always)
  func findDelimiterOrNewline(from start: Int) -> Int {
    var p = start
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let dmask = UInt64(delimiter) &* ones
    let nmask: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    let raw = UnsafeRawPointer(b)
    while p + 8 <= n {
      let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: UInt64.self))
      let x = w ^ dmask
      let y = w ^ nmask
      let hit = ((x &- ones) & ~x | (y &- ones) & ~y) & highs
      if hit != 0 { return p + hit.trailingZeroBitCount >> 3 }
      p += 8
    }
    while p < n {
      let c = b[p]
      if c == delimiter || c == 10 { break }
      p += 1
    }
    return p
  }

  /// True when the record was an empty line.
  var isBlank: Bool { fieldCount == 1 && flags[0] == 0 && starts[0] == ends[0] }
}

/// Copies field text with quoting removed (`""` → `"`, text outside quotes kept) into `out`; returns its length.
@inline(__always)
func unescapeField(_ b: UnsafePointer<UInt8>, _ start: Int, _ end: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
  var i = start
  var o = 0
  var inQuotes = false
  if i < end && b[i] == 34 { inQuotes = true; i += 1 }
  while i < end {
    let c = b[i]
    if inQuotes && c == 34 {
      if i + 1 < end && b[i + 1] == 34 { out[o] = 34; o += 1; i += 2; continue }
      inQuotes = false
      i += 1
      continue
    }
    out[o] = c
    o += 1
    i += 1
  }
  return o
}

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
              reason: "expected \(ncols) fields, found \(tok.fieldCount)"))
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
      if let v = NumberParsing.parseDouble(p, n) { col.floats.append(v); return .stored }
    case .int:
      if let v = NumberParsing.parseInt(p, n) { col.ints.append(v); return .stored }
      if let v = NumberParsing.parseDouble(p, n) {
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
