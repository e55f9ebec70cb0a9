import Foundation
import WorkbookModel

#if canImport(Glibc)
import Glibc
#endif

/// Where a project keeps its state and outputs. Relative workbook paths resolve against `root`.
public struct ProjectLayout: Sendable {
  /// The project root (see ``projectRoot(forWorkbookAt:)``).
  public let root: URL
  /// `.workbench/` (or `$WORKBENCH_STATE_DIR`): state database, locks, scratch folders and (unless shared) the cache.
  public let stateDirectory: URL
  /// `outputs/` under the root.
  public let outputsRoot: URL
  /// `--output DIR`: this invocation's outputs folder, in place of `outputs/<workbook>/`.
  public let outputOverride: URL?

  /// The content-addressed cache (blobs and manifests only): `<state directory>/cache`, or a shared folder (see
  /// ``resolve(root:currentDirectory:environment:cacheOption:workbookCache:outputOverride:)``).
  public let cacheDirectory: URL

  public init(root: URL, stateDirectory: URL? = nil, outputsRoot: URL? = nil, outputOverride: URL? = nil,
              cacheDirectory: URL? = nil) {
    self.root = root.standardizedFileURL
    let state = stateDirectory ?? root.appendingPathComponent(".workbench")
    self.stateDirectory = state
    self.outputsRoot = outputsRoot ?? root.appendingPathComponent("outputs")
    self.outputOverride = outputOverride?.standardizedFileURL
    self.cacheDirectory = (cacheDirectory ?? state.appendingPathComponent("cache")).standardizedFileURL
  }

  /// Whether the cache is not the state directory's own: it may be shared with other projects and machines, whose
  /// writers this process cannot see (temp files are then removed by age, and `gc` keeps a grace period).
  public var hasSharedCache: Bool {
    cacheDirectory.path != stateDirectory.appendingPathComponent("cache").standardizedFileURL.path
  }

  /// The one place state and cache folders are chosen. State directory: `$WORKBENCH_STATE_DIR` (relative to the
  /// current directory), else `<root>/.workbench`. Cache, first that is set: `--cache DIR` (relative to the current
  /// directory), `$WORKBENCH_CACHE_DIR` (relative to the current directory), the workbook's `cache:` (relative to
  /// the project root), else `<state directory>/cache`.
  public static func resolve(root: URL, currentDirectory cwd: URL, environment: [String: String],
                             cacheOption: String? = nil, workbookCache: String? = nil,
                             outputOverride: URL? = nil) -> ProjectLayout {
    let nonEmpty: (String?) -> String? = { $0.flatMap { $0.isEmpty ? nil : $0 } }
    // `appendingPathComponent`, not `URL(fileURLWithPath:relativeTo:)`: a base without a trailing slash would lose its
    // last component.
    let absolute = { (path: String, base: URL) in
      (path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)).standardizedFileURL
    }
    let state = nonEmpty(environment["WORKBENCH_STATE_DIR"]).map { absolute($0, cwd) }
    let cache = nonEmpty(cacheOption).map { absolute($0, cwd) }
      ?? nonEmpty(environment["WORKBENCH_CACHE_DIR"]).map { absolute($0, cwd) }
      ?? nonEmpty(workbookCache).map { absolute($0, root) }
    return ProjectLayout(root: root, stateDirectory: state, outputOverride: outputOverride, cacheDirectory: cache)
  }
  public var stateDatabasePath: String { stateDirectory.appendingPathComponent("state.sqlite").path }
  public func lockPath(workbook: String) -> String { stateDirectory.appendingPathComponent("locks/\(workbook).lock").path }
  public func outputs(workbook: String) -> URL { outputOverride ?? outputsRoot.appendingPathComponent(workbook) }
  public func cellOutputs(workbook: String, cell: String) -> URL {
    outputs(workbook: workbook).appendingPathComponent("cells/\(cell)")
  }

  /// The workbook's top-level `cache:` folder, read before the engine opens (the cache is chosen then); nil when
  /// the workbook has none or cannot be read or parsed (loading it reports why).
  public static func cacheSetting(ofWorkbookAt path: String) -> String? {
    // Parsed only when a top-level `cache:` may be there (a line starting with it): most workbooks have none.
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
          text.hasPrefix("cache:") || text.contains("\ncache:"), let root = try? YAMLReader.parse(text, file: path)
    else { return nil }
    return root["cache"]?.string
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
