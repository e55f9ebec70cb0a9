import Foundation

/// Registers challengers, moves the champion alias only when the rule says so, and rolls back — on any store.
///
/// The alias history lives in the registered-model tag `workbench.champion_history` (comma-separated version
/// numbers, oldest first, last = current champion), so `rollback()` knows the previous champion. Each
/// registered version gets tags with the decision and both figures.
public struct ModelPromoter: Sendable {
  public let store: any TrackingStore
  public let modelName: String
  public let alias: String
  public let rule: PromotionRule

  public static let historyTag = "workbench.champion_history"

  public init(store: any TrackingStore, modelName: String, alias: String = "champion", rule: PromotionRule) throws {
    try KeyValidation.validateModelName(modelName)
    try KeyValidation.validateAlias(alias)
    self.store = store
    self.modelName = modelName
    self.alias = alias
    self.rule = rule
  }

  public struct Outcome: Sendable, Equatable {
    public var decision: PromotionDecision
    /// The version registered for the challenger.
    public var version: ModelVersion
    /// Champion version before the call (nil when none).
    public var previousChampion: Int?
    /// Champion version after the call.
    public var champion: Int?
  }

  public struct Rollback: Sendable, Equatable {
    public var from: Int
    public var to: Int
  }

  /// Versions recorded as successive champions (oldest first).
  public func championHistory() throws -> [Int] {
    guard let model = try store.findRegisteredModel(named: modelName) else { return [] }
    return (model.tags[Self.historyTag] ?? "").split(separator: ",").compactMap {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
  }

  private func metricValue(of runId: String) throws -> Double {
    let run = try store.getRun(runId: runId)
    guard let value = run.metrics[rule.metric] else {
      throw TrackingError.notFound(
        what: "metric \"\(rule.metric)\" in run \(runId)",
        hint: "log the held-out metric on the run before promoting (metrics present: \(run.metrics.keys.sorted().joined(separator: ", ")))")
    }
    return value
  }

  /// Registers `runId`'s `artifactPath` as a new version and moves the alias to it only if it beats the current
  /// champion. `challengerValue` defaults to the run's latest value of `rule.metric`.
  public func promote(runId: String, artifactPath: String = "model", challengerValue: Double? = nil) throws -> Outcome {
    let challenger = try challengerValue ?? metricValue(of: runId)
    _ = try store.registeredModel(named: modelName)
    let current = try store.modelVersion(name: modelName, alias: alias)
    let championValue = try current.map { try metricValue(of: $0.runId) }
    let decision = ChampionChallenger.decide(challenger: challenger, champion: championValue, rule: rule)
    var tags = [
      KeyValue("workbench.promotion.decision", decision.promote ? "promoted" : "rejected"),
      KeyValue("workbench.promotion.metric", rule.metric),
      KeyValue("workbench.promotion.direction", rule.direction.rawValue),
      KeyValue("workbench.promotion.margin", "\(rule.margin)"),
      KeyValue("workbench.promotion.challenger_value", "\(challenger)"),
    ]
    if let championValue { tags.append(KeyValue("workbench.promotion.champion_value", "\(championValue)")) }
    if let current { tags.append(KeyValue("workbench.promotion.champion_version", String(current.version))) }
    let version = try store.createModelVersion(
      name: modelName, runId: runId, artifactPath: artifactPath, tags: tags, description: decision.reason)
    guard decision.promote else {
      return Outcome(decision: decision, version: version, previousChampion: current?.version, champion: current?.version)
    }
    var history = try championHistory()
    if let current, history.last != current.version { history.append(current.version) }
    history.append(version.version)
    try store.setAlias(name: modelName, alias: alias, version: version.version)
    try store.setRegisteredModelTag(
      name: modelName, key: Self.historyTag, value: history.map(String.init).joined(separator: ","))
    return Outcome(decision: decision, version: version, previousChampion: current?.version, champion: version.version)
  }

  /// Moves the alias back to the previous champion and drops the current one from the history.
  public func rollback() throws -> Rollback {
    guard let current = try store.modelVersion(name: modelName, alias: alias) else {
      throw TrackingError.registryState(model: modelName, reason: "alias '\(alias)' is not set; nothing to roll back")
    }
    var history = try championHistory()
    if let index = history.lastIndex(of: current.version) { history.removeSubrange(index...) }
    while let last = history.last, last == current.version { history.removeLast() }
    guard let previous = history.last else {
      throw TrackingError.registryState(
        model: modelName, reason: "version \(current.version) is the first recorded champion; there is no previous one")
    }
    try store.setAlias(name: modelName, alias: alias, version: previous)
    try store.setRegisteredModelTag(
      name: modelName, key: Self.historyTag, value: history.map(String.init).joined(separator: ","))
    try store.setModelVersionTag(name: modelName, version: current.version, key: "workbench.rolled_back", value: "true")
    return Rollback(from: current.version, to: previous)
  }
}
