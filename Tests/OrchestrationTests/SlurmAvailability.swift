import Foundation
import Orchestration
import Testing
import TestSupport

/// Every test that submits Slurm jobs, one at a time: a test that needs both CPUs (two jobs at once) never waits
/// behind another test's jobs.
@Suite("Slurm", .serialized) enum SlurmSuites {}

/// Whether a Slurm controller answers here. Tests that need one skip (printing why) when it does not, except on CI
/// (`CI=true`) or with `WORKBENCH_REQUIRE_ORACLES=1`, where a missing Slurm fails them: `scripts/slurm.sh start`
/// (run by .ci/run) starts a single-node Slurm on localhost.
enum SlurmAvailability {
  static var required: Bool { Oracles.required || ProcessInfo.processInfo.environment["CI"] == "true" }

  /// True when Slurm is up; false (printed) to skip; throws when it is required.
  static func check() async throws -> Bool {
    if await SlurmClient.reachable() { return true }
    let reason = "skipped: no Slurm controller answers `scontrol ping` (start a single-node one with `scripts/slurm.sh start`)"
    if required { throw MissingResource(reason + " — required on CI / with WORKBENCH_REQUIRE_ORACLES=1") }
    print(reason)
    return false
  }
}

/// Collects the events of a run (called from the polling task).
final class EventLog: @unchecked Sendable {
  private let lock = NSLock()
  private var events: [SlurmEvent] = []
  func append(_ e: SlurmEvent) { lock.withLock { events.append(e) } }
  var all: [SlurmEvent] { lock.withLock { events } }
}
