import WorkbookModel

/// What happened to a cell in a run.
public enum CellStatus: String, Sendable, Codable {
  case executed, cached, failed, skipped
}

/// One cell's line in `run.json`.
public struct CellRecord: Sendable {
  public var id: String
  public var kind: String
  public var status: CellStatus
  public var key: String?
  public var outputDigest: String?
  public var durationMs: Int
  /// Why it failed or was skipped (or why a cached entry was not used).
  public var reason: String?
  /// The structured form of a failure (run.json `cells[].error`); nil unless `status` is `.failed`.
  public var error: CellDiagnostic?
  public var warnings: [String]
  public var manifest: Manifest?

  public init(id: String, kind: String, status: CellStatus, key: String? = nil, outputDigest: String? = nil,
              durationMs: Int = 0, reason: String? = nil, warnings: [String] = [], manifest: Manifest? = nil) {
    self.id = id
    self.kind = kind
    self.status = status
    self.key = key
    self.outputDigest = outputDigest
    self.durationMs = durationMs
    self.reason = reason
    self.warnings = warnings
    self.manifest = manifest
  }
}

/// Receives run events (the CLI draws them; tests may record them). Called from any thread.
public protocol RunObserver: Sendable {
  func waitingForLock(workbook: String, holder: Int32?)
  func cellStarted(_ id: String, kind: String)
  func cellFinished(_ record: CellRecord)
  func progress(cell: String, fraction: Double, detail: String)
  func warning(_ message: String)
}

extension RunObserver {
  public func waitingForLock(workbook: String, holder: Int32?) {}
  public func cellStarted(_ id: String, kind: String) {}
  public func cellFinished(_ record: CellRecord) {}
  public func progress(cell: String, fraction: Double, detail: String) {}
  public func warning(_ message: String) {}
}

/// An observer that ignores everything.
public struct SilentObserver: RunObserver {
  public init() {}
}
