import Foundation

/// Remembers a slow answer (an interpreter's installed packages) in the stat cache while the files it depends on
/// keep their size, mtime, ctime and inode, so a no-op run only `stat`s them.
public struct FingerprintMemo: Sendable {
  let state: StateDatabase
  /// What relative interpreter paths resolve against.
  public let projectRoot: URL

  public func remembered(_ name: String, paths: [String], compute: () throws -> String) rethrows -> String {
    let signatures = paths.map { p in FileSystem.statSignature(p).map { "\(p):\($0.size):\($0.mtimeNs):\($0.ctimeNs):\($0.inode)" } }
    guard let first = paths.first.flatMap(FileSystem.statSignature), signatures.allSatisfy({ $0 != nil }) else { return try compute() }
    let key = "memo:\(name):" + Digest.sha256(Array(signatures.compactMap { $0 }.joined(separator: "\n").utf8))
    if let known = state.cachedDigest(path: key, signature: first) { return known }
    let value = try compute()
    state.recordDigest(path: key, signature: first, digest: value)
    return value
  }
}
