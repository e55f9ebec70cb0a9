/// Builds a ``CoachingReport`` from a parsed game: metrics → findings (documented thresholds and, when given, the
/// league reference) → post-mortem → 2–3 measurable recommendations per team and 1–2 per key player.
///
/// Rules (docs/coaching.md): a team metric is a weakness when it is on the wrong side of its weakness threshold
/// (``TeamMetric/thresholds``) or at least one league standard deviation worse than the league mean; a strength
/// when it meets the strength threshold or is one SD better. Recommendations take the team's largest weaknesses
/// (ranked by gap in SD units, one per metric), target = the strength threshold (threshold findings) or the league
/// mean (league findings); when fewer than two weaknesses exist, "maintain" items are added for the metrics closest
/// to their weakness threshold. Key players = the `keyPlayersPerTeam` players with most minutes (≥ 10 min).
public enum CoachingReportBuilder {
  public static func build(
    game: FibaGame, league: LeagueReference? = nil, language: ReportLanguage = .english, keyPlayersPerTeam: Int = 3
  ) -> CoachingReport {
    var sheet = FactSheet(language: language)
    let fr = language == .french
    let teamMetrics = TeamGameMetrics.compute(game)
    let playerMetrics = PlayerGameMetrics.compute(game)
    guard teamMetrics.count == 2 else {
      return CoachingReport(gameID: game.gameID, language: language, title: game.gameID, findings: [], postMortems: [],
                            teamRecommendations: [], playerRecommendations: [], facts: sheet.facts)
    }
    for t in game.teams { _ = sheet.name(t.name); if !t.coach.isEmpty { _ = sheet.name(t.coach) } }
    for p in game.players where !p.didNotPlay { _ = sheet.name(p.name) }
    let t1 = teamMetrics[0], t2 = teamMetrics[1]
    let title = (fr ? "Rapport d'après-match — " : "Post-match report — ")
      + "\(t1.teamName) \(sheet.int(t1.points, label: "\(t1.teamName) points")) – \(sheet.int(t2.points, label: "\(t2.teamName) points")) \(t2.teamName)"

    // Findings.
    var findings: [Finding] = []
    for m in teamMetrics {
      for metric in TeamMetric.allCases {
        guard let v = metric.value(m) else { continue }
        findings += teamFindings(metric, value: v, team: m, league: league, sheet: &sheet)
      }
    }
    let keyPlayers = selectKeyPlayers(playerMetrics, perTeam: keyPlayersPerTeam)
    for p in keyPlayers {
      for metric in PlayerMetric.allCases {
        guard let v = metric.value(p) else { continue }
        let (good, bad) = metric.thresholds
        let weak = metric.higherIsBetter ? v < bad : v > bad
        let strong = metric.higherIsBetter ? v >= good : v <= good
        guard weak || (strong && metric != .personalFouls) else { continue }
        let team = game.team(p.teamNumber)?.name ?? ""
        let ref = weak ? bad : good
        let value = fmt(v, metric.isPercent, metric.decimals, "\(p.name) \(metric.shortName(.english))", &sheet)
        let refText = fmt(ref, metric.isPercent, metric.decimals, "\(metric.shortName(.english)) threshold", &sheet)
        let text: String
        if weak {
          let side = metric.higherIsBetter ? (fr ? "en dessous" : "below") : (fr ? "au-dessus" : "above")
          text = fr ? "\(p.name) (\(team)) : \(metric.shortName(language)) de \(value), \(side) du seuil de faiblesse de \(refText)."
                    : "\(p.name) (\(team)): \(metric.shortName(language)) \(value) is \(side) the weakness threshold of \(refText)."
        } else {
          text = fr ? "\(p.name) (\(team)) : \(metric.shortName(language)) de \(value), conforme au seuil de point fort de \(refText)."
                    : "\(p.name) (\(team)): \(metric.shortName(language)) \(value) meets the strength threshold of \(refText)."
        }
        findings.append(Finding(
          gameID: game.gameID, teamNumber: p.teamNumber, teamName: team, playerName: p.name, metric: metric.rawValue,
          metricName: metric.shortName(language), value: v, reference: ref, referenceKind: .threshold,
          verdict: weak ? .weakness : .strength, isPercent: metric.isPercent, gap: abs(v - ref) / metric.spread, text: text))
      }
    }

    // Post-mortem.
    var postMortems: [TeamPostMortem] = []
    let periods = PeriodScoring.compute(game)
    let runs = ScoringRun.compute(game, minimumPoints: 1)
    let lineups = LineupRating.compute(game)
    for m in teamMetrics {
      postMortems.append(postMortem(m, game: game, players: playerMetrics, periods: periods, runs: runs,
                                    lineups: lineups, sheet: &sheet))
    }

    // Recommendations.
    var teamRecs: [Recommendation] = []
    for m in teamMetrics {
      teamRecs += teamRecommendations(m, findings: findings, league: league, sheet: &sheet)
    }
    var playerRecs: [Recommendation] = []
    for p in keyPlayers {
      let weak = findings.filter { $0.playerName == p.name && $0.teamNumber == p.teamNumber && $0.verdict == .weakness }
        .sorted { $0.gap > $1.gap }.prefix(2)
      for f in weak {
        guard let metric = PlayerMetric(rawValue: f.metric) else { continue }
        let team = game.team(p.teamNumber)?.name ?? ""
        let target = metric.thresholds.good
        let cur = fmt(f.value, metric.isPercent, metric.decimals, "\(p.name) \(metric.shortName(.english))", &sheet)
        let tgt = fmt(target, metric.isPercent, metric.decimals, "\(metric.shortName(.english)) target", &sheet)
        let text: String
        if metric == .personalFouls {
          text = fr ? "\(p.name) — \(metric.focus(language)) : limiter les fautes personnelles à \(tgt) au maximum (ce match : \(cur))."
                    : "\(p.name) — \(metric.focus(language)): keep personal fouls at \(tgt) or fewer (this game: \(cur))."
        } else if metric.higherIsBetter {
          text = fr ? "\(p.name) — \(metric.focus(language)) : faire passer \(metric.shortName(language)) de \(cur) à plus de \(tgt)."
                    : "\(p.name) — \(metric.focus(language)): raise \(metric.shortName(language)) from \(cur) to above \(tgt)."
        } else {
          text = fr ? "\(p.name) — \(metric.focus(language)) : faire passer \(metric.shortName(language)) de \(cur) à moins de \(tgt)."
                    : "\(p.name) — \(metric.focus(language)): cut \(metric.shortName(language)) from \(cur) to under \(tgt)."
        }
        playerRecs.append(Recommendation(
          teamNumber: p.teamNumber, teamName: team, playerName: p.name, focus: metric.focus(language), metric: metric.rawValue,
          current: f.value, target: target, lowerIsBetter: !metric.higherIsBetter, maintain: false, text: text))
      }
    }
    if !game.gameID.isEmpty, let id = Double(game.gameID) {
      _ = sheet.number(id, decimals: 0, label: "game id")
    }
    return CoachingReport(
      gameID: game.gameID, language: language, title: title, findings: findings, postMortems: postMortems,
      teamRecommendations: teamRecs, playerRecommendations: playerRecs, facts: sheet.facts)
  }

  /// Players with the most minutes per team (≥ 10 min), team 1 first.
  static func selectKeyPlayers(_ players: [PlayerGameMetrics], perTeam: Int) -> [PlayerGameMetrics] {
    [1, 2].flatMap { t in
      players.filter { $0.teamNumber == t && $0.minutes >= 10 }
        .sorted { $0.minutes != $1.minutes ? $0.minutes > $1.minutes : $0.pno < $1.pno }
        .prefix(max(0, perTeam))
    }
  }

  static func fmt(_ v: Double, _ percent: Bool, _ decimals: Int, _ label: String, _ sheet: inout FactSheet) -> String {
    percent ? sheet.percentValue(v, decimals: decimals, label: label) : sheet.number(v, decimals: decimals, label: label)
  }

  static func teamFindings(
    _ metric: TeamMetric, value v: Double, team m: TeamGameMetrics, league: LeagueReference?, sheet: inout FactSheet
  ) -> [Finding] {
    let l = sheet.language, fr = l == .french
    let (good, bad) = metric.thresholds
    let decimals = 1
    var out: [Finding] = []
    let spread = league?.spread(metric).flatMap { $0 > 0 ? $0 : nil } ?? metric.defaultSpread
    let weak = metric.higherIsBetter ? v < bad : v > bad
    let strong = metric.higherIsBetter ? v >= good : v <= good
    func make(_ ref: Double, _ kind: Finding.ReferenceKind, _ verdict: Finding.Verdict, _ text: String) -> Finding {
      Finding(gameID: m.gameID, teamNumber: m.teamNumber, teamName: m.teamName, playerName: nil, metric: metric.rawValue,
              metricName: metric.shortName(l), value: v, reference: ref, referenceKind: kind, verdict: verdict,
              isPercent: metric.isPercent, gap: abs(v - ref) / spread, text: text)
    }
    if weak || strong {
      let ref = weak ? bad : good
      let value = fmt(v, metric.isPercent, decimals, "\(m.teamName) \(metric.shortName(.english))", &sheet)
      let refText = fmt(ref, metric.isPercent, decimals, "\(metric.shortName(.english)) threshold", &sheet)
      let text: String
      if weak {
        let side = metric.higherIsBetter ? (fr ? "en dessous" : "below") : (fr ? "au-dessus" : "above")
        text = fr ? "\(m.teamName) : \(metric.shortName(l)) de \(value), \(side) du seuil de faiblesse de \(refText)."
                  : "\(m.teamName): \(metric.shortName(l)) \(value) is \(side) the weakness threshold of \(refText)."
      } else {
        text = fr ? "\(m.teamName) : \(metric.shortName(l)) de \(value), conforme au seuil de point fort de \(refText)."
                  : "\(m.teamName): \(metric.shortName(l)) \(value) meets the strength threshold of \(refText)."
      }
      out.append(make(ref, .threshold, weak ? .weakness : .strength, text))
    }
    if let league, let mean = league.mean(metric), let sd = league.spread(metric), sd > 0 {
      let z = (v - mean) / sd
      if abs(z) >= 1 {
        let better = metric.higherIsBetter ? z > 0 : z < 0
        let value = fmt(v, metric.isPercent, decimals, "\(m.teamName) \(metric.shortName(.english))", &sheet)
        let meanText = fmt(mean, metric.isPercent, decimals, "league \(metric.shortName(.english))", &sheet)
        let side = z > 0 ? (fr ? "au-dessus" : "above") : (fr ? "en dessous" : "below")
        let text = fr
          ? "\(m.teamName) : \(metric.shortName(l)) de \(value), nettement \(side) de la moyenne de la ligue (\(meanText)) — \(better ? "point fort" : "point faible")."
          : "\(m.teamName): \(metric.shortName(l)) \(value), well \(side) the league average of \(meanText) (\(better ? "strength" : "weakness"))."
        out.append(make(mean, .league, better ? .strength : .weakness, text))
      }
    }
    return out
  }

  static func teamRecommendations(
    _ m: TeamGameMetrics, findings: [Finding], league: LeagueReference?, sheet: inout FactSheet
  ) -> [Recommendation] {
    let l = sheet.language, fr = l == .french
    var recs: [Recommendation] = []
    var used = Set<String>()
    let weaknesses = findings.filter { $0.teamNumber == m.teamNumber && $0.playerName == nil && $0.verdict == .weakness }
      .sorted { $0.gap != $1.gap ? $0.gap > $1.gap : $0.metric < $1.metric }
    for f in weaknesses where recs.count < 3 && !used.contains(f.metric) {
      guard let metric = TeamMetric(rawValue: f.metric) else { continue }
      used.insert(f.metric)
      let target = f.referenceKind == .league ? f.reference : metric.thresholds.good
      let cur = fmt(f.value, metric.isPercent, 1, "\(m.teamName) \(metric.shortName(.english))", &sheet)
      let tgt = fmt(target, metric.isPercent, 1, "\(metric.shortName(.english)) target", &sheet)
      let verb = metric.higherIsBetter ? (fr ? "à plus de" : "to above") : (fr ? "à moins de" : "to under")
      let text = fr
        ? "\(metric.focus(l)) : faire passer \(metric.shortName(l)) de \(cur) \(verb) \(tgt)."
        : "\(metric.focus(l)): \(metric.higherIsBetter ? "raise" : "cut") \(metric.shortName(l)) from \(cur) \(verb) \(tgt)."
      recs.append(Recommendation(
        teamNumber: m.teamNumber, teamName: m.teamName, playerName: nil, focus: metric.focus(l), metric: f.metric,
        current: f.value, target: target, lowerIsBetter: !metric.higherIsBetter, maintain: false, text: text))
    }
    if recs.count < 2 {
      // Maintain the metrics closest to their weakness threshold (smallest margin in spread units).
      let candidates = TeamMetric.allCases.compactMap { metric -> (TeamMetric, Double, Double)? in
        guard !used.contains(metric.rawValue), let v = metric.value(m) else { return nil }
        let margin = abs(v - metric.thresholds.bad) / metric.defaultSpread
        return (metric, v, margin)
      }.sorted { $0.2 != $1.2 ? $0.2 < $1.2 : $0.0.rawValue < $1.0.rawValue }
      for (metric, v, _) in candidates where recs.count < 2 {
        let bad = metric.thresholds.bad
        let cur = fmt(v, metric.isPercent, 1, "\(m.teamName) \(metric.shortName(.english))", &sheet)
        let tgt = fmt(bad, metric.isPercent, 1, "\(metric.shortName(.english)) threshold", &sheet)
        let side = metric.higherIsBetter ? (fr ? "au-dessus de" : "above") : (fr ? "sous" : "under")
        let text = fr
          ? "\(metric.focus(l)) : maintenir \(metric.shortName(l)) \(side) \(tgt) (ce match : \(cur))."
          : "\(metric.focus(l)): keep \(metric.shortName(l)) \(side) \(tgt) (this game: \(cur))."
        recs.append(Recommendation(
          teamNumber: m.teamNumber, teamName: m.teamName, playerName: nil, focus: metric.focus(l), metric: metric.rawValue,
          current: v, target: bad, lowerIsBetter: !metric.higherIsBetter, maintain: true, text: text))
      }
    }
    return recs
  }

  static func postMortem(
    _ m: TeamGameMetrics, game: FibaGame, players: [PlayerGameMetrics], periods: [PeriodScoring], runs: [ScoringRun],
    lineups: [LineupRating], sheet: inout FactSheet
  ) -> TeamPostMortem {
    let fr = sheet.language == .french
    let t = m.teamNumber
    var collective: [String] = []
    let margin = m.points - m.opponentPoints
    let pts = sheet.int(m.points, label: "\(m.teamName) points"), opp = sheet.int(m.opponentPoints, label: "\(m.opponentName) points")
    let absMargin = sheet.int(abs(margin), label: "margin")
    if fr {
      collective.append(margin > 0 ? "Victoire \(pts)–\(opp) contre \(m.opponentName) (écart \(absMargin))."
                        : margin < 0 ? "Défaite \(pts)–\(opp) contre \(m.opponentName) (écart \(absMargin))." : "Égalité \(pts)–\(opp).")
    } else {
      collective.append(margin > 0 ? "Won \(pts)–\(opp) against \(m.opponentName) (margin \(absMargin))."
                        : margin < 0 ? "Lost \(pts)–\(opp) against \(m.opponentName) (margin \(absMargin))." : "Tied \(pts)–\(opp).")
    }
    let efg = sheet.percent(m.effectiveFieldGoalPct, label: "\(m.teamName) eFG%")
    let tov = sheet.percent(m.turnoverPct, label: "\(m.teamName) TOV%")
    let orb = sheet.percent(m.offensiveReboundPct, label: "\(m.teamName) ORB%")
    let ftr = sheet.percent(m.freeThrowRate, label: "\(m.teamName) FT rate")
    collective.append(fr ? "Four Factors : eFG% \(efg), TOV% \(tov), ORB% \(orb), LFM/TT \(ftr)."
                         : "Four Factors: eFG% \(efg), TOV% \(tov), ORB% \(orb), FTM/FGA \(ftr).")
    let ortg = sheet.number(m.offensiveRating, decimals: 1, label: "\(m.teamName) ORtg")
    let drtg = sheet.number(m.defensiveRating, decimals: 1, label: "\(m.teamName) DRtg")
    let net = sheet.number(m.netRating, decimals: 1, label: "\(m.teamName) net rating", signed: true)
    let poss = sheet.number(m.gamePossessions, decimals: 1, label: "game possessions")
    let pace = sheet.number(m.pace, decimals: 1, label: "\(m.teamName) pace")
    collective.append(fr ? "Évaluations : ORtg \(ortg), DRtg \(drtg), net \(net) sur \(poss) possessions (rythme \(pace))."
                         : "Ratings: ORtg \(ortg), DRtg \(drtg), net \(net) over \(poss) possessions (pace \(pace)).")
    let ts = sheet.percent(m.trueShootingPct, label: "\(m.teamName) TS%")
    let paint = sheet.int(m.pointsInThePaint, label: "\(m.teamName) paint points")
    let second = sheet.int(m.pointsSecondChance, label: "\(m.teamName) second-chance points")
    let bench = sheet.int(m.benchPoints, label: "\(m.teamName) bench points")
    collective.append(fr ? "TS% \(ts) ; points dans la raquette \(paint), sur seconde chance \(second), du banc \(bench)."
                         : "TS% \(ts); points in the paint \(paint), second-chance \(second), bench \(bench).")
    // Periods: best and worst differential.
    let diffs = periods.map { p -> (GamePeriod, Int, Int) in t == 1 ? (p.period, p.team1, p.team2) : (p.period, p.team2, p.team1) }
    if let best = diffs.max(by: { ($0.1 - $0.2, -$0.0.ordinal()) < ($1.1 - $1.2, -$1.0.ordinal()) }),
       let worst = diffs.min(by: { ($0.1 - $0.2, $0.0.ordinal()) < ($1.1 - $1.2, $1.0.ordinal()) }) {
      let b1 = sheet.int(best.1, label: "\(best.0.label) points"), b2 = sheet.int(best.2, label: "\(best.0.label) points allowed")
      let w1 = sheet.int(worst.1, label: "\(worst.0.label) points"), w2 = sheet.int(worst.2, label: "\(worst.0.label) points allowed")
      collective.append(fr ? "Meilleure période : \(best.0.label) (\(b1)–\(b2)) ; plus difficile : \(worst.0.label) (\(w1)–\(w2))."
                           : "Best period: \(best.0.label) (\(b1)–\(b2)); hardest: \(worst.0.label) (\(w1)–\(w2)).")
    }
    if let run = runs.filter({ $0.teamNumber == t }).max(by: { ($0.points, -$0.startElapsed) < ($1.points, -$1.startElapsed) }) {
      let p = sheet.int(run.points, label: "\(m.teamName) largest run")
      collective.append(fr ? "Plus grande série : \(p)–0 (\(run.startPeriod.label))." : "Largest run: \(p)–0 (\(run.startPeriod.label)).")
    }
    if let unit = lineups.first(where: { $0.teamNumber == t }) {
      let min = sheet.number(unit.minutes, decimals: 1, label: "\(m.teamName) main unit minutes")
      let pm = sheet.int(unit.plusMinus, label: "\(m.teamName) main unit +/-", signed: true)
      collective.append(fr ? "Cinq le plus utilisé : \(unit.names.joined(separator: ", ")) — \(min) min, \(pm)."
                           : "Most used unit: \(unit.names.joined(separator: ", ")) — \(min) min, \(pm).")
    }
    // Individual: top three by Game Score.
    var individual: [String] = []
    let top = players.filter { $0.teamNumber == t }
      .sorted { $0.gameScore != $1.gameScore ? $0.gameScore > $1.gameScore : $0.pno < $1.pno }.prefix(3)
    for p in top {
      let c = p.counts
      let pts = sheet.int(c.points, label: "\(p.name) points"), reb = sheet.int(c.rebounds, label: "\(p.name) rebounds")
      let ast = sheet.int(c.assists, label: "\(p.name) assists")
      let min = sheet.number(p.minutes, decimals: 1, label: "\(p.name) minutes")
      let eff = sheet.int(p.efficiency, label: "\(p.name) EFF"), pir = sheet.int(p.pir, label: "\(p.name) PIR")
      let gs = sheet.number(p.gameScore, decimals: 1, label: "\(p.name) Game Score")
      let pm = sheet.int(p.plusMinus, label: "\(p.name) +/-", signed: true)
      let pie = sheet.percent(p.pie, label: "\(p.name) PIE")
      individual.append(fr
        ? "\(p.name) : \(pts) pts, \(reb) rbds, \(ast) pd en \(min) min ; EFF \(eff), PIR \(pir), Game Score \(gs), PIE \(pie), +/- \(pm)."
        : "\(p.name): \(pts) pts, \(reb) reb, \(ast) ast in \(min) min; EFF \(eff), PIR \(pir), Game Score \(gs), PIE \(pie), +/- \(pm).")
    }
    return TeamPostMortem(teamNumber: t, teamName: m.teamName, collective: collective, individual: individual)
  }
}
