import Foundation
import Frame
import Reporting
import WorkbookModel


/// Writes the output contract of DESIGN §4: `outputs/<workbook>/{index.html, report.md, run.json, cells/<id>/…}`.
///
/// A run's outputs are published as a whole: the complete folder is built in a staging folder beside it
/// (`outputs/.<workbook>.staging-<pid>-<n>`) and swapped in with one `renameat2(RENAME_EXCHANGE)`, so a reader
/// of `outputs/<workbook>` sees the previous run's outputs or this run's, never a mix, and a killed run leaves the
/// previous outputs as they were (its staging folder is removed by the next run). Unchanged files are hard links
/// to the previous publication's, so a no-op run rewrites nothing large.
struct OutputWriter {
  let engine: Engine

  /// Tables up to this many rows are exported in full as CSV; larger ones get a preview (see docs/outputs.md).
  static let fullExportRows = 100_000
  static let previewRows = 1_000
  static let markerName = ".output-digest"

  /// What a cell's folder holds after a run (run.json `cells[].folder`).
  enum Folder: String {
    /// This run's outputs (the cell executed or was taken from the cache).
    case current
    /// The cell failed: its last good outputs, kept (a failed run never deletes them).
    case lastGood = "last_good"
    /// The cell has no output in this run (skipped, not selected, not rendered): only a result.json saying so.
    case skipped
    /// No folder (a failed cell that never succeeded).
    case absent
  }

  /// Throws when `outputs/<workbook>` (or the `--output` folder) cannot be replaced safely: a symbolic link (it
  /// would be written through, into someone else's folder), a file, or, for `--output`, a non-empty folder that
  /// holds no run.json (not ours to replace).
  func checkDestination(workbook: String) throws {
    let out = engine.layout.outputs(workbook: workbook)
    let shown = Engine.displayPath(out.path, root: engine.layout.root)
    var st = stat()
    guard lstat(out.path, &st) == 0 else { return }
    switch st.st_mode & S_IFMT {
    case S_IFLNK:
      let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: out.path)) ?? "?"
      throw EngineError("`\(shown)` is a symbolic link (to `\(target)`): workbench replaces this folder as a whole on every run and does not write through links",
                        hint: "remove the link (`rm \(shown)`), or write the outputs elsewhere with `--output DIR`")
    case S_IFDIR:
      guard engine.layout.outputOverride != nil, !FileSystem.exists(out.appendingPathComponent("run.json").path),
            !((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).isEmpty
      else { return }
      throw EngineError("--output `\(shown)` is a folder that workbench did not write (it has files but no run.json): the outputs replace the folder as a whole",
                        hint: "choose a new or empty folder")
    default:
      throw EngineError("`\(shown)` is not a folder", hint: "move it away; workbench writes the workbook's outputs there")
    }
  }

  /// Builds the run's complete outputs folder in a staging folder, checks the `--fail-on` gates, writes run.json
  /// and the reports, and swaps the folder in. Returns the summary as published (cells whose outputs could not be
  /// written are marked failed; warehouse warnings and gate outcomes added).
  func publish(_ summary: RunSummary, gates: [RunGate] = [], memo: TableMemo? = nil) throws -> RunSummary {
    var summary = summary
    let name = summary.workbook.workbook.name
    let out = engine.layout.outputs(workbook: name)
    try checkDestination(workbook: name)
    let parent = out.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    let stagingPrefix = ".\(out.lastPathComponent).staging-"
    Leftovers.removeDead(in: parent.path) { $0.hasPrefix(stagingPrefix) }
    let staging = parent.appendingPathComponent("\(stagingPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    defer { FileSystem.removeItem(staging.path) }  // after the swap it holds the previous outputs

    var folders: [String: Folder] = [:]
    let lastGood = engine.recordedState(workbook: name)
    for i in summary.records.indices {
      let r = summary.records[i]
      let dir = staging.appendingPathComponent("cells/\(r.id)")
      let previous = out.appendingPathComponent("cells/\(r.id)")
      if let m = r.manifest {
        do {
          try materialize(m, into: dir, previous: previous, memo: memo)
          folders[r.id] = .current
        } catch {
          // A damaged cache entry: not reused again; the cell is reported, the rest is published.
          if error is CacheCorruption { engine.store.removeManifest(m.key) }
          FileSystem.removeItem(dir.path)
          summary.records[i].status = .failed
          summary.records[i].manifest = nil
          summary.records[i].outputDigest = nil
          summary.records[i].reason = "its outputs could not be written: \(ExecutionContext.describe(error)); `workbench run` recomputes it"
          summary.records[i].error = CellDiagnostic(code: .outputInvalid, message: summary.records[i].reason ?? "", cell: r.id,
                                                    location: summary.workbook.cell(r.id)?.spec.location)
          folders[r.id] = Folder.absent
        }
      } else if r.status == .failed, let last = lastGood[r.id], let m = engine.manifest(forKey: last.key),
                (try? materialize(m, into: dir, previous: previous, memo: memo)) != nil {
        folders[r.id] = .lastGood
      } else if r.status == .failed {
        FileSystem.removeItem(dir.path)
        folders[r.id] = Folder.absent
      } else {
        let stub: JSONValue = .object(["status": .string(r.status.rawValue), "reason": r.reason.map(JSONValue.string) ?? .null])
        try FileSystem.writeAtomically(stub.serializedBytes(), to: dir.appendingPathComponent("result.json").path)
        folders[r.id] = .skipped
      }
    }

    // The warehouse: the previous one carried over, rebuilt when a published table changed.
    for file in ["warehouse.sqlite", ".warehouse-digest"] where FileSystem.exists(out.appendingPathComponent(file).path) {
      try Self.linkOrCopy(out.appendingPathComponent(file), to: staging.appendingPathComponent(file))
    }
    let warehouseWarnings = try Warehouse(engine: engine).publish(summary, into: staging)
    summary.warnings += warehouseWarnings
    summary.outputWarnings = warehouseWarnings

    summary.gates = gates.map { gate in
      gate.evaluate(summary.records) { r in
        guard let a = r.manifest?.artifact("result.json") else { return nil }
        return (try? engine.store.blob(a.digest)).flatMap { try? JSONValue.parse($0) }
      }
    }
    try FileSystem.writeAtomically(runJSON(summary, folders: folders).serializedBytes(), to: staging.appendingPathComponent("run.json").path)
    let doc = reportDocument(summary, extraWarnings: warehouseWarnings + summary.gates.filter { $0.verdict != .passed }.map {
      "--fail-on \($0.condition): \($0.detail)"
    })
    try FileSystem.writeAtomically(HTMLRenderer.render(doc), to: staging.appendingPathComponent("index.html").path)
    try FileSystem.writeAtomically(MarkdownRenderer.render(doc), to: staging.appendingPathComponent("report.md").path)
    try Self.swap(staging, into: out)
    return summary
  }
}
