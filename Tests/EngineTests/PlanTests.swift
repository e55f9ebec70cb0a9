import Engine
import Foundation
import Testing
import TestSupport
import WorkbookModel

/// The Plan (issue 12): one value per run, used by run, status and remote executors alike.
@Suite struct PlanTests {
  /// `emit` outputs `{value: <value option>}`; with `fail: true` it fails (a real cell failure, not a mock run).
  static let registry: KindRegistry = {
    var r = KindRegistry()
    r.register(CellImplementation(descriptor: KindDescriptor(
      name: "emit", version: 1, summary: "Outputs its value option; fails when told to.",
      options: [OptionSpec("value", .any, doc: "The value."), OptionSpec("fail", .boolean, default: false, doc: "Fail.")])) { context in
      if context.options["fail"] == .bool(true) { throw CellError("told to fail") }
      return CellOutput(result: .object(["value": context.options["value"] ?? .null]))
    })
    return r
  }()

  static let workbook = """
    workbook: planned
    params:
      seed: 1
      flag: false
      broken: false
    cells:
      - id: a
        kind: emit
        value: ${seed}
      - id: b
        kind: emit
        value: ${a.value}
      - id: gated
        kind: emit
        when: ${flag}
        value: 3
      - id: after_gated
        kind: emit
        value: ${gated.value}
      - id: bad
        kind: emit
        value: ${b.value}
        fail: ${broken}
      - id: after_bad
        kind: emit
        value: ${bad.value}
      - id: constant
        kind: emit
        value: 7
    """

  struct Fixture {
    let dir: URL
    let engine: Engine
    let file: String
    init(stateDirectory: URL? = nil, cacheDirectory: URL? = nil, root: URL? = nil) throws {
      dir = try root ?? makeTemporaryDirectory("plan")
      file = dir.appendingPathComponent("planned.yaml").path
      try PlanTests.workbook.write(toFile: file, atomically: true, encoding: .utf8)
      engine = try Engine(layout: ProjectLayout(root: dir, stateDirectory: stateDirectory, cacheDirectory: cacheDirectory),
                          registry: PlanTests.registry)
    }
    func load(_ params: [String: String] = [:]) throws -> ValidatedWorkbook {
      try engine.load(workbookAt: file, overrides: params.sorted { $0.key < $1.key }.map { ParamOverride(name: $0.key, rawValue: $0.value) })
    }
  }

  @Test func planRoundTripsThroughJSON() async throws {
    let f = try Fixture(); defer { try? FileManager.default.removeItem(at: f.dir) }
    _ = try await f.engine.run(try f.load())
    let plan = f.engine.plan(try f.load(["seed": "2"]))
    // Cached, stale with a key and reasons, stale without a key (upstream reruns), skipped: all kinds of cells.
    #expect(Set(plan.cells.map(\.decision)) == [.cached, .stale, .skipped])
    #expect(plan.cell("a")?.key != nil && plan.cell("a")?.options?["value"] == .int(2))
    #expect(plan.cell("a")?.reasons == ["param seed 1→2"])
    #expect(plan.cell("b")?.key == nil && plan.cell("b")?.reasons == ["upstream cell a will rerun"])
    let text = plan.json.serialized()
    let decoded = try Plan(json: try JSONValue.parse(Array(text.utf8)))
    #expect(decoded.json.serialized() == text)
    #expect(decoded.cells.map(\.id) == ["a", "b", "gated", "after_gated", "bad", "after_bad", "constant"])
    #expect(throws: EngineError.self) { try Plan(json: ["format": 99, "workbook": "x", "workbook_file": "x", "cells": []]) }
    #expect(throws: EngineError.self) { try Plan(json: ["format": 1, "workbook": "x", "workbook_file": "x", "cells": [["id": "a"]]]) }
  }

  /// What `status` says before a run is what the run does: cached cells are exactly the cached ones; a stale one
  /// executes (or fails, or is skipped because an upstream cell failed); skipped by `when:` stays skipped.
  @Test(arguments: [["seed": "1"], ["seed": "2"], ["seed": "2", "broken": "true"], ["flag": "true"], ["flag": "true", "broken": "true"]])
  func statusDecisionsAreTheRunsDecisions(params: [String: String]) async throws {
    let f = try Fixture(); defer { try? FileManager.default.removeItem(at: f.dir) }
    _ = try await f.engine.run(try f.load())  // a first run with the defaults
    let wb = try f.load(params)
    let plan = f.engine.plan(wb)
    let summary = try await f.engine.run(wb)
    for cell in plan.cells {
      let record = try #require(summary.record(cell.id))
      switch cell.decision {
      case .cached: #expect(record.status == .cached, "\(cell.id)")
      case .skipped: #expect(record.status == .skipped, "\(cell.id)")
      case .error: #expect(record.status == .failed, "\(cell.id)")
      case .stale:
        #expect(record.status == .executed || record.status == .failed
                  || (record.status == .skipped && record.reason?.hasPrefix("upstream cell") == true), "\(cell.id): \(record.status)")
      }
      if record.status == .cached { #expect(cell.decision == .cached, "\(cell.id)") }
      if let key = cell.key, record.status != .failed { #expect(record.key == key, "\(cell.id)") }
    }
    // Afterwards every cell that executed is cached in the plan, and the failed one (if any) is still stale.
    let after = f.engine.plan(wb)
    for r in summary.records where r.status == .executed || r.status == .cached {
      #expect(after.cell(r.id)?.decision == .cached, "\(r.id)")
    }
    for r in summary.records where r.status == .failed { #expect(after.cell(r.id)?.decision == .stale, "\(r.id)") }
  }

  /// A remote executor (here: one that runs `cell run`'s engine call per cell, in order) gives the run a local run
  /// would give: same statuses, same keys, then a rerun finds everything cached.
  @Test func runWithAnExecutorPublishesAsALocalRun() async throws {
    let remote = try Fixture(); defer { try? FileManager.default.removeItem(at: remote.dir) }
    let local = try Fixture(); defer { try? FileManager.default.removeItem(at: local.dir) }
    let params = ["flag": "true", "broken": "true"]
    let executor = InProcessCellExecutor(engine: remote.engine, workbook: try remote.load(params))
    var options = RunOptions()
    options.overrides = params.map { ParamOverride(name: $0.key, rawValue: $0.value) }
    let viaExecutor = try await remote.engine.run(try remote.load(params), options: options, executor: executor)
    let inProcess = try await local.engine.run(try local.load(params), options: options)
    #expect(viaExecutor.records.map(\.status) == inProcess.records.map(\.status))
    #expect(viaExecutor.records.map(\.key) == inProcess.records.map(\.key))
    #expect(viaExecutor.records.map(\.outputDigest) == inProcess.records.map(\.outputDigest))
    #expect(viaExecutor.record("bad")?.reason?.contains("told to fail") == true)
    #expect(viaExecutor.exitCode == 1 && inProcess.exitCode == 1)
    #expect(executor.executed.value == ["a", "b", "gated", "after_gated", "bad", "constant"])
    let again = try await remote.engine.run(try remote.load(["flag": "true"]), executor: executor)
    #expect(again.record("a")?.status == .cached && again.record("bad")?.status == .executed)
  }

  /// Runs each requested cell with ``Engine/runSingleCell`` (what `workbench cell run` does), in request order.
  final class InProcessCellExecutor: CellExecutor, @unchecked Sendable {
    let engine: Engine
    let workbook: ValidatedWorkbook
    let executed = Locked<[String]>([])
    init(engine: Engine, workbook: ValidatedWorkbook) {
      self.engine = engine
      self.workbook = workbook
    }
    func execute(_ request: ExecutionRequest, observer: any RunObserver) async throws -> [CellExecutionResult] {
      let wb = try engine.load(workbookAt: request.workbookFile, overrides: request.params.compactMap(ParamOverride.init(argument:)))
      var results: [CellExecutionResult] = []
      var failed = Set<String>()
      for work in request.cells {
        if work.dependsOn.contains(where: failed.contains) {
          failed.insert(work.id)
          results.append(CellExecutionResult(cell: work.id, outcome: .cancelled, message: "upstream failed"))
          continue
        }
        executed.withLock { $0.append(work.id) }
        let outcome = try await engine.runSingleCell(wb, cell: work.id, expectedDefinition: work.definition)
        if outcome.exitCode == 0 {
          results.append(CellExecutionResult(cell: work.id, outcome: .succeeded))
        } else {
          failed.insert(work.id)
          results.append(CellExecutionResult(cell: work.id, outcome: .failed, message: outcome.message, logTail: "exit code \(outcome.exitCode)"))
        }
      }
      return results
    }
  }

  @Test func singleCellNeedsItsUpstreamAndIsIdempotent() async throws {
    let f = try Fixture(); defer { try? FileManager.default.removeItem(at: f.dir) }
    let wb = try f.load()
    let missing = try await f.engine.runSingleCell(wb, cell: "b")
    #expect(missing.status == .upstreamMissing && missing.exitCode == CellRunExitCode.upstreamMissing)
    #expect(missing.message?.contains("upstream cell `a`") == true)
    #expect(try await f.engine.runSingleCell(wb, cell: "a").status == .executed)
    #expect(try await f.engine.runSingleCell(wb, cell: "a").status == .cached)
    #expect(try await f.engine.runSingleCell(wb, cell: "b").status == .executed)
    let mismatch = try await f.engine.runSingleCell(wb, cell: "b", expectedDefinition: f.engine.plan(try f.load(["seed": "5"])).cell("b")?.definition)
    #expect(mismatch.status == .planMismatch && mismatch.exitCode == CellRunExitCode.planMismatch)
    #expect(try await f.engine.runSingleCell(wb, cell: "after_gated").status == .skipped)
    #expect(!FileManager.default.fileExists(atPath: f.dir.appendingPathComponent("outputs").path))
  }

  /// A run against a cache folder, then a run with another state directory (another machine) and the same cache:
  /// every cell is cached.
  @Test func aSharedCacheServesAnotherStateDirectory() async throws {
    let shared = try makeTemporaryDirectory("shared-cache"); defer { try? FileManager.default.removeItem(at: shared) }
    let first = try Fixture(cacheDirectory: shared); defer { try? FileManager.default.removeItem(at: first.dir) }
    #expect(first.engine.layout.hasSharedCache)
    let one = try await first.engine.run(try first.load(["flag": "true"]))
    #expect(one.records.filter { $0.status == .executed }.count == 7)
    let otherState = try makeTemporaryDirectory("other-state"); defer { try? FileManager.default.removeItem(at: otherState) }
    let second = try Fixture(stateDirectory: otherState, cacheDirectory: shared, root: first.dir)
    let two = try await second.engine.run(try second.load(["flag": "true"]))
    #expect(two.records.filter { $0.status == .cached }.count == 7)
    #expect(two.record("bad")?.status == .cached && two.record("after_bad")?.status == .cached)
  }
}

/// State and cache folders are chosen in one place, in a documented order.
@Suite struct CacheLocationTests {
  @Test func cacheFolderPrecedence() {
    let root = URL(fileURLWithPath: "/p/project"), cwd = URL(fileURLWithPath: "/work")
    let plain = ProjectLayout.resolve(root: root, currentDirectory: cwd, environment: [:])
    #expect(plain.cacheDirectory.path == "/p/project/.workbench/cache" && !plain.hasSharedCache)
    let stateOnly = ProjectLayout.resolve(root: root, currentDirectory: cwd, environment: ["WORKBENCH_STATE_DIR": "st"])
    #expect(stateOnly.stateDirectory.standardizedFileURL.path == "/work/st" && stateOnly.cacheDirectory.path == "/work/st/cache")
    #expect(!stateOnly.hasSharedCache)
    let fromWorkbook = ProjectLayout.resolve(root: root, currentDirectory: cwd, environment: [:], workbookCache: "shared")
    #expect(fromWorkbook.cacheDirectory.path == "/p/project/shared" && fromWorkbook.hasSharedCache)
    let fromEnvironment = ProjectLayout.resolve(root: root, currentDirectory: cwd, environment: ["WORKBENCH_CACHE_DIR": "/nfs/c"],
                                                workbookCache: "shared")
    #expect(fromEnvironment.cacheDirectory.path == "/nfs/c")
    let fromOption = ProjectLayout.resolve(root: root, currentDirectory: cwd, environment: ["WORKBENCH_CACHE_DIR": "/nfs/c"],
                                           cacheOption: "mine", workbookCache: "shared")
    #expect(fromOption.cacheDirectory.path == "/work/mine")
    // An empty setting is no setting (`WORKBENCH_CACHE_DIR=` does not put the cache in the current directory).
    #expect(ProjectLayout.resolve(root: root, currentDirectory: cwd, environment: ["WORKBENCH_CACHE_DIR": ""]).cacheDirectory == plain.cacheDirectory)
  }
}

/// A value behind a lock (test bookkeeping from concurrent code).
final class Locked<Value>: @unchecked Sendable {
  private var stored: Value
  private let lock = NSLock()
  init(_ value: Value) { stored = value }
  var value: Value { lock.withLock { stored } }
  func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&stored) } }
}
