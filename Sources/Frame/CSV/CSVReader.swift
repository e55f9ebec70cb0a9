import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads CSV/TSV text (plain or gzip) into a typed ``Frame``.
///
/// * RFC 4180 quoting (`"a,b"`, `""` for a quote, newlines inside quotes), UTF-8 BOM, LF or CRLF line ends.
/// * Types inferred per column over all rows: bool (`true`/`false`, any case) → int (Int64) → float → string;
///   null tokens (``CSVOptions/defaultNullTokens``) are nulls and do not vote. Int text overflowing Int64 is a float.
/// * Bad rows (wrong field count, value not fitting an explicit schema type) follow ``BadRowPolicy``.
/// * The file is parsed in chunks on several threads; the result is byte-identical for any thread count
///   (dictionary codes are first-appearance order over the whole file).
public enum CSVReader {
  /// Reads the file at `path` (gzip detected by its magic bytes).
  public static func read(path: String, options: CSVOptions = CSVOptions()) throws(ReadError) -> CSVReadResult {
    try requireRegularFile(path)
    if let mapped = try MappedFile(path: path) {
      defer { mapped.unmap() }
      let buffer = mapped.buffer
      if buffer.count >= 2 && buffer[0] == 0x1f && buffer[1] == 0x8b {
        return try read(bytes: Array(buffer), source: path, options: options)
      }
      if buffer.count > options.limits.maximumBytes { throw options.limits.tooManyBytes(path, "holds") }
      return try parse(buffer, source: path, options: options)
    }
    let bytes = try readFile(path, limits: options.limits)
    return try read(bytes: bytes, source: path, options: options)
  }

  /// Refuses anything but a regular file before opening it: a FIFO would block `open`, `/dev/zero` never ends.
  static func requireRegularFile(_ path: String) throws(ReadError) {
    var st = stat()
    guard stat(path, &st) == 0 else {
      throw ReadError(source: path, message: "cannot open file: \(String(cString: strerror(errno)))", hint: "check the path and permissions")
    }
    switch st.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: throw ReadError(source: path, message: "is a directory, not a file")
    default:
      throw ReadError(source: path, message: "is not a regular file (a device, pipe or socket)",
                      hint: "only regular files are read; save the data to a file first")
    }
  }

  /// Reads CSV bytes (gzip detected by its magic bytes); `source` names the input in errors.
  public static func read(bytes: [UInt8], source: String = "<memory>", options: CSVOptions = CSVOptions())
    throws(ReadError) -> CSVReadResult
  {
    let text = Gzip.isGzip(bytes) ? try Gzip.inflate(bytes, source: source, limits: options.limits) : bytes
    if text.count > options.limits.maximumBytes { throw options.limits.tooManyBytes(source, "holds") }
    var result: Result<CSVReadResult, ReadError> = .failure(ReadError(source: source, message: "empty"))
    text.withUnsafeBufferPointer { buffer in
      result = Result { () throws(ReadError) -> CSVReadResult in
        try parse(buffer, source: source, options: options)
      }
    }
    return try result.get()
  }

  /// The whole file as bytes (POSIX reads into one buffer); only regular files of at most `limits.maximumBytes`.
  public static func readFile(_ path: String, limits: ReadLimits = ReadLimits()) throws(ReadError) -> [UInt8] {
    try requireRegularFile(path)
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      throw ReadError(source: path, message: "cannot open file: \(String(cString: strerror(errno)))",
                      hint: "check the path and permissions")
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw ReadError(source: path, message: "cannot stat file") }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw ReadError(source: path, message: "is a directory, not a file") }
    var size = Int(st.st_size)
    if size > limits.maximumBytes { throw limits.tooManyBytes(path, "holds") }
    var bytes = [UInt8](repeating: 0, count: max(size, 0))
    var total = 0
    var failed = false
    while true {
      if total == bytes.count {
        // The file grew or is not a regular file: read on in blocks.
        bytes.append(contentsOf: [UInt8](repeating: 0, count: max(1 << 16, bytes.count / 2)))
      }
      let got = bytes.withUnsafeMutableBytes { buf -> Int in
        guard let b = buf.baseAddress else { return -1 }
        return systemRead(fd, b + total, buf.count - total)
      }
      if got < 0 { if errno == EINTR { continue }; failed = true; break }
      if got == 0 { break }
      total += got
      if total > limits.maximumBytes { throw limits.tooManyBytes(path, "holds") }
    }
    if failed { throw ReadError(source: path, message: "read failed: \(String(cString: strerror(errno)))") }
    size = total
    bytes.removeLast(bytes.count - size)
    return bytes
  }

  @inline(__always)
  static func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, p, n)
    #else
    return Darwin.read(fd, p, n)
    #endif
  }

  static func parse(_ buffer: UnsafeBufferPointer<UInt8>, source: String, options: CSVOptions) throws(ReadError)
    -> CSVReadResult
  {
    guard let base = buffer.baseAddress, buffer.count > 0 else {
      return CSVReadResult(frame: .empty, policy: options.badRows, badRows: [], rowsRead: 0, blankLines: 0,
                           renamedColumns: [], delimiter: options.delimiter ?? 44)
    }
    if TextEncodingCheck.usesCROnlyLineEnds(buffer) {
      // Old Mac line ends: read each CR as a line end (same byte count, so line numbers and columns hold).
      let converted = buffer.map { $0 == 13 ? 10 : $0 }
      return try converted.withUnsafeBufferPointer { (copy) throws(ReadError) -> CSVReadResult in
        var result = try parse(copy, source: source, options: options)
        result.crLineEnds = true
        return result
      }
    }
    var result = try parseText(buffer, base: base, source: source, options: options)
    result.invalidUTF8 = TextEncodingCheck.invalidUTF8(buffer)
    return result
  }

  static func parseText(_ buffer: UnsafeBufferPointer<UInt8>, base: UnsafePointer<UInt8>, source: String, options: CSVOptions)
    throws(ReadError) -> CSVReadResult
  {
    let n = buffer.count
    var bodyStart = 0
    if n >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { bodyStart = 3 }
    let delimiter = options.delimiter ?? sniffDelimiter(base, n, from: bodyStart, source: source)
    guard delimiter != 34, delimiter != 10, delimiter != 13 else {
      throw ReadError(source: source, message: "the delimiter cannot be a quote or a line break")
    }
    // Skip leading blank lines, then read the header (or the first row to count columns).
    var lineBeforeBody = 1
    var tok = RowTokenizer(base: base, count: n, delimiter: delimiter, capacity: 1024)
    while bodyStart < n {
      let start = bodyStart
      var ok = tok.scan(start)
      if ok && tok.fieldCount > tok.capacity {
        tok.deallocate()
        tok = RowTokenizer(base: base, count: n, delimiter: delimiter, capacity: tok.fieldCount)
        ok = tok.scan(start)
      }
      if !ok {
        tok.deallocate()
        throw ReadError(source: source, line: lineBeforeBody + tok.unterminatedAt,
                        message: "unterminated quoted field (the quote opened here never closes)",
                        hint: "a field starting with \" must end with \"; double a quote inside a quoted field")
      }
      if tok.isBlank { lineBeforeBody += tok.newlines; bodyStart = tok.next; continue }
      break
    }
    if bodyStart >= n {
      tok.deallocate()
      return CSVReadResult(frame: .empty, policy: options.badRows, badRows: [], rowsRead: 0, blankLines: 0,
                           renamedColumns: [], delimiter: delimiter)
    }
    var rawNames: [String] = []
    var scratch = [UInt8](repeating: 0, count: 0)
    for f in 0..<tok.fieldCount {
      let s = tok.starts[f], e = tok.ends[f]
      if tok.flags[f] != 0 {
        scratch = [UInt8](repeating: 0, count: e - s)
        let len = scratch.withUnsafeMutableBufferPointer { buf -> Int in
          guard let out = buf.baseAddress else { return 0 }
          return unescapeField(base, s, e, into: out)
        }
        rawNames.append(String(decoding: scratch[0..<len], as: UTF8.self))
      } else {
        rawNames.append(String(decoding: UnsafeBufferPointer(start: base + s, count: e - s), as: UTF8.self))
      }
    }
    let headerNewlines = tok.newlines
    let headerNext = tok.next
    tok.deallocate()
    var names: [String]
    var renames: [ColumnRename] = []
    if options.hasHeader {
      (names, renames) = uniqueNames(rawNames)
      bodyStart = headerNext
      lineBeforeBody += headerNewlines
    } else {
      names = (1...rawNames.count).map { "column_\($0)" }
    }
    for key in options.schema.keys.sorted() where !names.contains(key) {
      throw ReadError(source: source, message: "schema names column `\(key)`, which the file does not have",
                      hint: "columns are: \(names.prefix(30).joined(separator: ", "))")
    }
    let fixed = names.map { options.schema[$0] }
    let ctx = CSVParseContext(base: base, count: n, delimiter: delimiter, names: names, fixed: fixed,
                              policy: options.badRows, nullTokens: options.nullTokens)
    let chunks = try parseChunks(ctx, bodyStart: bodyStart, threads: max(1, options.threads), source: source,
                                 firstLine: lineBeforeBody, chunkBytes: options.chunkBytes)
    try options.limits.check(rows: chunks.reduce(0) { $0 + $1.rowsSeen }, source: source)
    return try assemble(ctx, chunks: chunks, source: source, firstLine: lineBeforeBody, renames: renames,
                        threads: max(1, options.threads))
  }

  /// Names made unique and non-empty: empty → `column_N` (N = position), repeats → `name_2`, `name_3`, ….
  static func uniqueNames(_ raw: [String]) -> ([String], [ColumnRename]) {
    var used = Set<String>()
    var names: [String] = []
    var renames: [ColumnRename] = []
    let rawSet = Set(raw)
    for (i, r) in raw.enumerated() {
      var name = r.isEmpty ? "column_\(i + 1)" : r
      if used.contains(name) || (r.isEmpty && rawSet.contains(name)) {
        var k = 2
        while used.contains("\(name)_\(k)") || rawSet.contains("\(name)_\(k)") { k += 1 }
        name = "\(name)_\(k)"
      }
      used.insert(name)
      names.append(name)
      if name != r { renames.append(ColumnRename(position: i + 1, original: r, name: name)) }
    }
    return (names, renames)
  }

  static func sniffDelimiter(_ b: UnsafePointer<UInt8>, _ n: Int, from start: Int, source: String) -> UInt8 {
    let lower = source.lowercased()
    if lower.hasSuffix(".tsv") || lower.hasSuffix(".tsv.gz") || lower.hasSuffix(".tab") { return 9 }
    var tabs = 0, commas = 0
    var i = start
    while i < n && b[i] != 10 {
      if b[i] == 9 { tabs += 1 } else if b[i] == 44 { commas += 1 }
      i += 1
    }
    return tabs > 0 && commas == 0 ? 9 : 44
  }

  /// Splits the body at line starts, parses chunks in parallel, and re-parses any chunk whose start was not a
  /// record boundary (a quoted field spanning the split) sequentially from where the previous chunk ended.
  static func parseChunks(
    _ ctx: CSVParseContext, bodyStart: Int, threads: Int, source: String, firstLine: Int, chunkBytes: Int
  ) throws(ReadError) -> [ChunkResult]
  {
    let n = ctx.count
    let bodyLength = n - bodyStart
    let cap = chunkBytes >= (1 << 16) ? threads * 4 : 4096
    let chunkCount = max(1, min(cap, bodyLength / max(chunkBytes, 1)))
    var splits = [bodyStart]
    for k in 1..<max(chunkCount, 1) {
      var p = bodyStart + bodyLength / chunkCount * k
      while p < n && ctx.base[p - 1] != 10 { p += 1 }
      if p < n && p > (splits.last ?? 0) { splits.append(p) }
    }
    let starts = splits
    let limits = Array(starts.dropFirst()) + [n]
    let parser = CSVChunkParser(ctx: ctx)
    let slots = UnsafeMutablePointer<ChunkResult?>.allocate(capacity: starts.count)
    slots.initialize(repeating: nil, count: starts.count)
    defer {
      slots.deinitialize(count: starts.count)
      slots.deallocate()
    }
    let shared = SendableSlots(pointer: slots)
    let workers = min(threads, starts.count)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      var i = w
      while i < starts.count {
        shared.pointer[i] = parser.parse(start: starts[i], limit: limits[i])
        i += workers
      }
    }
    var results: [ChunkResult] = []
    var line = firstLine
    for i in 0..<starts.count {
      guard var chunk = slots[i] else { continue }
      if let previous = results.last, previous.end != chunk.start {
        chunk = parser.parse(start: previous.end, limit: max(limits[i], previous.end))
      }
      if let u = chunk.unterminatedQuoteLine {
        throw ReadError(source: source, line: line + u,
                        message: "unterminated quoted field (the quote opened on this line never closes)",
                        hint: "a field starting with \" must end with \"; double a quote inside a quoted field")
      }
      if ctx.policy == .fail, let bad = chunk.badRows.first {
        throw failError(ctx, bad, line: line + bad.localLine, source: source)
      }
      line += chunk.newlines
      results.append(chunk)
    }
    return results
  }

  static func failError(_ ctx: CSVParseContext, _ bad: ChunkBadRow, line: Int, source: String) -> ReadError {
    let hint: String
    if bad.wrongFieldCount {
      hint = "a field probably holds an unquoted delimiter or quote, or the row is cut; fix the row or set the bad-row policy to skip or quarantine"
    } else {
      hint = "fix the value, change the schema, or set the bad-row policy to skip or quarantine"
    }
    return ReadError(source: source, line: line, message: "bad row: \(bad.reason)", hint: hint)
  }

  /// Merges chunk vectors in chunk order into the final typed columns.
  static func assemble(
    _ ctx: CSVParseContext, chunks: [ChunkResult], source: String, firstLine: Int, renames: [ColumnRename],
    threads: Int
  ) throws(ReadError) -> CSVReadResult {
    var badRows: [BadRow] = []
    var line = firstLine
    var rowsRead = 0, blank = 0
    for chunk in chunks {
      for bad in chunk.badRows {
        let text = String(decoding: UnsafeBufferPointer(start: ctx.base + bad.start, count: bad.end - bad.start),
                          as: UTF8.self)
        badRows.append(BadRow(line: line + bad.localLine, text: text, reason: bad.reason))
      }
      line += chunk.newlines
      rowsRead += chunk.rowsSeen
      blank += chunk.blankLines
    }
    let ncols = ctx.columnCount
    let merger = ColumnMerger(ctx: ctx, chunks: chunks)
    let slots = UnsafeMutablePointer<Column?>.allocate(capacity: ncols)
    slots.initialize(repeating: nil, count: ncols)
    defer {
      slots.deinitialize(count: ncols)
      slots.deallocate()
    }
    let shared = SendableSlots(pointer: slots)
    let workers = min(threads, ncols)
    DispatchQueue.concurrentPerform(iterations: max(workers, 1)) { w in
      var c = w
      while c < ncols {
        shared.pointer[c] = merger.merge(column: c)
        c += workers
      }
    }
    var columns: [Column] = []
    var overflows: [IntegerOverflow] = []
    for c in 0..<ncols {
      guard let column = slots[c] else { throw ReadError(source: source, message: "internal: column \(c) missing") }
      columns.append(column)
      guard column.type == .float else { continue }
      var rowsBefore = 0
      for chunk in chunks {
        if let o = chunk.columns[c].integerOverflow {
          overflows.append(IntegerOverflow(column: column.name, row: rowsBefore + o.row + 1, text: o.text))
          break
        }
        rowsBefore += chunk.columns[c].rowCount
      }
    }
    let frame: Frame
    do { frame = try Frame(columns: columns) } catch {
      throw ReadError(source: source, message: error.message)
    }
    return CSVReadResult(frame: frame, policy: ctx.policy, badRows: badRows, rowsRead: rowsRead, blankLines: blank,
                         renamedColumns: renames, delimiter: ctx.delimiter, integerOverflows: overflows)
  }
}

/// A pointer handed to worker threads that each write distinct slots.
struct SendableSlots<T>: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<T>
}

