import ArgumentParser
import Engine
import Foundation
import WorkbookModel

struct Verify: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Re-execute the published run in a scratch cache and check its outputs are byte-identical.",
    discussion: """
      The run compared is the one in outputs/<workbook>/run.json (or --output DIR): its params are used unless \
      given with --param. Exit codes: 0 reproducible; 1 a cell's outputs differ, it failed or has no recorded \
      output, or nothing could be compared (no completed run recorded); 3 nothing differs but some cells could not be compared because their inputs (files, params, options) \
      changed since the recorded run (they are named); 2 usage or workbook error.
      """)

  @OptionGroup var workbook: WorkbookArguments
  @OptionGroup var output: OutputArguments
  @OptionGroup var cache: CacheArguments
  @Option(help: "How many independent cells may run at once.") var jobs: Int = 1
  @Flag(help: "Machine-readable output.") var json = false

  /// Exit code when nothing differs but inputs changed since the recorded run.
  static let inputsChangedExitCode: Int32 = 3

  func run() async throws {
    let engine = try workbook.engine(output: output, cache: cache)
    let explicit = try workbook.overrides()
    var wb = try workbook.load(engine, overrides: explicit)
    let published = engine.publishedRun(workbook: wb.workbook.name)
    var notes: [String] = []
    // The params of the run to reproduce: the published run.json's, else those its cells last ran with.
    let recordedParams = published?.params ?? engine.recordedParams(workbook: wb.workbook.name)
    let source = published.map { shownPath(URL(fileURLWithPath: $0.path)) } ?? "the recorded state"
    let (recorded, redacted) = recordedOverrides(recordedParams, workbook: wb, explicit: explicit)
    for name in redacted {
      notes.append("param `\(name)` was recorded with its credentials redacted: verifying with \(Redaction.redact(wb.params[name]?.displayText ?? "")) (pass --param \(name)=… to choose)")
    }
    if !recorded.isEmpty {
      let shown = recorded.map { "\($0.name)=\($0.rawValue)" }.joined(separator: ", ")
      do {
        wb = try engine.load(workbookAt: workbook.workbookPath, overrides: explicit + recorded)
        notes.insert("verifying the recorded run (\(source)) with its params: \(shown)", at: 0)
      } catch {
        // The workbook changed since (a param's type, say): the cells whose inputs differ are reported as such.
        notes.insert("the recorded params (\(shown)) no longer fit the workbook (\(error)); verifying with its current params", at: 0)
      }
    }
    if !json { for n in notes { printError(n) } }
    let observer = ConsoleObserver(quiet: true, progress: !json)
    let results = try await engine.verify(wb, jobs: max(1, jobs), published: published, observer: observer)
    observer.finish()
    let bad = results.filter { [.differs, .failed, .unrecorded].contains($0.verdict) }
    let changed = results.filter { $0.verdict == .inputsChanged }
    let changedFiles = Array(Set(changed.flatMap(\.changedInputs))).sorted()
    // A verify that compared nothing proves nothing: it never says "reproducible" (nor "not reproducible").
    let compared = results.filter { [.identical, .differs, .failed].contains($0.verdict) }
    let outcome = results.contains { [.differs, .failed].contains($0.verdict) } ? "not_reproducible"
      : compared.isEmpty && changed.isEmpty ? "nothing_compared"
      : !bad.isEmpty ? "not_reproducible" : !changed.isEmpty ? "inputs_changed" : "reproducible"
    if json {
      printOut(JSONValue.object([
        "workbook": .string(wb.workbook.name), "reproducible": .bool(outcome == "reproducible"),
        "outcome": .string(outcome), "changed_inputs": .array(changedFiles.map(JSONValue.string)),
        "notes": .array(notes.map(JSONValue.string)),
        "cells": .array(results.map { v in
          .object(["id": .string(v.id), "verdict": .string(v.verdict.rawValue),
                   "recorded_digest": v.recordedDigest.map(JSONValue.string) ?? .null,
                   "reproduced_digest": v.reproducedDigest.map(JSONValue.string) ?? .null,
                   "differing_outputs": .array(v.differingOutputs.map(JSONValue.string)),
                   "changed_inputs": .array(v.changedInputs.map(JSONValue.string)),
                   "detail": v.detail.map(JSONValue.string) ?? .null])
        }),
      ]).serialized().trimmingCharacters(in: .newlines))
    } else {
      let t = Terminal.standardOutput
      for v in results {
        let mark: String
        switch v.verdict {
        case .identical: mark = t.green("identical ")
        case .differs: mark = t.red("DIFFERS   ")
        case .failed: mark = t.red("FAILED    ")
        case .skipped: mark = t.dim("skipped   ")
        case .unrecorded: mark = t.yellow("unrecorded")
        case .inputsChanged: mark = t.yellow("changed   ")
        }
        var line = "\(mark) \(v.id)"
        if !v.differingOutputs.isEmpty { line += "  outputs: " + v.differingOutputs.joined(separator: ", ") }
        if let d = v.detail { line += "  " + t.dim(d) }
        printOut(line)
      }
      let notCompared = changed.isEmpty ? "" : "; \(changed.count) cell(s) not compared because their inputs changed since the recorded run"
      switch outcome {
      case "not_reproducible":
        printOut(t.red("not reproducible: \(bad.count) cell(s) differ, failed or have no recorded output") + notCompared)
      case "inputs_changed":
        let what = changedFiles.isEmpty ? "the workbook or its params (see each cell)" : changedFiles.joined(separator: ", ")
        printOut(t.yellow("inputs changed since the recorded run: \(what)") + " — \(changed.count) cell(s) not compared, nothing differs; "
                 + "run the workbook again, then verify (exit code \(Self.inputsChangedExitCode))")
      case "nothing_compared":
        let unrecorded = results.filter { $0.verdict == .unrecorded }.count
        let skipped = results.filter { $0.verdict == .skipped }.count
        printOut(t.red("nothing to verify: no cell has outputs recorded by a completed run (\(unrecorded) without recorded outputs, \(skipped) skipped)")
                 + " — run the workbook, then verify")
      default:
        printOut(t.green("reproducible: every output is byte-identical"))
      }
    }
    if outcome == "not_reproducible" || outcome == "nothing_compared" { throw ExitCode(1) }
    if !changed.isEmpty { throw ExitCode(Self.inputsChangedExitCode) }
  }

  /// The recorded params as overrides, for those not given on the command line that the workbook still
  /// uses and that differ from their current default; and the params that cannot be taken because their
  /// recorded value is redacted.
  func recordedOverrides(_ params: [String: JSONValue], workbook wb: ValidatedWorkbook, explicit: [ParamOverride])
    -> (overrides: [ParamOverride], redacted: [String])
  {
    let given = Set(explicit.map(\.name))
    let used = Set(wb.cells.flatMap(\.paramsUsed))
    var overrides: [ParamOverride] = []
    var redacted: [String] = []
    for (name, value) in params.sorted(by: { $0.key < $1.key }) where !given.contains(name) && used.contains(name) {
      guard let current = wb.params[name], current != value else { continue }
      if Redaction.isMasked(value.displayText) {
        if Redaction.redact(current.displayText) != value.displayText { redacted.append(name) }
        continue
      }
      let raw = value.arrayValue.map { $0.map(\.displayText).joined(separator: ",") } ?? value.displayText
      overrides.append(ParamOverride(name: name, rawValue: raw))
    }
    return (overrides, redacted)
  }
}
