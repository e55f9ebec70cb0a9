import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A minimal OpenAI-compatible `POST …/chat/completions` client (FoundationNetworking `URLSession`).
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

  /// Sends one system + user message; returns the assistant's content or why it failed.
  public func complete(system: String, user: String) async -> Result<String, LLMFallbackReason> {
    var request = URLRequest(url: completionsURL)
    request.httpMethod = "POST"
    request.timeoutInterval = timeout
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
    let body: [String: Any] = [
      "model": model, "temperature": temperature,
      "messages": [["role": "system", "content": system], ["role": "user", "content": user]],
    ]
    guard let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) else {
      return .failure(.invalidResponse("cannot encode the request"))
    }
    request.httpBody = data
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.timeoutIntervalForResource = timeout
    let session = URLSession(configuration: configuration)
    defer { session.finishTasksAndInvalidate() }
    let timeoutSeconds = timeout
    let outcome: RawOutcome = await withCheckedContinuation { continuation in
      let task = session.dataTask(with: request) { data, response, error in
        if let error {
          let nsError = error as NSError
          if nsError.domain == NSURLErrorDomain && nsError.code == NSURLErrorTimedOut {
            continuation.resume(returning: .timedOut)
          } else {
            continuation.resume(returning: .transport(nsError.code, nsError.localizedDescription))
          }
          return
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        continuation.resume(returning: .http(status, data ?? Data()))
      }
      task.resume()
    }
    switch outcome {
    case .timedOut: return .failure(.timeout(seconds: timeoutSeconds))
    case .transport(let code, let message):
      return .failure(.unreachable(redact("\(message) (code \(code))")))
    case .http(let status, let data):
      guard (200..<300).contains(status) else { return .failure(.httpError(status: status)) }
      guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let choices = json["choices"] as? [Any], let first = choices.first as? [String: Any],
            let message = first["message"] as? [String: Any], let content = message["content"] as? String
      else { return .failure(.invalidResponse("no choices[0].message.content in the answer")) }
      return .success(content)
    }
  }

  enum RawOutcome: Sendable {
    case timedOut
    case transport(Int, String)
    case http(Int, Data)
  }
}
