import Foundation
@_exported import ProcessRunner

/// Locations and helpers shared by every test target.
///
/// Tests that need the real datasets in `../shared/datasets` or a Python oracle call the `require…` helpers:
/// when the resource is absent they return `nil` and the test records *why* it did not run. On CI the
/// resources are present (`scripts/test.sh` installs the Python environments), so CI sets
/// `WORKBENCH_REQUIRE_ORACLES=1` and a missing resource becomes a failure instead of a skip.
public enum TestPaths {
  /// The repository root (the folder holding Package.swift).
  public static let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("Package.swift not found above \(#filePath)")
  }()

  /// `../shared/datasets` beside the checkout (overridable with `WORKBENCH_SHARED_DATASETS`).
  public static var sharedDatasets: URL {
    if let custom = ProcessInfo.processInfo.environment["WORKBENCH_SHARED_DATASETS"] {
      return URL(fileURLWithPath: custom)
    }
    return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets")
  }

  /// A Python virtual environment made by `scripts/python-env.sh NAME` under `.build-py/NAME`.
  public static func pythonEnvironment(_ name: String) -> URL {
    repositoryRoot.appendingPathComponent(".build-py/\(name)")
  }

  /// The built `workbench` executable (debug build folder used by `swift test`).
  public static var workbenchExecutable: URL {
    if let custom = ProcessInfo.processInfo.environment["WORKBENCH_EXECUTABLE"] { return URL(fileURLWithPath: custom) }
    let candidates = [".build/debug/workbench", ".build/release/workbench"]
    for c in candidates {
      let url = repositoryRoot.appendingPathComponent(c)
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return repositoryRoot.appendingPathComponent(".build/debug/workbench")
  }
}

/// Why a test that needs an external resource did not run.
public struct MissingResource: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

public enum Oracles {
  /// True when CI demands every oracle (`WORKBENCH_REQUIRE_ORACLES=1`): tests must then fail rather than skip.
  public static var required: Bool { ProcessInfo.processInfo.environment["WORKBENCH_REQUIRE_ORACLES"] == "1" }

  /// The shared dataset file at `relativePath` under `../shared/datasets`, or nil with the reason printed.
  public static func sharedDataset(_ relativePath: String) throws -> URL? {
    let url = TestPaths.sharedDatasets.appendingPathComponent(relativePath)
    if FileManager.default.fileExists(atPath: url.path) { return url }
    let reason = "skipped: \(url.path) is absent (the real datasets live in ../shared/datasets beside the checkout)"
    if required { throw MissingResource(reason) }
    print(reason)
    return nil
  }

  /// An executable on PATH (e.g. `sqlite3`), or nil with the reason printed (`package`: what installs it;
  /// `scripts/setup.sh` does).
  public static func tool(_ name: String, package: String) throws -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let url = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    let reason = "skipped: `\(name)` is not on PATH (apt-get install \(package); scripts/setup.sh installs it)"
    if required { throw MissingResource(reason) }
    print(reason)
    return nil
  }

  /// The `python` of virtual environment `name`, or nil with the reason printed.
  public static func python(_ name: String) throws -> URL? {
    let url = TestPaths.pythonEnvironment(name).appendingPathComponent("bin/python")
    if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    let reason = "skipped: Python environment \(name) is missing; create it with scripts/python-env.sh \(name)"
    if required { throw MissingResource(reason) }
    print(reason)
    return nil
  }
}

/// The result of running a subprocess to completion.
public struct ProcessOutput: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
}

/// Runs `executable` with `arguments` to completion (posix_spawn + waitpid: see `ProcessRunner.ChildProcess`;
/// Foundation's `Process.waitUntilExit()` can hang in a test process that also runs other children).
@discardableResult
public func runProcess(
  _ executable: URL, _ arguments: [String], currentDirectory: URL? = nil,
  environment: [String: String]? = nil, stdin: String? = nil
) throws -> ProcessOutput {
  var env = ProcessInfo.processInfo.environment
  if let environment { for (k, v) in environment { env[k] = v } }
  let out = try ChildProcess.run(executable.path, arguments, currentDirectory: currentDirectory?.path, environment: env,
                                 stdin: stdin.map { Array($0.utf8) })
  return ProcessOutput(status: out.signaled ? 128 + out.status : out.status, stdout: out.stdoutText, stderr: out.stderrText)
}

/// Starts a long-running helper (a server) in its own process group; stop it with `signalGroup(SIGKILL)` and `wait()`.
public func startProcess(
  _ executable: URL, _ arguments: [String], currentDirectory: URL? = nil,
  environment: [String: String]? = nil, logFile: URL? = nil
) throws -> ChildProcess.Spawned {
  var env = ProcessInfo.processInfo.environment
  if let environment { for (k, v) in environment { env[k] = v } }
  return try ChildProcess.start(executable.path, arguments, currentDirectory: currentDirectory?.path, environment: env,
                                logPath: logFile?.path)
}

/// Runs a Python snippet in virtual environment `env`; returns stdout. Throws with stderr on failure.
public func runPython(_ python: URL, _ code: String, arguments: [String] = []) throws -> String {
  let out = try runProcess(python, ["-c", code] + arguments)
  guard out.status == 0 else { throw MissingResource("python failed (\(out.status)): \(out.stderr)") }
  return out.stdout
}

/// A fresh temporary directory, removed by the caller when done.
public func makeTemporaryDirectory(_ prefix: String = "workbench-test") throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
