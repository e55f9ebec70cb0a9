import Foundation
import ProcessRunner

/// A Slurm command failed or Slurm is not reachable; the message names the command and what Slurm said.
public struct SlurmError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public var hint: String?
  public init(_ description: String, hint: String? = nil) {
    self.description = description
    self.hint = hint
  }
}

/// Settings every job of a run is submitted with: `--partition`, `--account`, `--time` and extra `sbatch` options
/// (from the workbook's `slurm:` block or the command line).
public struct SlurmSubmitOptions: Sendable, Equatable {
  public var partition: String?
  public var account: String?
  /// Wall-clock limit in any form `sbatch --time` accepts (`30`, `1:00:00`, `1-0`).
  public var time: String?
  /// Further `sbatch` options, each one argument (`--mem=4G`, `--qos=short`).
  public var extraOptions: [String] = []

  public init(partition: String? = nil, account: String? = nil, time: String? = nil, extraOptions: [String] = []) {
    self.partition = partition
    self.account = account
    self.time = time
    self.extraOptions = extraOptions
  }

  /// The `sbatch` arguments these settings add.
  public var arguments: [String] {
    var a: [String] = []
    if let partition { a.append("--partition=\(partition)") }
    if let account { a.append("--account=\(account)") }
    if let time { a.append("--time=\(time)") }
    return a + extraOptions
  }
}

/// What one submission asks of `sbatch`.
public struct SlurmSubmission: Sendable, Equatable {
  /// The argument vector the job runs (quoted for the shell by ``SlurmClient``).
  public var command: [String]
  public var jobName: String
  /// The job's log (standard output and error); `%j`, `%A`, `%a` are Slurm's placeholders.
  public var logPath: String
  public var workingDirectory: String
  /// Job ids that must complete successfully first (`--dependency=afterok:…`, `--kill-on-invalid-dep=yes`).
  public var afterOK: [String] = []
  /// A job array of `count` tasks (`$SLURM_ARRAY_TASK_ID` 0…count-1), at most `concurrency` at once.
  public var array: (count: Int, concurrency: Int)?

  public init(command: [String], jobName: String, logPath: String, workingDirectory: String, afterOK: [String] = [],
              array: (count: Int, concurrency: Int)? = nil) {
    self.command = command
    self.jobName = jobName
    self.logPath = logPath
    self.workingDirectory = workingDirectory
    self.afterOK = afterOK
    self.array = array
  }

  /// An argument of ``command`` that the job's shell replaces by its array task number (`$SLURM_ARRAY_TASK_ID`).
  public static let arrayTaskNumber = "${SLURM_ARRAY_TASK_ID}"

  public static func == (a: Self, b: Self) -> Bool {
    a.command == b.command && a.jobName == b.jobName && a.logPath == b.logPath && a.workingDirectory == b.workingDirectory
      && a.afterOK == b.afterOK && a.array?.count == b.array?.count && a.array?.concurrency == b.array?.concurrency
  }
}

/// One line of `squeue --states=all --format=%i|%T|%r`: a job, an array task (`12_3`) or an array's pending
/// tasks (`12_[4-7%2]`).
public struct SlurmQueueEntry: Sendable, Equatable {
  /// The job id a submission returned (for an array task, the array's id).
  public var jobId: String
  /// The array task index, when the line is one task.
  public var arrayTask: Int?
  /// True for the line standing for an array's tasks that have not started (`12_[4-7%2]`).
  public var pendingTasks: Bool
  public var state: String
  public var reason: String

  public init(jobId: String, arrayTask: Int?, pendingTasks: Bool, state: String, reason: String) {
    self.jobId = jobId
    self.arrayTask = arrayTask
    self.pendingTasks = pendingTasks
    self.state = state
    self.reason = reason
  }

  /// Slurm states after which a job never runs again.
  static let terminalStates: Set<String> = [
    "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE",
    "REVOKED", "SPECIAL_EXIT",
  ]
  public var isFinished: Bool { Self.terminalStates.contains(state) }
  public var succeeded: Bool { state == "COMPLETED" }

  /// Parses `squeue --noheader --format=%i|%T|%r` output; lines that do not have three fields are ignored.
  public static func parse(_ text: String) -> [SlurmQueueEntry] {
    text.split(separator: "\n").compactMap { line in
      let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard fields.count >= 3, !fields[0].isEmpty else { return nil }
      let id = fields[0]
      guard let underscore = id.firstIndex(of: "_") else {
        return SlurmQueueEntry(jobId: id, arrayTask: nil, pendingTasks: false, state: fields[1], reason: fields[2])
      }
      let base = String(id[..<underscore]), rest = id[id.index(after: underscore)...]
      if let task = Int(rest) {
        return SlurmQueueEntry(jobId: base, arrayTask: task, pendingTasks: false, state: fields[1], reason: fields[2])
      }
      return SlurmQueueEntry(jobId: base, arrayTask: nil, pendingTasks: true, state: fields[1], reason: fields[2])
    }
  }
}

/// Where a submitted job (or array) stands, summarising its `squeue` lines.
public enum SlurmJobStatus: Sendable, Equatable {
  case pending(reason: String)
  case running
  case completed
  /// Ended without success: Slurm's state and reason (`FAILED`/`NonZeroExitCode`, `CANCELLED`/
  /// `DependencyNeverSatisfied`, `TIMEOUT`…); for an array, `failedTask` is the first task that did not complete.
  case failed(state: String, reason: String, failedTask: Int?)
  /// No longer known to Slurm (finished longer ago than `MinJobAge`): the cache tells what it left.
  case unknown

  public var isFinished: Bool {
    switch self {
    case .pending, .running: false
    case .completed, .failed, .unknown: true
    }
  }

  /// The status of `jobId` from the entries of one query (all lines of an array are combined).
  public static func of(_ jobId: String, in entries: [SlurmQueueEntry]) -> SlurmJobStatus {
    let lines = entries.filter { $0.jobId == jobId }
    if lines.isEmpty { return .unknown }
    if lines.contains(where: { $0.state == "RUNNING" || $0.state == "COMPLETING" }) { return .running }
    if let waiting = lines.first(where: { !$0.isFinished }) {
      // An array whose first tasks ended while others wait is still under way.
      return lines.contains(where: \.isFinished) ? .running : .pending(reason: waiting.reason)
    }
    if let bad = lines.sorted(by: { ($0.arrayTask ?? -1) < ($1.arrayTask ?? -1) }).first(where: { !$0.succeeded }) {
      return .failed(state: bad.state, reason: bad.reason, failedTask: bad.arrayTask)
    }
    return .completed
  }
}

/// Runs Slurm's client commands (`sbatch`, `squeue`, `scancel`). Each runs on a thread of its own, so waiting for
/// Slurm never blocks the cooperative thread pool.
public struct SlurmClient: Sendable {
  public init() {}

  /// Submits one job; returns its id (`sbatch --parsable`).
  public func submit(_ s: SlurmSubmission, options: SlurmSubmitOptions) async throws -> String {
    var args = ["--parsable", "--job-name=\(s.jobName)", "--output=\(s.logPath)", "--chdir=\(s.workingDirectory)"]
    if !s.afterOK.isEmpty {
      args += ["--dependency=afterok:" + s.afterOK.joined(separator: ":"), "--kill-on-invalid-dep=yes"]
    }
    if let array = s.array { args.append("--array=0-\(array.count - 1)%\(array.concurrency)") }
    args += options.arguments
    let words = s.command.map { $0 == SlurmSubmission.arrayTaskNumber ? "\"$SLURM_ARRAY_TASK_ID\"" : Self.shellQuoted($0) }
    args += ["--wrap", "exec " + words.joined(separator: " ")]
    let out = try await Self.run("sbatch", args)
    guard out.status == 0 && !out.signaled else {
      throw SlurmError("sbatch refused job `\(s.jobName)`: \(Self.firstLines(out.stderrText))",
                       hint: "check the partition, account, time and extra sbatch options")
    }
    // `--parsable` prints `id` or `id;cluster`.
    let id = out.stdoutText.split(separator: "\n").last.map { String($0.split(separator: ";")[0]) } ?? ""
    guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
      throw SlurmError("sbatch printed no job id for `\(s.jobName)` (stdout: \(Self.firstLines(out.stdoutText)))")
    }
    return id
  }

  /// One batched query for all `jobIds` (finished jobs included while Slurm still knows them).
  public func query(_ jobIds: [String]) async throws -> [SlurmQueueEntry] {
    guard !jobIds.isEmpty else { return [] }
    let out = try await Self.run("squeue", ["--noheader", "--states=all", "--jobs=" + jobIds.joined(separator: ","), "--format=%i|%T|%r"])
    if out.status != 0 {
      // squeue exits 1 when none of the ids is known any more (all purged): nothing to report.
      if out.stderrText.contains("Invalid job id") { return [] }
      throw SlurmError("squeue failed: \(Self.firstLines(out.stderrText))", hint: "is slurmctld running? (`scontrol ping`)")
    }
    return SlurmQueueEntry.parse(out.stdoutText)
  }

  /// The CPUs of a partition's nodes (`sinfo %C`: allocated/idle/other/total); nil: the default partition (`name*`).
  public func totalCPUs(partition: String?) async throws -> Int {
    let out = try await Self.run("sinfo", ["--noheader", "--format=%P|%C"])
    let total = out.stdoutText.split(separator: "\n").compactMap { line -> Int? in
      let f = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard f.count == 2, partition.map({ f[0] == $0 || f[0] == $0 + "*" }) ?? f[0].hasSuffix("*") else { return nil }
      return f[1].split(separator: "/").last.flatMap { Int($0) }
    }.reduce(0, +)
    guard out.status == 0, total > 0 else {
      throw SlurmError("sinfo reports no CPUs\(partition.map { " in partition `\($0)`" } ?? ""): \(Self.firstLines(out.stderrText + out.stdoutText))",
                       hint: "check the partition name (`sinfo`)")
    }
    return total
  }

  /// Cancels the jobs (`scancel`); ids Slurm no longer knows are ignored.
  public func cancel(_ jobIds: [String]) async {
    guard !jobIds.isEmpty else { return }
    _ = try? await Self.run("scancel", jobIds)
  }

  /// True when `sbatch` and `squeue` are installed and `slurmctld` answers.
  public static func reachable() async -> Bool {
    guard let out = try? await run("scontrol", ["ping"]) else { return false }
    return out.status == 0 && out.stdoutText.contains("is UP")
  }

  /// Runs a Slurm tool on a thread of its own.
  static func run(_ tool: String, _ arguments: [String]) async throws -> ChildProcess.Output {
    guard let path = ChildProcess.resolve(tool) else {
      throw SlurmError("`\(tool)` is not on PATH", hint: "install Slurm's client commands (Debian: slurm-client), or start a local Slurm with scripts/slurm.sh start")
    }
    return try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        do { continuation.resume(returning: try ChildProcess.run(path, arguments)) } catch { continuation.resume(throwing: error) }
      }
      thread.start()
    }
  }

  /// `text` quoted for a POSIX shell (`sbatch --wrap` runs the command through `sh -c`).
  public static func shellQuoted(_ text: String) -> String {
    if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0)) }) { return text }
    return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  static func firstLines(_ text: String) -> String {
    let lines = text.split(separator: "\n").prefix(3).joined(separator: " | ")
    return lines.isEmpty ? "(no message)" : lines
  }

  /// The last `lines` lines of a job's log (empty when it cannot be read).
  public static func logTail(_ path: String, lines: Int = 20) -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()) ?? 0
    let start = size > 16_384 ? size - 16_384 : 0
    try? handle.seek(toOffset: start)
    let data = (try? handle.readToEnd()) ?? Data()
    let text = String(decoding: data, as: UTF8.self)
    return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1).joined(separator: "\n")
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
