import Foundation
import WorkbenchCore
import WorkbenchHTTP

/// A minimal OpenAI-compatible `POST …/chat/completions` client on the shared `HTTPClient`.
///
/// URL, model and API key are given by the caller (who reads them from the environment). The key is sent only in
/// the `Authorization` header: it is never part of an error, a description or a reflection of this value.
public struct ChatCompletionsClient: Sendable, CustomStringConvertible, CustomReflectable {
  /// Either the full `…/chat/completions` URL or a base such as `http://host/v1` (then `chat/completions` is appended).
  public let endpoint: URL
  public let model: String
  private let apiKey: String?
  /// Seconds for the whole request.
  public let timeout: Double
  public let temperature: Double

  public init(endpoint: URL, model: String, apiKey: String?, timeout: Double = 30, temperature: Double = 0) {
    self.endpoint = endpoint
    self.model = model
    self.apiKey = apiKey?.isEmpty == true ? nil : apiKey
    self.timeout = timeout > 0 ? timeout : 30
    self.temperature = temperature
  }

  public var description: String { "ChatCompletionsClient(\(completionsURL.absoluteString), model: \(model), key: \(apiKey == nil ? "none" : "<redacted>"))" }
  public var customMirror: Mirror {
    Mirror(self, children: ["endpoint": completionsURL.absoluteString, "model": model, "timeout": timeout], displayStyle: .struct)
  }

  public var completionsURL: URL {
    endpoint.path.hasSuffix("/completions") ? endpoint : endpoint.appendingPathComponent("chat").appendingPathComponent("completions")
  }

  /// Removes the key from any text that may be logged.
  func redact(_ text: String) -> String {
    guard let key = apiKey, !key.isEmpty else { return text }
    return text.replacingOccurrences(of: key, with: "<redacted>")
  }

  /// Largest answer read (a chat completion is a few kilobytes).
  static let maxResponseBytes = 16 << 20

  /// Sends one system + user message once (no retry: a late answer is not waited for twice); returns the assistant's
  /// content or why it failed.
  public func complete(system: String, user: String) async -> Result<String, LLMFallbackReason> {
    var headers: [String: String] = [:]
    if let apiKey { headers["Authorization"] = "Bearer \(apiKey)" }
    let body: JSONValue = [
      "model": .string(model), "temperature": .double(temperature),
      "messages": [["role": "system", "content": .string(system)], ["role": "user", "content": .string(user)]],
    ]
    let client = HTTPClient(retry: .none, timeout: timeout, maxResponseBytes: Self.maxResponseBytes)
    let response: HTTPResponse
    do {
      response = try await client.send(.json("POST", completionsURL, body: body, headers: headers))
    } catch HTTPError.unreachable(_, _, _, true) {
      return .failure(.timeout(seconds: timeout))
    } catch HTTPError.unreachable(_, _, let reason, _) {
      return .failure(.unreachable(redact(reason)))
    } catch {
      return .failure(.invalidResponse(redact("\(error)")))
    }
    guard response.isSuccess else { return .failure(.httpError(status: response.status)) }
    guard let content = (try? response.json())?["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue else {
      return .failure(.invalidResponse("no choices[0].message.content in the answer"))
    }
    return .success(content)
  }
}
