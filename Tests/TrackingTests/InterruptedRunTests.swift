import Foundation
import TestSupport
import Testing

@testable import Tracking

/// Unfinished runs with the same run key: a dead writer's run is retired (KILLED, deleted) and replaced; a live
/// writer's run is left alone with `runInProgress`; a FAILED attempt is replaced too. Staging leftovers of dead
/// processes are removed when a store is opened.
@Suite struct InterruptedRunTests {
  func runningRun(_ store: FileTrackingStore, key: String, writer: ProcessIdentity) throws -> RunInfo {
    let e = try store.experiment(named: "held")
    return try store.createRun(RunCreation(
      experimentId: e.experimentId, runName: "interrupted",
      tags: [KeyValue(SystemTags.runKey, key), KeyValue(SystemTags.writer, writer.description)]))
  }

  @Test func deadWriterIsRetiredLiveWriterIsAnError() async throws {
    let dir = try makeTemporaryDirectory("tracking-interrupted")
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try FileTrackingStore(root: dir.appendingPathComponent("mlruns"))
    let record = RunRecord(experimentName: "held", runName: "final", runKey: "key-1",
                           metrics: [MetricPoint(key: "test_auc", value: 0.7, timestamp: 1)])

    // Process 1 (init) is alive: its run is being logged right now.
    let live = ProcessIdentity(host: ProcessIdentity.current.host, pid: 1, start: ProcessIdentity.startTime(of: 1) ?? 0)
    #expect(live.isAlive == true)
    let busy = try runningRun(store, key: "key-1", writer: live)
    await #expect(throws: TrackingError.runInProgress(runId: busy.runId, writer: live.description)) { try await store.record(record) }
    #expect(try store.getRun(runId: busy.runId).info.status == .running, "nothing touched")
    try store.setTerminated(runId: busy.runId, status: .failed, endTime: nil)
    // This very process counts as alive too (another cell logging the same model concurrently).
    let mine = try runningRun(store, key: "key-2", writer: .current)
    let other = RunRecord(experimentName: "held", runName: "twin", runKey: "key-2")
    await #expect(throws: TrackingError.runInProgress(runId: mine.runId, writer: ProcessIdentity.current.description)) { try await store.record(other) }

    // A writer that is gone (same pid, another start time: the pid was reused).
    let gone = ProcessIdentity(host: live.host, pid: 1, start: live.start + 12_345)
    #expect(gone.isAlive == false)
    let stale = try runningRun(store, key: "key-1", writer: gone)
    let (info, reused) = try await store.record(record)
    #expect(!reused && info.status == .finished)
    for old in [busy.runId, stale.runId] {
      let run = try store.getRun(runId: old)
      #expect(run.info.status.isTerminal && run.info.lifecycleStage == "deleted", "\(old) retired")
    }
    #expect(try store.getRun(runId: stale.runId).info.status == .killed)
    #expect(try store.getRun(runId: info.runId).tags[SystemTags.replaces]?.split(separator: ",").count == 2)
    #expect(try store.findRuns(experimentId: info.experimentId, tag: SystemTags.runKey, value: "key-1").map(\.runId) == [info.runId])
    await #expect(try store.record(record).reused)
  }

  @Test func stagingLeftoversOfDeadProcessesAreRemoved() throws {
    let dir = try makeTemporaryDirectory("tracking-staging")
    defer { try? FileManager.default.removeItem(at: dir) }
    let staging = dir.appendingPathComponent(".mlruns.staging")
    try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    let me = ProcessIdentity.current
    let names = ["\(me.pid).\(me.start).live", "\(me.pid).\(me.start + 1).reused-pid", "2147483000.5.dead"]
    for n in names { try Data("x".utf8).write(to: staging.appendingPathComponent(n)) }
    let store = try FileTrackingStore(root: dir.appendingPathComponent("mlruns"))
    #expect(store.removedStagingLeftovers == ["\(me.pid).\(me.start + 1).reused-pid", "2147483000.5.dead"].sorted())
    #expect(FileManager.default.fileExists(atPath: staging.appendingPathComponent(names[0]).path))
  }
}
