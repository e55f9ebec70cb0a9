import Foundation
import Orchestration
import Testing
import TestSupport

extension SlurmSuites {
  /// `SlurmRun` against the real single-node Slurm (scripts/slurm.sh): dependencies, parallelism, arrays, failures,
  /// cancellation. Jobs are small shell commands; the workbench-level tests are in SlurmExecutorTests.
  @Suite("Slurm jobs")
  struct SlurmRunTests {
    static func shell(_ script: String) -> [String] { ["/bin/sh", "-c", script] }

    func makeRun(_ dir: URL) -> SlurmRun {
      SlurmRun(jobName: SlurmRun.jobName(workbook: "test"), logDirectory: dir.appendingPathComponent("logs"),
               workingDirectory: dir, pollInterval: .milliseconds(200))
    }

    @Test func chainRunsInDependencyOrder() async throws {
      guard try await SlurmAvailability.check() else { return }
      let dir = try makeTemporaryDirectory("wb-slurm")
      defer { try? FileManager.default.removeItem(at: dir) }
      let units = [
        SlurmUnit(name: "a", command: Self.shell("echo a >> order.txt")),
        SlurmUnit(name: "b", command: Self.shell("echo b >> order.txt"), after: ["a"]),
        SlurmUnit(name: "c", command: Self.shell("echo c >> order.txt"), after: ["b"]),
      ]
      let log = EventLog()
      let outcomes = try await makeRun(dir).execute(units) { log.append($0) }
      #expect(outcomes == ["a": .completed, "b": .completed, "c": .completed])
      #expect(try String(contentsOf: dir.appendingPathComponent("order.txt"), encoding: .utf8) == "a\nb\nc\n")
      #expect(log.all.filter { if case .started = $0 { true } else { false } }.count == 3)
    }

    /// Each job waits (bounded) for the other's marker: both complete only when they ran at the same time.
    @Test func independentJobsRunInParallel() async throws {
      guard try await SlurmAvailability.check() else { return }
      let dir = try makeTemporaryDirectory("wb-slurm")
      defer { try? FileManager.default.removeItem(at: dir) }
      func waiter(_ me: String, _ other: String) -> [String] {
        Self.shell("touch \(me); i=0; while [ ! -e \(other) ]; do i=$((i+1)); [ $i -gt 600 ] && exit 9; sleep 0.1; done")
      }
      let outcomes = try await makeRun(dir).execute([
        SlurmUnit(name: "left", command: waiter("left.marker", "right.marker")),
        SlurmUnit(name: "right", command: waiter("right.marker", "left.marker")),
      ])
      #expect(outcomes == ["left": .completed, "right": .completed])
    }

    /// A 6-task array throttled to 2: every task counts the tasks running beside it.
    @Test func arrayNeverRunsMoreTasksThanItsLimit() async throws {
      guard try await SlurmAvailability.check() else { return }
      let dir = try makeTemporaryDirectory("wb-slurm")
      defer { try? FileManager.default.removeItem(at: dir) }
      try FileManager.default.createDirectory(at: dir.appendingPathComponent("running"), withIntermediateDirectories: true)
      let task = "touch running/$SLURM_ARRAY_TASK_ID; ls running | wc -l > count.$SLURM_ARRAY_TASK_ID; sleep 0.5; rm running/$SLURM_ARRAY_TASK_ID"
      let outcomes = try await makeRun(dir).execute([
        SlurmUnit(name: "trials", command: Self.shell(task), array: (count: 6, concurrency: 2)),
        SlurmUnit(name: "gather", command: Self.shell("cat count.* > counts.txt"), after: ["trials"]),
      ])
      #expect(outcomes == ["trials": .completed, "gather": .completed])
      let counts = try String(contentsOf: dir.appendingPathComponent("counts.txt"), encoding: .utf8)
        .split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
      #expect(counts.count == 6)
      #expect(counts.allSatisfy { $0 >= 1 && $0 <= 2 })
    }

    @Test func failedJobCancelsItsDependentsAndKeepsItsLogTail() async throws {
      guard try await SlurmAvailability.check() else { return }
      let dir = try makeTemporaryDirectory("wb-slurm")
      defer { try? FileManager.default.removeItem(at: dir) }
      let outcomes = try await makeRun(dir).execute([
        SlurmUnit(name: "a", command: Self.shell("echo preparing; echo 'boom: the input is missing' >&2; exit 3")),
        SlurmUnit(name: "b", command: Self.shell("touch b.ran"), after: ["a"]),
        SlurmUnit(name: "c", command: Self.shell("touch c.ran"), after: ["b"]),
        SlurmUnit(name: "d", command: Self.shell("touch d.ran")),
      ])
      guard case let .failed(state, reason, _, tail)? = outcomes["a"] else {
        Issue.record("a: \(String(describing: outcomes["a"]))"); return
      }
      #expect(state == "FAILED" && reason == "NonZeroExitCode")
      #expect(tail.contains("boom: the input is missing"))
      #expect(outcomes["b"] == .cancelled(reason: "upstream `a` did not complete"))
      #expect(outcomes["c"] == .cancelled(reason: "upstream `b` did not complete"))
      #expect(outcomes["d"] == .completed)
      #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("b.ran").path))
      #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.ran").path))
    }

    @Test func cancellingTheRunCancelsItsJobs() async throws {
      guard try await SlurmAvailability.check() else { return }
      let dir = try makeTemporaryDirectory("wb-slurm")
      defer { try? FileManager.default.removeItem(at: dir) }
      let (started, signal) = AsyncStream.makeStream(of: String.self)
      let ids = EventLog()
      let run = makeRun(dir)
      let task = Task {
        try await run.execute([
          SlurmUnit(name: "long", command: Self.shell("sleep 300")),
          SlurmUnit(name: "after", command: Self.shell("touch after.ran"), after: ["long"]),
        ]) { event in
          ids.append(event)
          if case let .started(unit) = event { signal.yield(unit) }
        }
      }
      for await unit in started where unit == "long" { break }
      task.cancel()
      let outcomes = try await task.value
      #expect(outcomes["long"] == .cancelled(reason: "interrupted (the run was cancelled; its Slurm jobs were cancelled)"))
      #expect(outcomes["after"] == outcomes["long"])
      let jobIds = ids.all.compactMap { if case let .submitted(_, id) = $0 { id } else { nil } }
      #expect(jobIds.count == 2)
      // Slurm no longer runs or queues them (a cancelled job may be COMPLETING for a moment: bounded wait).
      var entries = try await SlurmClient().query(jobIds)
      for _ in 0..<100 where !entries.allSatisfy(\.isFinished) {
        try await Task.sleep(for: .milliseconds(100))
        entries = try await SlurmClient().query(jobIds)
      }
      #expect(entries.allSatisfy { $0.isFinished && $0.state == "CANCELLED" }, "\(entries)")
    }

    @Test func refusedSubmissionIsAnErrorNamingSbatchsMessage() async throws {
      guard try await SlurmAvailability.check() else { return }
      let dir = try makeTemporaryDirectory("wb-slurm")
      defer { try? FileManager.default.removeItem(at: dir) }
      var run = makeRun(dir)
      run.options = SlurmSubmitOptions(partition: "no-such-partition")
      await #expect {
        try await run.execute([SlurmUnit(name: "a", command: Self.shell("true"))])
      } throws: { error in
        let text = String(describing: error)
        return text.contains("sbatch refused job") && text.contains("partition")
      }
    }
  }
}

@Suite("Slurm output parsing")
struct SlurmParsingTests {
  @Test func squeueLinesOfJobsArraysAndPendingTasks() {
    let entries = SlurmQueueEntry.parse("""
      3|CANCELLED|DependencyNeverSatisfied
      8_[2-3%2]|PENDING|JobArrayTaskLimit
      8_0|COMPLETED|None
      8_1|RUNNING|None
      malformed line
      """)
    #expect(entries.count == 4)
    #expect(entries[1] == SlurmQueueEntry(jobId: "8", arrayTask: nil, pendingTasks: true, state: "PENDING", reason: "JobArrayTaskLimit"))
    #expect(SlurmJobStatus.of("8", in: entries) == .running)
    #expect(SlurmJobStatus.of("3", in: entries) == .failed(state: "CANCELLED", reason: "DependencyNeverSatisfied", failedTask: nil))
    #expect(SlurmJobStatus.of("99", in: entries) == .unknown)
  }

  @Test func arrayStatusNamesItsFirstFailedTask() {
    let entries = SlurmQueueEntry.parse("8_0|COMPLETED|None\n8_2|FAILED|NonZeroExitCode\n8_1|TIMEOUT|TimeLimit\n")
    #expect(SlurmJobStatus.of("8", in: entries) == .failed(state: "TIMEOUT", reason: "TimeLimit", failedTask: 1))
    #expect(SlurmJobStatus.of("8", in: SlurmQueueEntry.parse("8_0|COMPLETED|None\n8_1|COMPLETED|None")) == .completed)
    #expect(SlurmJobStatus.of("8", in: SlurmQueueEntry.parse("8_[0-3%2]|PENDING|Dependency")) == .pending(reason: "Dependency"))
  }

  @Test func shellQuotingKeepsEveryArgumentWhole() {
    #expect(SlurmClient.shellQuoted("/usr/bin/workbench") == "/usr/bin/workbench")
    #expect(SlurmClient.shellQuoted("a b") == "'a b'")
    #expect(SlurmClient.shellQuoted("it's $HOME") == "'it'\\''s $HOME'")
    #expect(SlurmClient.shellQuoted("") == "''")
  }

  @Test func submitOptionsBecomeSbatchArguments() {
    let o = SlurmSubmitOptions(partition: "gpu", account: "lab", time: "1:00:00", extraOptions: ["--mem=4G"])
    #expect(o.arguments == ["--partition=gpu", "--account=lab", "--time=1:00:00", "--mem=4G"])
  }
}
