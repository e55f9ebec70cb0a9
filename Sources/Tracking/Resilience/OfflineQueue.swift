import Foundation
import WorkbenchCore

/// One run written to the local store while the server was unreachable, waiting to be replayed.
public struct PendingRun: Sendable, Equatable, Codable {
  /// Run id in the local file store.
  public var localRunId: String
  /// Experiment name (ids differ between the local store and the server).
  public var experimentName: String
  /// Stable identity (`workbench.run_key` tag) used to find an earlier replay on the server.
  public var runKey: String
  /// The server the run was meant for (base URL without credentials); nil in queues written before it was recorded.
  public var server: String?
  public init(localRunId: String, experimentName: String, runKey: String, server: String? = nil) {
    self.localRunId = localRunId
    self.experimentName = experimentName
    self.runKey = runKey
    self.server = server
  }
}

/// The pending-replay list, a small JSON file (`{"version": 1, "pending": [...]}`) rewritten atomically.
public struct OfflineQueue: Sendable {
  public let fileURL: URL

  public init(fileURL: URL) { self.fileURL = fileURL }

  private struct Document: Codable {
    var version: Int
    var pending: [PendingRun]
  }

  public func load() throws -> [PendingRun] {
    guard FileManager.default.fileExists(atPath: fileURL.path) else { return [] }
    guard let data = FileManager.default.contents(atPath: fileURL.path) else {
      throw TrackingError.io(path: fileURL.path, reason: "cannot read the offline queue")
    }
    do {
      return try JSONDecoder().decode(Document.self, from: data).pending
    } catch {
      throw TrackingError.storeCorrupt(path: fileURL.path, reason: "offline queue is not valid JSON (\(error))")
    }
  }

  public func save(_ pending: [PendingRun]) throws {
    do {
      try AtomicFile.write(JSONValue(encoding: Document(version: 1, pending: pending)).serializedBytes(), to: fileURL.path)
    } catch {
      throw TrackingError.io(path: fileURL.path, reason: "cannot write the offline queue: \(error)")
    }
  }
}
