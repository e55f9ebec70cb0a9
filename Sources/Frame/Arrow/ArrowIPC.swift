/// Arrow IPC *file* format (Arrow columnar format v5, uncompressed), written and read by Workbench itself: the
/// table format pandas (via pyarrow), polars, DuckDB and R's arrow read without parsing.
///
/// Written: int → int64, float → float64, string → utf8 (large_utf8 past 2 GiB of text), bool → bool; every
/// column nullable, with a validity bitmap when it has nulls. Read: those, plus the narrower or unsigned integers,
/// float32, large_utf8 and the null type, from one or more record batches. Compressed files, dictionary-encoded,
/// nested and temporal columns are errors naming the column (cast them before saving).
public enum ArrowIPC {
  static let magic: [UInt8] = Array("ARROW1".utf8)

  // MARK: Writing

  /// The frame as an Arrow IPC file.
  public static func write(_ frame: Frame) -> [UInt8] {
    var out: [UInt8] = magic + [0, 0]
    let schema = schemaValue(frame)
    let schemaBlock = appendMessage(&out, header: 1, headerValue: schema, body: [])
    var nodes: [UInt8] = []
    var buffers: [UInt8] = []
    var body: [UInt8] = []
    func appendBuffer(_ bytes: [UInt8]) {
      appendLE(&buffers, Int64(body.count))
      appendLE(&buffers, Int64(bytes.count))
      body += bytes
      while body.count % 8 != 0 { body.append(0) }
    }
    for column in frame.columns {
      appendLE(&nodes, Int64(column.count))
      appendLE(&nodes, Int64(column.nullCount))
      appendBuffer(column.validity.map(bitmap) ?? [])
      switch column.storage {
      case .int(let v): appendBuffer(v.withUnsafeBytes { Array($0) })
      case .float(let v): appendBuffer(v.withUnsafeBytes { Array($0) })
      case .bool(let v): appendBuffer(bitmap(v))
      case .string(let codes, let dictionary):
        let encoded = dictionary.map { Array($0.utf8) }
        let total = codes.reduce(0) { $0 + encoded[Int($1)].count }
        var data: [UInt8] = []
        data.reserveCapacity(total)
        if total <= Int(Int32.max) {
          var offsets = [Int32](repeating: 0, count: codes.count + 1)
          for (i, c) in codes.enumerated() {
            data += encoded[Int(c)]
            offsets[i + 1] = Int32(data.count)
          }
          appendBuffer(offsets.withUnsafeBytes { Array($0) })
        } else {
          var offsets = [Int64](repeating: 0, count: codes.count + 1)
          for (i, c) in codes.enumerated() {
            data += encoded[Int(c)]
            offsets[i + 1] = Int64(data.count)
          }
          appendBuffer(offsets.withUnsafeBytes { Array($0) })
        }
        appendBuffer(data)
      }
    }
    let batch = FlatValue.table([
      .int64(Int64(frame.rowCount)),
      .structs(count: frame.columns.count, alignment: 8, bytes: nodes),
      .structs(count: buffers.count / 16, alignment: 8, bytes: buffers),
    ])
    let batchBlock = appendMessage(&out, header: 3, headerValue: batch, body: body)
    _ = schemaBlock
    let footer = FlatBufferWriter.encode(.table([
      .int16(4), schema, .structs(count: 0, alignment: 8, bytes: []),
      .structs(count: 1, alignment: 8, bytes: block(batchBlock)),
    ]))
    out += footer
    appendLE(&out, Int32(footer.count))
    out += magic
    return out
  }

  static func schemaValue(_ frame: Frame) -> FlatValue {
    let fields: [FlatValue] = frame.columns.map { column in
      let (typeId, type): (UInt8, FlatValue) = switch column.storage {
      case .int: (2, .table([.int32(64), .bool(true)]))
      case .float: (3, .table([.int16(2)]))
      case .string(let codes, let dictionary):
        codes.lazy.map { dictionary[Int($0)].utf8.count }.reduce(0, +) <= Int(Int32.max) ? (5, .table([])) : (20, .table([]))
      case .bool: (6, .table([]))
      }
      return .table([.string(column.name), .bool(true), .uint8(typeId), type, nil, .tables([])])
    }
    return .table([.int16(0), .tables(fields)])
  }

  /// Appends an encapsulated message (continuation, length, metadata, padding, body); returns its block.
  static func appendMessage(_ out: inout [UInt8], header: UInt8, headerValue: FlatValue, body: [UInt8])
    -> (offset: Int, metadataLength: Int, bodyLength: Int)
  {
    let offset = out.count
    let message = FlatBufferWriter.encode(.table([.int16(4), .uint8(header), headerValue, .int64(Int64(body.count))]))
    appendLE(&out, UInt32(0xFFFF_FFFF))
    appendLE(&out, Int32(message.count))
    out += message
    let metadataLength = out.count - offset
    out += body
    return (offset, metadataLength, body.count)
  }

  static func block(_ b: (offset: Int, metadataLength: Int, bodyLength: Int)) -> [UInt8] {
    var out: [UInt8] = []
    appendLE(&out, Int64(b.offset))
    appendLE(&out, Int32(b.metadataLength))
    appendLE(&out, Int32(0))
    appendLE(&out, Int64(b.bodyLength))
    return out
  }

  static func appendLE<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
    withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
  }

  static func bitmap(_ bits: [Bool]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
    for (i, b) in bits.enumerated() where b { out[i >> 3] |= 1 << UInt8(i & 7) }
    return out
  }

  // MARK: Reading

  /// Reads an Arrow IPC file; `source` names it in errors.
  public static func read(_ bytes: [UInt8], source: String) throws(FrameError) -> Frame {
    do {
      return try decode(bytes)
    } catch {
      throw FrameError("\(source): \(error.message)")
    }
  }

  struct FieldInfo {
    var name: String
    var typeId: UInt8
    var bitWidth: Int
    var signed: Bool
    var precision: Int
  }

  static func decode(_ bytes: [UInt8]) throws(FrameError) -> Frame {
    guard bytes.count >= 18, Array(bytes[0..<6]) == magic, Array(bytes[(bytes.count - 6)...]) == magic else {
      throw FrameError("not an Arrow IPC file (no ARROW1 magic at both ends; the stream format and Feather v1 are not read)")
    }
    let footerLength = Int(try FlatBufferReader(bytes, base: bytes.count - 10, length: 4).load(Int32.self, bytes.count - 10))
    let footerStart = bytes.count - 10 - footerLength
    guard footerLength > 0, footerStart >= 8 else { throw FrameError("Arrow IPC: bad footer length") }
    let footer = try FlatBufferReader(bytes, base: footerStart, length: footerLength)
    let root = try footer.root
    guard let schema = try footer.reference(root, 1) else { throw FrameError("Arrow IPC: the footer has no schema") }
    if try footer.scalar(schema, 0, default: Int16(0)) != 0 { throw FrameError("Arrow IPC: big-endian files are not supported") }
    var fields: [FieldInfo] = []
    for f in try footer.tables(schema, 1) {
      let name = try footer.string(f, 0) ?? ""
      let typeId: UInt8 = try footer.scalar(f, 2, default: 0)
      if try footer.reference(f, 4) != nil {
        throw FrameError("column `\(name)` is dictionary-encoded (a categorical): cast it to string before saving")
      }
      if try !footer.tables(f, 5).isEmpty { throw FrameError("column `\(name)` is nested: flatten it before saving") }
      var info = FieldInfo(name: name, typeId: typeId, bitWidth: 64, signed: true, precision: 2)
      if let t = try footer.reference(f, 3) {
        if typeId == 2 {
          info.bitWidth = Int(try footer.scalar(t, 0, default: Int32(64)))
          info.signed = try footer.scalar(t, 1, default: UInt8(0)) != 0
        } else if typeId == 3 {
          info.precision = Int(try footer.scalar(t, 0, default: Int16(2)))
        }
      }
      guard [1, 2, 3, 5, 6, 20, 24].contains(typeId), typeId != 3 || info.precision > 0 else {
        throw FrameError("column `\(name)` has Arrow type \(typeName(typeId)), which Workbench tables do not hold "
          + "(int, float, string, bool): cast it before saving (dates and times to string)")
      }
      fields.append(info)
    }
    guard let (blockStart, blockCount) = try footer.vector(root, 3, elementSize: 24) else {
      throw FrameError("Arrow IPC: the footer lists no record batches")
    }
    var parts: [[Column]] = []
    for b in 0..<blockCount {
      let at = blockStart + 24 * b
      let offset = Int(try footer.load(Int64.self, at))
      let metadataLength = Int(try footer.load(Int32.self, at + 8))
      let bodyLength = Int(try footer.load(Int64.self, at + 16))
      guard offset >= 8, metadataLength >= 8, bodyLength >= 0, offset + metadataLength + bodyLength <= footerStart else {
        throw FrameError("Arrow IPC: record batch \(b) lies outside the file")
      }
      var metaStart = offset + 8
      var metaLength = metadataLength - 8
      let marker = try FlatBufferReader(bytes, base: offset, length: 8)
      if try marker.load(UInt32.self, offset) != 0xFFFF_FFFF {  // pre-1.0 framing: length only
        metaStart = offset + 4
        metaLength = metadataLength - 4
      }
      let message = try FlatBufferReader(bytes, base: metaStart, length: metaLength)
      let m = try message.root
      guard try message.scalar(m, 1, default: UInt8(0)) == 3, let batch = try message.reference(m, 2) else {
        throw FrameError("Arrow IPC: block \(b) is not a record batch")
      }
      if try message.reference(batch, 3) != nil {
        throw FrameError("the file is compressed (LZ4/ZSTD): write it uncompressed (the prelude's wb.save_table does)")
      }
      parts.append(try readBatch(bytes, message: message, batch: batch, fields: fields,
                                 body: offset + metadataLength, bodyLength: bodyLength))
    }
    if parts.isEmpty {
      parts = [fields.map { Column(name: $0.name, strings: []) }]
    }
    var columns: [Column] = []
    for (i, f) in fields.enumerated() {
      let pieces = parts.map { $0[i] }
      columns.append(pieces.count == 1 ? pieces[0] : try concatenate(pieces, name: f.name))
    }
    return try Frame(columns: columns)
  }

  static func typeName(_ id: UInt8) -> String {
    let names: [UInt8: String] = [0: "none", 4: "binary", 7: "decimal", 8: "date", 9: "time", 10: "timestamp", 11: "interval",
                                  12: "list", 13: "struct", 14: "union", 15: "fixed-size binary", 16: "fixed-size list",
                                  17: "map", 18: "duration", 19: "large binary", 21: "large list", 22: "run-end encoded",
                                  23: "binary view", 3: "float16"]
    return names[id] ?? "#\(id)"
  }

  static func readBatch(_ bytes: [UInt8], message: FlatBufferReader, batch: Int, fields: [FieldInfo], body: Int,
                        bodyLength: Int) throws(FrameError) -> [Column] {
    let length = Int(try message.scalar(batch, 0, default: Int64(0)))
    guard length >= 0 else { throw FrameError("Arrow IPC: negative row count") }
    guard let (nodeStart, nodeCount) = try message.vector(batch, 1, elementSize: 16),
          let (bufferStart, bufferCount) = try message.vector(batch, 2, elementSize: 16) else {
      throw FrameError("Arrow IPC: a record batch has no field nodes or buffers")
    }
    guard nodeCount == fields.count else { throw FrameError("Arrow IPC: \(nodeCount) field nodes for \(fields.count) columns") }
    var nextBuffer = 0
    // Data-buffer counts of the view columns (utf8 view), in column order.
    var variadic: [Int] = []
    if let (start, n) = try message.vector(batch, 4, elementSize: 8) {
      for k in 0..<n { variadic.append(Int(try message.load(Int64.self, start + 8 * k))) }
    }
    func buffer() throws(FrameError) -> Range<Int> {
      guard nextBuffer < bufferCount else { throw FrameError("Arrow IPC: too few buffers") }
      let at = bufferStart + 16 * nextBuffer
      nextBuffer += 1
      let o = Int(try message.load(Int64.self, at)), n = Int(try message.load(Int64.self, at + 8))
      guard o >= 0, n >= 0, o <= bodyLength, n <= bodyLength - o else { throw FrameError("Arrow IPC: a buffer lies outside its batch") }
      return (body + o)..<(body + o + n)
    }
    func bits(_ r: Range<Int>, _ count: Int) throws(FrameError) -> [Bool] {
      guard r.count * 8 >= count else { throw FrameError("Arrow IPC: a bitmap is too short") }
      return (0..<count).map { (bytes[r.lowerBound + ($0 >> 3)] >> UInt8($0 & 7)) & 1 == 1 }
    }
    func values<T: FixedWidthInteger>(_ r: Range<Int>, _ type: T.Type, _ count: Int) throws(FrameError) -> [T] {
      guard r.count >= count * MemoryLayout<T>.size else { throw FrameError("Arrow IPC: a value buffer is too short") }
      return bytes.withUnsafeBytes { raw in
        (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: r.lowerBound + $0 * MemoryLayout<T>.size, as: T.self)) }
      }
    }
    var columns: [Column] = []
    for (i, f) in fields.enumerated() {
      let count = Int(try message.load(Int64.self, nodeStart + 16 * i))
      let nulls = Int(try message.load(Int64.self, nodeStart + 16 * i + 8))
      guard count == length, nulls >= 0, nulls <= count else { throw FrameError("Arrow IPC: column `\(f.name)` has \(count) rows, not \(length)") }
      if f.typeId == 1 {  // the null type has no buffers
        columns.append(Column(name: f.name, strings: [String?](repeating: nil, count: count)))
        continue
      }
      let validityRange = try buffer()
      let validity: [Bool]? = nulls == 0 || validityRange.isEmpty ? nil : try bits(validityRange, count)
      let data = try buffer()
      switch f.typeId {
      case 2:
        let ints: [Int64]
        switch (f.bitWidth, f.signed) {
        case (8, true): ints = try values(data, Int8.self, count).map(Int64.init)
        case (16, true): ints = try values(data, Int16.self, count).map(Int64.init)
        case (32, true): ints = try values(data, Int32.self, count).map(Int64.init)
        case (64, true): ints = try values(data, Int64.self, count)
        case (8, false): ints = try values(data, UInt8.self, count).map(Int64.init)
        case (16, false): ints = try values(data, UInt16.self, count).map(Int64.init)
        case (32, false): ints = try values(data, UInt32.self, count).map(Int64.init)
        case (64, false):
          let u = try values(data, UInt64.self, count)
          if let bad = u.indices.first(where: { u[$0] > UInt64(Int64.max) && validity?[$0] != false }) {
            throw FrameError("column `\(f.name)` row \(bad + 1): \(u[bad]) does not fit a 64-bit signed integer")
          }
          ints = u.map { Int64(truncatingIfNeeded: $0) }
        default: throw FrameError("column `\(f.name)`: unsupported integer width \(f.bitWidth)")
        }
        columns.append(Column(name: f.name, ints: ints, validity: validity))
      case 3:
        if f.precision == 1 {
          columns.append(Column(name: f.name, floats: try values(data, UInt32.self, count).map { Double(Float(bitPattern: $0)) },
                                validity: validity))
        } else {
          columns.append(Column(name: f.name, floats: try values(data, UInt64.self, count).map(Double.init(bitPattern:)),
                                validity: validity))
        }
      case 6:
        columns.append(Column(name: f.name, bools: try bits(data, count), validity: validity))
      case 24:
        guard !variadic.isEmpty else { throw FrameError("Arrow IPC: column `\(f.name)` lacks its data-buffer count") }
        var dataBuffers: [Range<Int>] = []
        for _ in 0..<variadic.removeFirst() { dataBuffers.append(try buffer()) }
        guard data.count >= 16 * count else { throw FrameError("Arrow IPC: column `\(f.name)` has too few string views") }
        var strings: [String?] = []
        strings.reserveCapacity(count)
        for r in 0..<count {
          if validity?[r] == false { strings.append(nil); continue }
          let at = data.lowerBound + 16 * r
          let n = Int(UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
          if n <= 12 {
            strings.append(String(decoding: bytes[(at + 4)..<(at + 4 + n)], as: UTF8.self))
            continue
          }
          func int32(_ p: Int) -> Int { Int(Int32(bitPattern: UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24)) }
          let index = int32(at + 8), offset = int32(at + 12)
          guard index >= 0, index < dataBuffers.count, offset >= 0, offset + n <= dataBuffers[index].count else {
            throw FrameError("Arrow IPC: column `\(f.name)` has a bad string view")
          }
          let start = dataBuffers[index].lowerBound + offset
          strings.append(String(decoding: bytes[start..<(start + n)], as: UTF8.self))
        }
        columns.append(Column(name: f.name, strings: strings))
      default:  // 5 utf8, 20 large utf8
        let offsets: [Int] = f.typeId == 5 ? try values(data, Int32.self, count + 1).map(Int.init)
          : try values(data, Int64.self, count + 1).map(Int.init)
        let text = try buffer()
        var dictionary: [String] = []
        var lookup: [ArraySlice<UInt8>: UInt32] = [:]
        var codes = [UInt32](repeating: 0, count: count)
        for r in 0..<count {
          if validity?[r] == false { continue }
          let a = offsets[r], b = offsets[r + 1]
          guard a >= 0, a <= b, b <= text.count else { throw FrameError("Arrow IPC: column `\(f.name)` has bad string offsets") }
          let slice = bytes[(text.lowerBound + a)..<(text.lowerBound + b)]
          if let c = lookup[slice] { codes[r] = c } else {
            let c = UInt32(dictionary.count)
            dictionary.append(String(decoding: slice, as: UTF8.self))
            lookup[slice] = c
            codes[r] = c
          }
        }
        columns.append(Column(name: f.name, storage: .string(codes: codes, dictionary: dictionary), validity: validity))
      }
    }
    return columns
  }

  static func concatenate(_ pieces: [Column], name: String) throws(FrameError) -> Column {
    var validity: [Bool] = []
    var anyNull = false
    for p in pieces {
      validity += p.validity ?? [Bool](repeating: true, count: p.count)
      anyNull = anyNull || p.validity != nil
    }
    let v = anyNull ? validity : nil
    // A null-type piece (all null) takes the type of the others.
    let typed = pieces.filter { !($0.nullCount == $0.count && $0.type == .string) }
    let kind = typed.first?.type ?? .string
    func filled<T>(_ extract: (Column.Storage) -> [T]?, _ zero: T) throws(FrameError) -> [T] {
      var out: [T] = []
      for p in pieces {
        if let x = extract(p.storage) { out += x } else if p.nullCount == p.count {
          out += [T](repeating: zero, count: p.count)
        } else {
          throw FrameError("column `\(name)` changes type between record batches")
        }
      }
      return out
    }
    switch kind {
    case .int:
      return Column(name: name, ints: try filled({ if case .int(let x) = $0 { x } else { nil } }, Int64(0)), validity: v)
    case .float:
      return Column(name: name, floats: try filled({ if case .float(let x) = $0 { x } else { nil } }, 0.0), validity: v)
    case .bool:
      return Column(name: name, bools: try filled({ if case .bool(let x) = $0 { x } else { nil } }, false), validity: v)
    case .string:
      var strings: [String?] = []
      for p in pieces {
        guard case .string = p.storage else { throw FrameError("column `\(name)` changes type between record batches") }
        for r in 0..<p.count { strings.append(p.isNull(r) ? nil : p.value(at: r).description) }
      }
      return Column(name: name, strings: strings)
    }
  }
}
