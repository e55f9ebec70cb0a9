import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// What a child process inherits: the gnuplot driver spawns from threads of its own while other threads write files.
@Suite struct ChildProcessDescriptorTests {
  @Test func childrenInheritOnlyTheStandardStreams() async throws {
    let folder = try makeTemporaryDirectory("child-fds")
    defer { try? FileManager.default.removeItem(at: folder) }
    // A descriptor opened without O_CLOEXEC, as a file being written by another thread would be.
    let fd = open(folder.appendingPathComponent("being-written").path, O_WRONLY | O_CREAT, 0o644)
    #expect(fd > 2)
    defer { close(fd) }
    let out = try await ChildProcess.runOffPool("/bin/sh", ["-c", "for f in /proc/$$/fd/*; do echo ${f##*/}; done"])
    #expect(out.status == 0)
    let inherited = Set(out.stdoutText.split(separator: "\n").compactMap { Int32($0) })
    #expect(!inherited.contains(fd), "the child holds descriptor \(fd): \(inherited.sorted())")
    #expect(inherited.isSuperset(of: [0, 1, 2]))
  }
}

/// The gnuplot driver waits for its child without holding a thread of the cooperative pool.
@Suite struct ChildProcessOffPoolTests {
  /// More children than pool threads wait for a file that a task on the pool creates afterwards: if each wait held
  /// a pool thread, that task could not run and every child would give up (after 20 s) with status 1.
  @Test func waitingChildrenLeaveThePoolFree() async throws {
    let folder = try makeTemporaryDirectory("off-pool")
    defer { try? FileManager.default.removeItem(at: folder) }
    let signal = folder.appendingPathComponent("go").path
    let waitForSignal = "i=0; while [ ! -e '\(signal)' ]; do i=$((i+1)); [ $i -gt 2000 ] && exit 1; sleep 0.01; done"
    let children = 2 * ProcessInfo.processInfo.activeProcessorCount + 1
    let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
      for _ in 0..<children {
        group.addTask { try await ChildProcess.runOffPool("/bin/sh", ["-c", waitForSignal]).status }
      }
      group.addTask {
        FileManager.default.createFile(atPath: signal, contents: Data())
        return 0
      }
      var all: [Int32] = []
      for try await status in group { all.append(status) }
      return all
    }
    #expect(statuses.count == children + 1)
    #expect(statuses.allSatisfy { $0 == 0 }, "children gave up waiting: \(statuses)")
  }
}
