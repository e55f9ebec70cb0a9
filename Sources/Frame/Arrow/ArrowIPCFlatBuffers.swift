/// The few FlatBuffers operations the Arrow IPC format needs (no FlatBuffers library is available to the package).
///
/// Writing lays objects out front to back: a table's vtable, then the table, then its children, so every
/// unsigned offset points forward as the format requires. Reading checks every offset against the buffer.
enum FlatValue {
  case uint8(UInt8)
  case int16(Int16)
  case int32(Int32)
  case int64(Int64)
  case bool(Bool)
  /// A table; fields by id (nil = absent).
  case table([FlatValue?])
  case string(String)
  /// A vector of tables.
  case tables([FlatValue])
  /// A vector of structs, already encoded (little-endian), with their alignment.
  case structs(count: Int, alignment: Int, bytes: [UInt8])

  var isInline: Bool {
    switch self {
    case .uint8, .int16, .int32, .int64, .bool: true
    default: false
    }
  }

  var inlineSize: Int {
    switch self {
    case .uint8, .bool: 1
    case .int16: 2
    case .int32: 4
    case .int64: 8
    default: 4  // an offset
    }
  }
}

struct FlatBufferWriter {
  private(set) var bytes: [UInt8] = []

  /// Encodes `root` as a complete FlatBuffer (root offset first).
  static func encode(_ root: FlatValue) -> [UInt8] {
    var w = FlatBufferWriter()
    w.bytes = [0, 0, 0, 0]
    let position = w.write(root)
    w.patch(at: 0, UInt32(position))
    while w.bytes.count % 8 != 0 { w.bytes.append(0) }
    return w.bytes
  }

  private mutating func align(_ n: Int) { while bytes.count % n != 0 { bytes.append(0) } }

  private mutating func append<T: FixedWidthInteger>(_ v: T) {
    withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
  }

  private mutating func patch<T: FixedWidthInteger>(at offset: Int, _ v: T) {
    withUnsafeBytes(of: v.littleEndian) { raw in for (i, b) in raw.enumerated() { bytes[offset + i] = b } }
  }

  /// Appends an object and returns its position (where a uoffset to it points).
  private mutating func write(_ value: FlatValue) -> Int {
    switch value {
    case .string(let s):
      align(4)
      let position = bytes.count
      let utf8 = Array(s.utf8)
      append(UInt32(utf8.count))
      bytes += utf8
      bytes.append(0)
      return position
    case .tables(let items):
      align(4)
      let position = bytes.count
      append(UInt32(items.count))
      let slots = bytes.count
      bytes += [UInt8](repeating: 0, count: 4 * items.count)
      for (i, item) in items.enumerated() {
        let child = write(item)
        patch(at: slots + 4 * i, UInt32(child - (slots + 4 * i)))
      }
      return position
    case .structs(let count, let alignment, let payload):
      // The length prefix sits just before the first element, which must be aligned.
      while (bytes.count + 4) % max(alignment, 4) != 0 { bytes.append(0) }
      let position = bytes.count
      append(UInt32(count))
      bytes += payload
      return position
    case .table(let fields):
      // Inline layout: after the 4-byte soffset, fields sorted by size (largest first) keep their alignment.
      let present = fields.enumerated().compactMap { i, f in f.map { (id: i, value: $0) } }
      let ordered = present.sorted { ($0.value.inlineSize, -$0.id) > ($1.value.inlineSize, -$1.id) }
      var fieldOffset: [Int: Int] = [:]
      var cursor = 4
      for f in ordered {
        let size = f.value.inlineSize
        while cursor % size != 0 { cursor += 1 }
        fieldOffset[f.id] = cursor
        cursor += size
      }
      let tableSize = cursor
      // vtable
      align(2)
      let vtableSize = 4 + 2 * fields.count
      var vtable: [UInt16] = [UInt16(vtableSize), UInt16(tableSize)]
      for i in fields.indices { vtable.append(UInt16(fieldOffset[i] ?? 0)) }
      // Table start must be 8-aligned (int64 fields); pad before the vtable so it ends right at the table.
      while (bytes.count + vtableSize) % 8 != 0 { bytes.append(0) }
      let vtablePosition = bytes.count
      for v in vtable { append(v) }
      let tablePosition = bytes.count
      append(Int32(tablePosition - vtablePosition))
      bytes += [UInt8](repeating: 0, count: tableSize - 4)
      for f in ordered {
        let at = tablePosition + fieldOffset[f.id]!
        switch f.value {
        case .uint8(let v): patch(at: at, v)
        case .bool(let v): patch(at: at, UInt8(v ? 1 : 0))
        case .int16(let v): patch(at: at, v)
        case .int32(let v): patch(at: at, v)
        case .int64(let v): patch(at: at, v)
        default: break
        }
      }
      for f in ordered where !f.value.isInline {
        let at = tablePosition + fieldOffset[f.id]!
        let child = write(f.value)
        patch(at: at, UInt32(child - at))
      }
      return tablePosition
    case .uint8, .int16, .int32, .int64, .bool:
      preconditionFailure("scalars are written inside tables")
    }
  }
}

/// Bounds-checked reads of a FlatBuffer.
struct FlatBufferReader {
  let bytes: [UInt8]
  let base: Int
  let end: Int

  init(_ bytes: [UInt8], base: Int, length: Int) throws(FrameError) {
    guard base >= 0, length >= 4, base + length <= bytes.count else { throw FrameError("Arrow IPC: metadata out of bounds") }
    self.bytes = bytes
    self.base = base
    self.end = base + length
  }

  func load<T: FixedWidthInteger>(_ type: T.Type, _ at: Int) throws(FrameError) -> T {
    let size = MemoryLayout<T>.size
    guard at >= base, at + size <= end else { throw FrameError("Arrow IPC: metadata offset out of bounds") }
    var v: T = 0
    for i in 0..<size { v |= T(truncatingIfNeeded: bytes[at + i]) << (8 * i) }
    return v
  }

  var root: Int { get throws(FrameError) { base + Int(try load(UInt32.self, base)) } }

  /// Position of field `id` of the table at `table`, or nil when absent.
  func field(_ table: Int, _ id: Int) throws(FrameError) -> Int? {
    let vtable = table - Int(try load(Int32.self, table))
    let vtableSize = Int(try load(UInt16.self, vtable))
    guard 4 + 2 * id < vtableSize else { return nil }
    let offset = Int(try load(UInt16.self, vtable + 4 + 2 * id))
    return offset == 0 ? nil : table + offset
  }

  func scalar<T: FixedWidthInteger>(_ table: Int, _ id: Int, default d: T) throws(FrameError) -> T {
    guard let at = try field(table, id) else { return d }
    return try load(T.self, at)
  }

  /// The object a uoffset field points to.
  func reference(_ table: Int, _ id: Int) throws(FrameError) -> Int? {
    guard let at = try field(table, id) else { return nil }
    return at + Int(try load(UInt32.self, at))
  }

  func string(_ table: Int, _ id: Int) throws(FrameError) -> String? {
    guard let at = try reference(table, id) else { return nil }
    let n = Int(try load(UInt32.self, at))
    guard at + 4 + n <= end else { throw FrameError("Arrow IPC: string out of bounds") }
    return String(decoding: bytes[(at + 4)..<(at + 4 + n)], as: UTF8.self)
  }

  /// Vector at a field: (position of the first element, count).
  func vector(_ table: Int, _ id: Int, elementSize: Int) throws(FrameError) -> (start: Int, count: Int)? {
    guard let at = try reference(table, id) else { return nil }
    let n = Int(try load(UInt32.self, at))
    guard n >= 0, n <= (end - at) / max(elementSize, 1) else { throw FrameError("Arrow IPC: vector out of bounds") }
    return (at + 4, n)
  }

  /// Tables of a vector field.
  func tables(_ table: Int, _ id: Int) throws(FrameError) -> [Int] {
    guard let (start, n) = try vector(table, id, elementSize: 4) else { return [] }
    var out: [Int] = []
    out.reserveCapacity(n)
    for i in 0..<n {
      let slot = start + 4 * i
      out.append(slot + Int(try load(UInt32.self, slot)))
    }
    return out
  }
}
