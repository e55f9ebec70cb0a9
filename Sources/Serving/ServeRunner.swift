import Foundation
import Hummingbird

/// Runs the scoring server until SIGTERM/SIGINT (requests in flight are answered first), following the registry
/// alias: when `promote` or `rollback` moves it, the new version is loaded beside the old one and swapped in.
public enum ServeRunner {
  /// Loads the selected model, serves it and watches the alias. `log` receives one line per event (start, swap).
  /// `rerunLoop`, when given, runs beside the server (the `--watch` rerun loop) and is cancelled when it stops.
  public static func run(source: ModelRegistrySource, settings: ServeSettings, rerunLoop: (@Sendable () async -> Void)? = nil,
                         log: @escaping @Sendable (String) -> Void) async throws {
    let first = try await source.load(try await source.currentVersion())
    let server = ScoringServer(slot: ModelSlot(first), settings: settings)
    log("serving \(first.name) version \(first.version) (run \(first.runId), \(first.model.family)) — selected by \(source.selector)")
    log(first.rawInput.logLine)
    if let drift = settings.servedDrift { log(drift.startLine(for: first)) }
    let app = server.application { port in
      log("listening on http://\(settings.host):\(port) — POST /invocations, GET /ping /health /version /metrics /openapi.json"
          + (settings.reports == nil ? "" : "; reports at /") + (settings.token == nil ? "" : " (bearer token required)"))
    }
    do {
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService() }
        if let rerunLoop { group.addTask { await rerunLoop() } }
        if let drift = settings.servedDrift {
          group.addTask { await drift.run(slot: server.slot, metrics: server.metrics, log: log) }
        }
        if let poll = settings.pollSeconds, source.selector.version == nil {
          group.addTask { await watch(source: source, server: server, every: poll, log: log) }
        }
        // The server ends on SIGTERM/SIGINT after draining; the watcher is then cancelled.
        try await group.next()
        group.cancelAll()
      }
    } catch {
      await closeRequestLog(settings)
      throw error
    }
    await closeRequestLog(settings)  // the drained requests' rows are committed before the process ends
    log("stopped")
  }

  /// Flushes and closes the request log, waiting on a thread of its own (not on the cooperative pool).
  static func closeRequestLog(_ settings: ServeSettings) async {
    guard let requestLog = settings.requestLog else { return }
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
      Thread {
        requestLog.close()
        done.resume()
      }.start()
    }
  }

  /// Serves only the reports app (the workbook registers no model) until SIGTERM/SIGINT, with `rerunLoop` beside it.
  public static func runReports(_ reports: ReportsApp, settings: ServeSettings, rerunLoop: (@Sendable () async -> Void)?,
                                log: @escaping @Sendable (String) -> Void) async throws {
    let router = Router()
    reports.register(on: router)
    let app = Application(
      router: router, configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "workbench"),
      onServerRunning: { channel in log("listening on http://\(settings.host):\(channel.localAddress?.port ?? settings.port) — reports at /") })
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await app.runService() }
      if let rerunLoop { group.addTask { await rerunLoop() } }
      try await group.next()
      group.cancelAll()
    }
    log("stopped")
  }

  /// Polls the alias (one small registry read) and swaps the served model when it points elsewhere.
  /// A version that cannot be loaded is reported and the current one stays in service.
  static func watch(source: ModelRegistrySource, server: ScoringServer, every seconds: Double, log: @Sendable (String) -> Void) async {
    var failedVersion: Int?
    while !Task.isCancelled {
      try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
      if Task.isCancelled { return }
      await swapIfMoved(source: source, server: server, failedVersion: &failedVersion, log: log)
    }
  }

  /// One poll: loads and swaps in the version the alias names when it differs from the one in service.
  public static func swapIfMoved(source: ModelRegistrySource, server: ScoringServer, failedVersion: inout Int?,
                                 log: @Sendable (String) -> Void) async {
    do {
      let target = try await source.currentVersion()
      let current = server.slot.model
      guard target.version != current.version, target.version != failedVersion else { return }
      do {
        let next = try await source.load(target)
        server.slot.swap(next)
        server.metrics.modelLoaded(next, replacing: current)
        server.metrics.driftReset()
        failedVersion = nil
        log("\(source.selector) moved: now serving version \(next.version) (run \(next.runId)); was version \(current.version)")
        log(next.rawInput.logLine)
      } catch {
        failedVersion = target.version
        log("\(source.selector) moved to version \(target.version) but it cannot be loaded (\(error)); still serving version \(current.version)")
      }
    } catch {
      log("cannot read \(source.selector) from the registry (\(error)); still serving version \(server.slot.model.version)")
    }
  }
}
