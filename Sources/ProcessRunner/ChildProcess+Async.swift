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

extension ChildProcess {
  /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+; not exported by Swift's Glibc module), nil elsewhere.
  private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    #if os(Linux)
      guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
      return unsafeBitCast(
        symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    #else
      return nil
    #endif
  }()

  /// Children get stdin, stdout and stderr only. Without this, a descriptor another thread holds open for writing
  /// (a script file being written, say) stays open in every child spawned meanwhile, and exec'ing that file fails
  /// with ETXTBSY ("Text file busy") for as long as such a child runs.
  static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
    _ = addCloseFrom?(&actions, 3)
  }
}
