import Foundation

/// A registered model (MLflow model registry).
public struct RegisteredModel: Sendable, Equatable {
  public var name: String
  public var description: String
  public var tags: [String: String]
  /// Alias → version number.
  public var aliases: [String: Int]
  public init(name: String, description: String = "", tags: [String: String] = [:], aliases: [String: Int] = [:]) {
    self.name = name
    self.description = description
    self.tags = tags
    self.aliases = aliases
  }
}

/// One version of a registered model.
public struct ModelVersion: Sendable, Equatable {
  public var name: String
  public var version: Int
  public var runId: String
  /// `runs:/<run_id>/<artifact path>`.
  public var source: String
  public var status: String
  public var description: String
  public var creationTimestamp: Int64
  public var tags: [String: String]
  public var aliases: [String]
  public init(
    name: String, version: Int, runId: String, source: String, status: String = "READY", description: String = "",
    creationTimestamp: Int64, tags: [String: String] = [:], aliases: [String] = []
  ) {
    self.name = name
    self.version = version
    self.runId = runId
    self.source = source
    self.status = status
    self.description = description
    self.creationTimestamp = creationTimestamp
    self.tags = tags
    self.aliases = aliases
  }
}
