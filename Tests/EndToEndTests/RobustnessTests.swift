import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Interrupted and concurrent runs.
@Suite("interruption and concurrency", .serialized)
struct RobustnessTests {
  static let workbook = """
    workbook: slow
    params:
      data: shots.csv
    cells:
      - id: bronze
        kind: load
        source: ${data}
      - id: wait
        kind: test_sleep
        ms: 1500
        value: done
        input: bronze
      - id: profile
        kind: describe
        input: bronze
      - id: after
        kind: note
        text: "{{ wait.value }} / {{ profile.rows }}"
    """

  @Test func sigkillMidCellLeavesARecoverableState() throws {
    let reference = try Project(); defer { reference.remove() }
    try reference.write("shots.csv", sampleCSV())
    try reference.write("slow.yaml", Self.workbook)
    #expect(try reference.workbench(["run", "slow.yaml"]).status == 0)

    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("slow.yaml", Self.workbook)
    let process = try startProcess(TestPaths.workbenchExecutable, ["run", "slow.yaml"], currentDirectory: p.root,
                                   environment: ["WORKBENCH_TEST_KINDS": "1"])
    Thread.sleep(forTimeInterval: 0.8)  // bronze and profile are done; `wait` is sleeping
    process.signal(SIGKILL)
    let ended = process.wait()
    #expect(ended.signaled && ended.status == SIGKILL)

    let out = try p.workbench(["run", "slow.yaml"])
    #expect(out.status == 0, "\(out.stderr)")
    for file in ["cells/bronze/result.json", "cells/profile/result.json", "cells/wait/result.json", "cells/after/result.json",
                 "cells/after/note.md"] {
      #expect(try p.read("outputs/slow/\(file)") == reference.read("outputs/slow/\(file)"), "\(file)")
    }
    let verify = try p.workbench(["verify", "slow.yaml"])
    #expect(verify.status == 0, "\(verify.stdout)")
  }

  @Test func twoConcurrentRunsBothFinish() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("slow.yaml", Self.workbook)
    let group = DispatchGroup()
    nonisolated(unsafe) var results: [ProcessOutput] = []
    let lock = NSLock()
    for _ in 0..<2 {
      group.enter()
      DispatchQueue.global().async {
        let r = try? p.workbench(["run", "slow.yaml"])
        lock.lock(); if let r { results.append(r) }; lock.unlock()
        group.leave()
      }
    }
    group.wait()
    #expect(results.count == 2)
    #expect(results.allSatisfy { $0.status == 0 })
    #expect(results.contains { $0.stderr.contains("waiting: another run of workbook `slow`") })
    // The second run found everything cached.
    #expect(results.contains { $0.stderr.contains("0 executed, 4 cached") })
    #expect(try p.workbench(["verify", "slow.yaml"]).status == 0)
  }
}
