/// Little-endian binary writer used by the model file format (and any other versioned binary encoding).
public struct ByteWriter: Sendable {
  public private(set) var bytes: [UInt8] = []
  public init() {}
  public mutating func write(_ v: UInt8) { bytes.append(v) }
  public mutating func write(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
  public mutating func write(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
  public mutating func write(_ v: Int64) { write(UInt64(bitPattern: v)) }
  public mutating func write(_ v: Int) { write(Int64(v)) }
  /// Bit-exact: the IEEE-754 bit pattern is stored, so a reloaded model predicts identically.
  public mutating func write(_ v: Double) { write(v.bitPattern) }
  public mutating func write(_ v: Bool) { write(UInt8(v ? 1 : 0)) }
  public mutating func write(_ s: String) {
    let utf8 = Array(s.utf8)
    write(UInt64(utf8.count))
    bytes.append(contentsOf: utf8)
  }
  public mutating func write(_ values: [Double]) {
    write(UInt64(values.count))
    for v in values { write(v) }
  }
  public mutating func write(_ values: [Int]) {
    write(UInt64(values.count))
    for v in values { write(v) }
  }
  public mutating func write(bytes raw: [UInt8]) { bytes.append(contentsOf: raw) }
}

/// Reads what ``ByteWriter`` wrote. Every read is bounds-checked and throws ``ByteCodecError`` on truncated
/// or malformed input (never traps), so a corrupt file is a clear error.
public struct ByteReader: Sendable {
  public let bytes: [UInt8]
  public private(set) var offset: Int = 0
  public init(_ bytes: [UInt8]) { self.bytes = bytes }

  public var isAtEnd: Bool { offset == bytes.count }

  mutating func take(_ n: Int) throws(ByteCodecError) -> ArraySlice<UInt8> {
    guard n >= 0, n <= bytes.count - offset else {
      throw ByteCodecError("truncated data: need \(n) bytes at offset \(offset), have \(bytes.count - offset)")
    }
    defer { offset += n }
    return bytes[offset..<(offset + n)]
  }
  public mutating func readUInt8() throws(ByteCodecError) -> UInt8 { try take(1).first! }
  public mutating func readUInt32() throws(ByteCodecError) -> UInt32 {
    try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
  }
  public mutating func readUInt64() throws(ByteCodecError) -> UInt64 {
    try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }
  public mutating func readInt64() throws(ByteCodecError) -> Int64 { Int64(bitPattern: try readUInt64()) }
  public mutating func readInt() throws(ByteCodecError) -> Int {
    let v = try readInt64()
    guard let i = Int(exactly: v) else { throw ByteCodecError("integer out of range at offset \(offset)") }
    return i
  }
  public mutating func readDouble() throws(ByteCodecError) -> Double { Double(bitPattern: try readUInt64()) }
  public mutating func readBool() throws(ByteCodecError) -> Bool {
    switch try readUInt8() {
    case 0: return false
    case 1: return true
    case let b: throw ByteCodecError("invalid boolean byte \(b) at offset \(offset - 1)")
    }
  }
  /// Reads a length prefix and checks it against the bytes left (so a corrupt length cannot allocate wildly).
  public mutating func readCount(elementSize: Int) throws(ByteCodecError) -> Int {
    let n = try readUInt64()
    guard n <= UInt64((bytes.count - offset) / max(elementSize, 1)) else {
      throw ByteCodecError("implausible element count \(n) at offset \(offset - 8)")
    }
    return Int(n)
  }
  public mutating func readString() throws(ByteCodecError) -> String {
    let n = try readCount(elementSize: 1)
    guard let s = String(validating: try take(n), as: UTF8.self) else {
      throw ByteCodecError("invalid UTF-8 string at offset \(offset - n)")
    }
    return s
  }
  public mutating func readDoubles() throws(ByteCodecError) -> [Double] {
    let n = try readCount(elementSize: 8)
    var out = [Double](); out.reserveCapacity(n)
    for _ in 0..<n { out.append(try readDouble()) }
    return out
  }
  public mutating func readInts() throws(ByteCodecError) -> [Int] {
    let n = try readCount(elementSize: 8)
    var out = [Int](); out.reserveCapacity(n)
    for _ in 0..<n { out.append(try readInt()) }
    return out
  }
}

public struct ByteCodecError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
