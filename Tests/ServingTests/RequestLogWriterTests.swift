import Cells
import Engine
import Foundation
import Frame
import Serving
import Synchronization
import Testing
import TestSupport

/// The request log's writer thread, in process: appends return at once, `flush` makes them visible, rows keep their
/// order and values, the bound on stored rows holds, and what arrives after `close` (or beyond the queue bound) is
/// counted as failed, never silently lost.
@Suite struct RequestLogWriterTests {
  func model() throws -> LoadedModel {
    let fixture = try ServeFixture.get()
    let files = try fixture.registeredModel(version: 2)
    return LoadedModel(model: try ServableModel(modelFile: files.model, schemaJSON: files.schema, source: "servetest version 2"),
                       name: "servetest", version: 2, runId: "run-2", trainingCell: "model", cacheKey: nil, workbook: "servetest",
                       loadedAt: 1_700_000_000)
  }

  func table(_ values: [Double]) throws -> Frame {
    try Frame(columns: [Column(name: "Shot Distance", floats: values)])
  }

  @Test func appendsAreCommittedInOrderBoundedAndCounted() throws {
    let folder = try makeTemporaryDirectory("wb-request-log")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("requests.sqlite").path
    let log = try RequestLog(path: path, maximumRows: 250)
    let committed = Atomic<Int>(0), failed = Atomic<Int>(0)
    log.observe(committed: { committed.add($0, ordering: .relaxed) }, failed: { failed.add($0, ordering: .relaxed) })
    let served = try model()
    for request in 0..<30 {
      let values = (0..<10).map { Double(request * 10 + $0) }
      log.append(try table(values), scores: values.map { $0 / 1000 }, model: served)
    }
    log.flush()
    #expect(committed.load(ordering: .relaxed) == 300)
    let database = try SQLiteDatabase(path: path, mode: .readOnly)
    let rows = try database.query("SELECT prediction, \"Shot Distance\" FROM requests ORDER BY rowid")
    // 300 rows scored, 250 kept: the oldest 50 were deleted; each row keeps its own prediction and feature.
    #expect(rows.count == 250)
    #expect(rows.first?[1].double == 50 && rows.last?[1].double == 299)
    #expect(rows.allSatisfy { $0[0].double == ($0[1].double ?? .nan) / 1000 })
    log.close()
    log.append(try table([1, 2]), scores: [0.1, 0.2], model: served)
    #expect(failed.load(ordering: .relaxed) == 2)
  }

  @Test func rowsBeyondTheQueueBoundAreCountedAsFailed() throws {
    let folder = try makeTemporaryDirectory("wb-request-log")
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = try RequestLog(path: folder.appendingPathComponent("requests.sqlite").path, maximumRows: 1000, maximumPendingRows: 5)
    let failed = Atomic<Int>(0)
    log.observe(committed: { _ in }, failed: { failed.add($0, ordering: .relaxed) })
    let values = (0..<6).map(Double.init)
    log.append(try table(values), scores: values, model: try model())  // 6 rows never fit a queue of 5
    log.close()
    #expect(failed.load(ordering: .relaxed) == 6)
  }
}
