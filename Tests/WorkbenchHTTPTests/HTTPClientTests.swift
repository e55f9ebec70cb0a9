import Foundation
import Testing
import WorkbenchCore
import WorkbenchHTTP

/// Records the waits the client asks for instead of waiting.
final class WaitRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private var recorded: [Double] = []
  var waits: [Double] { lock.withLock { recorded } }
  func record(_ seconds: Double) { lock.withLock { recorded.append(seconds) } }
}

/// The one HTTP client against a real server on 127.0.0.1 (see `ScriptedHTTPServer`).
@Suite struct HTTPClientTests {
  private func client(retries: Int = 3, timeout: Double = 10, maxBytes: Int = HTTPClient.defaultMaxResponseBytes,
                      waits: WaitRecorder) -> HTTPClient {
    HTTPClient(retry: RetryPolicy(maxRetries: retries, initialDelay: 0.5, multiplier: 2, maxDelay: 30), timeout: timeout,
               maxResponseBytes: maxBytes, sleep: { waits.record($0) })
  }

  private func requestCount(_ server: ScriptedHTTPServer, _ id: String) async throws -> Int {
    let response = try await HTTPClient(retry: .none).send(HTTPRequest(method: "GET", url: server.url("/count/\(id)")))
    return Int(String(decoding: response.body, as: UTF8.self)) ?? -1
  }

  @Test func retriesEachRetryableStatusThenSucceeds() async throws {
    let server = try ScriptedHTTPServer()
    defer { server.stop() }
    for status in [408, 429, 500, 502, 503, 504] {
      let waits = WaitRecorder()
      let response = try await client(waits: waits).send(HTTPRequest(method: "GET", url: server.url("/flaky/s\(status)/2/\(status)")))
      #expect(response.status == 200 && String(decoding: response.body, as: UTF8.self) == "ok", "status \(status)")
      #expect(waits.waits == [0.5, 1.0], "backoff after \(status)")
      #expect(try await requestCount(server, "s\(status)") == 3)
    }
  }

  @Test func otherStatusesAreAnswersNotRetries() async throws {
    let server = try ScriptedHTTPServer()
    defer { server.stop() }
    for status in [400, 401, 403, 404, 409, 501] {
      let waits = WaitRecorder()
      let response = try await client(waits: waits).send(HTTPRequest(method: "GET", url: server.url("/flaky/n\(status)/5/\(status)")))
      #expect(response.status == status)
      #expect(waits.waits.isEmpty)
      #expect(try await requestCount(server, "n\(status)") == 1)
    }
  }

  @Test func attemptsAreBoundedAndTheLastAnswerIsReturned() async throws {
    let server = try ScriptedHTTPServer()
    defer { server.stop() }
    let waits = WaitRecorder()
    let response = try await client(retries: 2, waits: waits).send(HTTPRequest(method: "GET", url: server.url("/flaky/always/99/503")))
    #expect(response.status == 503)
    #expect(waits.waits == [0.5, 1.0])
    #expect(try await requestCount(server, "always") == 3)
  }

  @Test func retryAfterIsHonouredUpToTheMaximumDelay() async throws {
    let server = try ScriptedHTTPServer()
    defer { server.stop() }
    let waits = WaitRecorder()
    _ = try await client(waits: waits).send(HTTPRequest(method: "GET", url: server.url("/flaky/ra/1/429?retry_after=7")))
    #expect(waits.waits == [7])
    let capped = WaitRecorder()
    _ = try await client(waits: capped).send(HTTPRequest(method: "GET", url: server.url("/flaky/rb/1/503?retry_after=3600")))
    #expect(capped.waits == [30])
    let unparsable = WaitRecorder()
    _ = try await client(waits: unparsable).send(HTTPRequest(method: "GET", url: server.url("/flaky/rc/1/503?retry_after=soon")))
    #expect(unparsable.waits == [0.5], "an unreadable Retry-After falls back to the backoff")
    let now = Date(timeIntervalSince1970: 1_445_412_470)  // Wed, 21 Oct 2015 07:27:50 GMT
    #expect(RetryPolicy.seconds(retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 10)
    #expect(RetryPolicy.seconds(retryAfter: "-3") == nil)
  }

  @Test func noAnswerIsUnreachableAfterBoundedAttemptsWithoutCredentials() async throws {
    let waits = WaitRecorder()
    let url = try #require(URL(string: "http://alice:s3cr3t-pw@127.0.0.1:9/api?token=t0k3n-value"))
    do {
      _ = try await client(retries: 2, waits: waits).send(HTTPRequest(method: "GET", url: url))
      Issue.record("a closed port answered")
    } catch let error as HTTPError {
      guard case .unreachable(let shown, let attempts, _, let timedOut) = error else {
        Issue.record("expected unreachable, got \(error)")
        return
      }
      #expect(attempts == 3 && !timedOut)
      #expect(shown == "http://alice:***@127.0.0.1:9/api?token=***")
      #expect(!"\(error)".contains("s3cr3t-pw") && !"\(error)".contains("t0k3n-value"), "\(error)")
    }
    #expect(waits.waits == [0.5, 1.0])
  }

  @Test func aSlowServerTimesOut() async throws {
    let server = try ScriptedHTTPServer()
    defer { server.stop() }
    let waits = WaitRecorder()
    do {
      _ = try await client(retries: 0, timeout: 0.5, waits: waits).send(HTTPRequest(method: "GET", url: server.url("/slow/5")))
      Issue.record("the slow answer arrived within the timeout")
    } catch let error as HTTPError {
      guard case .unreachable(_, 1, _, true) = error else {
        Issue.record("expected a timeout, got \(error)")
        return
      }
    }
  }

  @Test func cancellationStopsTheTransfer() async throws {
    let server = try ScriptedHTTPServer()
    defer { server.stop() }
    let url = server.url("/slow/60")
    let task = Task { try await HTTPClient(retry: .none, timeout: 120).send(HTTPRequest(method: "GET", url: url)) }
    task.cancel()
    let outcome = await task.result
    #expect(throws: CancellationError.self) { try outcome.get() }
  }

  @Test func cancellationStopsTheBackoffWait() async throws {
    let server = try ScriptedHTTPServer()
    defer { server.stop() }
    let url = server.url("/flaky/cw/99/503")
    // Real `Task.sleep` waits of 60 s: only cancellation can end this quickly.
    let started = AsyncStream<Void>.makeStream()
    let task = Task {
      try await HTTPClient(retry: RetryPolicy(maxRetries: 3, initialDelay: 60)).send(
        HTTPRequest(method: "GET", url: url), onRetry: { _, _ in started.continuation.yield() })
    }
    for await _ in started.stream { break }
    task.cancel()
    let outcome = await task.result
    #expect(throws: CancellationError.self) { try outcome.get() }
    #expect(try await requestCount(server, "cw") == 1)
  }

  @Test func answersLargerThanTheBoundAreNotRead() async throws {
    let server = try ScriptedHTTPServer()
    defer { server.stop() }
    let waits = WaitRecorder()
    let bounded = client(maxBytes: 100_000, waits: waits)
    #expect(try await bounded.send(HTTPRequest(method: "GET", url: server.url("/big/100000"))).body.count == 100_000)
    for path in ["/big/100001", "/stream/4194304"] {
      do {
        _ = try await bounded.send(HTTPRequest(method: "GET", url: server.url(path)))
        Issue.record("\(path) was read whole")
      } catch let error as HTTPError {
        #expect(error == .responseTooLarge(url: server.url(path).absoluteString, limit: 100_000))
      }
    }
    #expect(waits.waits.isEmpty, "a too-large answer is not retried")
  }

  @Test func jsonBodiesAreCoreValues() async throws {
    let server = try ScriptedHTTPServer()
    defer { server.stop() }
    let body: JSONValue = ["b": 2, "a": [1.5, "x", nil], "unicode": "é 🏀"]
    let response = try await HTTPClient(retry: .none).send(.json("POST", server.url("/echo"), body: body))
    let echoed = try response.json()
    #expect(echoed["method"] == "POST")
    #expect(echoed["content_type"] == "application/json")
    #expect(echoed["body"] == .string(#"{"a":[1.5,"x",null],"b":2,"unicode":"é 🏀"}"#))
    #expect(try JSONValue.parse(Array((echoed["body"]?.stringValue ?? "").utf8)) == body)
    #expect(response.header("content-type") == "application/json")
  }
}
