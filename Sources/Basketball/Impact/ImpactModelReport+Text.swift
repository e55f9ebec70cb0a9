extension ImpactModelReport {
  /// Deterministic sentences about the model (cross-validated R², the features that move the margin most, the
  /// largest out- and under-performers with at least `minimumGames` games), with their facts for grounding.
  public func summary(language: ReportLanguage, top: Int = 3, minimumGames: Int = 2) -> (lines: [String], facts: GroundingFacts) {
    var sheet = FactSheet(language: language)
    let fr = language == .french
    var lines: [String] = []
    let r2 = sheet.number(crossValidatedR2, decimals: 2, label: "cross-validated R²")
    let nRows = sheet.int(rows, label: "player-games"), nGames = sheet.int(games, label: "games")
    let k = sheet.int(folds, label: "folds")
    lines.append(fr
      ? "Modèle d'impact (ridge, validation croisée groupée par match en \(k) plis, \(nRows) lignes joueuse-match sur \(nGames) matchs) : R² en validation croisée \(r2)."
      : "Impact model (ridge, \(k)-fold cross-validation grouped by game, \(nRows) player-games from \(nGames) games): cross-validated R² \(r2).")
    let ranked = zip(featureNames, zip(meanAbsoluteContribution, finalModel.coefficients))
      .sorted { $0.1.0 != $1.1.0 ? $0.1.0 > $1.1.0 : $0.0 < $1.0 }.prefix(max(0, top))
    for (name, (size, beta)) in ranked {
      let s = sheet.number(size, decimals: 1, label: "\(name) mean contribution")
      let direction = beta >= 0 ? (fr ? "augmente" : "raises") : (fr ? "réduit" : "lowers")
      lines.append(fr ? "\(name) \(direction) l'écart attendu (contribution moyenne \(s) pts/40)."
                      : "\(name) \(direction) the expected margin (mean contribution \(s) pts/40).")
    }
    let eligible = players.filter { $0.games >= minimumGames }
    for p in eligible.prefix(max(0, top)) + eligible.reversed().prefix(max(0, top)) {
      _ = sheet.name(p.playerName)
      let a = sheet.number(p.meanActual, decimals: 1, label: "\(p.playerName) actual impact", signed: true)
      let e = sheet.number(p.meanExpected, decimals: 1, label: "\(p.playerName) expected impact", signed: true)
      let g = sheet.int(p.games, label: "\(p.playerName) games")
      let over = p.meanResidual >= 0
      lines.append(fr
        ? "\(p.playerName) (\(p.teamKey)) : impact réel \(a) contre \(e) attendu sur \(g) matchs — \(over ? "au-dessus" : "en dessous") des attentes."
        : "\(p.playerName) (\(p.teamKey)): actual impact \(a) vs expected \(e) over \(g) games — \(over ? "out-performed" : "under-performed").")
    }
    for p in eligible { _ = sheet.name(p.teamKey) }
    return (lines, sheet.facts)
  }
}
