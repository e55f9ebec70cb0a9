import Foundation
import Frame
import Reporting
import WorkbookModel


/// One execution of a workbook (a run, or the scratch re-execution of `verify`): schedules cells as their
/// dependencies finish, at most `jobs` at a time, and turns each into a ``CellRecord``.
final class ExecutionContext: Sendable {
  let engine: Engine
  let workbook: ValidatedWorkbook
  let store: CacheStore
  let state: StateDatabase
  let force: Bool
  let verification: Bool
  let environment: [String: String]
  let runId: Int64?
  let observer: any RunObserver
  /// Tables produced or decoded during this execution, by blob digest: a table written by one cell and read by
  /// several dependents is decoded (and hash-verified) once, not once per reader.
  let tableMemo = TableMemo()

  init(engine: Engine, workbook: ValidatedWorkbook, store: CacheStore, state: StateDatabase,
       force: Bool, verification: Bool, environment: [String: String], runId: Int64?, observer: any RunObserver) {
    self.engine = engine
    self.workbook = workbook
    self.store = store
    self.state = state
    self.force = force
    self.verification = verification
    self.environment = environment
    self.runId = runId
    self.observer = observer
  }

  /// Runs the selected cells, each once all its dependencies finished, at most `jobs` at a time; among the ready
  /// cells the earliest in `workbook.order` starts first. O((cells + edges) · log cells): dependents are indexed
  /// once and ready cells kept in a heap. Once the surrounding task is cancelled (SIGINT/SIGTERM), no further cell
  /// starts: the remaining ones are recorded as skipped.
  /// Runs the selected cells, at most `jobs` at a time, in dependency order. A cell the `plan` found cached (with
  /// every upstream cell cached too) is taken from it as is: its key is not computed twice.
  func execute(selected: Set<String>, jobs: Int, plan: Plan? = nil) async throws -> [CellRecord] {
    var plannedCached: [String: Manifest] = [:]
    for c in plan?.cells ?? [] where c.decision == .cached { plannedCached[c.id] = c.manifest }
    let order = workbook.order
    var position: [String: Int] = [:]
    position.reserveCapacity(order.count)
    for (i, id) in order.enumerated() { position[id] = i }
    var waitingOn = [Int](repeating: 0, count: order.count)
    var dependents = [[Int]](repeating: [], count: order.count)
    for (i, id) in order.enumerated() {
      let deps = workbook.cell(id)!.dependencies
      waitingOn[i] = deps.count
      for d in deps { dependents[position[d]!].append(i) }
    }
    var ready = MinHeap()
    for i in order.indices where waitingOn[i] == 0 { ready.push(i) }
    var finished: [String: CellRecord] = [:]
    finished.reserveCapacity(order.count)
    var running = 0
    let state = self.state, runId = self.runId, observer = self.observer

    func finish(_ record: CellRecord, log: Bool) {
      finished[record.id] = record
      if log {
        record.log(to: state, run: runId)
        observer.cellFinished(record)
      }
      for j in dependents[position[record.id]!] {
        waitingOn[j] -= 1
        if waitingOn[j] == 0 { ready.push(j) }
      }
    }

    await withTaskGroup(of: CellRecord.self) { group in
      while true {
        while running < jobs, let i = ready.pop() {
          let id = order[i]
          let cell = workbook.cell(id)!
          if !selected.contains(id) {
            finish(CellRecord(id: id, kind: cell.kind.name, status: .skipped, reason: "not selected (--cell)"), log: false)
            continue
          }
          if let bad = cell.dependencies.first(where: { finished[$0]!.status == .failed || finished[$0]!.status == .skipped }) {
            let why = finished[bad]!.status == .failed ? "upstream cell `\(bad)` failed" : "upstream cell `\(bad)` was skipped"
            finish(CellRecord(id: id, kind: cell.kind.name, status: .skipped, reason: why), log: true)
            continue
          }
          if Task.isCancelled {
            finish(CellRecord(id: id, kind: cell.kind.name, status: .skipped, reason: "interrupted before it started"), log: true)
            continue
          }
          if !force, let m = plannedCached[id], cell.dependencies.allSatisfy({ finished[$0]!.status == .cached }) {
            if !verification { state.setState(workbook: workbook.workbook.name, cell: id, key: m.key, outputDigest: m.outputDigest) }
            finish(CellRecord(id: id, kind: cell.kind.name, status: .cached, key: m.key, outputDigest: m.outputDigest,
                              durationMs: 0, warnings: m.warnings, manifest: m), log: true)
            continue
          }
          let upstream = Dictionary(uniqueKeysWithValues: cell.dependencies.map { ($0, finished[$0]!) })
          running += 1
          group.addTask { await self.runCell(cell, upstream: upstream) }
        }
        guard running > 0, let record = await group.next() else { break }
        running -= 1
        finish(record, log: true)
      }
    }
    return workbook.cells.map { finished[$0.id]! }
  }
}
