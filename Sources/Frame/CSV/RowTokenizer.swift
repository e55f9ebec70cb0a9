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

