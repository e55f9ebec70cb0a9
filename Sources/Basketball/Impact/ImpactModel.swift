/// Predicts a player's on-court point differential per 40 minutes from box-score rates that do not contain it.
///
/// Leakage guard: the features are per-40 counting rates, shooting rates, usage, minutes and the starter flag —
/// no +/-, no on-court score, no EFF/PIR/Game Score/PIE composites. Cross-validation is grouped by game (a game's
/// rows are all in one fold), λ is chosen inside each training fold (nested), and the reported R² is the
/// out-of-fold one — whatever it is.
public enum ImpactModel {
  public static let featureNames = [
    "points_per40", "true_shooting_pct", "three_attempt_rate", "free_throw_attempt_rate", "offensive_rebounds_per40",
    "defensive_rebounds_per40", "assists_per40", "turnovers_per40", "steals_per40", "blocks_per40", "fouls_per40",
    "fouls_drawn_per40", "usage_pct", "minutes", "starter",
  ]

  /// Player-games with at least `minimumMinutes` played, in game then team then pno order.
  public static func dataset(games: [FibaGame], minimumMinutes: Double = 10) -> [ImpactRow] {
    var rows: [ImpactRow] = []
    for g in games.sorted(by: { $0.gameID < $1.gameID }) {
      for p in PlayerGameMetrics.compute(g) where p.minutes >= minimumMinutes {
        guard let per40 = p.onCourt.plusMinusPer40, p.onCourt.seconds > 0 else { continue }
        let c = p.counts
        let k = 40 / p.minutes
        let fga = Double(c.fieldGoalsAttempted)
        let features: [Double] = [
          Double(c.points) * k, p.trueShootingPct, fga > 0 ? Double(c.threePointersAttempted) / fga : 0,
          fga > 0 ? Double(c.freeThrowsAttempted) / fga : 0, Double(c.offensiveRebounds) * k,
          Double(c.defensiveRebounds) * k, Double(c.assists) * k, Double(c.turnovers) * k, Double(c.steals) * k,
          Double(c.blocks) * k, Double(c.personalFouls) * k, Double(c.foulsDrawn) * k, p.usagePct, p.minutes,
          p.starter ? 1 : 0,
        ]
        rows.append(ImpactRow(
          gameID: g.gameID, teamNumber: p.teamNumber, teamKey: g.team(p.teamNumber)?.teamKey ?? "", pno: p.pno,
          playerName: p.name, minutes: p.minutes, features: features, target: per40))
      }
    }
    return rows
  }

  static func r2(_ y: [Double], _ yhat: [Double]) -> Double {
    guard !y.isEmpty else { return 0 }
    let mean = y.reduce(0, +) / Double(y.count)
    var sse = 0.0, sst = 0.0
    for (a, b) in zip(y, yhat) { sse += (a - b) * (a - b); sst += (a - mean) * (a - mean) }
    return sst > 0 ? 1 - sse / sst : 0
  }

  static func fit(_ rows: [ImpactRow], _ idx: [Int], lambda: Double) throws -> RidgeRegression {
    let p = featureNames.count
    var x = [Double](); x.reserveCapacity(idx.count * p)
    var y = [Double](); y.reserveCapacity(idx.count)
    for i in idx { x += rows[i].features; y.append(rows[i].target) }
    return try RidgeRegression.fit(x: x, rows: idx.count, columns: p, y: y, lambda: lambda)
  }

  /// λ with the best pooled out-of-fold R² by group k-fold over `idx` (ties: larger λ).
  static func chooseLambda(_ rows: [ImpactRow], _ idx: [Int], lambdas: [Double], folds: Int, seed: UInt64) throws -> Double {
    let groups = idx.map { rows[$0].gameID }
    let assignment = GroupKFold.assign(groups: groups, k: folds, seed: seed)
    let k = (assignment.max() ?? 0) + 1
    guard k >= 2 else { return lambdas.max() ?? 1 }
    var best = (lambda: lambdas.max() ?? 1, r2: -Double.infinity)
    for lambda in lambdas.sorted(by: >) {
      var yhat = [Double](repeating: 0, count: idx.count)
      for f in 0..<k {
        let train = idx.indices.filter { assignment[$0] != f }.map { idx[$0] }
        let model = try fit(rows, train, lambda: lambda)
        for j in idx.indices where assignment[j] == f { yhat[j] = model.predict(rows[idx[j]].features[...]) }
      }
      let score = r2(idx.map { rows[$0].target }, yhat)
      if score > best.r2 + 1e-12 { best = (lambda, score) }
    }
    return best.lambda
  }

  /// Builds the dataset, runs nested group k-fold ridge, and explains the final model.
  public static func run(
    games: [FibaGame], folds: Int = 5, lambdas: [Double] = [0.1, 1, 10, 100, 1000], seed: UInt64 = 42,
    minimumMinutes: Double = 10
  ) throws -> ImpactModelReport {
    let rows = dataset(games: games, minimumMinutes: minimumMinutes)
    let gameCount = Set(rows.map(\.gameID)).count
    guard gameCount >= 3, rows.count > featureNames.count else {
      throw ImpactModelError.notEnoughData("need at least 3 games and more player-games than features (\(gameCount) games, \(rows.count) rows)")
    }
    let grid = lambdas.filter { $0 > 0 && $0.isFinite }
    guard !grid.isEmpty else { throw ImpactModelError.notEnoughData("no positive λ in \(lambdas)") }
    let assignment = GroupKFold.assign(groups: rows.map(\.gameID), k: folds, seed: seed)
    let k = (assignment.max() ?? 0) + 1
    var oof = [Double](repeating: 0, count: rows.count)
    var foldR2: [Double] = [], foldLambdas: [Double] = []
    for f in 0..<k {
      let train = rows.indices.filter { assignment[$0] != f }
      let test = rows.indices.filter { assignment[$0] == f }
      let lambda = try chooseLambda(rows, train, lambdas: grid, folds: max(2, k - 1), seed: seed &+ UInt64(f + 1))
      let model = try fit(rows, train, lambda: lambda)
      for i in test { oof[i] = model.predict(rows[i].features[...]) }
      foldR2.append(r2(test.map { rows[$0].target }, test.map { oof[$0] }))
      foldLambdas.append(lambda)
    }
    let cvR2 = r2(rows.map(\.target), oof)
    let finalLambda = try chooseLambda(rows, Array(rows.indices), lambdas: grid, folds: k, seed: seed)
    let final = try fit(rows, Array(rows.indices), lambda: finalLambda)
    var meanAbs = [Double](repeating: 0, count: featureNames.count)
    var predictions: [ImpactPrediction] = []
    for (i, r) in rows.enumerated() {
      let z = final.standardise(r.features[...])
      let contributions = zip(z, final.coefficients).map { $0 * $1 }
      for j in contributions.indices { meanAbs[j] += abs(contributions[j]) / Double(rows.count) }
      predictions.append(ImpactPrediction(
        gameID: r.gameID, teamKey: r.teamKey, playerName: r.playerName, minutes: r.minutes, actual: r.target,
        expected: oof[i], residual: r.target - oof[i], contributions: contributions))
    }
    var byPlayer: [String: [ImpactPrediction]] = [:]
    for p in predictions { byPlayer[p.teamKey + "|" + p.playerName, default: []].append(p) }
    let players = byPlayer.values.compactMap { list -> PlayerImpactSummary? in
      guard let first = list.first else { return nil }
      let n = Double(list.count)
      return PlayerImpactSummary(
        teamKey: first.teamKey, playerName: first.playerName, games: list.count,
        minutes: list.reduce(0) { $0 + $1.minutes }, meanActual: list.reduce(0) { $0 + $1.actual } / n,
        meanExpected: list.reduce(0) { $0 + $1.expected } / n, meanResidual: list.reduce(0) { $0 + $1.residual } / n)
    }.sorted {
      if $0.meanResidual != $1.meanResidual { return $0.meanResidual > $1.meanResidual }
      return ($0.teamKey, $0.playerName) < ($1.teamKey, $1.playerName)
    }
    return ImpactModelReport(
      featureNames: featureNames, rows: rows.count, games: gameCount, folds: k, crossValidatedR2: cvR2, foldR2: foldR2,
      foldLambdas: foldLambdas, finalModel: final, meanAbsoluteContribution: meanAbs, predictions: predictions,
      players: players, rowFolds: assignment)
  }
}
