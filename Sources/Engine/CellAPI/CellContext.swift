import Foundation
import Frame
import WorkbookModel

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
  /// This project's own state folder (`.workbench/`, never shared between machines): where a cell keeps local
  /// bookkeeping that is not a cache entry (the offline queue of tracking runs).
  public let stateDirectory: URL
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
              scratchDirectory: URL, cacheDirectory: URL, stateDirectory: URL, workbookFile: String = "", cacheKey: String = "", toolVersions: [String: String], environment: [String: String],
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
    self.stateDirectory = stateDirectory
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
    let parsed = try CellReference.table(reference)
    let parts = [parsed.cell] + (parsed.table.map { [$0] } ?? [])
    let out = try upstream(parts[0])
    if parts.count == 1 {
      guard let first = out.tableNames.first else {
        throw CellError("cell `\(parts[0])` produced no table", code: .upstreamMissing, hint: "reference a cell that outputs a table")
      }
      return try out.loadTable(first)
    }
    guard out.tableNames.contains(parts[1]) else {
      throw CellError("cell `\(parts[0])` has no table `\(parts[1])`", code: .upstreamMissing,
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
