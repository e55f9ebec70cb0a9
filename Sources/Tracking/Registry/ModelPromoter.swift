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
    /// The version registered for the challenger (nil when not compared: nothing is registered).
    public var version: ModelVersion?
    /// Champion version before the call (nil when none).
    public var previousChampion: Int?
    /// Champion version after the call.
    public var champion: Int?
    /// Set when the two runs were measured on different (or unrecorded) held-out data: why nothing was compared.
    public var notCompared: String?
    /// Held-out data of the challenger and of the champion's figure (nil when unrecorded).
    public var challengerData: HeldOutData?
    public var championData: HeldOutData?
  }

  /// A champion figure measured afresh on the challenger's held-out data (`promote … reevaluate_champion`).
  public struct ChampionScore: Sendable, Equatable {
    public var value: Double
    public var data: HeldOutData
    public init(value: Double, data: HeldOutData) {
      self.value = value
      self.data = data
    }
  }

  public struct Rollback: Sendable, Equatable {
    public var from: Int
    public var to: Int
  }

  /// Versions recorded as successive champions (oldest first).
  public func championHistory() async throws -> [Int] {
    guard let model = try await store.findRegisteredModel(named: modelName) else { return [] }
    return (model.tags[Self.historyTag] ?? "").split(separator: ",").compactMap {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
  }

  private func metricValue(of runId: String) async throws -> Double {
    let run = try await store.getRun(runId: runId)
    guard let value = run.metrics[rule.metric] else {
      throw TrackingError.notFound(
        what: "metric \"\(rule.metric)\" in run \(runId)",
        hint: "log the held-out metric on the run before promoting (metrics present: \(run.metrics.keys.sorted().joined(separator: ", ")))")
    }
    return value
  }

  /// Why two runs' held-out figures cannot be compared, or nil when both were measured on the same data.
  public static func incomparability(champion: HeldOutData?, challenger: HeldOutData?, championVersion: Int) -> String? {
    switch (champion, challenger) {
    case let (a?, b?) where a.digest == b.digest: return nil
    case let (a?, b?):
      return "not compared: champion (version \(championVersion)) evaluated on \(a.description), challenger on \(b.description)"
    case let (nil, b?):
      return "not compared: champion (version \(championVersion)) has no recorded held-out data (no `testing` dataset input), challenger evaluated on \(b.description)"
    case let (a?, nil):
      return "not compared: challenger has no recorded held-out data (no `testing` dataset input), champion (version \(championVersion)) evaluated on \(a.description)"
    case (nil, nil):
      return "not compared: neither the champion (version \(championVersion)) nor the challenger recorded its held-out data (no `testing` dataset input)"
    }
  }

  /// Registers `runId`'s `artifactPath` as a new version and moves the alias to it only if it beats the current
  /// champion **on the same held-out data** (the runs' `testing` dataset inputs have the same digest).
  /// When they differ — or `championScore` is nil and either is unrecorded — nothing is registered and the
  /// outcome says why (`notCompared`). `championScore` replaces the champion's logged figure by one measured on
  /// the challenger's held-out data. `challengerValue` defaults to the run's latest value of `rule.metric`.
  public func promote(runId: String, artifactPath: String = "model", challengerValue: Double? = nil,
                      championScore: ChampionScore? = nil) async throws -> Outcome {
    let challengerRun = try await store.getRun(runId: runId)
    let challenger: Double
    if let challengerValue { challenger = challengerValue } else { challenger = try await metricValue(of: runId) }
    let challengerData = HeldOutData(of: challengerRun)
    _ = try await store.registeredModel(named: modelName)
    let current = try await store.modelVersion(name: modelName, alias: alias)
    var championValue: Double?
    var championData: HeldOutData?
    if let current {
      if let championScore {
        guard let challengerData, championScore.data.digest == challengerData.digest else {
          throw TrackingError.invalidInput(
            what: "champion re-evaluation", value: championScore.data.description,
            rule: "the champion must be scored on the challenger's held-out data (\(challengerData?.description ?? "unrecorded"))")
        }
        championValue = championScore.value
        championData = championScore.data
      } else {
        championData = HeldOutData(of: try await store.getRun(runId: current.runId))
        if let why = Self.incomparability(champion: championData, challenger: challengerData, championVersion: current.version) {
          let decision = PromotionDecision(
            promote: false, metric: rule.metric, direction: rule.direction, margin: rule.margin, challengerValue: challenger,
            championValue: nil, improvement: nil, reason: why)
          return Outcome(decision: decision, version: nil, previousChampion: current.version, champion: current.version,
                         notCompared: why, challengerData: challengerData, championData: championData)
        }
        championValue = try await metricValue(of: current.runId)
      }
    }
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
    if let challengerData { tags.append(KeyValue("workbench.promotion.heldout_digest", challengerData.digest)) }
    if championScore != nil { tags.append(KeyValue("workbench.promotion.champion_reevaluated", "true")) }
    let version = try await store.createModelVersion(
      name: modelName, runId: runId, artifactPath: artifactPath, tags: tags, description: decision.reason)
    guard decision.promote else {
      return Outcome(decision: decision, version: version, previousChampion: current?.version, champion: current?.version,
                     challengerData: challengerData, championData: championData)
    }
    var history = try await championHistory()
    if let current, history.last != current.version { history.append(current.version) }
    history.append(version.version)
    try await store.setAlias(name: modelName, alias: alias, version: version.version)
    try await store.setRegisteredModelTag(
      name: modelName, key: Self.historyTag, value: history.map(String.init).joined(separator: ","))
    return Outcome(decision: decision, version: version, previousChampion: current?.version, champion: version.version,
                   challengerData: challengerData, championData: championData)
  }

  /// Fails with the registered models that do exist when `modelName` is not one of them.
  public func requireRegisteredModel() async throws {
    guard try await store.findRegisteredModel(named: modelName) == nil else { return }
    let names = try await store.registeredModelNames()
    throw TrackingError.notFound(
      what: "registered model \"\(modelName)\"",
      hint: names.isEmpty ? "this store has no registered model yet (a `promote` cell or `workbench promote` registers one)"
        : "registered models here: \(names.joined(separator: ", "))")
  }

  /// Moves the alias back to the previous champion and drops the current one from the history.
  public func rollback() async throws -> Rollback {
    try await requireRegisteredModel()
    guard let current = try await store.modelVersion(name: modelName, alias: alias) else {
      throw TrackingError.registryState(model: modelName, reason: "alias '\(alias)' is not set; nothing to roll back")
    }
    var history = try await championHistory()
    if let index = history.lastIndex(of: current.version) { history.removeSubrange(index...) }
    while let last = history.last, last == current.version { history.removeLast() }
    guard let previous = history.last else {
      throw TrackingError.registryState(
        model: modelName, reason: "version \(current.version) is the first recorded champion; there is no previous one")
    }
    try await store.setAlias(name: modelName, alias: alias, version: previous)
    try await store.setRegisteredModelTag(
      name: modelName, key: Self.historyTag, value: history.map(String.init).joined(separator: ","))
    try await store.setModelVersionTag(name: modelName, version: current.version, key: "workbench.rolled_back", value: "true")
    return Rollback(from: current.version, to: previous)
  }
}
