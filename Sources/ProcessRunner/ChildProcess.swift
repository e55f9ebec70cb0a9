import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A failure to start a child process.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// Runs child processes with `posix_spawn` and waits for them with `waitpid` on their own pid.
///
/// Foundation's `Process.waitUntilExit()` relies on a SIGCHLD dispatch source; once another library in the
/// process (swift-subprocess, used to drive gnuplot) installs its own child monitoring, that source may never
/// fire and `waitUntilExit()` hangs. Everything in Workbench that starts a short-lived tool (`gnuplot
/// --version`, `git`) and every test harness uses this instead.
public enum ChildProcess {
  public struct Output: Sendable {
    public var status: Int32
    /// True when the child was killed by a signal (then `status` is the signal number).
    public var signaled: Bool
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
  }

  /// A started child (for servers and other long-running helpers).
  public final class Spawned: @unchecked Sendable {
    public let pid: pid_t
    private var reaped: Output?
    init(pid: pid_t) { self.pid = pid }

    public func signal(_ sig: Int32) { _ = kill(pid, sig) }
    /// Signals the child's whole process group (it is the group leader).
    public func signalGroup(_ sig: Int32) { _ = kill(-pid, sig) }
    /// Whether the child is still running.
    public var isRunning: Bool { !hasExited }

    /// Blocks until the child exits; returns its status (streams are not captured for spawned children).
    @discardableResult
    public func wait() -> Output {
      if let reaped { return reaped }
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
      let out = ChildProcess.decode(status, stdout: [], stderr: [])
      reaped = out
      return out
    }

    /// Whether the child has exited (non-blocking).
    public var hasExited: Bool {
      if reaped != nil { return true }
      var status: Int32 = 0
      let r = waitpid(pid, &status, WNOHANG)
      if r == pid { reaped = ChildProcess.decode(status, stdout: [], stderr: []); return true }
      return r < 0
    }
  }

  /// Runs `executable` (a path, or a name looked up in PATH) to completion, capturing both streams.
  public static func run(_ executable: String, _ arguments: [String], currentDirectory: String? = nil,
                         environment: [String: String]? = nil, stdin: [UInt8]? = nil) throws -> Output {
    var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
    guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
      throw ChildProcessError("cannot create pipes: \(String(cString: strerror(errno)))")
    }
    let pid: pid_t
    do {
      pid = try spawn(executable, arguments, currentDirectory: currentDirectory, environment: environment,
                      stdinFD: inPipe[0], stdoutFD: outPipe[1], stderrFD: errPipe[1],
                      closeInChild: [inPipe[1], outPipe[0], errPipe[0]])
    } catch {
      for fd in inPipe + outPipe + errPipe { close(fd) }
      throw error
    }
    close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
    if let stdin, !stdin.isEmpty {
      stdin.withUnsafeBytes { buf in
        var offset = 0
        while offset < buf.count {
          let n = write(inPipe[1], buf.baseAddress! + offset, buf.count - offset)
          if n < 0 { if errno == EINTR { continue }; break }
          offset += n
        }
      }
    }
    close(inPipe[1])
    var stdout: [UInt8] = [], stderr: [UInt8] = []
    var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
    var open = 2
    var buffer = [UInt8](repeating: 0, count: 65536)
    while open > 0 {
      let r = poll(&fds, nfds_t(fds.count), -1)
      if r < 0 { if errno == EINTR { continue }; break }
      for i in 0..<fds.count where fds[i].fd >= 0 && fds[i].revents != 0 {
        let n = read(fds[i].fd, &buffer, buffer.count)
        if n > 0 {
          if i == 0 { stdout += buffer[0..<n] } else { stderr += buffer[0..<n] }
        } else if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) {
          close(fds[i].fd)
          fds[i].fd = -1
          open -= 1
        }
      }
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return decode(status, stdout: stdout, stderr: stderr)
  }

  /// Starts a child (a server, say) whose output goes to `logPath` (appended) or /dev/null. It runs in its own
  /// process group: `signalGroup` reaches its children too.
  public static func start(_ executable: String, _ arguments: [String], currentDirectory: String? = nil,
                           environment: [String: String]? = nil, logPath: String? = nil) throws -> Spawned {
    let devNull = open("/dev/null", O_RDWR)
    defer { close(devNull) }
    var output = devNull
    if let logPath {
      output = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
      if output < 0 { output = devNull }
    }
    defer { if output != devNull { close(output) } }
    let pid = try spawn(executable, arguments, currentDirectory: currentDirectory, environment: environment,
                        stdinFD: devNull, stdoutFD: output, stderrFD: output, closeInChild: [])
    return Spawned(pid: pid)
  }

  static func decode(_ status: Int32, stdout: [UInt8], stderr: [UInt8]) -> Output {
    let signal = status & 0x7f
    if signal == 0 { return Output(status: (status >> 8) & 0xff, signaled: false, stdout: stdout, stderr: stderr) }
    return Output(status: signal, signaled: true, stdout: stdout, stderr: stderr)
  }

  /// The absolute path of `name` in PATH (or `name` itself when it contains a slash).
  public static func resolve(_ name: String, environment: [String: String]? = nil) -> String? {
    if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
    let path = (environment ?? ProcessInfo.processInfo.environment)["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  static func spawn(_ executable: String, _ arguments: [String], currentDirectory: String?, environment: [String: String]?,
                    stdinFD: Int32, stdoutFD: Int32, stderrFD: Int32, closeInChild: [Int32]) throws -> pid_t {
    let env = environment ?? ProcessInfo.processInfo.environment
    guard let path = resolve(executable, environment: env) else {
      throw ChildProcessError("`\(executable)` was not found (install it or check PATH)")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdinFD, 0)
    posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
    posix_spawn_file_actions_adddup2(&actions, stderrFD, 2)
    for fd in closeInChild { posix_spawn_file_actions_addclose(&actions, fd) }
    closeInheritedDescriptors(&actions)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // A fresh process group, so callers can signal a server together with its own children.
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    posix_spawnattr_setpgroup(&attributes, 0)
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var defaults = sigset_t()
    sigfillset(&defaults)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    // posix_spawn_file_actions_addchdir_np is not visible from Swift's Glibc module: `env -C DIR` changes the
    // directory and then execs the program (coreutils ≥ 8.28).
    let command = currentDirectory.map { ["/usr/bin/env", "-C", $0, path] + arguments } ?? ([path] + arguments)
    let argv = command.map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for p in argv { free(p) }
      for p in envp { free(p) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
    guard rc == 0 else { throw ChildProcessError("cannot start `\(path)`: \(String(cString: strerror(rc)))") }
    return pid
  }
}
