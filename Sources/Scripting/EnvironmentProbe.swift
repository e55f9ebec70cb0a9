import Foundation
import WorkbenchCore
import ProcessRunner

/// What a script's interpreter brings: its version, installed packages and the folders they live in.
///
/// Asking costs a process start (Python lists its distributions in ~100 ms), so callers remember the answer
/// under the stat signatures of the interpreter and of `packageFolders` (installing or removing a package changes
/// its folder's mtime).
public struct EnvironmentProbe: Sendable, Equatable {
  public var interpreter: String
  public var version: String
  /// Package name (lower case) → version.
  public var packages: [String: String]
  public var packageFolders: [String]

  public init(interpreter: String, version: String, packages: [String: String], packageFolders: [String]) {
    self.interpreter = interpreter
    self.version = version
    self.packages = packages
    self.packageFolders = packageFolders
  }

  /// The interpreter's absolute path: a path relative to `root`, or a command on PATH.
  public static func resolve(_ interpreter: String, root: URL, path: String?) -> String? {
    if interpreter.contains("/") {
      let absolute = interpreter.hasPrefix("/") ? interpreter : root.appendingPathComponent(interpreter).path
      return FileManager.default.isExecutableFile(atPath: absolute) ? absolute : nil
    }
    return ChildProcess.resolve(interpreter, environment: path.map { ["PATH": $0] })
  }

  static let pythonScript = """
    import sys, json, importlib.metadata as m
    packages = {}
    for d in m.distributions():
        name = d.metadata["Name"]
        if name:
            packages[name.lower().replace("_", "-")] = d.version
    folders = sorted({p for p in sys.path if p.endswith(("site-packages", "dist-packages"))})
    print(json.dumps({"version": "Python " + sys.version.split()[0], "packages": packages, "folders": folders}, sort_keys=True))
    """

  static let rScript = """
    ip <- installed.packages()[, c("Package", "Version"), drop = FALSE]
    cat(R.version.string, "\\n", sep = "")
    cat(paste(.libPaths(), collapse = "\\t"), "\\n", sep = "")
    for (k in seq_len(nrow(ip))) cat(ip[k, 1], "\\t", ip[k, 2], "\\n", sep = "")
    """

  /// Runs the interpreter once to list what it has. `environment` is the one scripts get (so user site folders
  /// and the like match what the code sees).
  public static func probe(language: ScriptLanguage, interpreter: String, environment: [String: String],
                           tools: [String] = []) throws -> EnvironmentProbe {
    switch language {
    case .python:
      let out = try ChildProcess.run(interpreter, ["-c", pythonScript], environment: environment)
      guard out.status == 0, let line = out.stdoutText.split(separator: "\n").last,
            let json = try? JSONValue.parse(Array(line.utf8)), json.objectValue != nil else {
        throw ChildProcessError("`\(interpreter)` could not list its packages: \(out.stderrText.suffix(400))")
      }
      return EnvironmentProbe(interpreter: interpreter, version: json["version"]?.stringValue ?? "unknown",
                              packages: (json["packages"]?.objectValue ?? [:]).compactMapValues(\.stringValue),
                              packageFolders: (json["folders"]?.arrayValue ?? []).compactMap(\.stringValue))
    case .r:
      let out = try ChildProcess.run(interpreter, ["--vanilla", "-e", rScript], environment: environment)
      let lines = out.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      guard out.status == 0, lines.count >= 2 else {
        throw ChildProcessError("`\(interpreter)` could not list its packages: \(out.stderrText.suffix(400))")
      }
      var packages: [String: String] = [:]
      for line in lines.dropFirst(2) {
        let parts = line.split(separator: "\t")
        if parts.count == 2 { packages[parts[0].lowercased()] = String(parts[1]) }
      }
      return EnvironmentProbe(interpreter: interpreter, version: lines[0], packages: packages,
                              packageFolders: lines[1].split(separator: "\t").map(String.init))
    case .shell:
      let out = try ChildProcess.run(interpreter, ["--version"], environment: environment)
      var packages: [String: String] = [:]
      for tool in tools {
        guard let path = ChildProcess.resolve(tool, environment: environment) else { packages[tool] = "not installed"; continue }
        let v = (try? ChildProcess.run(path, ["--version"], environment: environment)).map {
          ($0.stdoutText.isEmpty ? $0.stderrText : $0.stdoutText).split(separator: "\n").first.map(String.init) ?? "(no version)"
        }
        packages[tool] = "\(path): \(v ?? "not runnable")"
      }
      return EnvironmentProbe(interpreter: interpreter, version: out.stdoutText.split(separator: "\n").first.map(String.init) ?? "unknown",
                              packages: packages, packageFolders: [])
    }
  }

  /// A compact text form for memoising (one `name\tversion` line each; the first lines carry the rest).
  public var encoded: String {
    ([version, packageFolders.joined(separator: "\t")] + packages.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)" })
      .joined(separator: "\n")
  }

  public init?(interpreter: String, encoded: String) {
    let lines = encoded.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count >= 2 else { return nil }
    var packages: [String: String] = [:]
    for line in lines.dropFirst(2) {
      guard let tab = line.firstIndex(of: "\t") else { return nil }
      packages[String(line[..<tab])] = String(line[line.index(after: tab)...])
    }
    self.init(interpreter: interpreter, version: lines[0], packages: packages,
              packageFolders: lines[1].isEmpty ? [] : lines[1].split(separator: "\t").map(String.init))
  }
}
