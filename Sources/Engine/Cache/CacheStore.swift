import Crypto
import Foundation
import WorkbookModel

/// The content-addressed store: `blobs/<2 hex>/<sha256>` and `manifests/<2 hex>/<key>.json`.
///
/// Blobs are immutable and named by their SHA-256, written atomically; a manifest is written last, so an
/// entry is either complete or absent. Reads verify content: a blob whose bytes no longer match its name is
/// reported as corrupt (the caller treats that as a cache miss), never returned.
public struct CacheStore: Sendable {
  public let root: URL
  let state: StateDatabase

  public init(root: URL, state: StateDatabase) throws {
    self.root = root
    self.state = state
    try FileManager.default.createDirectory(at: root.appendingPathComponent("blobs"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: root.appendingPathComponent("manifests"), withIntermediateDirectories: true)
  }

  func blobPath(_ digest: String) -> String {
    root.appendingPathComponent("blobs/\(digest.prefix(2))/\(digest)").path
  }

  func manifestPath(_ key: String) -> String {
    root.appendingPathComponent("manifests/\(key.prefix(2))/\(key).json").path
  }

  /// Stores bytes, returning their digest. Existing intact blobs are not rewritten.
  @discardableResult
  public func putBlob(_ bytes: [UInt8]) throws -> String {
    let digest = Digest.sha256(bytes)
    let path = blobPath(digest)
    if let s = FileSystem.statSignature(path), s.size == Int64(bytes.count),
       state.cachedDigest(path: path, signature: s) == digest
    {
      return digest
    }
    // No fsync for blobs: every read verifies content against the name, so a blob torn by a crash is a cache miss,
    // never a wrong result. The manifest (written last, with fsync) is what makes an entry count.
    try FileSystem.writeAtomically(bytes, to: path, durable: false)
    if let s = FileSystem.statSignature(path) {
      state.recordDigest(path: path, signature: s, digest: digest)
    }
    return digest
  }

  /// Stores bytes produced piece by piece (see `FrameCodec.encode(_:to:)`): they are hashed and written to a
  /// temporary file in one pass, then renamed to their digest, so a large table is never held twice in memory.
  /// Returns the digest and the size in bytes.
  public func putBlob(streaming produce: ((UnsafeRawBufferPointer) -> Bool) -> Void) throws -> (digest: String, size: Int) {
    let incoming = root.appendingPathComponent("blobs").path
    let tmp = "\(incoming)/.incoming-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw EngineError("cannot write `\(tmp)`: \(String(cString: strerror(errno)))", hint: "check free disk space and permissions")
    }
    var hasher = SHA256()
    var size = 0
    var writeError: Int32 = 0
    produce { piece in
      hasher.update(bufferPointer: piece)
      size += piece.count
      var offset = 0
      while offset < piece.count {
        let n = write(fd, piece.baseAddress! + offset, piece.count - offset)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { writeError = n < 0 ? errno : EIO; return false }
        offset += n
      }
      return true
    }
    close(fd)
    guard writeError == 0 else {
      unlink(tmp)
      throw EngineError("cannot write a cache blob: \(String(cString: strerror(writeError)))", hint: "check free disk space and permissions")
    }
    let digest = Digest.hex(hasher.finalize())
    let path = blobPath(digest)
    if let s = FileSystem.statSignature(path), s.size == Int64(size),
       state.cachedDigest(path: path, signature: s) == digest
    {
      unlink(tmp)
      return (digest, size)
    }
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    do { try AtomicFile.moveIntoPlace(tmp, to: path) } catch {
      throw EngineError(error.description, hint: "check free disk space and permissions")
    }
    if let s = FileSystem.statSignature(path) {
      state.recordDigest(path: path, signature: s, digest: digest)
    }
    return (digest, size)
  }

  /// Reads a blob and checks its content against its name.
  public func blob(_ digest: String) throws(CacheCorruption) -> [UInt8] {
    let path = blobPath(digest)
    guard let bytes = try? FileSystem.readBytes(path) else {
      throw CacheCorruption(path: path, problem: "is missing")
    }
    guard Digest.sha256(bytes) == digest else {
      state.forgetDigest(path: path)
      throw CacheCorruption(path: path, problem: "does not match its digest (corrupted)")
    }
    return bytes
  }

  /// Cheap integrity check: stat the blob and compare with the signature recorded when it was written or last
  /// verified; re-hash only when the signature changed (any write to the file changes its mtime).
  public func verifyBlob(_ digest: String, size: Int) -> CacheCorruption? {
    let path = blobPath(digest)
    guard let s = FileSystem.statSignature(path) else { return CacheCorruption(path: path, problem: "is missing") }
    guard s.size == Int64(size) else { return CacheCorruption(path: path, problem: "has the wrong size (corrupted)") }
    if state.cachedDigest(path: path, signature: s) == digest { return nil }
    guard (try? Digest.sha256(fileAt: path)) == digest else {
      state.forgetDigest(path: path)
      return CacheCorruption(path: path, problem: "does not match its digest (corrupted)")
    }
    state.recordDigest(path: path, signature: s, digest: digest)
    return nil
  }

  public func putManifest(_ manifest: Manifest) throws {
    try FileSystem.writeAtomically(manifest.json.serializedBytes(), to: manifestPath(manifest.key), durable: true)
  }

  /// The manifest for `key`, or nil when absent. A malformed manifest is reported as corruption.
  public func manifest(_ key: String) throws(CacheCorruption) -> Manifest? {
    let path = manifestPath(key)
    guard FileSystem.exists(path) else { return nil }
    guard let bytes = try? FileSystem.readBytes(path), let json = try? JSONValue.parse(bytes),
          let m = try? Manifest(json: json), m.key == key
    else { throw CacheCorruption(path: path, problem: "is not a valid manifest") }
    return m
  }

  /// Checks every artifact of a manifest; returns the first problem.
  public func verify(_ manifest: Manifest) -> CacheCorruption? {
    for a in manifest.artifacts { if let p = verifyBlob(a.digest, size: a.size) { return p } }
    return nil
  }

  public func removeManifest(_ key: String) { FileSystem.removeItem(manifestPath(key)) }

  /// What `gc` removed.
  public struct GarbageReport: Sendable {
    public var manifests = 0, blobs = 0, auxiliaryFiles = 0
    public var bytes: Int64 = 0
  }

  /// Deletes manifests whose keys are not in `keep`, blobs no kept manifest references, and files in the
  /// auxiliary folders (everything beside `blobs/` and `manifests/`, e.g. a sweep's `trials/`) that no kept
  /// manifest lists in `cache_files`. With a `gracePeriod` (a cache shared with other machines, whose writers this
  /// process cannot see), nothing younger than it is deleted, and a young manifest keeps what it references.
  public func collectGarbage(keep: Set<String>, gracePeriod: TimeInterval? = nil) -> GarbageReport {
    var report = GarbageReport()
    var keptBlobs = Set<String>()
    var keptFiles = Set<String>()
    let young: (String) -> Bool = { path in
      guard let gracePeriod, let s = FileSystem.statSignature(path) else { return false }
      return Double(s.mtimeNs) / 1e9 > Date().timeIntervalSince1970 - gracePeriod
    }
    let manifestsDir = root.appendingPathComponent("manifests").path
    for path in FileSystem.filesUnder(manifestsDir) where path.hasSuffix(".json") {
      let key = String((path as NSString).lastPathComponent.dropLast(5))
      if keep.contains(key) || young(path), let m = try? manifest(key) {
        keptBlobs.formUnion(m.artifacts.map(\.digest))
        keptFiles.formUnion(m.cacheFiles)
      } else {
        report.bytes += FileSystem.statSignature(path)?.size ?? 0
        FileSystem.removeItem(path)
        report.manifests += 1
      }
    }
    for path in FileSystem.filesUnder(root.appendingPathComponent("blobs").path) {
      let name = (path as NSString).lastPathComponent
      if !keptBlobs.contains(name) && !young(path) {
        report.bytes += FileSystem.statSignature(path)?.size ?? 0
        FileSystem.removeItem(path)
        state.forgetDigest(path: path)
        report.blobs += 1
      }
    }
    // Temporary files of writes that never finished (a killed run): removed when their writer is dead, or, for
    // a name without a pid, once they are an hour old.
    let stale = Date().addingTimeInterval(-3600)
    for folder in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
      let dir = root.appendingPathComponent(folder).path
      for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(".") {
        let path = (dir as NSString).appendingPathComponent(name)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular else { continue }
        if gracePeriod == nil, let pid = Leftovers.ownerPid(ofName: name) {  // a shared cache's writers may be elsewhere
          guard Leftovers.isDead(pid) else { continue }
        } else if let gracePeriod {
          guard let modified = attributes[.modificationDate] as? Date, modified < Date().addingTimeInterval(-gracePeriod) else { continue }
        } else {
          guard let modified = attributes[.modificationDate] as? Date, modified < stale else { continue }
        }
        report.bytes += FileSystem.statSignature(path)?.size ?? 0
        FileSystem.removeItem(path)
        report.auxiliaryFiles += 1
      }
    }
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    for folder in folders.sorted() where folder != "blobs" && folder != "manifests" {
      for path in FileSystem.filesUnder(root.appendingPathComponent(folder).path) {
        let relative = String(path.dropFirst(root.path.count + 1))
        if !keptFiles.contains(relative) && !young(path) {
          report.bytes += FileSystem.statSignature(path)?.size ?? 0
          FileSystem.removeItem(path)
          report.auxiliaryFiles += 1
        }
      }
    }
    return report
  }

  /// What `fsck` found and did.
  public struct IntegrityReport: Sendable {
    public var blobsChecked = 0, manifestsChecked = 0
    /// Blobs whose bytes do not match their name (deleted).
    public var corruptBlobs: [String] = []
    /// Manifests that are unreadable or refer to a missing or corrupt blob (deleted: the next run recomputes them).
    public var removedManifests: [String] = []
    public var isClean: Bool { corruptBlobs.isEmpty && removedManifests.isEmpty }
  }

  /// Re-hashes every blob (ignoring the stat cache: bytes can rot with size and times unchanged), deletes the ones
  /// that do not match their name and every manifest that refers to a missing or deleted blob, so the next run
  /// recomputes those cells instead of warning about them. Must run with the project to itself (`fsck`).
  public func checkIntegrity() -> IntegrityReport {
    var report = IntegrityReport()
    var intact = Set<String>()
    for path in FileSystem.filesUnder(root.appendingPathComponent("blobs").path) {
      let name = (path as NSString).lastPathComponent
      report.blobsChecked += 1
      if let s = FileSystem.statSignature(path), (try? Digest.sha256(fileAt: path)) == name {
        intact.insert(name)
        state.recordDigest(path: path, signature: s, digest: name)
      } else {
        report.corruptBlobs.append(path)
        state.forgetDigest(path: path)
        FileSystem.removeItem(path)
      }
    }
    for path in FileSystem.filesUnder(root.appendingPathComponent("manifests").path) where path.hasSuffix(".json") {
      let key = String((path as NSString).lastPathComponent.dropLast(5))
      report.manifestsChecked += 1
      if let m = try? manifest(key), m.artifacts.allSatisfy({ intact.contains($0.digest) }) { continue }
      report.removedManifests.append(path)
      FileSystem.removeItem(path)
    }
    return report
  }

  /// Re-hashes the blobs of one manifest regardless of the stat cache; returns the first corrupt one (deleted,
  /// with its manifest, so the next run recomputes the cell).
  public func verifyFully(_ manifest: Manifest) -> CacheCorruption? {
    for a in manifest.artifacts {
      let path = blobPath(a.digest)
      guard FileSystem.exists(path) else {
        removeManifest(manifest.key)
        return CacheCorruption(path: path, problem: "is missing")
      }
      guard (try? Digest.sha256(fileAt: path)) == a.digest else {
        state.forgetDigest(path: path)
        FileSystem.removeItem(path)
        removeManifest(manifest.key)
        return CacheCorruption(path: path, problem: "does not match its digest (corrupted)")
      }
    }
    return nil
  }
}

/// A cache entry that cannot be trusted. Treated as a miss with a warning, never as a result.
public struct CacheCorruption: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var problem: String
  public var description: String { "cache entry \(path) \(problem); recomputing" }
}
