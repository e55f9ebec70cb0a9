#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif

/// Minimal stdout writer for the benchmark driver (no Foundation start-up cost).
enum FileHandleOutput {
  static func emit(_ s: String) {
    var s = s
    s.withUTF8 { b in _ = Glibc.write(1, b.baseAddress, b.count) }
  }
}
