import Foundation
import Scripting
import Testing
import TestSupport

/// The runner on its own, with bash: bounded output, status, timeout; and the environment probe's memo form.
@Suite struct ScriptRunnerTests {
  func context(_ code: String, in dir: URL) throws -> ScriptContext {
    let path = dir.appendingPathComponent("code.sh")
    try code.write(to: path, atomically: true, encoding: .utf8)
    return ScriptContext(cell: "c", workbook: "w", seed: 0, params: [("n", .int(3))], inputs: [], tables: [], figures: [],
                         files: [], metrics: [], tableFormat: .csv, codePath: path.path, codeDisplayName: path.path,
                         searchPath: [], directory: dir.appendingPathComponent("run"))
  }

  @Test func outputIsBoundedAndStatusReported() async throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let env = ScriptRunner.baseEnvironment(from: ProcessInfo.processInfo.environment, threads: 1, seed: 0)
    let code = "echo first; head -c 200000 /dev/zero | tr '\\\\0' x; echo; echo \"n=$WB_PARAM_N\"; exit 3"
    let result = try await ScriptRunner.run(language: .shell, interpreter: "bash", context: try context(code, in: dir),
                                            environment: env, timeout: nil)
    #expect(result.ending == .finished(status: 3))
    #expect(result.outputTruncated)
    #expect(result.output.hasPrefix("first\n") && result.output.hasSuffix("n=3\n"))
    #expect(result.output.utf8.count < 2 * ScriptRunner.keptOutputBytes + 200)
  }

  @Test func timeoutEndsTheRun() async throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = try await ScriptRunner.run(language: .shell, interpreter: "bash", context: try context("sleep 30", in: dir),
                                            environment: ["PATH": "/usr/bin:/bin"], timeout: 0.2)
    #expect(result.ending == .timedOut)
  }

  /// The timeout fires even while every thread of the cooperative pool is busy with synchronous work (cells that
  /// compute, tests that wait for processes): the script is watched from a thread of its own.
  @Test func timeoutFiresWhileThePoolIsBusy() async throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    /// Holds a pool thread for 3 s without suspending (as a synchronous computation does).
    @Sendable func holdThread() { usleep(3_000_000) }
    let blockers = (0..<ProcessInfo.processInfo.activeProcessorCount).map { _ in Task.detached { holdThread() } }
    let result = try await ScriptRunner.run(language: .shell, interpreter: "bash", context: try context("sleep 2", in: dir),
                                            environment: ["PATH": "/usr/bin:/bin"], timeout: 0.2)
    for b in blockers { await b.value }
    #expect(result.ending == .timedOut, "a script of 2 s outlived a 0.2 s timeout: \(result.ending)")
  }

  @Test func probeMemoFormRoundTrips() {
    let probe = EnvironmentProbe(interpreter: "/x/python", version: "Python 3.11.7", packages: ["pandas": "2.2.3", "numpy": "1.26.4"],
                                 packageFolders: ["/x/lib/site-packages", "/y"])
    #expect(EnvironmentProbe(interpreter: "/x/python", encoded: probe.encoded) == probe)
  }
}
