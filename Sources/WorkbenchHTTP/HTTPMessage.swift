import Foundation
import WorkbenchCore

/// One HTTP request. Bodies are bytes; `json(_:_:body:)` builds a request whose body is a Core `JSONValue`.
public struct HTTPRequest: Sendable, Equatable {
  public var method: String
  public var url: URL
  public var headers: [String: String]
  public var body: Data?

  public init(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
  }

  /// A request with a compact JSON body (keys sorted, so equal values give equal bytes) and its content type.
  public static func json(_ method: String, _ url: URL, body: JSONValue, headers: [String: String] = [:]) -> HTTPRequest {
    var headers = headers
    headers["Content-Type"] = "application/json"
    return HTTPRequest(method: method, url: url, headers: headers, body: Data(body.serializedBytes(pretty: false)))
  }
}

/// One HTTP answer, whatever its status. Header names are lowercased.
public struct HTTPResponse: Sendable, Equatable {
  public var status: Int
  public var headers: [String: String]
  public var body: Data

  public init(status: Int, headers: [String: String] = [:], body: Data) {
    self.status = status
    self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
    self.body = body
  }

  public var isSuccess: Bool { (200..<300).contains(status) }

  /// The value of header `name` (any case).
  public func header(_ name: String) -> String? { headers[name.lowercased()] }

  /// The body parsed as JSON (Core parser: doubles correctly rounded, integers exact).
  public func json() throws -> JSONValue { try JSONValue.parse([UInt8](body)) }
}
