import Foundation
import WorkbenchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system helpers with the guarantees the cache needs: atomic replacement and cheap change detection.
public enum FileSystem {
  /// Writes `bytes` to `path` atomically (WorkbenchCore's `AtomicFile`: a temp file in the same folder, then rename).
  /// `durable` flushes the file before the rename (cache manifests); report files skip it (rewritten each run). The
  /// folder is not flushed: a manifest whose rename a power cut lost is a cache miss, never a wrong result.
  public static func writeAtomically(_ bytes: some Collection<UInt8>, to path: String, durable: Bool = false) throws {
    do { try AtomicFile.write(bytes, to: path, fsync: durable ? .file : .none) } catch {
      throw EngineError(error.description, hint: "check free disk space and permissions")
    }
  }

  public static func writeAtomically(_ text: String, to path: String, durable: Bool = false) throws {
    try writeAtomically(Array(text.utf8), to: path, durable: durable)
  }

  /// `(size, mtime in ns, ctime in ns, inode)`, or nil when the path does not exist. The ctime changes on every
  /// write and metadata change and cannot be set back by `touch`, so an in-place edit that keeps size and mtime
  /// still changes the signature.
  public static func statSignature(_ path: String) -> FileSignature? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    #if canImport(Darwin)
    let ns = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
    let cns = Int64(st.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(st.st_ctimespec.tv_nsec)
    #else
    let ns = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    let cns = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
    #endif
    return FileSignature(size: Int64(st.st_size), mtimeNs: ns, ctimeNs: cns, inode: Int64(st.st_ino),
                         isDirectory: (st.st_mode & S_IFMT) == S_IFDIR, isRegularFile: (st.st_mode & S_IFMT) == S_IFREG)
  }

  public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  public static func readBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EngineError("cannot read `\(path)`")
    }
    return [UInt8](data)
  }

  /// Expands a glob pattern (sorted matches); a pattern without wildcards returns itself if it exists.
  public static func glob(_ pattern: String) -> [String] {
    var g = glob_t()
    defer { globfree(&g) }
    guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
    var out: [String] = []
    for i in 0..<Int(g.gl_pathc) { if let p = g.gl_pathv[i] { out.append(String(cString: p)) } }
    return out.sorted()
  }

  public static func isGlob(_ s: String) -> Bool { s.contains("*") || s.contains("?") || s.contains("[") }

  /// Regular files under a directory, recursively, sorted by relative path; hidden files skipped.
  public static func filesUnder(_ directory: String) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: directory) else { return [] }
    var out: [String] = []
    while let rel = e.nextObject() as? String {
      if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
      let full = (directory as NSString).appendingPathComponent(rel)
      if let s = statSignature(full), !s.isDirectory { out.append(full) }
    }
    return out.sorted()
  }

  /// Immediate subfolders of a directory (unsorted; empty when it does not exist).
  public static func subdirectories(of directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).compactMap { name in
      let full = (directory as NSString).appendingPathComponent(name)
      return statSignature(full)?.isDirectory == true ? full : nil
    }
  }

  public static func removeItem(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// What the stat cache compares to decide whether a file may have changed since it was hashed.
public struct FileSignature: Sendable, Equatable {
  public var size: Int64
  public var mtimeNs: Int64
  public var ctimeNs: Int64
  public var inode: Int64
  public var isDirectory: Bool
  /// False for devices, pipes and sockets (`/dev/zero`, a FIFO, `/dev/stdin` on a pipe): never read as inputs.
  public var isRegularFile: Bool = true
}
