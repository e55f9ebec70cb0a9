import Crypto
import Foundation

/// SHA-256 helpers. Digests are lowercase hex strings everywhere (manifests, run.json, blob names).
public enum Digest {
  public static func sha256(_ bytes: some DataProtocol) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
  }
  public static func sha256(_ text: String) -> String { sha256(Array(text.utf8)) }

  /// Streams a file through SHA-256 in 4 MiB chunks (constant memory for large inputs).
  public static func sha256(fileAt path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw EngineError("cannot open `\(path)` for reading", hint: "check that the file exists and is readable")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while true {
      let chunk = try handle.read(upToCount: 4 << 20) ?? Data()
      if chunk.isEmpty { break }
      hasher.update(data: chunk)
    }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
  }

  public static func isValid(_ digest: String) -> Bool {
    digest.count == 64 && digest.allSatisfy { $0.isHexDigit && !$0.isUppercase }
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
