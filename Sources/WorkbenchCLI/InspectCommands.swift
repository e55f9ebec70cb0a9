import ArgumentParser
import Cells
import Engine
import Foundation
import WorkbookModel

struct Status: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show which cells are fresh and why the others would rerun (executes nothing).")

  @OptionGroup var workbook: WorkbookArguments
  @OptionGroup var cache: CacheArguments
  @Flag(help: "Machine-readable output.") var json = false

  func run() async throws {
    let engine = try workbook.engine(cache: cache)
    let wb = try workbook.load(engine)
    let plan = engine.plan(wb, definitions: false)  // status shows no definition digests
    if json {
      let value: JSONValue = .object([
        "workbook": .string(wb.workbook.name),
        "cells": .array(plan.cells.map { f in
          .object(["id": .string(f.id), "kind": .string(f.kind), "state": .string(f.statusLabel),
                   "reasons": .array(f.reasons.map(JSONValue.string)), "key": f.key.map(JSONValue.string) ?? .null,
                   "recorded_key": f.recordedKey.map(JSONValue.string) ?? .null])
        }),
      ])
      printOut(value.serialized().trimmingCharacters(in: .newlines))
      return
    }
    let t = Terminal.standardOutput
    let width = plan.cells.map(\.id.count).max() ?? 4
    for f in plan.cells {
      let state: String
      switch f.decision {
      case .cached: state = t.green("fresh  ")
      case .stale: state = t.yellow("stale  ")
      case .skipped: state = t.dim("skipped")
      case .error: state = t.red("error  ")
      }
      let pad = String(repeating: " ", count: max(0, width - f.id.count))
      printOut("\(state) \(f.id)\(pad)  \(t.dim(f.kind))" + (f.reasons.isEmpty ? "" : "  " + f.reasons.joined(separator: "; ")))
    }
  }
}

extension Plan.Cell {
  /// The word `status` and `explain` show: `fresh` for a cached cell, else the decision.
  var statusLabel: String { decision == .cached ? "fresh" : decision.rawValue }
}

struct PlanCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Print the run's plan: every cell's options after substitution, cache key, and whether it is cached, stale (why) or skipped (executes nothing).",
    discussion: "With --json, the plan as JSON (the form a remote executor runs cells from; see docs/cell-run.md).")

  @OptionGroup var workbook: WorkbookArguments
  @OptionGroup var cache: CacheArguments
  @Flag(help: "Machine-readable output (the plan as JSON).") var json = false

  func run() async throws {
    let engine = try workbook.engine(cache: cache)
    let wb = try workbook.load(engine)
    let plan = engine.plan(wb)
    if json {
      printOut(plan.json.serialized().trimmingCharacters(in: .newlines))
      return
    }
    printOut("plan of \(plan.workbook) (\(plan.workbookFile)): \(plan.cells.filter { $0.decision == .cached }.count) cached, "
             + "\(plan.staleCells.count) to execute, \(plan.cells.filter { $0.decision == .skipped }.count) skipped")
    for c in plan.cells {
      printOut("\(c.decision.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(c.id) (\(c.kind))"
               + (c.upstream.isEmpty ? "" : " after \(c.upstream.joined(separator: ", "))")
               + (c.reasons.isEmpty ? "" : ": " + c.reasons.joined(separator: "; ")))
      printOut("        key \(c.key ?? "(known once upstream cells ran)")")
      if let options = c.options, !options.isEmpty {
        printOut("        options " + JSONValue.object(options).serialized(pretty: false))
      }
    }
  }
}

struct Explain: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Explain one cell's cache key: every component in clear, and what changed since its last run.")

  @OptionGroup var workbook: WorkbookArguments
  @OptionGroup var cache: CacheArguments
  @Argument(help: "The cell id.") var cell: String
  @Flag(help: "Machine-readable output.") var json = false

  func run() async throws {
    let engine = try workbook.engine(cache: cache)
    let wb = try workbook.load(engine)
    guard wb.cell(cell) != nil else {
      throw Diagnostics([.error("no cell `\(cell)` in \(wb.workbook.file)", hint: Suggest.hint(for: cell, in: wb.cells.map(\.id)))])
    }
    guard let f = engine.plan(wb, definitions: false).cell(cell) else { return }
    if json {
      printOut(JSONValue.object([
        "id": .string(f.id), "kind": .string(f.kind), "state": .string(f.statusLabel),
        "reasons": .array(f.reasons.map(JSONValue.string)), "key": f.key.map(JSONValue.string) ?? .null,
        "components": f.components?.json ?? .null, "recorded_key": f.recordedKey.map(JSONValue.string) ?? .null,
        "recorded_components": f.recordedComponents?.json ?? .null,
      ]).serialized().trimmingCharacters(in: .newlines))
      return
    }
    printOut("cell \(f.id) (\(f.kind)): \(f.statusLabel)" + (f.reasons.isEmpty ? "" : " — " + f.reasons.joined(separator: "; ")))
    if let c = f.components {
      printOut("key \(f.key ?? "?")")
      printOut("  scheme        \(c.scheme)")
      printOut("  kind          \(c.kind) v\(c.kindVersion)")
      printOut("  spec          \(c.spec.serialized(pretty: false))")
      for (k, v) in c.params.sorted(by: { $0.key < $1.key }) { printOut("  param         \(k) = \(v.displayText)") }
      for (k, v) in c.upstream.sorted(by: { $0.key < $1.key }) { printOut("  upstream      \(k) \(v.prefix(16))…") }
      for (k, v) in c.files.sorted(by: { $0.key < $1.key }) { printOut("  input file    \(k) \(v.prefix(16))…") }
      for (k, v) in c.tools.sorted(by: { $0.key < $1.key }) { printOut("  tool          \(k): \(v)") }
    }
    if let r = f.recordedKey { printOut("recorded key \(r)" + (r == f.key ? " (same)" : "")) } else { printOut("never run") }
    if let m = f.manifest {
      printOut("outputs (digest \(m.outputDigest.prefix(16))…):")
      for a in m.artifacts { printOut("  \(a.name)  \(a.size) bytes\(a.rows.map { ", \($0) rows" } ?? "")") }
    }
  }
}

struct Clean: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Delete a workbook's outputs folder and recorded state (cache entries stay until `gc`).")
  @OptionGroup var workbook: WorkbookArguments

  func run() async throws {
    let engine = try workbook.engine()
    let wb = try workbook.load(engine)
    try engine.clean(workbook: wb.workbook.name)
    printError("removed \(Engine.relative(engine.layout.outputs(workbook: wb.workbook.name).path, to: engine.layout.root)) and the recorded state of `\(wb.workbook.name)`")
  }
}

struct GC: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gc", abstract: "Delete cache entries that no workbook's last good state uses.",
    discussion: """
      Waits until no other workbench command works in the project, and keeps it to itself while it deletes. On a       shared cache (--cache, WORKBENCH_CACHE_DIR) nothing younger than the grace period is deleted (jobs elsewhere       may be writing it) and no blob a remaining manifest references; see docs/cache.md.
      """)

  @OptionGroup var cache: CacheArguments
  @Option(name: .customLong("grace-hours"), help: "On a shared cache, keep everything younger than this many hours (default 24).")
  var graceHours: Double?

  func validate() throws {
    if let graceHours, !(graceHours >= 0) || !graceHours.isFinite { throw ValidationError("--grace-hours must be a number of hours, 0 or more") }
  }

  func run() async throws {
    let engine = try projectEngine(access: .exclusive, cache: cache)
    if graceHours != nil && !engine.layout.hasSharedCache {
      printError("note: --grace-hours applies to a shared cache (--cache or WORKBENCH_CACHE_DIR); .workbench/cache is this project's alone")
    }
    let r = try engine.collectGarbage(gracePeriod: graceHours.map { $0 * 3600 })
    printError("removed \(r.manifests) manifest(s), \(r.blobs) blob(s) and \(r.auxiliaryFiles) auxiliary file(s) (e.g. sweep trials), \(r.bytes / 1024) KiB freed")
  }
}

struct Fsck: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fsck", abstract: "Check the cache and the state database: re-hash every blob, delete damaged entries.",
    discussion: """
      Every cache blob is re-read and compared with its SHA-256 name (bytes can rot with size and times unchanged). \
      A corrupt blob is deleted, with every manifest that refers to it, so the next run recomputes those cells. \
      Exit code 0 when nothing was wrong, 1 when damage was found (and repaired as described).
      """)

  @OptionGroup var cache: CacheArguments

  func run() async throws {
    let engine = try projectEngine(access: .exclusive, cache: cache)
    let (stateProblem, report) = try engine.checkIntegrity()
    let t = Terminal.standardError
    for path in report.corruptBlobs { printError(t.red("corrupt  ") + "\(Engine.relative(path, to: engine.layout.root)) (deleted)") }
    for path in report.removedManifests {
      printError(t.yellow("removed  ") + "\(Engine.relative(path, to: engine.layout.root)) (refers to a missing or corrupt blob, or unreadable; the next run recomputes it)")
    }
    if let stateProblem { printError(t.red("state database: ") + stateProblem + " (set aside and rebuilt, see above)") }
    printError("checked \(report.blobsChecked) blob(s) and \(report.manifestsChecked) manifest(s): "
               + (report.isClean && stateProblem == nil ? t.green("no damage found") : t.red("damage found")))
    if !report.isClean || stateProblem != nil { throw ExitCode(1) }
  }
}

/// An engine for the project in the current directory (commands that take no workbook: `gc`, `fsck`).
func projectEngine(access: ProjectLock.Access, cache: CacheArguments) throws -> Engine {
  let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  let layout = ProjectLayout.resolve(root: ProjectLayout.projectRoot(from: cwd), currentDirectory: cwd,
                                     environment: ProcessInfo.processInfo.environment, cacheOption: cache.cache)
  return try Engine(layout: layout, registry: CellRegistry.standard, access: access, notice: { printError($0) })
}

struct Schema: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the JSON Schema of the workbook format (for editors and yaml-language-server).")

  func run() throws {
    printOut(WorkbookSchema.jsonSchema(kinds: CellRegistry.standard.descriptors).serialized().trimmingCharacters(in: .newlines))
  }
}
