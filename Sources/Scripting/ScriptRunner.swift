import Foundation
import WorkbenchCore
import ProcessRunner

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one script execution ended.
public struct ScriptResult: Sendable {
  public enum Ending: Sendable, Equatable {
    case finished(status: Int32)
    case signaled(Int32)
    case timedOut
    case cancelled
    case printedTooMuch
  }
  public var ending: Ending
  /// The beginning and end of what the script printed (stdout and stderr interleaved), bounded.
  public var output: String
  /// True when the middle of the output was left out.
  public var outputTruncated: Bool
  /// The error the prelude recorded (exception type, message, line in the cell's code).
  public var errorType: String?
  public var errorMessage: String?
  public var errorLine: Int?
  public var seconds: Double

  public var succeeded: Bool { ending == .finished(status: 0) }
}

/// Runs a scripted cell's code: writes the context file and the runner (prelude + code), starts the interpreter in
/// its own process group with only the environment it is given, and waits, killing the whole group on timeout or
/// cancellation (Ctrl-C cancels the running cell's task).
public enum ScriptRunner {
  /// Bytes of output kept from the start and from the end of what the script prints.
  public static let keptOutputBytes = 16 * 1024
  /// A script printing more than this is stopped (its log would fill the disk).
  public static let maximumOutputBytes: Int64 = 256 * 1024 * 1024

  /// Prepares `context.directory` (context file, runner, empty output folder) and runs `interpreter`.
  public static func run(language: ScriptLanguage, interpreter: String, context: ScriptContext, environment: [String: String],
                         timeout: Double?) async throws -> ScriptResult {
    let fm = FileManager.default
    try fm.createDirectory(at: context.outputDirectory, withIntermediateDirectories: true)
    try fm.createDirectory(at: context.directory.appendingPathComponent("tmp"), withIntermediateDirectories: true)
    try context.json.write(toFile: context.contextPath, atomically: true, encoding: .utf8)
    let runner = context.directory.appendingPathComponent(language.runnerName).path
    var env = environment
    env["WB_CONTEXT"] = context.contextPath
    env["TMPDIR"] = context.directory.appendingPathComponent("tmp").path
    let arguments: [String]
    switch language {
    case .python:
      try PythonPrelude.text.write(toFile: runner, atomically: true, encoding: .utf8)
      arguments = ["-u", runner]
    case .r:
      try RPrelude.text(context).write(toFile: runner, atomically: true, encoding: .utf8)
      arguments = ["--vanilla", runner]
    case .shell:
      for (k, v) in context.shellVariables { env[k] = v }
      arguments = ["-e", "-o", "pipefail", context.codePath]
    }
    let log = context.directory.appendingPathComponent("wb_output.log").path
    let clock = ContinuousClock()
    let start = clock.now
    let child = try ChildProcess.start(interpreter, arguments, currentDirectory: context.directory.path, environment: env, logPath: log)
    let deadline = timeout.map { start + .milliseconds(Int64($0 * 1000)) }
    let cancelled = CancellationFlag()
    var ending = await withTaskCancellationHandler {
      await watch(child, deadline: deadline, log: log, cancelled: cancelled)
    } onCancel: {
      cancelled.set()
    }
    let status = child.wait()
    child.signalGroup(SIGKILL)  // background children the script left behind
    let seconds = Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
    if ending == nil { ending = status.signaled ? .signaled(status.status) : .finished(status: status.status) }
    let (text, truncated) = boundedText(log)
    var result = ScriptResult(ending: ending!, output: text, outputTruncated: truncated, seconds: seconds)
    if let data = fm.contents(atPath: context.errorPath),
       let json = try? JSONValue.parse(Array(data)), json.objectValue != nil {
      result.errorType = json["type"]?.stringValue
      result.errorMessage = json["message"]?.stringValue
      result.errorLine = json["line"]?.intValue
    } else if language == .shell, result.ending != .finished(status: 0),
              let error = shellError(in: text, codePath: context.codePath) {
      result.errorType = "bash"
      result.errorMessage = error.message
      result.errorLine = error.line
    }
    return result
  }

  /// Waits for the child on a thread of its own, killing its process group on cancellation, at the deadline or when
  /// it has printed too much. Not on the cooperative pool: cells that compute synchronously can hold every pool
  /// thread, and a timeout must fire regardless (a polling task there was starved until the script ended).
  static func watch(_ child: ChildProcess.Spawned, deadline: ContinuousClock.Instant?, log: String,
                    cancelled: CancellationFlag) async -> ScriptResult.Ending? {
    await withCheckedContinuation { (continuation: CheckedContinuation<ScriptResult.Ending?, Never>) in
      let thread = Thread {
        let clock = ContinuousClock()
        var ending: ScriptResult.Ending?
        var pause: UInt32 = 1_000
        while !child.hasExited {
          if cancelled.isSet { ending = .cancelled } else if let deadline, clock.now >= deadline { ending = .timedOut }
          else if let size = try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int64, size > maximumOutputBytes {
            ending = .printedTooMuch
          }
          if ending != nil {
            child.signalGroup(SIGKILL)
            break
          }
          usleep(pause)
          pause = min(pause * 2, 20_000)
        }
        continuation.resume(returning: ending)
      }
      thread.start()
    }
  }

  /// The last error bash reported in the cell's code (`<code file>: line 3: jq: command not found`, or `bash: line 3:`
  /// when the code was read from elsewhere): its line in the code and its message.
  public static func shellError(in output: String, codePath: String) -> (line: Int, message: String)? {
    let prefixes = [codePath + ": line ", "bash: line ", URL(fileURLWithPath: codePath).lastPathComponent + ": line "]
    for raw in output.split(separator: "\n").reversed() {
      let line = String(raw)
      guard let prefix = prefixes.first(where: line.hasPrefix) else { continue }
      let rest = line.dropFirst(prefix.count)
      guard let colon = rest.firstIndex(of: ":"), let number = Int(rest[..<colon]), number > 0 else { continue }
      return (number, rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    return nil
  }

  /// The first and last `keptOutputBytes` of a log file.
  static func boundedText(_ path: String) -> (String, Bool) {
    guard let handle = FileHandle(forReadingAtPath: path) else { return ("", false) }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()) ?? 0
    try? handle.seek(toOffset: 0)
    if size <= UInt64(2 * keptOutputBytes) {
      return (String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self), false)
    }
    let head = (try? handle.read(upToCount: keptOutputBytes)) ?? Data()
    try? handle.seek(toOffset: size - UInt64(keptOutputBytes))
    let tail = (try? handle.readToEnd()) ?? Data()
    let omitted = size - UInt64(2 * keptOutputBytes)
    return (String(decoding: head, as: UTF8.self) + "\n… (\(omitted) bytes of output left out) …\n" + String(decoding: tail, as: UTF8.self), true)
  }

  /// The variables every script gets: a fixed PATH/HOME/locale, deterministic hashing and thread counts.
  public static func baseEnvironment(from parent: [String: String], threads: Int, seed: Int) -> [String: String] {
    var env: [String: String] = [
      "PATH": parent["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
      "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
      "PYTHONHASHSEED": String(seed), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", "PYTHONNOUSERSITE": "1",
      "MPLBACKEND": "Agg",
    ]
    if let home = parent["HOME"] { env["HOME"] = home }
    for name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "POLARS_MAX_THREADS",
                 "VECLIB_MAXIMUM_THREADS", "RAYON_NUM_THREADS"] {
      env[name] = String(threads)
    }
    return env
  }
}

/// Set once when the task running a script is cancelled; read by the thread that watches the script.
final class CancellationFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false
  var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
  func set() { lock.lock(); value = true; lock.unlock() }
}
