import Cells
import Engine
import Foundation
import Synchronization
import Tracking
import WorkbenchCore

/// Which registered model to serve: `NAME`, `NAME@alias` (followed when the alias moves) or `NAME@3` (pinned).
public struct ModelSelector: Sendable, Equatable, CustomStringConvertible {
  public var name: String
  public var alias: String?
  public var version: Int?

  /// Parses `NAME[@alias|@version]`; a bare name means the `champion` alias.
  public init(parsing text: String) throws(ScoringError) {
    let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    guard let name = parts.first, !name.isEmpty else {
      throw ScoringError("--model expects NAME, NAME@alias or NAME@version, got `\(text)`")
    }
    self.name = name
    if parts.count == 1 { alias = "champion"; return }
    guard !parts[1].isEmpty else { throw ScoringError("--model `\(text)`: nothing after `@` (an alias such as champion, or a version number)") }
    if let v = Int(parts[1]) {
      guard v >= 1 else { throw ScoringError("--model `\(text)`: versions start at 1") }
      version = v
    } else {
      alias = parts[1]
    }
  }

  public init(name: String, alias: String) {
    self.name = name
    self.alias = alias
  }

  public var description: String { "\(name)@\(version.map(String.init) ?? alias ?? "champion")" }
}

/// A registered model version loaded for scoring, with its provenance for `/version` and the metrics.
public struct LoadedModel: Sendable {
  public var model: ServableModel
  public var name: String
  public var version: Int
  public var runId: String
  /// The `train`/`sweep` cell that produced it (the run's `workbench.upstream_cell` tag), when recorded.
  public var trainingCell: String?
  /// The cache key of that cell's entry holding these exact model bytes, when the workbook's cache has it.
  public var cacheKey: String?
  public var workbook: String?
  /// Seconds since the epoch at which this process loaded it.
  public var loadedAt: Double
  /// Whether requests may carry raw rows for this model (the transform chain above its training cell).
  public var rawInput: RawInputStatus

  public init(model: ServableModel, name: String, version: Int, runId: String, trainingCell: String?, cacheKey: String?,
              workbook: String?, loadedAt: Double,
              rawInput: RawInputStatus = .unavailable("the server was started without a workbook")) {
    self.rawInput = rawInput
    self.model = model
    self.name = name
    self.version = version
    self.runId = runId
    self.trainingCell = trainingCell
    self.cacheKey = cacheKey
    self.workbook = workbook
    self.loadedAt = loadedAt
  }

  /// `/version`'s body.
  public var versionDocument: JSONValue {
    .object([
      "model": .string(name), "version": .int(version), "run_id": .string(runId), "flavor": .string(model.family),
      "model_sha256": .string(model.sha256), "workbook": workbook.map { .string($0) } ?? .null,
      "training_cell": trainingCell.map { .string($0) } ?? .null, "cache_key": cacheKey.map { .string($0) } ?? .null,
      "features": .array(model.features.map { .string($0) }), "workbench_version": .string(workbenchVersion),
      "raw_input": rawInput.document,
    ])
  }
}

/// Reads registered models from a tracking store (the file store or an MLflow server).
public struct ModelRegistrySource: Sendable {
  public let store: any TrackingStore
  public let selector: ModelSelector
  /// Finds the cache key of the training cell's entry whose `model.wbm` has this SHA-256 (nil when not cached).
  public let cacheKey: @Sendable (_ cell: String, _ modelSHA256: String) -> String?
  /// The raw input of a model trained by a cell (``RawInput/resolve(engine:workbook:trainingCell:entry:)``).
  public let rawInput: @Sendable (_ trainingCell: String?) -> RawInputStatus

  public init(store: any TrackingStore, selector: ModelSelector,
              cacheKey: @escaping @Sendable (String, String) -> String? = { _, _ in nil },
              rawInput: @escaping @Sendable (String?) -> RawInputStatus = { _ in .unavailable("the server was started without a workbook") }) {
    self.store = store
    self.selector = selector
    self.cacheKey = cacheKey
    self.rawInput = rawInput
  }

  /// The version the selector names now (one small registry read: the alias).
  public func currentVersion() async throws -> ModelVersion {
    guard try await store.findRegisteredModel(named: selector.name) != nil else {
      let names = try await store.registeredModelNames()
      throw TrackingError.notFound(
        what: "registered model \"\(selector.name)\"",
        hint: names.isEmpty ? "this registry has no registered model yet: run the workbook (its promote cell registers one)"
          : "registered models here: \(names.joined(separator: ", ")); pass --model NAME@champion")
    }
    if let v = selector.version { return try await store.modelVersion(name: selector.name, version: v) }
    let alias = selector.alias ?? "champion"
    guard let found = try await store.modelVersion(name: selector.name, alias: alias) else {
      throw TrackingError.registryState(model: selector.name, reason: "alias '\(alias)' is not set; run the workbook's promote cell (or `workbench promote`) first")
    }
    return found
  }

  /// Loads a version's `model.wbm` and `model.json` from its run's artifacts.
  public func load(_ version: ModelVersion) async throws -> LoadedModel {
    let folder = Self.artifactFolder(of: version)
    let source = "\(version.name) version \(version.version)"
    let modelBytes: Data
    do { modelBytes = try await store.readArtifact(runId: version.runId, path: "\(folder)/model.wbm") } catch {
      throw ScoringError(status: 500, code: "RESOURCE_DOES_NOT_EXIST",
                         "\(source): no model file \(folder)/model.wbm in run \(version.runId) (\(error)); register a run logged by a `track` cell")
    }
    let schema = try? await store.readArtifact(runId: version.runId, path: "\(folder)/model.json")
    let model = try ServableModel(modelFile: [UInt8](modelBytes), schemaJSON: schema.map { [UInt8]($0) }, source: source)
    let run = try? await store.getRun(runId: version.runId)
    let cell = run?.tags["workbench.upstream_cell"]
    return LoadedModel(
      model: model, name: version.name, version: version.version, runId: version.runId, trainingCell: cell,
      cacheKey: cell.flatMap { cacheKey($0, model.sha256) }, workbook: run?.tags["workbench.workbook"],
      loadedAt: Date().timeIntervalSince1970, rawInput: rawInput(cell))
  }

  /// The artifact folder of `runs:/<run>/<folder>` (default `model`).
  static func artifactFolder(of version: ModelVersion) -> String {
    let prefix = "runs:/\(version.runId)/"
    guard version.source.hasPrefix(prefix) else { return "model" }
    let rest = String(version.source.dropFirst(prefix.count))
    return rest.isEmpty ? "model" : rest
  }
}

/// The model currently served. Requests take a reference at their start, so a swap never affects one in flight.
public final class ModelSlot: Sendable {
  private let current: Mutex<LoadedModel>

  public init(_ model: LoadedModel) { current = Mutex(model) }

  public var model: LoadedModel { current.withLock { $0 } }

  /// Replaces the served model; returns the previous one.
  @discardableResult
  public func swap(_ model: LoadedModel) -> LoadedModel {
    current.withLock { old in
      let previous = old
      old = model
      return previous
    }
  }
}
