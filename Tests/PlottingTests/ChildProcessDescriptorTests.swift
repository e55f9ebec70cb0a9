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
