import Foundation

/// One job of a run: a cell's `workbench cell run`, or a sweep's trials as a job array.
public struct SlurmUnit: Sendable {
  /// Unique within the run (the cell id, or `<cell>.trials` for a sweep's array); names the log file.
  public var name: String
  public var command: [String]
  /// Units (submitted earlier in the list) that must complete successfully first.
  public var after: [String]
  /// A job array of `count` tasks, at most `concurrency` at once.
  public var array: (count: Int, concurrency: Int)?

  public init(name: String, command: [String], after: [String] = [], array: (count: Int, concurrency: Int)? = nil) {
    self.name = name
    self.command = command
    self.after = after
    self.array = array
  }
}

/// How a unit ended.
public enum SlurmUnitOutcome: Sendable, Equatable {
  case completed
  /// The job ran and failed (or hit its time limit, or was killed): Slurm's state and reason, and its log's tail.
  case failed(state: String, reason: String, logPath: String, logTail: String)
  /// Never ran: an upstream unit failed (Slurm cancelled it, `--kill-on-invalid-dep=yes`), or the run was interrupted.
  case cancelled(reason: String)
  /// Slurm forgot the job before it was seen to end (`MinJobAge`): the cache tells whether it left its result.
  case unknown
}

/// Something to show while a run proceeds.
public enum SlurmEvent: Sendable, Equatable {
  case submitted(unit: String, jobId: String)
  case started(unit: String)
  case finished(unit: String, outcome: SlurmUnitOutcome)
}

/// Submits a run's units as Slurm jobs under one job name (dependencies by `afterok`), follows them with one
/// batched `squeue` per interval, and cancels them (`scancel`) when the surrounding task is cancelled (Ctrl-C).
public struct SlurmRun: Sendable {
  /// One name for every job of the run (`wb-<workbook>-<random>`), as `squeue --name` shows them.
  public var jobName: String
  /// Where job logs are written: a folder every node can write and this machine can read.
  public var logDirectory: URL
  public var workingDirectory: URL
  public var options: SlurmSubmitOptions
  /// Time between two status queries.
  public var pollInterval: Duration
  var client = SlurmClient()

  public init(jobName: String, logDirectory: URL, workingDirectory: URL, options: SlurmSubmitOptions = SlurmSubmitOptions(),
              pollInterval: Duration = .milliseconds(500)) {
    self.jobName = jobName
    self.logDirectory = logDirectory
    self.workingDirectory = workingDirectory
    self.options = options
    self.pollInterval = pollInterval
  }

  /// A job name for a run of `workbook`, unique per run.
  public static func jobName(workbook: String) -> String {
    let safe = String(workbook.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" }.prefix(40))
    return "wb-\(safe)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
  }

  func logPattern(_ unit: SlurmUnit) -> String {
    logDirectory.appendingPathComponent(Self.fileName(unit.name) + (unit.array == nil ? "-%j.log" : "-%A_%a.log")).path
  }

  func logPath(_ unit: SlurmUnit, jobId: String, task: Int?) -> String {
    logDirectory.appendingPathComponent(Self.fileName(unit.name) + "-\(jobId)" + (task.map { "_\($0)" } ?? "") + ".log").path
  }

  static func fileName(_ name: String) -> String {
    String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
  }

  /// Submits `units` (in dependency order) and waits until every one has ended. A refused submission cancels
  /// what was already submitted and throws. Cancelling the calling task cancels the run's jobs; the units that had
  /// not ended come back `.cancelled`.
  public func execute(_ units: [SlurmUnit], events: @Sendable (SlurmEvent) -> Void = { _ in }) async throws -> [String: SlurmUnitOutcome] {
    try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
    var jobIds: [String: String] = [:]
    for unit in units {
      for dependency in unit.after where jobIds[dependency] == nil {
        await client.cancel(Array(jobIds.values))
        throw SlurmError("unit `\(unit.name)` depends on `\(dependency)`, which was not submitted before it")
      }
      let submission = SlurmSubmission(
        command: unit.command, jobName: jobName, logPath: logPattern(unit), workingDirectory: workingDirectory.path,
        afterOK: unit.after.compactMap { jobIds[$0] }, array: unit.array)
      do {
        jobIds[unit.name] = try await client.submit(submission, options: options)
      } catch {
        await client.cancel(Array(jobIds.values))
        throw error
      }
      events(.submitted(unit: unit.name, jobId: jobIds[unit.name]!))
    }
    return await follow(units, jobIds: jobIds, events: events)
  }

  /// Polls until every unit ended; one `squeue` for all unfinished jobs per interval.
  func follow(_ units: [SlurmUnit], jobIds: [String: String], events: @Sendable (SlurmEvent) -> Void) async -> [String: SlurmUnitOutcome] {
    var outcomes: [String: SlurmUnitOutcome] = [:]
    var started: Set<String> = []
    var failedQueries = 0
    while outcomes.count < units.count {
      do {
        try await Task.sleep(for: pollInterval)
      } catch {
        // Interrupted: cancel what has not ended.
        let open = units.filter { outcomes[$0.name] == nil }
        await client.cancel(open.compactMap { jobIds[$0.name] })
        for unit in open {
          outcomes[unit.name] = .cancelled(reason: "interrupted (the run was cancelled; its Slurm jobs were cancelled)")
          events(.finished(unit: unit.name, outcome: outcomes[unit.name]!))
        }
        break
      }
      let open = units.filter { outcomes[$0.name] == nil }
      let entries: [SlurmQueueEntry]
      do {
        entries = try await client.query(open.compactMap { jobIds[$0.name] })
        failedQueries = 0
      } catch {
        // A busy controller can miss one query; ten in a row end the run's wait with the jobs' states unknown.
        failedQueries += 1
        if failedQueries < 10 { continue }
        for unit in open { outcomes[unit.name] = .unknown; events(.finished(unit: unit.name, outcome: .unknown)) }
        break
      }
      for unit in open {
        let id = jobIds[unit.name]!
        let status = SlurmJobStatus.of(id, in: entries)
        if status == .running || status.isFinished, !started.contains(unit.name), !Self.neverRan(status) {
          started.insert(unit.name)
          events(.started(unit: unit.name))
        }
        guard status.isFinished else { continue }
        let outcome: SlurmUnitOutcome
        switch status {
        case .completed: outcome = .completed
        case .unknown: outcome = .unknown
        case let .failed(state, reason, task):
          if Self.neverRan(status) {
            let upstream = unit.after.first { outcomes[$0] != nil && outcomes[$0] != .completed }
            outcome = .cancelled(reason: upstream.map { "upstream `\($0)` did not complete" } ?? "Slurm cancelled it (\(reason))")
          } else {
            let log = logPath(unit, jobId: id, task: task)
            outcome = .failed(state: state, reason: reason, logPath: log, logTail: SlurmClient.logTail(log))
          }
        case .pending, .running: continue
        }
        outcomes[unit.name] = outcome
        events(.finished(unit: unit.name, outcome: outcome))
      }
    }
    return outcomes
  }

  /// A job Slurm cancelled before it started because a dependency failed.
  static func neverRan(_ status: SlurmJobStatus) -> Bool {
    if case let .failed(state, reason, _) = status { return state == "CANCELLED" && reason == "DependencyNeverSatisfied" }
    return false
  }
}
