import Engine
import Foundation
import Reporting
import WorkbenchHTTP
import WorkbookModel

/// `alert`: posts a Slack-compatible JSON message (`{"text", "blocks"}`) to a webhook whose URL is read from an
/// environment variable, and records the alert (message, sent or not, HTTP status or error) in `result.json`.
/// The URL never enters any output. An unreachable webhook is recorded as a warning; the cell still succeeds.
enum AlertCell {
  static let descriptor = KindDescriptor(
    name: "alert", version: 1,
    summary: "Post a Slack-compatible JSON message to a webhook URL read from an environment variable (never written to outputs); always records the alert.",
    options: [
      OptionSpec("text", .string, required: true, doc: "The message (use `${cell.field}` to insert figures, e.g. `${drift.drifted_columns}`)."),
      OptionSpec("header", .string, doc: "The header line of the message (default: the workbook and cell)."),
      OptionSpec("fields", .dictionary(.any), doc: "Label → value pairs shown as fields of the message (values may be `${cell.field}`)."),
      OptionSpec("webhook_env", .string, default: "WORKBENCH_ALERT_WEBHOOK",
                 pattern: OptionPattern("[A-Za-z0-9_]+", meaning: "the NAME of an environment variable (letters, digits, _), not a URL"), doc: "Name of the environment variable holding the webhook URL."),
      OptionSpec("timeout", .number, default: 10, range: OptionRange(lower: 0, lowerInclusive: false, upper: 300), doc: "Seconds to wait for the webhook."),
      OptionSpec("fail_on_error", .boolean, default: false, doc: "Fail the cell when the message cannot be delivered (default: record a warning and succeed)."),
    ])

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let text = try o.requiredString("text")
    let title = try o.string("header") ?? "Workbench alert: \(context.workbookName) / \(context.cellId)"
    let variable = try o.text("webhook_env")
    let timeout = try o.number("timeout")
    let failOnError = try o.boolean("fail_on_error")
    let fields = (o["fields"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { (label: $0.key, value: $0.value.displayText) }
    let payload = message(title: title, text: text, fields: fields)
    let body = payload.serializedBytes(pretty: false)

    var result: [String: JSONValue] = ["message": payload, "webhook_env": .string(variable)]
    var warnings: [String] = []
    var status = "sent"
    if context.isVerification {
      status = "not sent: verification"
      result["sent"] = false
      result["reason"] = "verification"
    } else if let raw = context.environment[variable], !raw.trimmingCharacters(in: .whitespaces).isEmpty {
      let secret = raw.trimmingCharacters(in: .whitespaces)
      guard let url = URL(string: secret), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
        throw CellError("the environment variable `\(variable)` does not hold an http(s) URL", at: o.location(of: "webhook_env"),
                        hint: "set it to the webhook URL, e.g. https://hooks.slack.com/services/…")
      }
      let outcome = await post(body, to: url, timeout: timeout)
      result["http_status"] = outcome.status.map { .int($0) } ?? .null
      if let status_ = outcome.status, (200..<300).contains(status_) {
        result["sent"] = true
      } else {
        let why = redact(outcome.error ?? "HTTP \(outcome.status ?? 0)", secret: secret, url: url)
        result["sent"] = false
        result["error"] = .string(why)
        status = "not sent: \(why)"
        if failOnError {
          throw CellError("the alert could not be delivered to the webhook in `\(variable)`: \(why)", at: o.location(of: "webhook_env"),
                          hint: "check the URL and the network, or drop `fail_on_error` to record the failure and continue")
        }
        warnings.append("alert not delivered to the webhook in `\(variable)`: \(why) (recorded in result.json)")
      }
    } else {
      result["sent"] = false
      result["reason"] = .string("environment variable \(variable) is not set")
      status = "not sent: `\(variable)` is not set"
      warnings.append("alert not sent: the environment variable `\(variable)` is not set (the message is recorded in result.json)")
    }
    result["status"] = .string(status)
    // When the alert was not sent, the cell's warning (a callout above the section) already says so and why.
    let sent = result["sent"]?.boolValue == true
    var report: [ReportBlock] = [.callout(level: .info, text: sent ? "\(title) — \(status)" : title), .text(text)]
    if !fields.isEmpty { report.append(.facts(fields.map { .init($0.label, $0.value) })) }
    return CellOutput(result: .object(result), files: [("message.json", payload.serializedBytes())], report: report, warnings: warnings)
  }

  /// The Slack-compatible payload: `text` (the fallback shown in notifications) and Block Kit `blocks`.
  static func message(title: String, text: String, fields: [(label: String, value: String)]) -> JSONValue {
    var blocks: [JSONValue] = [
      .object(["type": "header", "text": .object(["type": "plain_text", "text": .string(String(title.prefix(150)))])]),
      .object(["type": "section", "text": .object(["type": "mrkdwn", "text": .string(String(text.prefix(3000)))])]),
    ]
    if !fields.isEmpty {
      blocks.append(.object(["type": "section", "fields": .array(fields.prefix(10).map {
        .object(["type": "mrkdwn", "text": .string("*\($0.label)*\n\($0.value)")])
      })]))
    }
    return .object(["text": .string(title + ": " + text), "blocks": .array(blocks)])
  }

  /// POSTs the body once (a webhook message is not retried: a repeat could post it twice); returns the HTTP status
  /// or why no answer came. The answer's body is not kept beyond 1 MiB.
  static func post(_ body: [UInt8], to url: URL, timeout: Double) async -> (status: Int?, error: String?) {
    let client = HTTPClient(retry: .none, timeout: timeout, maxResponseBytes: 1 << 20)
    do {
      let response = try await client.send(HTTPRequest(method: "POST", url: url, headers: ["Content-Type": "application/json"], body: Data(body)))
      return (response.status, nil)
    } catch HTTPError.unreachable(_, _, let reason, _) {
      return (nil, reason)
    } catch {
      return (nil, "\(error)")
    }
  }

  /// Removes the URL (and its host, path and query) from an error text before it is recorded.
  static func redact(_ text: String, secret: String, url: URL) -> String {
    var out = text.replacingOccurrences(of: secret, with: "<webhook URL>")
    for part in [url.absoluteString, url.query ?? "", url.path, url.host ?? ""] where part.count > 1 {
      out = out.replacingOccurrences(of: part, with: "<webhook>")
    }
    return out
  }
}
