import Crypto
import Foundation

/// MD5 from swift-crypto, used only because MLflow names dataset folders `md5(name + digest)` in its file store.
/// Not for security.
enum MD5 {
  /// Lowercase hex digest of the UTF-8 bytes of `text`.
  static func hex(_ text: String) -> String {
    Insecure.MD5.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
  }
}
