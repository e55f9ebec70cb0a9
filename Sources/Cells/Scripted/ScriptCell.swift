import Engine
import Foundation
import Frame
import ProcessRunner
import Reporting
import Scripting
import WorkbookModel

/// `python`, `r` and `shell`: the user's own code, run by an interpreter in a scratch folder with one context file.
///
/// One contract for the three languages (see docs/cells/scripted.md): named `inputs:` (upstream tables and files)
/// and `files:` (input files), declared `outputs:`, typed `params:`. The cache key holds the code bytes (inline or
/// the `file:`), every option, the params used, input digests, `track:` globs and the interpreter's environment.
enum ScriptCell {
  static func descriptor(_ language: ScriptLanguage) -> KindDescriptor {
    KindDescriptor(
      name: language.rawValue, version: 1,
      summary: "Run \(language == .r ? "R" : language.rawValue) code on upstream tables and files; its declared outputs are cached like any cell's.",
      options: [
        OptionSpec("code", .string, doc: "The code, inline (`code: |`). Give `code` or `file`."),
        OptionSpec("file", .inputPath, doc: "A script file beside the workbook (its bytes are in the cache key)."),
        OptionSpec("interpreter", .string,
                   doc: "The interpreter: a path (relative to the project root) or a command on PATH; default `\(language.defaultInterpreter)`."),
        OptionSpec("inputs", .dictionary(.table),
                   doc: "Name → upstream table (`cell`, `cell.table`) or upstream file (`cell.file-name`, e.g. `train.model.wbm`)."),
        OptionSpec("files", .dictionary(.inputPath), doc: "Name → input file outside the workbook (its content digest is in the key)."),
        OptionSpec("outputs", .object([
          OptionSpec("tables", .list(.string), default: [], doc: "Tables the code saves (`wb.save_table`)."),
          OptionSpec("figures", .list(.string), default: [], doc: "Figure files (`.svg`, `.png`) the code writes at `wb.figure(name)`."),
          OptionSpec("metrics", .list(.string), default: [], doc: "Metrics the code records (`wb.metric`)."),
          OptionSpec("files", .list(.string), default: [], doc: "Other files the code writes at `wb.output(name)`."),
        ]), doc: "Declared outputs; a missing one, or any other file in the output folder, is an error."),
        OptionSpec("params", .dictionary(.any), doc: "Values the code sees as `wb.params` (typed; `${param}` references keep their type)."),
        OptionSpec("track", .list(.inputPath), doc: "Files the code reads (helper modules, configs), as paths or globs: in the cache key."),
        OptionSpec("env", .list(.string), default: [], pattern: OptionPattern("[A-Za-z0-9_]+", meaning: "an environment variable name"), doc: "Names of environment variables passed to the code (values are never stored or shown)."),
        OptionSpec("environment", .choice(["track", "ignore"]), default: .string("track"),
                   doc: "`ignore` leaves the interpreter and its packages out of the cache key (for code that cannot depend on them)."),
        OptionSpec("tools", .list(.string), default: [], doc: "Shell: commands whose versions enter the cache key."),
        OptionSpec("table_format", .choice(["auto", "arrow", "csv"]), default: .string("auto"),
                   doc: "How tables cross the boundary: Arrow IPC when the interpreter can read it (`auto`), or CSV."),
        OptionSpec("timeout", .number, default: .int(3600), range: .above(0), doc: "Seconds after which the code and its children are killed."),
        OptionSpec("seed", .integer, default: .int(0), doc: "Seed of the language's random generator (and PYTHONHASHSEED)."),
        OptionSpec("threads", .integer, default: 1, range: .atLeast(1),
                   doc: "Thread count given to numeric libraries (OMP_NUM_THREADS and the like); 1 by default, so results do not depend on the machine or on `--jobs`; another written value is in the cache key."),
      ],
      validate: { cell, diagnostics in
        let code = cell.option("code"), file = cell.option("file")
        if (code == nil) == (file == nil) {
          diagnostics.error("give exactly one of `code` (inline) and `file` (a script path)", at: (code ?? file)?.location ?? cell.location,
                            cell: cell.id, hint: "e.g. `code: |` followed by the code, indented")
        }
        if let outputs = cell.option("outputs"), let entries = outputs.entries {
          for group in entries {
            for item in group.value.list ?? [] {
              guard let name = item.string else { continue }
              if group.key == "metrics" ? !isMetricName(name) : !OutputNames.isSafe(name) || name.hasPrefix("wb_") {
                diagnostics.error("`\(name)` is not a valid \(group.key == "metrics" ? "metric" : "output") name", at: item.location, cell: cell.id,
                                  hint: "plain names: letters, digits, `.`, `_`, `-` (not starting with `wb_`)")
              }
              if group.key == "figures", !(name.hasSuffix(".svg") || name.hasSuffix(".png")) {
                diagnostics.error("figure `\(name)` must be an .svg or .png file", at: item.location, cell: cell.id)
              }
            }
          }
        }
      })
  }

  static func isMetricName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 100 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
  }

  static func implementation(_ language: ScriptLanguage) -> CellImplementation {
    var implementation = CellImplementation(descriptor: descriptor(language)) { context in
      try await run(language, context)
    }
    implementation.environment = { options, memo in try environmentFingerprint(language, options: options, memo: memo) }
    return implementation
  }

  static let python = implementation(.python)
  static let r = implementation(.r)
  static let shell = implementation(.shell)

  // MARK: Environment

  static func interpreter(_ language: ScriptLanguage, _ options: CellOptions, root: URL) throws -> String {
    let name = try options.string("interpreter") ?? language.defaultInterpreter
    guard let path = EnvironmentProbe.resolve(name, root: root, path: ProcessInfo.processInfo.environment["PATH"]) else {
      throw CellError("interpreter `\(name)` was not found", at: options.location(of: "interpreter"),
                      hint: language == .r ? "install R (apt-get install r-base-core) or set `interpreter:`"
                        : "install it, or set `interpreter:` to its path (e.g. .venv/bin/python)")
    }
    return path
  }

  /// The interpreter's packages, remembered under the stat signatures of the interpreter and its package folders.
  static func probe(_ language: ScriptLanguage, interpreter: String, tools: [String], memo: FingerprintMemo) throws -> EnvironmentProbe {
    let env = ScriptRunner.baseEnvironment(from: ProcessInfo.processInfo.environment, threads: 1, seed: 0)
    let fresh = ProbeOnce()
    let name = "\(language.rawValue)-environment:\(interpreter):\(tools.joined(separator: ","))"
    func ask() throws -> String { try fresh.get { try EnvironmentProbe.probe(language: language, interpreter: interpreter, environment: env, tools: tools) }.encoded }
    // First the package folders (known from the interpreter alone), then the packages under their signatures.
    let known = try memo.remembered(name + ":folders", paths: [interpreter], compute: ask)
    let folders = EnvironmentProbe(interpreter: interpreter, encoded: known)?.packageFolders ?? []
    let encoded = try memo.remembered(name, paths: [interpreter] + folders, compute: ask)
    guard let probe = EnvironmentProbe(interpreter: interpreter, encoded: encoded) else {
      return try fresh.get { try EnvironmentProbe.probe(language: language, interpreter: interpreter, environment: env, tools: tools) }
    }
    return probe
  }

  /// Fingerprints already computed by this process, by interpreter, tools and the stat signature of the interpreter
  /// (a workbook of many scripted cells asks once).
  static let computed = FingerprintCache()

  /// The thread count numeric libraries get: the cell's `threads:`, else 1. Never derived from the machine or
  /// from `--jobs`: a thread count can change floating-point results (parallel reductions), and a cell's key and
  /// outputs must be the same on every machine and for any `--jobs` (a shared cache, another executor).
  static func threads(_ options: CellOptions) throws -> Int {
    try options.integer("threads")
  }

  static func environmentFingerprint(_ language: ScriptLanguage, options: CellOptions, memo: FingerprintMemo) throws -> [String: String] {
    try interpreterFingerprint(language, options: options, memo: memo)
  }

  static func interpreterFingerprint(_ language: ScriptLanguage, options: CellOptions, memo: FingerprintMemo) throws -> [String: String] {
    let interpreter = try interpreter(language, options, root: memo.projectRoot)
    if try options.string("environment") == "ignore" { return [:] }
    let tools = try options.texts("tools")
    func signature(_ paths: [String]) -> String {
      paths.map { FileSystem.statSignature($0).map { "\($0.size):\($0.mtimeNs):\($0.ctimeNs):\($0.inode)" } ?? "-" }.joined(separator: ",")
    }
    let cacheKey = "\(language.rawValue)\t\(interpreter)\t\(tools.joined(separator: ","))"
    if let known = computed.get(cacheKey), known.signature == signature(known.paths) { return known.fingerprint }
    let (result, folders) = try fingerprint(language, interpreter: interpreter, tools: tools, options: options, memo: memo)
    let paths = [interpreter] + folders
    computed.put(cacheKey, (paths, signature(paths), result))
    return result
  }

  static func fingerprint(_ language: ScriptLanguage, interpreter: String, tools: [String], options: CellOptions,
                          memo: FingerprintMemo) throws -> ([String: String], folders: [String]) {
    let label = language.environmentLabel
    let probe: EnvironmentProbe
    do {
      probe = try Self.probe(language, interpreter: interpreter, tools: tools, memo: memo)
    } catch {
      throw CellError("cannot fingerprint the environment of `\(interpreter)`: \(error)", at: options.location(of: "interpreter"),
                      hint: "check that the interpreter runs; `environment: ignore` leaves it out of the cache key")
    }
    // One entry for all packages (`name version` lines): a compact key, and `explain` names each one that changed.
    let packages = probe.packages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n")
    return (["\(label): interpreter": "\(interpreter) (\(probe.version))", label: packages], probe.packageFolders)
  }

  // MARK: Running

  static func run(_ language: ScriptLanguage, _ context: CellContext) async throws -> CellOutput {
    let o = context.options
    let interpreter = try interpreter(language, o, root: context.projectRoot)
    let directory = context.scratchDirectory.appendingPathComponent("script")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

    // Code: inline (written beside the runner) or a file.
    let codePath: String, display: String, lineOffset: Int?
    if let code = try o.string("code") {
      codePath = directory.appendingPathComponent("wb_cell." + (language == .python ? "py" : language == .r ? "R" : "sh")).path
      try code.write(toFile: codePath, atomically: true, encoding: .utf8)
      display = "<cell \(context.cellId)>"
      let location = o.nodes["code"]?.location ?? o.location(of: "code")
      lineOffset = location.line + (code.contains("\n") ? 1 : 0) - 1
    } else {
      let file = try o.requiredString("file")
      codePath = context.resolvePath(file).path
      guard FileManager.default.isReadableFile(atPath: codePath) else {
        throw CellError("script `\(file)` cannot be read", at: o.location(of: "file"))
      }
      display = codePath
      lineOffset = nil
    }

    // Table format: Arrow when the interpreter reads it (known from its packages), else CSV, said once.
    var warnings: [String] = []
    let packages = Set((context.toolVersions[language.environmentLabel] ?? "").split(separator: "\n").compactMap {
      $0.split(separator: " ").first.map(String.init)
    })
    let format: TableFormat
    switch try o.text("table_format") {
    case "arrow": format = .arrow
    case "csv": format = .csv
    default:
      if language == .shell {
        format = .csv
      } else {
        let ignored = try o.string("environment") == "ignore"
        let known = ignored ? Array(try probeNow(language, interpreter: interpreter).packages.keys) : Array(packages)
        format = language.readsArrow(packages: Set(known)) ? .arrow : .csv
        if format == .csv {
          warnings.append("tables cross as CSV: `\(interpreter)` has \(language == .r ? "no `arrow` package" : "neither pyarrow nor polars") "
            + "(install one for Arrow IPC, or set `table_format: csv` to silence this)")
        }
      }
    }

    // Inputs: upstream tables and files, input files.
    let inputDirectory = directory.appendingPathComponent("in")
    try FileManager.default.createDirectory(at: inputDirectory, withIntermediateDirectories: true)
    var inputs: [ScriptContext.Input] = []
    for (name, ref) in (o["inputs"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
      guard let reference = ref.stringValue else { throw CellError("input `\(name)` must name an upstream cell", at: o.location(of: "inputs")) }
      inputs.append(try upstreamInput(name, reference, context: context, format: format, into: inputDirectory))
    }
    for (name, path) in (o["files"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
      guard let p = path.stringValue else { throw CellError("file input `\(name)` must be a path", at: o.location(of: "files")) }
      if inputs.contains(where: { $0.name == name }) {
        throw CellError("`\(name)` is both in `inputs` and in `files`", at: o.location(of: "files"), hint: "rename one")
      }
      inputs.append(.init(name: name, kind: .file, path: context.resolvePath(p).path))
    }

    let outputs = try o.mapping("outputs")
    func names(_ group: String) throws -> [String] { try outputs?.texts(group) ?? [] }  // no `outputs:`: none declared
    let seed = try o.integer("seed")
    let params = (o["params"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, scriptValue($0.value)) }
    let scriptContext = ScriptContext(
      cell: context.cellId, workbook: context.workbookName, seed: seed, params: params, inputs: inputs,
      tables: try names("tables"), figures: try names("figures"), files: try names("files"), metrics: try names("metrics"),
      tableFormat: format, codePath: codePath, codeDisplayName: display,
      searchPath: [URL(fileURLWithPath: codePath).deletingLastPathComponent().path, context.projectRoot.path],
      directory: directory)

    // Environment: the fixed base plus only the variables the cell names.
    var env = ScriptRunner.baseEnvironment(from: context.environment, threads: try threads(o), seed: seed)
    var secrets: [(name: String, value: String)] = []
    for name in try o.texts("env") {
      guard let value = context.environment[name] else {
        throw CellError("environment variable `\(name)` is not set", at: o.location(of: "env"), hint: "export it before running workbench")
      }
      env[name] = value
      if value.count >= 4 { secrets.append((name, value)) }
    }
    func masked(_ text: String) -> String {
      secrets.reduce(text) { $0.replacingOccurrences(of: $1.value, with: "***") }
    }

    context.progress(.nan, "running \(URL(fileURLWithPath: interpreter).lastPathComponent)")
    let result: ScriptResult
    do {
      result = try await ScriptRunner.run(language: language, interpreter: interpreter, context: scriptContext, environment: env,
                                          timeout: try o.double("timeout"))
    } catch {
      throw CellError("cannot start `\(interpreter)`: \(error)", at: o.location(of: "interpreter"))
    }
    let printed = masked(result.output)

    switch result.ending {
    case .finished(0): break
    case .cancelled: throw CancellationError()
    case .timedOut:
      throw CellError("the code ran longer than `timeout` (\(try o.number("timeout")) s): it and its child processes were killed"
        + tail(printed), code: .scriptFailed, at: o.location(of: "timeout"), hint: "raise `timeout`, or make the code faster")
    case .printedTooMuch:
      throw CellError("the code printed more than \(ScriptRunner.maximumOutputBytes / 1_048_576) MB and was stopped" + tail(printed), code: .scriptFailed,
                      at: o.cellLocation, hint: "write data to declared outputs, not to stdout")
    case .signaled(let s):
      throw CellError("the interpreter was killed by signal \(s)" + tail(printed), code: .scriptFailed, at: o.cellLocation)
    case .finished(let status):
      var location: SourceLocation = o.location(of: o.has("code") ? "code" : "file")
      var what = "exited with status \(status)"
      if let type = result.errorType {
        what = language == .r ? "Error: \(masked(result.errorMessage ?? ""))" : "\(type): \(masked(result.errorMessage ?? ""))"
        if let line = result.errorLine {
          if let lineOffset {
            location = SourceLocation(file: location.file, line: lineOffset + line, column: 1)
          } else {
            location = SourceLocation(file: (try? o.requiredString("file")) ?? codePath, line: line, column: 1)
          }
        }
      }
      throw CellError("in cell '\(context.cellId)': \(what)" + tail(printed), code: .scriptFailed, at: location)
    }

    return try collect(scriptContext, language: language, context: context, printed: printed, truncated: result.outputTruncated,
                       seconds: result.seconds, warnings: warnings, secrets: secrets)
  }

  static func tail(_ printed: String) -> String {
    let lines = printed.split(separator: "\n", omittingEmptySubsequences: false)
    let last = lines.suffix(15).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    return last.isEmpty ? "" : "\n  last lines of output:\n    " + last.replacingOccurrences(of: "\n", with: "\n    ")
  }

  static func probeNow(_ language: ScriptLanguage, interpreter: String) throws -> EnvironmentProbe {
    try EnvironmentProbe.probe(language: language, interpreter: interpreter,
                               environment: ScriptRunner.baseEnvironment(from: ProcessInfo.processInfo.environment, threads: 1, seed: 0))
  }

  static func upstreamInput(_ name: String, _ reference: String, context: CellContext, format: TableFormat,
                            into folder: URL) throws -> ScriptContext.Input {
    let location = context.options.location(of: "inputs")
    let parsed = try CellReference.table(reference, at: location)
    let cell = parsed.cell, parts = [cell] + (parsed.table.map { [$0] } ?? [])
    let upstream = try context.upstreamOutput(cell)
    if parts.count == 2, !upstream.tableNames.contains(parts[1]) {
      guard upstream.fileNames.contains(parts[1]) else {
        throw CellError("cell `\(cell)` has no table or file `\(parts[1])`", at: location,
                        hint: "its tables: \(upstream.tableNames.joined(separator: ", ")); files: \(upstream.fileNames.joined(separator: ", "))")
      }
      let path = folder.appendingPathComponent("\(name)-\(parts[1])")
      try Data(try context.file(parts[1], of: cell)).write(to: path)
      return .init(name: name, kind: .file, path: path.path)
    }
    let frame = try context.table(reference)
    let path = folder.appendingPathComponent("\(name).\(format.fileExtension)")
    let bytes = format == .arrow ? ArrowIPC.write(frame) : CSVWriter.write(frame)
    try Data(bytes).write(to: path)
    return .init(name: name, kind: .table, path: path.path, format: format,
                 columns: frame.columns.map { ($0.name, $0.type.rawValue) }, rows: frame.rowCount)
  }

  static func scriptValue(_ v: JSONValue) -> ScriptValue {
    switch v {
    case .null: .null
    case .bool(let b): .bool(b)
    case .int(let i): .int(i)
    case .double(let d): .double(d)
    case .string(let s): .string(s)
    case .array(let a): .array(a.map(scriptValue))
    case .object(let o): .object(o.sorted { $0.key < $1.key }.map { ($0.key, scriptValue($0.value)) })
    }
  }

  // MARK: Outputs

  static func collect(_ s: ScriptContext, language: ScriptLanguage, context: CellContext, printed: String, truncated: Bool,
                      seconds: Double, warnings: [String], secrets: [(name: String, value: String)]) throws -> CellOutput {
    let o = context.options
    let location = o.location(of: "outputs")
    let fm = FileManager.default
    var expected = Set(s.tables.map { "\($0).\(s.tableFormat.fileExtension)" })
    expected.formUnion(s.figures)
    expected.formUnion(s.files)
    let present = Set((try? fm.contentsOfDirectory(atPath: s.outputDirectory.path)) ?? [])
    if let extra = present.subtracting(expected).sorted().first {
      throw CellError("the code wrote `\(extra)` in the output folder, which is not a declared output", code: .scriptFailed, at: location,
                      hint: "declare it under `outputs:` (tables, figures or files), or write scratch files elsewhere (the working directory)")
    }
    if let missing = expected.subtracting(present).sorted().first {
      throw CellError("declared output `\(missing)` was not written", code: .scriptFailed, at: location,
                      hint: language == .shell ? "write it at $WB_OUTPUT_\(ScriptContext.variableName(missing.split(separator: ".").first.map(String.init) ?? missing))"
                        : "save it with wb.save_table / wb.figure / wb.output")
    }
    func checkSecrets(_ bytes: [UInt8], _ name: String) throws {
      for secret in secrets where bytes.count >= secret.value.utf8.count {
        let needle = Array(secret.value.utf8)
        if bytes.withUnsafeBufferPointer({ b in (0...(b.count - needle.count)).contains { i in needle.indices.allSatisfy { b[i + $0] == needle[$0] } } }) {
          throw CellError("output `\(name)` contains the value of environment variable `\(secret.name)`", code: .scriptFailed, at: location,
                          hint: "secrets passed by `env:` must not reach outputs (they would be cached and published)")
        }
      }
    }

    var tables: [(name: String, frame: Frame)] = []
    for t in s.tables {
      let path = s.tablePath(t)
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      try checkSecrets(bytes, t)
      do {
        if s.tableFormat == .arrow {
          tables.append((t, try ArrowIPC.read(bytes, source: "table `\(t)`")))
        } else {
          tables.append((t, try CSVReader.read(bytes: bytes, source: "table `\(t)`").frame))
        }
      } catch {
        throw CellError("the saved table `\(t)` cannot be read: \(error)", at: location)
      }
    }
    var files: [(name: String, bytes: [UInt8])] = []
    for f in s.figures + s.files {
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: s.outputPath(f))))
      try checkSecrets(bytes, f)
      files.append((f, bytes))
    }

    var metrics: [String: JSONValue] = [:]
    if !s.metrics.isEmpty {
      if language == .shell {
        for m in s.metrics {
          guard let text = try? String(contentsOfFile: s.directory.appendingPathComponent("wb_metric_\(m)").path, encoding: .utf8) else { continue }
          let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
          metrics[m] = Int(t).map(JSONValue.int) ?? Double(t).map(JSONValue.double) ?? .string(t)
        }
      } else if let data = fm.contents(atPath: s.metricsPath) {
        guard let parsed = try? JSONValue.parse([UInt8](data)), let object = parsed.objectValue else {
          throw CellError("the recorded metrics cannot be read", at: location)
        }
        metrics = object
      }
      if let missing = s.metrics.first(where: { metrics[$0] == nil }) {
        throw CellError("declared metric `\(missing)` was not recorded", code: .scriptFailed, at: location,
                        hint: language == .shell ? "write its value to $WB_OUTPUT_\(ScriptContext.variableName(missing))"
                          : language == .r ? "call wb$metric(\"\(missing)\", value)" : "call wb.metric(\"\(missing)\", value)")
      }
      try checkSecrets(Array(JSONValue.object(metrics).serialized(pretty: false).utf8), "metrics")
    }

    var result: [String: JSONValue] = ["metrics": .object(metrics)]
    result["tables"] = .object(Dictionary(uniqueKeysWithValues: tables.map { ($0.name, .object(["rows": .int($0.frame.rowCount), "columns": TableOps.schemaJSON($0.frame)])) }))
    var report: [ReportBlock] = []
    if !metrics.isEmpty {
      report.append(.facts(metrics.sorted { $0.key < $1.key }.map { .init($0.key, $0.value.displayText) }))
    }
    for f in s.figures { report.append(.figure(file: f, caption: nil)) }
    for t in tables {
      report.append(.facts([.init("table", t.name), .init("rows", TableOps.formatCount(t.frame.rowCount)), .init("columns", String(t.frame.columns.count))]))
      report.append(TableOps.previewBlock(t.frame, rows: 10))
    }
    if !printed.isEmpty {
      report.append(.details(summary: "Output" + (truncated ? " (middle left out)" : ""), blocks: [.code(printed)]))
    }
    if let code = try o.string("code") { report.append(.details(summary: "Code", blocks: [.code(code)])) }
    var output = CellOutput(result: .object(result), tables: tables, files: files, report: report, warnings: warnings)
    output.notes = [String(format: "script ran %.2f s", seconds)]
    return output
  }
}

/// Runs a probe at most once (both memo levels may need it within one key computation).
final class ProbeOnce: @unchecked Sendable {
  private var value: EnvironmentProbe?
  func get(_ make: () throws -> EnvironmentProbe) rethrows -> EnvironmentProbe {
    if let value { return value }
    let v = try make()
    value = v
    return v
  }
}

/// A process-wide map from a fingerprint's inputs to the fingerprint.
final class FingerprintCache: @unchecked Sendable {
  typealias Entry = (paths: [String], signature: String, fingerprint: [String: String])
  private var values: [String: Entry] = [:]
  private let lock = NSLock()
  func get(_ key: String) -> Entry? {
    lock.lock(); defer { lock.unlock() }
    return values[key]
  }
  func put(_ key: String, _ value: Entry) {
    lock.lock(); defer { lock.unlock() }
    values[key] = value
  }
}
