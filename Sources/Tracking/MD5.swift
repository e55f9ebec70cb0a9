import Foundation

/// MD5 (RFC 1321), used only because MLflow names dataset folders `md5(name + digest)` in its file store.
/// Not for security.
enum MD5 {
  private static let shifts: [UInt32] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
  ]
  private static let table: [UInt32] = (0..<64).map { i in
    UInt32(truncatingIfNeeded: Int64((abs(sin(Double(i + 1))) * 4_294_967_296.0).rounded(.down)))
  }

  /// Lowercase hex digest of the UTF-8 bytes of `text`.
  static func hex(_ text: String) -> String {
    var message = Array(text.utf8)
    let bitLength = UInt64(message.count) &* 8
    message.append(0x80)
    while message.count % 64 != 56 { message.append(0) }
    for i in 0..<8 { message.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
    var a0: UInt32 = 0x6745_2301, b0: UInt32 = 0xefcd_ab89, c0: UInt32 = 0x98ba_dcfe, d0: UInt32 = 0x1032_5476
    var words = [UInt32](repeating: 0, count: 16)
    for chunk in stride(from: 0, to: message.count, by: 64) {
      for j in 0..<16 {
        let b = chunk + 4 * j
        words[j] = UInt32(message[b]) | UInt32(message[b + 1]) << 8 | UInt32(message[b + 2]) << 16
          | UInt32(message[b + 3]) << 24
      }
      var a = a0, b = b0, c = c0, d = d0
      for i in 0..<64 {
        var f: UInt32
        let g: Int
        switch i {
        case 0..<16: f = (b & c) | (~b & d); g = i
        case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
        case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
        default: f = c ^ (b | ~d); g = (7 * i) % 16
        }
        f = f &+ a &+ table[i] &+ words[g]
        a = d
        d = c
        c = b
        b = b &+ ((f << shifts[i]) | (f >> (32 - shifts[i])))
      }
      a0 = a0 &+ a
      b0 = b0 &+ b
      c0 = c0 &+ c
      d0 = d0 &+ d
    }
    var out = ""
    for v in [a0, b0, c0, d0] {
      for i in 0..<4 {
        let byte = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))
        out += String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
      }
    }
    return out
  }
}
