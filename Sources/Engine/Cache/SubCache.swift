import Foundation

/// A folder of keyed entries a cell kind keeps beside its outputs (a sweep's trials, fetched downloads), owned by
/// the engine: `<cache>/<name>/<key>`.
///
/// The same rules as cell outputs: an entry is written to a temporary file in the same folder and renamed into
/// place, so a reader sees a whole entry or none, and any number of writers (threads, processes, the tasks of a
/// Slurm job array sharing the cache) may put the same key at once: the last rename wins and every version is
/// complete. Each entry starts with a header line carrying the SHA-256 and length of its payload, checked on
/// every read: a torn, truncated or corrupted entry is a miss (and is removed), never a wrong answer. `gc` keeps
/// an entry while a kept cache entry lists it (``CellOutput/cacheFiles``, via ``cacheFile(_:)``) and deletes the
/// rest.
public struct SubCache: Sendable {
  /// The folder's name under the cache directory (`trials`, `downloads`).
  public let name: String
  /// `<cache>/<name>`.
  public let folder: URL

  static let magic = "workbench-entry 1"

  /// The sub-cache `name` of the cache at `cacheDirectory` (a cell gets it with ``CellContext/subCache(_:)``).
  public init(_ name: String, cacheDirectory: URL) {
    precondition(Self.isValidKey(name) && name != "blobs" && name != "manifests", "invalid sub-cache name `\(name)`")
    self.name = name
    folder = cacheDirectory.appendingPathComponent(name, isDirectory: true)
  }

  /// Keys are plain file names: letters, digits, `_`, `-` and `.` (not first), at most 200 characters.
  public static func isValidKey(_ key: String) -> Bool { OutputNames.isSafe(key) }

  /// The entry's path relative to the cache directory, for ``CellOutput/cacheFiles``.
  public func cacheFile(_ key: String) -> String { "\(name)/\(key)" }

  func path(_ key: String) -> String { folder.appendingPathComponent(key).path }

  /// The entry's payload, or nil when it is absent, torn or corrupt (a corrupt entry is removed).
  public func get(_ key: String) -> [UInt8]? {
    guard Self.isValidKey(key), let stored = try? FileSystem.readBytes(path(key)) else { return nil }
    guard let payload = Self.payload(of: stored) else {
      FileSystem.removeItem(path(key))
      return nil
    }
    return payload
  }

  /// Whether an intact entry is stored under `key`.
  public func contains(_ key: String) -> Bool { get(key) != nil }

  /// Stores `payload` under `key` (atomically; safe with concurrent writers of the same key).
  public func put(_ key: String, _ payload: [UInt8]) throws {
    guard Self.isValidKey(key) else {
      throw EngineError("invalid key `\(key)` for the `\(name)` cache", hint: "keys are plain file names (a digest, say)")
    }
    var entry = Array("\(Self.magic) \(Digest.sha256(payload)) \(payload.count)\n".utf8)
    entry.append(contentsOf: payload)
    try FileSystem.writeAtomically(entry, to: path(key))
  }

  /// The payload of a stored entry when its header matches it.
  static func payload(of stored: [UInt8]) -> [UInt8]? {
    guard let newline = stored.prefix(200).firstIndex(of: UInt8(ascii: "\n")) else { return nil }
    let header = String(decoding: stored[..<newline], as: UTF8.self).split(separator: " ")
    guard header.count == 4, header[0...1].joined(separator: " ") == magic, let length = Int(header[3]) else { return nil }
    let payload = Array(stored[(newline + 1)...])
    guard payload.count == length, Digest.sha256(payload) == header[2] else { return nil }
    return payload
  }
}

extension CellContext {
  /// The engine-owned sub-cache `name` of this execution's cache (see ``SubCache``). During `verify` this is the
  /// scratch cache, so nothing is reused from earlier runs.
  public func subCache(_ name: String) -> SubCache { SubCache(name, cacheDirectory: cacheDirectory) }
}
