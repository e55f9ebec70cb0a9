import Foundation
import WorkbookModel

extension ExecutionContext {
  /// What a cell's body reads while it runs: its prepared options, its upstream outputs, a scratch folder.
  func cellContext(_ cell: PlannedCell, prepared: Prepared, upstream: [String: CellRecord], scratch: URL) -> CellContext {
    let upstreamAccess = upstreamAccessors(upstream)
    let observer = self.observer
    return CellContext(
      cellId: cell.id, kind: cell.kind.name, options: prepared.options, params: prepared.components.params, workbookName: workbook.workbook.name,
      projectRoot: engine.layout.root, scratchDirectory: scratch, cacheDirectory: store.root, stateDirectory: engine.layout.stateDirectory,
      workbookFile: workbook.workbook.file, cacheKey: prepared.key,
      toolVersions: prepared.components.tools, environment: environment, isVerification: verification,
      upstream: { id in
        guard let u = upstreamAccess[id] else {
          throw CellError("cell `\(id)` is not an input of this cell", code: .upstreamMissing, hint: "reference it in an option so it becomes a dependency")
        }
        return u
      },
      progress: { c, f, d in observer.progress(cell: c, fraction: f, detail: d) })
  }
}

extension Engine {
  /// Computes one task's share of a cell's work items (a sweep's trials) into the cell's sub-cache: items `task`,
  /// `task + tasks`, `task + 2·tasks`, … (`workbench cell items`, one task of a Slurm job array). Like `cell run`,
  /// every upstream cell must have its entry in the cache; nothing is written but the items (stored ones are kept),
  /// so the cell itself, run afterwards, reuses them all. Already done when the cell's own entry exists.
  /// `itemDone` is told each item's index and the seconds it took (0 when it was stored already).
  ///
  /// `countOnly`: compute nothing, only say how many items there are (`items` of the outcome; 0 when the cell's
  /// entry is cached or the cell is skipped) — how an Airflow DAG maps one task per trial.
  public func runWorkItems(_ workbook: ValidatedWorkbook, cell id: String, task: Int, of tasks: Int, countOnly: Bool = false,
                           expectedDefinition: String? = nil,
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           itemDone: @Sendable (_ index: Int, _ seconds: Double) -> Void = { _, _ in }) async throws -> SingleCellOutcome {
    guard let target = workbook.cell(id) else {
      throw Diagnostics([.error("no cell `\(id)` in \(workbook.workbook.file)", hint: Suggest.hint(for: id, in: workbook.cells.map(\.id)))])
    }
    guard let items = registry.implementations[target.kind.name]?.workItems else {
      throw Diagnostics([.error("cell `\(id)` (kind \(target.kind.name)) has no work items to share out",
                                hint: "run it whole with `workbench cell run`; only sweep cells have items (their trials)")])
    }
    guard tasks >= 1, (0..<tasks).contains(task) else {
      throw Diagnostics([.error("task \(task) of \(tasks): the task must be between 0 and tasks - 1, with tasks ≥ 1")])
    }
    let plan = self.plan(workbook)
    if let expectedDefinition, let now = plan.cell(id)?.definition, now != expectedDefinition {
      return SingleCellOutcome(cell: id, status: .planMismatch,
                               message: "the workbook changed since the plan was made: cell `\(id)` or a cell upstream of it differs "
                                 + "from the plan's definition \(expectedDefinition.prefix(12))…, now \(now.prefix(12))…; rerun `workbench run`")
    }
    var upstream: [String: CellRecord] = [:]
    for d in target.dependencies {
      guard let p = plan.cell(d) else { continue }
      switch (p.decision, p.manifest) {
      case (.cached, let m?):
        upstream[d] = CellRecord(id: d, kind: p.kind, status: .cached, key: m.key, outputDigest: m.outputDigest, manifest: m)
      case (.skipped, _):
        return SingleCellOutcome(cell: id, status: .skipped, message: "upstream cell `\(d)` is skipped, as a run would skip this one")
      default:
        return SingleCellOutcome(cell: id, status: .upstreamMissing,
                                 message: "upstream cell `\(d)` has no entry in the cache \(layout.cacheDirectory.path); run it first: "
                                   + "`workbench cell run \(workbook.workbook.file) --cell \(d)` (or `workbench run`)")
      }
    }
    let context = ExecutionContext(engine: self, workbook: workbook, store: store, state: state, force: false,
                                   verification: false, environment: environment, runId: nil, observer: SilentObserver())
    let clock = ContinuousClock(), start = clock.now
    do {
      guard let prepared = try context.prepare(target, upstream: upstream) else {
        return SingleCellOutcome(cell: id, status: .skipped, message: "condition `when` is false")
      }
      if (try? store.manifest(prepared.key)) != nil {
        return SingleCellOutcome(cell: id, status: .cached, key: prepared.key, message: "the cell's entry is in the cache: nothing to do")
      }
      let scratch = layout.stateDirectory.appendingPathComponent("tmp/\(id)-items-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
      try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
      defer { FileSystem.removeItem(scratch.path) }
      let cellContext = context.cellContext(target, prepared: prepared, upstream: upstream, scratch: scratch)
      let count = try await items.keys(cellContext).count
      if countOnly {
        var outcome = SingleCellOutcome(cell: id, status: .executed, key: prepared.key, message: "\(count) items")
        outcome.items = count
        return outcome
      }
      let mine = Array(stride(from: task, to: count, by: tasks))
      for index in mine {
        let itemStart = clock.now
        try await items.compute(cellContext, index)
        itemDone(index, Double(ExecutionContext.milliseconds(clock.now - itemStart)) / 1000)
      }
      let ms = ExecutionContext.milliseconds(clock.now - start)
      return SingleCellOutcome(cell: id, status: .executed, key: prepared.key, durationMs: ms,
                               message: "items \(mine.map(String.init).joined(separator: ", ")) of \(count) are stored"
                                 + (mine.isEmpty ? " (none falls to task \(task) of \(tasks))" : ""))
    } catch {
      return SingleCellOutcome(cell: id, status: .failed, durationMs: ExecutionContext.milliseconds(clock.now - start),
                               message: ExecutionContext.describe(error))
    }
  }
}
