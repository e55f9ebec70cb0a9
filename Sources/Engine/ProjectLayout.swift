import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a project keeps its state and outputs. Relative workbook paths resolve against `root`.
public struct ProjectLayout: Sendable {
  /// The project root (see ``projectRoot(forWorkbookAt:)``).
  public let root: URL
  /// `.workbench/` (or `$WORKBENCH_STATE_DIR`): cache, state database, locks.
  public let stateDirectory: URL
  /// `outputs/` under the root.
  public let outputsRoot: URL
  /// `--output DIR`: this invocation's outputs folder, in place of `outputs/<workbook>/`.
  public let outputOverride: URL?

  public init(root: URL, stateDirectory: URL? = nil, outputsRoot: URL? = nil, outputOverride: URL? = nil) {
    self.root = root.standardizedFileURL
    self.stateDirectory = stateDirectory ?? root.appendingPathComponent(".workbench")
    self.outputsRoot = outputsRoot ?? root.appendingPathComponent("outputs")
    self.outputOverride = outputOverride?.standardizedFileURL
  }

  public var cacheDirectory: URL { stateDirectory.appendingPathComponent("cache") }
  public var stateDatabasePath: String { stateDirectory.appendingPathComponent("state.sqlite").path }
  public func lockPath(workbook: String) -> String { stateDirectory.appendingPathComponent("locks/\(workbook).lock").path }
  public func outputs(workbook: String) -> URL { outputOverride ?? outputsRoot.appendingPathComponent(workbook) }
  public func cellOutputs(workbook: String, cell: String) -> URL {
    outputs(workbook: workbook).appendingPathComponent("cells/\(cell)")
  }

  /// The project root of a workbook, found from the workbook's folder (not the current directory): the nearest
  /// folder, walking up, that holds `.workbench/`; else the nearest that holds `Workbooks/` or `.git`; else the
  /// workbook's own folder. Shared temporary folders (world-writable and sticky, such as /tmp) are never a root.
  public static func projectRoot(forWorkbookAt path: String, relativeTo cwd: URL) -> URL {
    projectRoot(from: URL(fileURLWithPath: path, relativeTo: cwd).standardizedFileURL.deletingLastPathComponent())
  }

  /// The project root found by the same rule from a folder (`gc` and `fsck`, which take no workbook, start from
  /// the current directory).
  public static func projectRoot(from directory: URL) -> URL {
    let start = directory.standardizedFileURL
    return nearestAncestor(of: start, holding: [".workbench"]) ?? nearestAncestor(of: start, holding: ["Workbooks", ".git"]) ?? start
  }

  /// The nearest of `start` and its ancestors holding one of `markers` (skipping shared temporary folders).
  static func nearestAncestor(of start: URL, holding markers: [String]) -> URL? {
    var dir = start
    while true {
      if !isSharedTemporaryFolder(dir.path),
         markers.contains(where: { FileSystem.exists(dir.appendingPathComponent($0).path) })
      {
        return dir
      }
      let parent = dir.deletingLastPathComponent()
      if parent.path == dir.path || dir.path == "/" { return nil }
      dir = parent
    }
  }

  /// World-writable with the sticky bit (/tmp, /var/tmp): anyone's files land there; not a project.
  static func isSharedTemporaryFolder(_ path: String) -> Bool {
    var st = stat()
    guard stat(path, &st) == 0 else { return false }
    return st.st_mode & S_ISVTX != 0 && st.st_mode & S_IWOTH != 0
  }
}
