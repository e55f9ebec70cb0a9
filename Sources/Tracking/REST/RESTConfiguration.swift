import Foundation
/// RetryPolicy (part of `RESTConfiguration`) and the HTTP types live in WorkbenchHTTP; users of Tracking see them.
@_exported import WorkbenchHTTP

/// How to reach an MLflow tracking server: base URL, credentials, timeout, retries.
///
/// Credentials live only here and in the `Authorization` header; `description` and every error print the
/// URL without user-info and never the token or password.
public struct RESTConfiguration: Sendable, CustomStringConvertible {
  public enum Credentials: Sendable {
    case none
    case basic(username: String, password: String)
    case bearer(token: String)
  }

  /// Base URL without user-info or trailing slash, e.g. `http://127.0.0.1:5000`.
  public var baseURL: URL
  public var credentials: Credentials
  /// Per-request timeout in seconds.
  public var timeout: TimeInterval
  public var retry: RetryPolicy

  public init(baseURL: URL, credentials: Credentials = .none, timeout: TimeInterval = 30, retry: RetryPolicy = RetryPolicy())
    throws
  {
    guard let scheme = baseURL.scheme?.lowercased(), scheme == "http" || scheme == "https", baseURL.host != nil else {
      throw TrackingError.invalidInput(
        what: "tracking URI", value: Self.redact(baseURL.absoluteString),
        rule: "the REST backend needs http://host[:port] or https://host[:port]")
    }
    var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)
    var creds = credentials
    if let user = components?.user, case .none = credentials {
      creds = .basic(username: user.removingPercentEncoding ?? user, password: components?.password?.removingPercentEncoding ?? "")
    }
    components?.user = nil
    components?.password = nil
    components?.query = nil
    components?.fragment = nil
    if let path = components?.path, path.hasSuffix("/") { components?.path = String(path.dropLast()) }
    guard let clean = components?.url else {
      throw TrackingError.invalidInput(what: "tracking URI", value: Self.redact(baseURL.absoluteString), rule: "not a valid URL")
    }
    self.baseURL = clean
    self.credentials = creds
    self.timeout = timeout
    self.retry = retry
  }

  /// From the environment: `MLFLOW_TRACKING_URI` (unless `uri` is given), `MLFLOW_TRACKING_TOKEN` (bearer) or
  /// `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD` (basic), `MLFLOW_HTTP_REQUEST_TIMEOUT` (seconds),
  /// `MLFLOW_HTTP_REQUEST_MAX_RETRIES`. Returns nil when the URI is not http(s) (use the file store then).
  public static func fromEnvironment(
    _ environment: [String: String] = ProcessInfo.processInfo.environment, uri: String? = nil
  ) throws -> RESTConfiguration? {
    guard let raw = uri ?? environment["MLFLOW_TRACKING_URI"], let url = URL(string: raw),
      let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https"
    else { return nil }
    var credentials = Credentials.none
    if let token = environment["MLFLOW_TRACKING_TOKEN"], !token.isEmpty {
      credentials = .bearer(token: token)
    } else if let user = environment["MLFLOW_TRACKING_USERNAME"], !user.isEmpty {
      credentials = .basic(username: user, password: environment["MLFLOW_TRACKING_PASSWORD"] ?? "")
    }
    let timeout = environment["MLFLOW_HTTP_REQUEST_TIMEOUT"].flatMap(Double.init) ?? 30
    var retry = RetryPolicy()
    if let n = environment["MLFLOW_HTTP_REQUEST_MAX_RETRIES"].flatMap(Int.init) { retry.maxRetries = max(0, n) }
    return try RESTConfiguration(baseURL: url, credentials: credentials, timeout: timeout, retry: retry)
  }

  /// The `Authorization` header value, if any.
  var authorizationHeader: String? {
    switch credentials {
    case .none: return nil
    case .basic(let user, let password): return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    case .bearer(let token): return "Bearer \(token)"
    }
  }

  public var description: String {
    let auth: String
    switch credentials {
    case .none: auth = "no auth"
    case .basic(let user, _): auth = "basic auth as \(user)"
    case .bearer: auth = "bearer token"
    }
    return "\(baseURL.absoluteString) (\(auth), timeout \(Int(timeout)) s, \(retry.maxRetries) retries)"
  }

  /// `scheme://host…` with any `user:password@` removed. Stricter than Core `Redaction` (which keeps the user name):
  /// a tracking URI's user part alone may be a token (`https://<token>@host`), so the whole user-info goes.
  public static func redact(_ text: String) -> String {
    guard let schemeEnd = text.range(of: "://") else { return text }
    let rest = text[schemeEnd.upperBound...]
    let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
    guard let at = rest[..<hostEnd].lastIndex(of: "@") else { return text }
    return String(text[..<schemeEnd.upperBound]) + "***@" + String(rest[rest.index(after: at)...])
  }
}
