import Crypto
import Foundation
import Frame

/// SHA-256 helpers. Digests are lowercase hex strings everywhere (manifests, run.json, blob names).
public enum Digest {
  public static func sha256(_ bytes: some DataProtocol) -> String { hex(SHA256.hash(data: bytes)) }

  /// Lowercase hex of a finished digest.
  public static func hex(_ digest: SHA256.Digest) -> String {
    let alphabet = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for b in digest { out.append(alphabet[Int(b >> 4)]); out.append(alphabet[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
  }
  public static func sha256(_ text: String) -> String { sha256(Array(text.utf8)) }

  /// SHA-256 of a frame's cache encoding (the name of its table blob), streamed without encoding it whole.
  public static func sha256(of frame: Frame) -> String {
    var hasher = SHA256()
    FrameCodec.encode(frame) { piece in
      hasher.update(bufferPointer: piece)
      return true
    }
    return hex(hasher.finalize())
  }

  /// Streams a file through SHA-256 with one reused 1 MiB buffer (constant memory, no per-chunk allocation).
  public static func sha256(fileAt path: String) throws -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw EngineError("cannot open `\(path)` for reading", hint: "check that the file exists and is readable")
    }
    defer { close(fd) }
    var hasher = SHA256()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    while true {
      let n = read(fd, buffer.baseAddress, buffer.count)
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else {
        throw EngineError("cannot read `\(path)`: \(String(cString: strerror(errno)))", hint: "check that the file is readable")
      }
      if n == 0 { break }
      hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
    return hex(hasher.finalize())
  }

  /// Whether `digest` is 64 lowercase hex digits (checked on UTF-8 bytes: this runs for every artifact of every
  /// manifest read).
  public static func isValid(_ digest: String) -> Bool {
    digest.utf8.count == 64 && digest.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
  }
}

/// An engine failure with context: what went wrong, about what, and what to do.
public struct EngineError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var hint: String?
  public init(_ message: String, hint: String? = nil) {
    self.message = message
    self.hint = hint
  }
  public var description: String { hint.map { "\(message) (\($0))" } ?? message }
}
