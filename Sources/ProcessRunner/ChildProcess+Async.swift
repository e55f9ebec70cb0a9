import Foundation

extension ChildProcess {
  /// `run` from async code: the child is spawned and awaited (pipes drained, `waitpid`) on a thread of its own, so
  /// no thread of Swift's cooperative pool blocks while it runs (with both pool threads of a 2-core machine waiting
  /// on children, every other task would stall).
  public static func runOffPool(_ executable: String, _ arguments: [String], currentDirectory: String? = nil,
                                environment: [String: String]? = nil, stdin: [UInt8]? = nil) async throws -> Output {
    try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        continuation.resume(with: Result {
          try run(executable, arguments, currentDirectory: currentDirectory, environment: environment, stdin: stdin)
        })
      }
      thread.name = "child: \(URL(fileURLWithPath: executable).lastPathComponent)"
      thread.start()
    }
  }
}
