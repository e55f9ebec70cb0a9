import Foundation
@_exported import ProcessRunner
import Testing

/// Locations and helpers shared by every test target.
///
/// Tests that need the real datasets in `../shared/datasets`, a Python oracle or a tool say so with a trait
/// (`@Test(.needsPython("anchors"))`, `.needsDataset(…)`, `.needsTool(…)`): when the resource is absent the test is
/// skipped and the report says why. On CI (`CI=true`, or `WORKBENCH_REQUIRE_ORACLES=1`) every such test runs, and a
/// missing resource fails it (the `Oracles` lookups throw ``MissingResource``) instead of skipping it.
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
  /// True on CI (`CI=true`, which CI services set, or `WORKBENCH_REQUIRE_ORACLES=1`): every oracle and dataset is
  /// then mandatory, and tests that need one fail rather than skip.
  public static var required: Bool {
    let environment = ProcessInfo.processInfo.environment
    return environment["WORKBENCH_REQUIRE_ORACLES"] == "1" || environment["CI"] == "true"
  }

  /// Whether `relativePath` exists under `../shared/datasets`.
  public static func hasDataset(_ relativePath: String) -> Bool {
    FileManager.default.fileExists(atPath: TestPaths.sharedDatasets.appendingPathComponent(relativePath).path)
  }

  /// Whether the Python environment `name` exists (`scripts/python-env.sh NAME`).
  public static func hasPython(_ name: String) -> Bool {
    FileManager.default.isExecutableFile(atPath: TestPaths.pythonEnvironment(name).appendingPathComponent("bin/python").path)
  }

  /// Whether `name` is an executable on PATH.
  public static func hasTool(_ name: String) -> Bool { ChildProcess.resolve(name) != nil }

  /// The shared dataset file at `relativePath` under `../shared/datasets`, or nil with the reason printed.
  public static func sharedDataset(_ relativePath: String) throws -> URL? {
    let url = TestPaths.sharedDatasets.appendingPathComponent(relativePath)
    if FileManager.default.fileExists(atPath: url.path) { return url }
    let reason = "\(url.path) is absent (the real datasets live in ../shared/datasets beside the checkout)"
    if required { throw MissingResource("required on CI (CI=true or WORKBENCH_REQUIRE_ORACLES=1): \(reason)") }
    print("skipped: \(reason)")
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
    let reason = "`\(name)` is not on PATH (apt-get install \(package); scripts/setup.sh installs it)"
    if required { throw MissingResource("required on CI (CI=true or WORKBENCH_REQUIRE_ORACLES=1): \(reason)") }
    print("skipped: \(reason)")
    return nil
  }

  /// The `python` of virtual environment `name`, or nil with the reason printed.
  public static func python(_ name: String) throws -> URL? {
    let url = TestPaths.pythonEnvironment(name).appendingPathComponent("bin/python")
    if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    let reason = "Python environment \(name) is missing; create it with scripts/python-env.sh \(name)"
    if required { throw MissingResource("required on CI (CI=true or WORKBENCH_REQUIRE_ORACLES=1): \(reason)") }
    print("skipped: \(reason)")
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

/// Skips expressed as traits, so the test report lists each skipped test with its reason. On CI
/// (``Oracles/required``) they never skip: the test runs and fails if the resource is missing.
extension Trait where Self == ConditionTrait {
  /// Runs the test when `../shared/datasets/<relativePath>` exists.
  public static func needsDataset(_ relativePath: String) -> Self {
    .enabled(if: Oracles.required || Oracles.hasDataset(relativePath),
             "needs ../shared/datasets/\(relativePath) (the real datasets beside the checkout)")
  }

  /// Runs the test when the Python environment `name` exists.
  public static func needsPython(_ name: String) -> Self {
    .enabled(if: Oracles.required || Oracles.hasPython(name),
             "needs the Python environment \(name): create it with scripts/python-env.sh \(name)")
  }

  /// Runs the test when the tool `name` is on PATH (`package`: the apt package that installs it).
  public static func needsTool(_ name: String, package: String) -> Self {
    .enabled(if: Oracles.required || Oracles.hasTool(name),
             "needs `\(name)` on PATH: apt-get install \(package) (scripts/setup.sh installs it)")
  }
}
