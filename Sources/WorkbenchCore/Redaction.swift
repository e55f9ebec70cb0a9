import Foundation

/// Removes credentials from text before it is shown or stored: the password of a URL's user info
/// (`http://user:secret@host` → `http://user:***@host`) and the values of secret-looking query parameters
/// (`?token=…`, `api_key=…`, `password=…`, `signature=…` → `***`). Used for every param value written to
/// run.json, the reports, the terminal and the state database, and for the recorded command line.
public enum Redaction {
  /// What replaces a secret.
  public static let mask = "***"

  /// Query parameter names (lowercased) whose value is a secret; a name containing one of these counts.
  static let secretQueryWords = ["token", "secret", "password", "passwd", "pwd", "key", "signature", "sig", "auth", "credential"]

  /// `text` with the credentials of every URL in it masked (text without URLs is returned unchanged).
  public static func redact(_ text: String) -> String {
    guard text.contains("://") else { return text }
    var out = ""
    var rest = Substring(text)
    while let schemeEnd = rest.range(of: "://") {
      out += rest[..<schemeEnd.upperBound]
      rest = rest[schemeEnd.upperBound...]
      // The URL runs to the next whitespace or quote.
      let end = rest.firstIndex(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "<" || $0 == ">" }) ?? rest.endIndex
      out += redactURLTail(rest[..<end])
      rest = rest[end...]
    }
    return out + rest
  }

  /// Every string inside `value` redacted.
  public static func redact(_ value: JSONValue) -> JSONValue {
    switch value {
    case .string(let s): return .string(redact(s))
    case .array(let a): return .array(a.map(redact))
    case .object(let o): return .object(o.mapValues(redact))
    default: return value
    }
  }

  /// True when `text` holds a value masked by ``redact(_:)-(String)`` (`user:***@`, `token=***`).
  public static func isMasked(_ text: String) -> Bool {
    text.contains("://") && (text.contains(":\(mask)@") || text.contains("=\(mask)"))
  }

  /// True when `text` holds something ``redact(_:)-(String)`` masks.
  public static func containsSecret(_ text: String) -> Bool { redact(text) != text }

  /// The part of a URL after `scheme://`.
  static func redactURLTail(_ tail: Substring) -> String {
    let authorityEnd = tail.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? tail.endIndex
    var authority = String(tail[..<authorityEnd])
    if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
      authority = String(authority[...colon]) + mask + String(authority[at...])
    }
    var remainder = String(tail[authorityEnd...])
    if let q = remainder.firstIndex(of: "?") {
      let fragmentStart = remainder[q...].firstIndex(of: "#") ?? remainder.endIndex
      let query = remainder[remainder.index(after: q)..<fragmentStart]
      let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
        guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
        let name = pair[..<eq].lowercased()
        guard secretQueryWords.contains(where: { name.contains($0) }), pair[pair.index(after: eq)...] != Substring(mask) else {
          return String(pair)
        }
        return String(pair[...eq]) + mask
      }
      remainder = String(remainder[...q]) + pairs.joined(separator: "&") + String(remainder[fragmentStart...])
    }
    return authority + remainder
  }
}
