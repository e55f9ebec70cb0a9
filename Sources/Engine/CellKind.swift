import Foundation
import Frame
import Reporting
import WorkbookModel

/// A cell kind the engine can run: its descriptor (options, version, tools) and its body.
///
/// Each kind lives in one file in the Cells module and is registered with one line in `CellRegistry`.
public struct CellImplementation: Sendable {
  public var descriptor: KindDescriptor
  public var run: @Sendable (CellContext) async throws -> CellOutput
  /// What this cell's code runs on beyond the kind's declared tools (a scripted cell's interpreter and installed
  /// packages), from its options: name → version text, in the cache key and compared by `explain` like tools.
  public var environment: (@Sendable (_ options: CellOptions, _ memo: FingerprintMemo) throws -> [String: String])?

  public init(descriptor: KindDescriptor, run: @escaping @Sendable (CellContext) async throws -> CellOutput) {
    self.descriptor = descriptor
    self.run = run
  }
}

/// Remembers a slow answer (an interpreter's installed packages) in the stat cache while the files it depends on
/// keep their size, mtime, ctime and inode, so a no-op run only `stat`s them.
public struct FingerprintMemo: Sendable {
  let state: StateDatabase
  /// What relative interpreter paths resolve against.
  public let projectRoot: URL

  public func remembered(_ name: String, paths: [String], compute: () throws -> String) rethrows -> String {
    let signatures = paths.map { p in FileSystem.statSignature(p).map { "\(p):\($0.size):\($0.mtimeNs):\($0.ctimeNs):\($0.inode)" } }
    guard let first = paths.first.flatMap(FileSystem.statSignature), signatures.allSatisfy({ $0 != nil }) else { return try compute() }
    let key = "memo:\(name):" + Digest.sha256(Array(signatures.compactMap { $0 }.joined(separator: "\n").utf8))
    if let known = state.cachedDigest(path: key, signature: first) { return known }
    let value = try compute()
    state.recordDigest(path: key, signature: first, digest: value)
    return value
  }
}

/// The kinds available to a run, plus fingerprints of the external tools they use.
public struct KindRegistry: Sendable {
  public private(set) var implementations: [String: CellImplementation] = [:]
  /// Tool name → a function returning its version text (memoised per process by the engine).
  public private(set) var tools: [String: @Sendable () -> String] = [:]

  public init() {}

  /// Registers a kind. `externalEffects: true` marks kinds whose outputs record side effects (see
  /// `KindDescriptor.externalEffects`): `verify` re-executes them but does not compare their outputs.
  public mutating func register(_ implementation: CellImplementation, externalEffects: Bool = false) {
    var implementation = implementation
    if externalEffects { implementation.descriptor.externalEffects = true }
    implementations[implementation.descriptor.name] = implementation
  }

  public mutating func registerTool(_ name: String, fingerprint: @escaping @Sendable () -> String) {
    tools[name] = fingerprint
  }

  public var descriptors: [String: KindDescriptor] { implementations.mapValues(\.descriptor) }
}

/// What a cell produced. Everything here is content-addressed and cached; nothing else may be written.
public struct CellOutput: Sendable {
  /// Machine-readable figures (`result.json`).
  public var result: JSONValue
  /// Tables by name; the first one is the cell's main table (what `input: cell` refers to).
  public var tables: [(name: String, frame: Frame)]
  /// Other files by name (plots, scripts, models, Markdown).
  public var files: [(name: String, bytes: [UInt8])]
  /// The cell's section of the report.
  public var report: [ReportBlock]
  /// Warnings shown in the report and on the terminal.
  public var warnings: [String]
  /// Facts about this execution that are not outputs (e.g. "9 trials reused from the trial cache"): kept in
  /// the manifest and run.json, excluded from the output digest and from `verify`.
  public var notes: [String]
  /// Files this entry relies on under the context's `cacheDirectory` (relative paths, e.g. a sweep's
  /// `trials/<key>.json`): `gc` keeps them while the entry is kept and deletes the ones no kept entry lists.
  public var cacheFiles: [String] = []
  /// The result reflects a passing condition (e.g. a tracking server that was unreachable, so the run was queued
  /// offline): the outputs are written and used by this run, but no cache entry is kept, so the next run executes
  /// the cell again and can record the lasting result.
  public var provisional = false
  /// Set when the cell's verdict is a failure (a broken data contract): the outputs are written, so the report and
  /// result.json show why, but the cell counts as failed (dependents skipped, exit code 1) and no cache entry is kept.
  public var failure: String?

  public init(result: JSONValue = .object([:]), tables: [(name: String, frame: Frame)] = [],
              files: [(name: String, bytes: [UInt8])] = [], report: [ReportBlock] = [], warnings: [String] = [],
              notes: [String] = []) {
    self.result = result
    self.tables = tables
    self.files = files
    self.report = report
    self.warnings = warnings
    self.notes = notes
  }
}

/// An error raised by a cell while running: what failed, the option or input involved, and what to do.
public struct CellError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var location: SourceLocation?
  public var hint: String?
  public init(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
    self.message = message
    self.location = location
    self.hint = hint
  }
  public var description: String {
    var s = location.map { "\($0): " } ?? ""
    s += message
    if let hint { s += " (\(hint))" }
    return s
  }
}

/// Reports progress of a long cell (rendered as a bar on a terminal, ignored otherwise).
public typealias ProgressHandler = @Sendable (_ cell: String, _ fraction: Double, _ detail: String) -> Void

/// Everything a running cell may read. Cells get inputs only through this, so the cache key is complete.
public struct CellContext: Sendable {
  public let cellId: String
  public let kind: String
  public let options: CellOptions
  /// Values of the workbook params this cell uses.
  public let params: [String: JSONValue]
  public let workbookName: String
  /// Directory that relative paths in the workbook resolve against (the project root, normally the cwd).
  public let projectRoot: URL
  /// A private scratch directory for this execution (removed afterwards).
  public let scratchDirectory: URL
  /// The engine's cache directory (for cells that keep their own content-addressed downloads, e.g. `fetch`).
  /// During `verify` this is the scratch cache, so nothing is reused from earlier runs.
  public let cacheDirectory: URL
  /// The workbook file as given (relative to the project root when inside it).
  public let workbookFile: String
  /// This execution's cache key.
  public let cacheKey: String
  /// Version text of the tools this kind declared.
  public let toolVersions: [String: String]
  /// Process environment (for secrets such as webhook URLs; never write these into outputs).
  public let environment: [String: String]
  /// True while `workbench verify` re-executes the cell (side effects such as tracking go to scratch stores).
  public let isVerification: Bool
  let upstream: @Sendable (String) throws -> UpstreamOutput
  let progressHandler: ProgressHandler?

  public init(cellId: String, kind: String, options: CellOptions, params: [String: JSONValue], workbookName: String, projectRoot: URL,
              scratchDirectory: URL, cacheDirectory: URL, workbookFile: String = "", cacheKey: String = "", toolVersions: [String: String], environment: [String: String],
              isVerification: Bool, upstream: @escaping @Sendable (String) throws -> UpstreamOutput,
              progress: ProgressHandler?) {
    self.cellId = cellId
    self.kind = kind
    self.options = options
    self.params = params
    self.workbookName = workbookName
    self.projectRoot = projectRoot
    self.scratchDirectory = scratchDirectory
    self.cacheDirectory = cacheDirectory
    self.workbookFile = workbookFile
    self.cacheKey = cacheKey
    self.toolVersions = toolVersions
    self.environment = environment
    self.isVerification = isVerification
    self.upstream = upstream
    self.progressHandler = progress
  }

  /// The table named by a reference: `cell` (its main table) or `cell.table`.
  public func table(_ reference: String) throws -> Frame {
    let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
    let out = try upstream(parts[0])
    if parts.count == 1 {
      guard let first = out.tableNames.first else {
        throw CellError("cell `\(parts[0])` produced no table", hint: "reference a cell that outputs a table")
      }
      return try out.loadTable(first)
    }
    guard out.tableNames.contains(parts[1]) else {
      throw CellError("cell `\(parts[0])` has no table `\(parts[1])`",
                      hint: "its tables: \(out.tableNames.joined(separator: ", "))")
    }
    return try out.loadTable(parts[1])
  }

  /// The `result.json` of an upstream cell.
  public func result(of cell: String) throws -> JSONValue { try upstream(cell).result }

  /// An upstream cell's outputs (names of its tables and files, loaded on demand).
  public func upstreamOutput(_ cell: String) throws -> UpstreamOutput { try upstream(cell) }

  /// An output file of an upstream cell (e.g. a model).
  public func file(_ name: String, of cell: String) throws -> [UInt8] { try upstream(cell).loadFile(name) }

  /// Resolves a workbook path against the project root.
  public func resolvePath(_ path: String) -> URL {
    path.hasPrefix("/") ? URL(fileURLWithPath: path) : projectRoot.appendingPathComponent(path)
  }

  /// Reports what the cell is doing (`fraction` in [0, 1], or `.nan` to change only `detail`): a status line on a
  /// terminal after the cell has run a second (``ProgressDisplay``); never recorded anywhere.
  public func progress(_ fraction: Double, _ detail: String = "") {
    progressHandler?(cellId, fraction, detail)
  }
}

/// Lazy access to a finished upstream cell's outputs.
public struct UpstreamOutput: Sendable {
  public let result: JSONValue
  public let tableNames: [String]
  public let fileNames: [String]
  let loadTable: @Sendable (String) throws -> Frame
  let loadFile: @Sendable (String) throws -> [UInt8]

  public init(result: JSONValue, tableNames: [String], fileNames: [String],
              loadTable: @escaping @Sendable (String) throws -> Frame,
              loadFile: @escaping @Sendable (String) throws -> [UInt8]) {
    self.result = result
    self.tableNames = tableNames
    self.fileNames = fileNames
    self.loadTable = loadTable
    self.loadFile = loadFile
  }
}

/// A cell's options after `${…}` substitution, with typed accessors whose errors name the option and its line.
public struct CellOptions: Sendable {
  public let values: [String: JSONValue]
  public let locations: [String: SourceLocation]
  /// The options as written (before `${…}` substitution): mapping key order and nested locations, for kinds
  /// whose semantics depend on order (transform steps) or that report errors inside nested values.
  public let nodes: [String: SpecNode]
  public let cellLocation: SourceLocation
  let defaults: [String: JSONValue]

  public init(values: [String: JSONValue], locations: [String: SourceLocation], cellLocation: SourceLocation,
              defaults: [String: JSONValue], nodes: [String: SpecNode] = [:]) {
    self.values = values
    self.locations = locations
    self.nodes = nodes
    self.cellLocation = cellLocation
    self.defaults = defaults
  }

  public func location(of name: String) -> SourceLocation { locations[name] ?? cellLocation }

  /// The option's value, or its declared default, or nil.
  public subscript(name: String) -> JSONValue? { values[name] ?? defaults[name] }

  public func has(_ name: String) -> Bool { values[name] != nil }

  public func string(_ name: String) throws -> String? {
    guard let v = self[name], v != .null else { return nil }
    switch v {
    case .string(let s): return s
    case .int, .double, .bool: return v.displayText
    default: throw CellError("option `\(name)` must be text", at: location(of: name))
    }
  }

  public func requiredString(_ name: String) throws -> String {
    guard let s = try string(name) else {
      throw CellError("missing option `\(name)`", at: cellLocation)
    }
    return s
  }

  public func int(_ name: String) throws -> Int? {
    guard let v = self[name], v != .null else { return nil }
    if let i = v.intValue { return i }
    if let s = v.stringValue, let i = Int(s) { return i }
    throw CellError("option `\(name)` must be an integer, got `\(v.displayText)`", at: location(of: name))
  }

  public func double(_ name: String) throws -> Double? {
    guard let v = self[name], v != .null else { return nil }
    if let d = v.doubleValue { return d }
    if let s = v.stringValue, let d = Double(s) { return d }
    throw CellError("option `\(name)` must be a number, got `\(v.displayText)`", at: location(of: name))
  }

  public func bool(_ name: String) throws -> Bool? {
    guard let v = self[name], v != .null else { return nil }
    if let b = v.boolValue { return b }
    if let s = v.stringValue { if s == "true" { return true }; if s == "false" { return false } }
    throw CellError("option `\(name)` must be true or false, got `\(v.displayText)`", at: location(of: name))
  }

  /// A list of strings; a single string is a one-element list.
  public func strings(_ name: String) throws -> [String]? {
    guard let v = self[name], v != .null else { return nil }
    switch v {
    case .string(let s): return [s]
    case .array(let a):
      return try a.map {
        guard let s = $0.stringValue ?? ($0.intValue.map(String.init)) else {
          throw CellError("option `\(name)` must be a list of text", at: location(of: name))
        }
        return s
      }
    default: throw CellError("option `\(name)` must be a list of text", at: location(of: name))
    }
  }
}
