import CZlib

/// Binary serialisation of a ``Frame`` for the cache (format version 1).
///
/// Layout (all integers little-endian):
/// ```
/// "WBFRAME\0"  u32 version=1  u64 rowCount  u32 columnCount
/// per column: u32 nameLength, name (UTF-8), u8 type (0 int, 1 float, 2 string, 3 bool), u8 hasValidity,
///   [validity bitmap: ceil(rows/8) bytes, bit i%8 of byte i/8 set = row i valid, padding bits 0],
///   int: rows × i64 · float: rows × IEEE-754 binary64 bits · bool: rows × u8 (0/1) ·
///   string: u32 dictionaryCount, dictionaryCount × u32 byte lengths, the entries' UTF-8 bytes, rows × u32 codes
/// u32 CRC-32 (zlib) of every byte before it
/// ```
/// Equal frames encode to identical bytes. `decode` checks every length, code, flag, UTF-8 string and the CRC,
/// and throws on anything corrupt or truncated.
public enum FrameCodec {
  public static let magic: [UInt8] = Array("WBFRAME".utf8) + [0]
  public static let version: UInt32 = 1

  public static func encode(_ frame: Frame) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(estimatedSize(frame))
    encode(frame) { chunk in
      bytes.append(contentsOf: chunk)
      return true
    }
    return bytes
  }

  /// Streams the same bytes as ``encode(_:)`` to `sink` in pieces of at most about 1 MiB, without building the
  /// whole encoding in memory (the cache hashes and writes a 150 MB table this way). Column arrays are handed to
  /// the sink in place, not copied. `sink` returns false to stop early (e.g. after a failed write).
  public static func encode(_ frame: Frame, to sink: (UnsafeRawBufferPointer) -> Bool) {
    withoutActuallyEscaping(sink) { encode(frame, writer: StreamingByteWriter(sink: $0)) }
  }

  private static func encode(_ frame: Frame, writer: consuming StreamingByteWriter) {
    var w = writer
    w.append(contentsOf: magic)
    w.append(version)
    w.append(UInt64(frame.rowCount))
    w.append(UInt32(frame.columns.count))
    for column in frame.columns {
      let name = Array(column.name.utf8)
      w.append(UInt32(name.count))
      w.append(contentsOf: name)
      w.append(typeCode(column.type))
      if let validity = column.validity {
        w.append(UInt8(1))
        var bitmap = [UInt8](repeating: 0, count: (validity.count + 7) / 8)
        for (i, v) in validity.enumerated() where v { bitmap[i >> 3] |= 1 << UInt8(i & 7) }
        w.append(contentsOf: bitmap)
      } else {
        w.append(UInt8(0))
      }
      switch column.storage {
      case .int(let values): w.appendBulk(values)
      case .float(let values): w.appendBulk(values)  // IEEE-754 binary64 bits, little-endian
      case .bool(let values): w.appendBulk(values)    // Bool is stored as one byte, 0 or 1
      case .string(let codes, let dictionary):
        w.append(UInt32(dictionary.count))
        let encoded = dictionary.map { Array($0.utf8) }
        for e in encoded { w.append(UInt32(e.count)) }
        for e in encoded { w.append(contentsOf: e) }
        w.appendBulk(codes)
      }
    }
    w.finish()
  }

  /// Decodes bytes made by ``encode(_:)``; throws ``ReadError`` (source `frame codec`) on any inconsistency.
  public static func decode(_ bytes: [UInt8]) throws(ReadError) -> Frame {
    guard bytes.count >= magic.count + 4 + 8 + 4 + 4 else { throw failure("truncated: \(bytes.count) bytes") }
    guard Array(bytes[0..<magic.count]) == magic else { throw failure("not a frame (bad magic bytes)") }
    let body = bytes.count - 4
    let storedCRC = UInt32(bytes[body]) | UInt32(bytes[body + 1]) << 8 | UInt32(bytes[body + 2]) << 16
      | UInt32(bytes[body + 3]) << 24
    let crc = bytes.withUnsafeBytes { Gzip.crc32(UnsafeRawBufferPointer(rebasing: $0[0..<body])) }
    guard crc == storedCRC else { throw failure("checksum mismatch (corrupt data)") }
    var r = ByteReader(bytes: bytes, end: body, offset: magic.count)
    let v: UInt32 = try r.read()
    guard v == version else { throw failure("unsupported format version \(v) (this build reads \(version))") }
    let rows64: UInt64 = try r.read()
    let columnCount: UInt32 = try r.read()
    guard rows64 <= UInt64(body), columnCount <= UInt32(body) else { throw failure("implausible row or column count") }
    let rows = Int(rows64)
    if columnCount == 0 && rows != 0 { throw failure("rows without columns") }
    var columns: [Column] = []
    for _ in 0..<Int(columnCount) {
      let nameLength: UInt32 = try r.read()
      let nameBytes = try r.readBytes(Int(nameLength))
      guard let name = String(validating: nameBytes, as: UTF8.self) else {
        throw failure("column name is not valid UTF-8 at offset \(r.offset)")
      }
      let type: UInt8 = try r.read()
      let hasValidity: UInt8 = try r.read()
      guard hasValidity <= 1 else { throw failure("bad validity flag for column `\(name)`") }
      var validity: [Bool]? = nil
      if hasValidity == 1 {
        let bitmap = try r.readBytes((rows + 7) / 8)
        var vs = [Bool](repeating: false, count: rows)
        for i in 0..<rows { vs[i] = bitmap[i >> 3] & (1 << UInt8(i & 7)) != 0 }
        if rows % 8 != 0, let last = bitmap.last, last >> UInt8(rows % 8) != 0 {
          throw failure("non-zero padding bits in the validity of column `\(name)`")
        }
        validity = vs
      }
      let storage: Column.Storage
      switch type {
      case 0: storage = .int(try r.readBulk(Int64.self, count: rows))
      case 1: storage = .float(try r.readBulk(UInt64.self, count: rows).map { Double(bitPattern: $0) })
      case 3:
        let raw = try r.readBytes(rows)
        guard raw.allSatisfy({ $0 <= 1 }) else { throw failure("bool column `\(name)` holds a byte other than 0/1") }
        storage = .bool(raw.map { $0 == 1 })
      case 2:
        let dictCount: UInt32 = try r.read()
        guard Int(dictCount) <= (body - r.offset) / 4 else { throw failure("implausible dictionary size") }
        var lengths: [Int] = []
        lengths.reserveCapacity(Int(dictCount))
        for _ in 0..<Int(dictCount) { lengths.append(Int(try r.read() as UInt32)) }
        var dictionary: [String] = []
        dictionary.reserveCapacity(lengths.count)
        for len in lengths {
          let entry = try r.readBytes(len)
          guard let s = String(validating: entry, as: UTF8.self) else {
            throw failure("dictionary entry of column `\(name)` is not valid UTF-8")
          }
          dictionary.append(s)
        }
        let codes = try r.readBulk(UInt32.self, count: rows)
        let limit = UInt32(max(dictionary.count, 1))
        if let bad = codes.firstIndex(where: { $0 >= limit }) {
          throw failure("code \(codes[bad]) out of range (dictionary has \(dictionary.count)) in column `\(name)`")
        }
        if dictionary.isEmpty, let validity, validity.contains(true) {
          throw failure("non-null rows but an empty dictionary in column `\(name)`")
        }
        if dictionary.isEmpty && validity == nil && rows > 0 {
          throw failure("non-null rows but an empty dictionary in column `\(name)`")
        }
        storage = .string(codes: codes, dictionary: dictionary)
      default: throw failure("unknown column type code \(type) for column `\(name)`")
      }
      columns.append(Column(name: name, storage: storage, validity: validity))
    }
    guard r.offset == body else { throw failure("\(body - r.offset) unexpected trailing bytes") }
    do { return try Frame(columns: columns) } catch { throw failure(error.message) }
  }

  static func typeCode(_ type: DataType) -> UInt8 {
    switch type {
    case .int: 0
    case .float: 1
    case .string: 2
    case .bool: 3
    }
  }

  static func estimatedSize(_ frame: Frame) -> Int {
    var size = 64
    for c in frame.columns {
      size += 16 + c.name.utf8.count + (c.validity == nil ? 0 : (frame.rowCount + 7) / 8)
      switch c.storage {
      case .int, .float: size += 8 * frame.rowCount
      case .bool: size += frame.rowCount
      case .string(_, let d): size += 4 * frame.rowCount + d.reduce(0) { $0 + 4 + $1.utf8.count }
      }
    }
    return size
  }

  static func failure(_ message: String) -> ReadError {
    ReadError(source: "frame codec", message: message, hint: "the cached blob is corrupt; delete it to recompute")
  }
}

/// Little-endian appender that hands its bytes to a sink in pieces and appends their CRC-32 at the end.
struct StreamingByteWriter: ~Copyable {
  private static let pieceSize = 1 << 20
  private var buffer: [UInt8] = []
  private var crc: UInt = 0
  private var stopped = false
  private let sink: (UnsafeRawBufferPointer) -> Bool

  init(sink: @escaping (UnsafeRawBufferPointer) -> Bool) {
    self.sink = sink
    buffer.reserveCapacity(Self.pieceSize)
  }

  mutating func append(contentsOf b: [UInt8]) { b.withUnsafeBytes { append(raw: $0) } }
  mutating func append(_ v: UInt8) { append(contentsOf: [v]) }
  mutating func append<T: FixedWidthInteger>(_ v: T) {
    withUnsafeBytes(of: v.littleEndian) { append(raw: $0) }
  }

  /// Appends values' memory as is: little-endian integers and binary64 floats on little-endian hosts.
  mutating func appendBulk<T: BitwiseCopyable>(_ values: [T]) {
    if UInt16(1).littleEndian == 1 || MemoryLayout<T>.size == 1 {
      values.withUnsafeBytes { append(raw: $0) }
    } else {
      for v in values {
        withUnsafeBytes(of: v) { bytes in for b in bytes.reversed() { append(b) } }
      }
    }
  }

  /// Small pieces are gathered in the buffer; large ones go to the sink in place (after flushing the buffer).
  private mutating func append(raw: UnsafeRawBufferPointer) {
    if raw.count >= Self.pieceSize {
      flush()
      var offset = 0
      while offset < raw.count {
        let n = Swift.min(Self.pieceSize, raw.count - offset)
        emit(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + n]))
        offset += n
      }
      return
    }
    if buffer.count + raw.count > Self.pieceSize { flush() }
    buffer.append(contentsOf: raw)
  }

  private mutating func flush() {
    guard !buffer.isEmpty else { return }
    let pending = buffer
    pending.withUnsafeBytes { emit($0) }
    buffer.removeAll(keepingCapacity: true)
  }

  private mutating func emit(_ piece: UnsafeRawBufferPointer) {
    guard !stopped, let base = piece.baseAddress, piece.count > 0 else { return }
    crc = CZlib.crc32(crc, base.assumingMemoryBound(to: Bytef.self), UInt32(piece.count))
    if !sink(piece) { stopped = true }
  }

  /// Flushes and emits the CRC-32 of everything emitted so far.
  mutating func finish() {
    flush()
    let value = UInt32(truncatingIfNeeded: crc)
    guard !stopped else { return }
    withUnsafeBytes(of: value.littleEndian) { _ = sink($0) }
  }
}

/// Bounds-checked little-endian reader over `bytes[offset..<end]`.
struct ByteReader {
  let bytes: [UInt8]
  let end: Int
  var offset: Int

  mutating func read<T: FixedWidthInteger>() throws(ReadError) -> T {
    let size = MemoryLayout<T>.size
    guard end - offset >= size else { throw FrameCodec.failure("truncated at offset \(offset)") }
    var v: T = 0
    for k in 0..<size { v |= T(bytes[offset + k]) << (8 * k) }
    offset += size
    return v
  }

  mutating func readBytes(_ n: Int) throws(ReadError) -> [UInt8] {
    guard n >= 0, end - offset >= n else { throw FrameCodec.failure("truncated at offset \(offset)") }
    let out = Array(bytes[offset..<offset + n])
    offset += n
    return out
  }

  mutating func readBulk<T: FixedWidthInteger>(_: T.Type, count: Int) throws(ReadError) -> [T] {
    let size = MemoryLayout<T>.size
    guard count >= 0, (end - offset) / size >= count else {
      throw FrameCodec.failure("truncated at offset \(offset)")
    }
    let start = offset
    let out = [T](unsafeUninitializedCapacity: count) { buf, initialized in
      bytes.withUnsafeBytes { src in
        if let dst = buf.baseAddress, let s = src.baseAddress, count > 0 {
          UnsafeMutableRawPointer(dst).copyMemory(from: s + start, byteCount: count * size)
        }
      }
      if UInt16(1).littleEndian != 1 { for i in 0..<count { buf[i] = T(littleEndian: buf[i]) } }
      initialized = count
    }
    offset += count * size
    return out
  }
}
