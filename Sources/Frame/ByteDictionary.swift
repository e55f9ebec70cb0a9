#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An insertion-ordered set of byte strings with dense `UInt32` codes (first appearance = code 0, 1, …).
///
/// Used to dictionary-encode string columns without creating a Swift `String` per field: bytes are hashed and
/// compared in place; only distinct entries are copied into `storage`.
struct ByteDictionary {
  private(set) var storage: [UInt8] = []
  /// Entry `i` is `storage[offsets[i]..<offsets[i + 1]]`.
  private(set) var offsets: [Int] = [0]
  private var hashes: [UInt64] = []
  private var table: [Int32] = Array(repeating: -1, count: 64)
  private var mask = 63

  var count: Int { offsets.count - 1 }

  @inline(__always)
  static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 8 <= n {
      let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
      h ^= h >> 31
      i += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < n {
      tail |= UInt64(p[i]) << shift
      shift += 8
      i += 1
    }
    h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
    h ^= h >> 29
    h = h &* 0xBF58_476D_1CE4_E5B9
    h ^= h >> 32
    return h
  }

  /// The code of the bytes `p[0..<n]`, inserting them when new.
  @inline(__always)
  mutating func code(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 {
    let h = Self.hash(p, n)
    var slot = Int(truncatingIfNeeded: h) & mask
    while true {
      let e = table[slot]
      if e < 0 { break }
      let entry = Int(e)
      if hashes[entry] == h {
        let start = offsets[entry]
        if offsets[entry + 1] - start == n {
          let same = storage.withUnsafeBufferPointer { s in
            n == 0 || (s.baseAddress.map { bytesEqual($0 + start, p, n) } ?? false)
          }
          if same { return UInt32(entry) }
        }
      }
      slot = (slot + 1) & mask
    }
    let code = count
    storage.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
    offsets.append(storage.count)
    hashes.append(h)
    table[slot] = Int32(code)
    if (code + 1) * 2 > mask + 1 { grow() }
    return UInt32(code)
  }

  private mutating func grow() {
    let capacity = (mask + 1) * 2
    var newTable = [Int32](repeating: -1, count: capacity)
    let newMask = capacity - 1
    for (i, h) in hashes.enumerated() {
      var slot = Int(truncatingIfNeeded: h) & newMask
      while newTable[slot] >= 0 { slot = (slot + 1) & newMask }
      newTable[slot] = Int32(i)
    }
    table = newTable
    mask = newMask
  }

  /// Calls `body` with entry `i`'s bytes.
  func withEntry<R>(_ i: Int, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
    storage.withUnsafeBufferPointer { s in
      let start = offsets[i]
      let n = offsets[i + 1] - start
      // A non-nil base even for an empty dictionary storage.
      if let base = s.baseAddress { return body(base + start, n) }
      var zero: UInt8 = 0
      return withUnsafePointer(to: &zero) { body($0, 0) }
    }
  }

  func string(_ i: Int) -> String {
    withEntry(i) { p, n in String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self) }
  }
}
