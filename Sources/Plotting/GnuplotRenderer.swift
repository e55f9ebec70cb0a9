import Foundation
import ProcessRunner
import WorkbenchCore

/// Files written for one rendered chart.
public struct RenderedFigure: Sendable, Equatable {
  /// `<name>.gp`: re-render with `cd <folder> && gnuplot <name>.gp`.
  public var script: URL
  public var svg: URL?
  public var png: URL?
}

/// What the gnuplot in use is: its `--version` line (part of cache keys) and its PNG terminal, if any.
public struct GnuplotFingerprint: Sendable, Equatable {
  public var executable: String
  /// `gnuplot --version` output, e.g. "gnuplot 5.4 patchlevel 4".
  public var version: String
  /// "pngcairo", "png" or nil when no PNG terminal is compiled in.
  public var pngTerminal: String?
}

/// Runs gnuplot as a child process (posix_spawn + waitpid, see `ProcessRunner`) on scripts from ``GnuplotScript``.
///
/// gnuplot is started with `-d` (`--default-settings`) so a user's `~/.gnuplot` cannot change the output,
/// in the output folder, on the saved script file: the figure is exactly what a reviewer gets by running
/// the script again.
public struct GnuplotRenderer: Sendable {
  /// An explicit gnuplot path, or nil to search `PATH` for `gnuplot`.
  public var executable: String?

  public init(executable: String? = nil) { self.executable = executable }

  /// The gnuplot executable to run, or `.gnuplotNotFound`.
  public func resolvedExecutable() throws(PlottingError) -> String {
    let fm = FileManager.default
    if let executable {
      guard fm.isExecutableFile(atPath: executable) else {
        throw .gnuplotNotFound("no executable at \(executable)")
      }
      return executable
    }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") where !folder.isEmpty {
      let candidate = "\(folder)/gnuplot"
      if fm.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw .gnuplotNotFound("searched PATH=\(path)")
  }

  /// The gnuplot version and PNG terminal, computed once per executable path and memoised.
  public func fingerprint() async throws(PlottingError) -> GnuplotFingerprint {
    let exe = try resolvedExecutable()
    if let cached = FingerprintCache.shared.get(exe) { return cached }
    let version = try await run(exe, ["--version"], in: nil, script: exe)
    let terminals = try await run(exe, ["-e", "set terminal"], in: nil, script: exe)
    let names = Set(terminals.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
      + terminals.stderr.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
    let png = names.contains("pngcairo") ? "pngcairo" : names.contains("png") ? "png" : nil
    let result = GnuplotFingerprint(
      executable: exe, version: version.stdout.trimmingCharacters(in: .whitespacesAndNewlines), pngTerminal: png)
    FingerprintCache.shared.set(exe, result)
    return result
  }

  /// Writes `<name>.gp` into `directory` and runs gnuplot on it, producing `<name>.svg` and/or `<name>.png`.
  public func render(
    _ chart: Chart, name: String, in directory: URL, formats: [OutputFormat] = [.svg]
  ) async throws(PlottingError) -> RenderedFigure {
    try GnuplotScript.validate(name: name)
    let tool = try await fingerprint()
    var pngTerminal = "pngcairo"
    if formats.contains(.png) {
      guard let terminal = tool.pngTerminal else {
        throw .pngUnavailable("\(tool.version) at \(tool.executable) lists neither pngcairo nor png in `set terminal`")
      }
      pngTerminal = terminal
    }
    let script = try GnuplotScript.make(chart, name: name, formats: formats, pngTerminal: pngTerminal)
    let scriptURL = directory.appendingPathComponent("\(name).gp")
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try AtomicFile.write(Array(script.utf8), to: scriptURL.path)
      for format in formats {  // stale outputs must not survive a failed render
        let url = directory.appendingPathComponent("\(name).\(format.rawValue)")
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
      }
    } catch { throw .io("cannot write \(scriptURL.path): \(error.localizedDescription)") }
    _ = try await run(tool.executable, ["-d", "\(name).gp"], in: directory.path, script: scriptURL.path)
    var figure = RenderedFigure(script: scriptURL, svg: nil, png: nil)
    for format in Set(formats) {
      let url = directory.appendingPathComponent("\(name).\(format.rawValue)")
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw .gnuplotFailed(status: "exit 0", stderr: "gnuplot wrote no \(url.lastPathComponent)", script: scriptURL.path)
      }
      switch format {
      case .svg: figure.svg = url
      case .png: figure.png = url
      }
    }
    return figure
  }

  /// Runs gnuplot, throwing `.gnuplotFailed` with its stderr on a non-zero exit. The wait happens on a thread of its
  /// own (`ChildProcess.runOffPool`), never on the cooperative pool.
  func run(_ exe: String, _ arguments: [String], in directory: String?, script: String) async throws(PlottingError)
    -> (stdout: String, stderr: String)
  {
    do {
      let result = try await ChildProcess.runOffPool(exe, arguments, currentDirectory: directory)
      let stdout = result.stdoutText, stderr = result.stderrText
      guard result.status == 0, !result.signaled else {
        throw PlottingError.gnuplotFailed(
          status: result.signaled ? "signal \(result.status)" : "exit \(result.status)",
          stderr: stderr.trimmingCharacters(in: .whitespacesAndNewlines), script: script)
      }
      return (stdout, stderr)
    } catch let error as PlottingError {
      throw error
    } catch {
      throw .gnuplotNotFound("cannot run \(exe): \(error)")
    }
  }
}

/// Process-wide memo of gnuplot fingerprints by executable path.
final class FingerprintCache: @unchecked Sendable {
  static let shared = FingerprintCache()
  private let lock = NSLock()
  private var entries: [String: GnuplotFingerprint] = [:]
  func get(_ key: String) -> GnuplotFingerprint? { lock.lock(); defer { lock.unlock() }; return entries[key] }
  func set(_ key: String, _ value: GnuplotFingerprint) { lock.lock(); defer { lock.unlock() }; entries[key] = value }
}
