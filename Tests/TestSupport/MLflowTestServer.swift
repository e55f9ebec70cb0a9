import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `mlflow server` (SQLite backend, artifact proxy) on a free port of 127.0.0.1, in its own process group,
/// stopped by `stop()` (or when released). The tracking tests and the end-to-end tests use it as their oracle.
public final class MLflowTestServer: @unchecked Sendable {
  public let directory: URL
  public let port: Int
  private let mlflow: URL
  private var process: ChildProcess.Spawned?

  public var uri: String { "http://127.0.0.1:\(port)" }
  public var baseURL: URL { URL(string: uri)! }

  /// `python`: the interpreter of a virtual environment with MLflow; `directory`: the server's database,
  /// artifacts and log.
  public init(python: URL, directory: URL) throws {
    self.directory = directory
    mlflow = python.deletingLastPathComponent().appendingPathComponent("mlflow")
    let text = try runPython(python, "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")
    guard let p = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw MissingResource("no free port: \(text)") }
    port = p
  }

  /// Starts the server and waits until `/health` answers 200; throws with the end of its log otherwise.
  public func start(timeout: TimeInterval = 120) throws {
    var env = ProcessInfo.processInfo.environment
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    env["MLFLOW_DISABLE_TELEMETRY"] = "true"
    let log = directory.appendingPathComponent("server.log")
    let p = try startProcess(mlflow, ["server", "--host", "127.0.0.1", "--port", String(port), "--workers", "1",
                                      "--backend-store-uri", "sqlite:///\(directory.path)/mlflow.db",
                                      "--artifacts-destination", directory.appendingPathComponent("artifacts").path],
                             currentDirectory: directory, environment: env, logFile: log)
    process = p
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if healthy() { return }
      if !p.isRunning { break }
      Thread.sleep(forTimeInterval: 0.25)
    }
    let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    stop()
    throw MissingResource("mlflow server did not become healthy: \(text.suffix(2000))")
  }

  private func healthy() -> Bool {
    let semaphore = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var ok = false
    var request = URLRequest(url: baseURL.appendingPathComponent("health"))
    request.timeoutInterval = 2
    URLSession.shared.dataTask(with: request) { _, response, _ in
      ok = (response as? HTTPURLResponse)?.statusCode == 200
      semaphore.signal()
    }.resume()
    _ = semaphore.wait(timeout: .now() + 3)
    return ok
  }

  /// SIGTERM to the server's process group, SIGKILL to the group after 3 s (uvicorn may wait for idle
  /// keep-alive connections). Never blocks longer than that.
  public func stop() {
    guard let p = process else { return }
    process = nil
    p.signalGroup(SIGTERM)
    let deadline = Date().addingTimeInterval(3)
    while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    p.signalGroup(SIGKILL)
    p.wait()
    Thread.sleep(forTimeInterval: 0.2)
  }

  deinit { stop() }
}
