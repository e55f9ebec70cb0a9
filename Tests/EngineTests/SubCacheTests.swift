import Cells
import Engine
import Foundation
import Testing
import TestSupport
import WorkbookModel

/// The engine-owned sub-caches (`SubCache`): atomic, verified on read, kept by `gc` only while a kept entry lists
/// them, safe with concurrent writers; and a sweep's trials addressable from outside the cell (`workItems`).
@Suite struct SubCacheTests {
  @Test func putThenGetReturnsThePayload() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let cache = SubCache("widgets", cacheDirectory: dir)
    #expect(cache.get("k1") == nil)
    try cache.put("k1", Array("hello".utf8))
    #expect(cache.get("k1") == Array("hello".utf8))
    #expect(cache.contains("k1"))
    #expect(cache.cacheFile("k1") == "widgets/k1")
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("widgets/k1").path))
    // An empty payload is an entry too.
    try cache.put("empty", [])
    #expect(cache.get("empty") == [])
  }

  @Test func tornOrCorruptEntriesAreMissesAndRemoved() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let cache = SubCache("widgets", cacheDirectory: dir)
    let path = dir.appendingPathComponent("widgets/k").path
    let payload = Array("0123456789abcdef".utf8)

    try cache.put("k", payload)
    let whole = try #require(FileManager.default.contents(atPath: path))
    // Torn: cut short (a writer killed without the temp+rename, or a disk full).
    try whole.prefix(whole.count - 3).write(to: URL(fileURLWithPath: path))
    #expect(cache.get("k") == nil)
    #expect(!FileManager.default.fileExists(atPath: path))

    // Corrupt: same length, one byte changed.
    try cache.put("k", payload)
    var flipped = whole
    flipped[flipped.count - 1] ^= 0x01
    try flipped.write(to: URL(fileURLWithPath: path))
    #expect(cache.get("k") == nil)

    // Foreign: a file without the entry header (e.g. an entry of an older layout).
    try Data("{\"key\":\"k\"}".utf8).write(to: URL(fileURLWithPath: path))
    #expect(cache.get("k") == nil)

    // After a miss, a put repairs it.
    try cache.put("k", payload)
    #expect(cache.get("k") == payload)
  }

  @Test func unsafeKeysAreRefused() throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let cache = SubCache("widgets", cacheDirectory: dir)
    #expect(throws: EngineError.self) { try cache.put("../escape", [1]) }
    #expect(throws: EngineError.self) { try cache.put(".hidden", [1]) }
    #expect(cache.get("../escape") == nil)
  }

  /// Two writers put the same key over and over (different payloads, as two processes of a job array computing one
  /// trial might) while a reader reads: every read is a miss or one writer's whole payload, and no temporary file
  /// is left.
  @Test func concurrentWritersLeaveOneWholeEntry() async throws {
    let dir = try makeTemporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
    let cache = SubCache("trials", cacheDirectory: dir)
    let a = [UInt8](repeating: 0x61, count: 64 * 1024), b = [UInt8](repeating: 0x62, count: 48 * 1024)
    let rounds = 150
    let reads = await withTaskGroup(of: [[UInt8]?].self) { group in
      for payload in [a, b] {
        group.addTask {
          for _ in 0..<rounds { try? cache.put("same", payload) }
          return []
        }
      }
      group.addTask {
        var seen: [[UInt8]?] = []
        for _ in 0..<rounds { seen.append(cache.get("same")) }
        return seen
      }
      var all: [[UInt8]?] = []
      for await r in group { all += r }
      return all
    }
    #expect(reads.allSatisfy { $0 == nil || $0 == a || $0 == b })
    let final = cache.get("same")
    #expect(final == a || final == b)
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("trials").path)
    #expect(names == ["same"])
  }

  /// `gc` keeps a sub-cache entry a kept cache entry lists and deletes one nobody lists.
  @Test func gcKeepsReferencedEntriesAndRemovesOthers() async throws {
    let root = try makeTemporaryDirectory("subcache-gc"); defer { try? FileManager.default.removeItem(at: root) }
    var registry = CellRegistry.standard
    registry.register(CellImplementation(descriptor: KindDescriptor(name: "t_widget", version: 1, summary: "test", options: [])) { context in
      let widgets = context.subCache("widgets")
      try widgets.put("kept", Array("listed".utf8))
      var output = CellOutput(result: .object(["ok": .bool(true)]))
      output.cacheFiles = [widgets.cacheFile("kept")]
      return output
    })
    try Data("workbook: wb\ncells:\n  - id: w\n    kind: t_widget\n".utf8).write(to: root.appendingPathComponent("wb.yaml"))
    let layout = ProjectLayout(root: root)
    do {
      let engine = try Engine(layout: layout, registry: registry)
      let summary = try await engine.run(try engine.load(workbookAt: root.appendingPathComponent("wb.yaml").path))
      #expect(summary.exitCode == 0)
    }
    let widgets = SubCache("widgets", cacheDirectory: layout.cacheDirectory)
    try widgets.put("orphan", Array("nobody lists me".utf8))
    let report = try Engine(layout: layout, registry: registry, access: .exclusive).collectGarbage()
    #expect(widgets.get("kept") == Array("listed".utf8))
    #expect(widgets.get("orphan") == nil)
    #expect(report.auxiliaryFiles == 1)
  }

  /// The sweep's trials, computed one by one from outside the cell (`CellImplementation.workItems`, as a Slurm job
  /// array does), are exactly the entries the sweep then reuses: the sweep runs no trial and lists every key.
  @Test func sweepTrialsComputedOutsideTheCellAreReused() async throws {
    let root = try makeTemporaryDirectory("subcache-sweep"); defer { try? FileManager.default.removeItem(at: root) }
    var csv = "a,b,y\n"
    for i in 0..<80 { csv += "\(i % 7),\(Double(i % 11) / 3),\(i % 7 + i % 3 > 4 ? 1 : 0)\n" }
    try Data(csv.utf8).write(to: root.appendingPathComponent("data.csv"))
    var registry = CellRegistry.standard
    let sweep = try #require(registry.implementations["sweep"])
    let items = try #require(sweep.workItems)
    var descriptor = sweep.descriptor
    descriptor.name = "t_sweep_items"
    registry.register(CellImplementation(descriptor: descriptor) { context in
      let keys = try await items.keys(context)
      for i in keys.indices { try await items.compute(context, i) }
      return CellOutput(result: .object(["keys": .array(keys.map(JSONValue.string))]))
    })
    let options = """
        input: split
        features: [a, b]
        models: {logistic_regression: {C: [0.1, 1, 10]}}
        folds: 3
        plots: false
    """
    let yaml = """
    workbook: wb
    cells:
      - id: data
        kind: load
        source: data.csv
      - id: split
        kind: split
        input: data
        target: y
      - id: items
        kind: t_sweep_items
    \(options)
      - id: sweep
        kind: sweep
    \(options)
    """
    try Data(yaml.utf8).write(to: root.appendingPathComponent("wb.yaml"))
    let engine = try Engine(layout: ProjectLayout(root: root), registry: registry)
    let summary = try await engine.run(try engine.load(workbookAt: root.appendingPathComponent("wb.yaml").path))
    #expect(summary.exitCode == 0, "\(summary.records.map { "\($0.id): \($0.reason ?? "")" })")
    let sweepManifest = try #require(summary.record("sweep")?.manifest)
    let keysResult = try JSONValue.parse(Array(try Data(contentsOf: summary.outputsDirectory.appendingPathComponent("cells/items/result.json"))))
    let keyValues = keysResult["keys"]?.arrayValue ?? []
    let keys = keyValues.compactMap { $0.stringValue }
    #expect(keys.count == 3)
    #expect(sweepManifest.cacheFiles == keys.map { "trials/\($0)" })
    #expect(sweepManifest.notes.contains("0 trial(s) run, 3 reused from the trial cache"))
    #expect(FileManager.default.fileExists(atPath: ProjectLayout(root: root).cacheDirectory.appendingPathComponent("trials/\(keys[0])").path))
  }
}
