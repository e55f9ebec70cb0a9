import Foundation

/// Where a project keeps its state and outputs. Relative workbook paths resolve against `root`.
public struct ProjectLayout: Sendable {
  /// The project root: the current directory when `workbench` runs.
  public let root: URL
  /// `.workbench/` (or `$WORKBENCH_STATE_DIR`): cache, state database, locks.
  public let stateDirectory: URL
  /// `outputs/` under the root.
  public let outputsRoot: URL

  public init(root: URL, stateDirectory: URL? = nil, outputsRoot: URL? = nil) {
    self.root = root.standardizedFileURL
    self.stateDirectory = stateDirectory ?? root.appendingPathComponent(".workbench")
    self.outputsRoot = outputsRoot ?? root.appendingPathComponent("outputs")
  }

  public var cacheDirectory: URL { stateDirectory.appendingPathComponent("cache") }
  public var stateDatabasePath: String { stateDirectory.appendingPathComponent("state.sqlite").path }
  public func lockPath(workbook: String) -> String { stateDirectory.appendingPathComponent("locks/\(workbook).lock").path }
  public func outputs(workbook: String) -> URL { outputsRoot.appendingPathComponent(workbook) }
  public func cellOutputs(workbook: String, cell: String) -> URL {
    outputs(workbook: workbook).appendingPathComponent("cells/\(cell)")
  }
}
