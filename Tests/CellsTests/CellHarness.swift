import Cells
import Engine
import Foundation
import Frame
import Synchronization
import Testing
import TestSupport
import WorkbookModel

/// Runs ONE cell in-process, through the real engine, without the `workbench` executable.
///
/// The cell's YAML spec becomes the first cell of a workbook in a fresh temporary project; each given upstream
/// cell becomes a cell of the test-only kind `harness_given` that outputs exactly the tables, result and files
/// given. The engine validates the workbook, substitutes `${…}`, computes the key, runs the cell and stores its
/// outputs as in a real run; the harness hands back the `CellOutput` the cell's run closure returned, or the
/// error it threw (or the validation diagnostics, or the engine's reason for failing it).
///
/// Locations in errors are given in the spec's own lines and columns (``CellRun/Failure/line``): the spec's first
/// line is line 1 whatever the workbook around it.
struct CellHarness {
  /// The kinds available: the shipped ones unless a test adds its own.
  var registry: KindRegistry = CellRegistry.standard
  /// Upstream cells the spec may reference (`input: shots`, `${summary.rows}`), by cell id.
  var upstream: [String: GivenCell] = [:]
  /// Files written into the project before the run (path relative to the project root → contents).
  var files: [String: [UInt8]] = [:]
  /// Workbook params (`${name}` in the spec), as `params: {name: value}`.
  var params: [String: JSONValue] = [:]
  /// `--param name=value` overrides.
  var overrides: [String: String] = [:]
  /// The environment the cell sees (empty unless given: no secrets or machine settings leak into tests).
  var environment: [String: String] = [:]

  /// The id-less kind that feeds given outputs to the cell under test.
  static let givenKind = "harness_given"
  /// Lines of the generated workbook before the spec's first line (`workbook:` and `cells:`).
  static let linesBeforeSpec = 2
  /// Columns the spec is indented by inside the `cells:` list (`  - `).
  static let specIndent = 4

  init(registry: KindRegistry = CellRegistry.standard) { self.registry = registry }

  /// A harness whose single upstream cell `id` outputs `table` as its main table.
  init(input id: String, _ table: Frame, registry: KindRegistry = CellRegistry.standard) {
    self.registry = registry
    upstream[id] = GivenCell(table)
  }

  /// Runs the cell described by `spec` (one YAML mapping with `id` and `kind`, unindented).
  func run(_ spec: String) async throws -> CellRun {
    let project = try makeTemporaryDirectory("cell-harness")
    defer { try? FileManager.default.removeItem(at: project) }
    for (path, bytes) in files {
      let url = project.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(bytes).write(to: url)
    }
    let cellId = try Self.cellId(of: spec)
    let captured = Captured()
    var kinds = registry
    kinds.register(givenImplementation())
    if let kind = try Self.kind(of: spec), let implementation = kinds.implementations[kind] {
      kinds.register(Self.capturing(implementation, into: captured, cell: cellId), externalEffects: implementation.descriptor.externalEffects)
    }

    let text = workbookText(spec)
    let file = project.appendingPathComponent("harness.yaml")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let engine = try Engine(layout: ProjectLayout(root: project), registry: kinds)
    let workbook: ValidatedWorkbook
    do {
      workbook = try engine.load(workbookAt: file.path, overrides: overrides.sorted { $0.key < $1.key }.map {
        ParamOverride(name: $0.key, rawValue: $0.value)
      })
    } catch {
      return CellRun(cellId: cellId, status: .failed, output: nil, failure: .init(diagnostics: error), workbook: text)
    }
    var options = RunOptions()
    options.environment = environment
    options.selectedCells = [cellId]
    let summary = try await engine.run(workbook, options: options)
    guard let record = summary.record(cellId) else {
      throw MissingResource("the engine ran no cell `\(cellId)`: \(summary.records.map(\.id))")
    }
    let (output, thrown) = captured.value
    let failure: CellRun.Failure? = record.status == .failed
      ? .init(diagnostic: record.error, thrown: thrown, reason: record.reason ?? output?.failure ?? "failed without a reason") : nil
    return CellRun(cellId: cellId, status: record.status, output: output, failure: failure, workbook: text)
  }

  /// The workbook around `spec`: the spec first (so its lines keep a fixed offset), then the given cells, then params.
  func workbookText(_ spec: String) -> String {
    var lines = ["workbook: harness", "cells:"]
    for (i, line) in spec.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      lines.append((i == 0 ? "  - " : "    ") + line)
    }
    for id in upstream.keys.sorted() {
      lines += ["  - id: \(id)", "    kind: \(Self.givenKind)", "    name: \(id)"]
    }
    if !params.isEmpty {
      lines.append("params:")
      for (name, value) in params.sorted(by: { $0.key < $1.key }) { lines.append("  \(name): \(value.serialized(pretty: false))") }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The `harness_given` kind: outputs the given cell named by its `name` option.
  func givenImplementation() -> CellImplementation {
    let given = upstream
    let descriptor = KindDescriptor(
      name: Self.givenKind, version: 1, summary: "Test harness only: outputs the tables, result and files a test gave.",
      options: [OptionSpec("name", .string, required: true, doc: "The given cell's id.")],
      produces: [.model, .run])  // so `model:` and `run:` references may name a given cell
    return CellImplementation(descriptor: descriptor) { context in
      let name = try context.options.requiredString("name")
      guard let cell = given[name] else { throw CellError("no given cell `\(name)`") }
      return CellOutput(result: cell.result, tables: cell.tables, files: cell.files)
    }
  }

  /// `implementation` with a run closure that also records what the original returned or threw.
  static func capturing(_ implementation: CellImplementation, into captured: Captured, cell: String) -> CellImplementation {
    var wrapped = implementation
    let run = implementation.run
    wrapped.run = { context in
      guard context.cellId == cell else { return try await run(context) }
      do {
        let output = try await run(context)
        captured.set(output: output)
        return output
      } catch {
        captured.set(error: error)
        throw error
      }
    }
    return wrapped
  }

  static func cellId(of spec: String) throws -> String {
    guard let id = topLevelValue("id", in: spec) else {
      throw MissingResource("the spec has no top-level `id:` line:\n\(spec)")
    }
    return id
  }

  static func kind(of spec: String) throws -> String? { topLevelValue("kind", in: spec) }

  /// The scalar after `key:` on an unindented line of `spec`.
  static func topLevelValue(_ key: String, in spec: String) -> String? {
    for line in spec.split(separator: "\n") where line.hasPrefix("\(key):") {
      return line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
    }
    return nil
  }

  /// What the wrapped run closure saw.
  final class Captured: Sendable {
    private let state = Mutex<(output: CellOutput?, error: (any Error)?)>((nil, nil))
    func set(output: CellOutput) { state.withLock { $0.output = output } }
    func set(error: any Error) { state.withLock { $0.error = error } }
    var value: (output: CellOutput?, error: (any Error)?) { state.withLock { ($0.output, $0.error) } }
  }
}

/// Outputs an upstream cell is given to have.
struct GivenCell: Sendable {
  var tables: [(name: String, frame: Frame)]
  var result: JSONValue
  var files: [(name: String, bytes: [UInt8])]

  init(tables: [(name: String, frame: Frame)] = [], result: JSONValue = .object([:]), files: [(name: String, bytes: [UInt8])] = []) {
    self.tables = tables
    self.result = result
    self.files = files
  }

  /// A cell whose main table (named `table`) is `frame`.
  init(_ frame: Frame) { self.init(tables: [("table", frame)]) }
}

/// What running one cell gave: its status and output, or why it failed.
struct CellRun: Sendable {
  let cellId: String
  let status: CellStatus
  /// What the cell's run closure returned (also set for a cell that failed with outputs: `output.failure`).
  let output: CellOutput?
  let failure: Failure?
  /// The generated workbook (for a failing test's message).
  let workbook: String

  /// The output of a cell that ran and succeeded; records an issue naming the failure otherwise.
  func succeeded(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> CellOutput {
    guard status == .executed, let output, output.failure == nil else {
      Issue.record("cell `\(cellId)` \(status.rawValue): \(failure?.message ?? output?.failure ?? "no output")", sourceLocation: sourceLocation)
      throw MissingResource("cell `\(cellId)` did not succeed")
    }
    return output
  }

  /// The failure of a cell expected to fail; records an issue if it succeeded.
  func failed(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Failure {
    guard let failure else {
      Issue.record("cell `\(cellId)` was expected to fail but \(status.rawValue)", sourceLocation: sourceLocation)
      throw MissingResource("cell `\(cellId)` did not fail")
    }
    return failure
  }

  /// Why the cell did not produce outputs: the thrown error, the validation diagnostics or the engine's reason.
  struct Failure: Sendable, CustomStringConvertible {
    /// The error the cell's run closure threw, when it threw one.
    let error: (any Error)?
    /// The run-time error code run.json records (`option.invalid`, `data.invalid`…; docs/errors.md); nil for a
    /// workbook refused by validation.
    let code: ErrorCode?
    /// The validation diagnostics, when the workbook was refused before anything ran.
    let diagnostics: [Diagnostic]
    /// The message (the error's, the first diagnostic's or the engine's reason).
    let message: String
    /// Where in the workbook, when known.
    let location: WorkbookModel.SourceLocation?
    /// What to do about it (a did-you-mean…), when the error says.
    let hint: String?

    init(diagnostics: Diagnostics) {
      error = nil
      code = nil
      self.diagnostics = diagnostics.items
      let first = diagnostics.errors.first ?? diagnostics.items.first
      message = first?.message ?? diagnostics.description
      location = first?.location
      hint = first?.hint
    }

    /// A failure at run time: the engine's structured diagnostic (what run.json records) and the thrown error.
    init(diagnostic: CellDiagnostic?, thrown: (any Error)?, reason: String) {
      error = thrown
      diagnostics = []
      code = diagnostic?.code
      message = diagnostic?.message ?? reason
      location = diagnostic?.location
      hint = diagnostic?.hint
    }

    /// The line within the spec (its first line is 1), or nil when the location is not in the spec.
    var line: Int? {
      guard let location, location.line > CellHarness.linesBeforeSpec else { return nil }
      return location.line - CellHarness.linesBeforeSpec
    }

    /// The column within the spec's line (the spec's own indentation, not the workbook's).
    var column: Int? { location.map { $0.column - CellHarness.specIndent } }

    var description: String { "\(line.map { "spec line \($0): " } ?? "")\(message)" }
  }
}

extension CellOutput {
  /// The table named `name`, or the main (first) table when `name` is nil.
  func table(_ name: String? = nil) throws -> Frame {
    guard let found = name.map({ n in tables.first { $0.name == n } }) ?? tables.first else {
      throw MissingResource("no table \(name.map { "`\($0)`" } ?? "") among \(tables.map(\.name))")
    }
    return found.frame
  }

  /// The bytes of output file `name`.
  func file(_ name: String) throws -> [UInt8] {
    guard let found = files.first(where: { $0.name == name }) else {
      throw MissingResource("no file `\(name)` among \(files.map(\.name))")
    }
    return found.bytes
  }
}
