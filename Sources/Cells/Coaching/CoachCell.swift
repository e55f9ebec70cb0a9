import Basketball
import Engine
import Foundation
import Frame
import Plotting
import Reporting
import WorkbookModel

/// `coach`: a post-match report for one FIBA game — findings (figure vs documented threshold or league reference),
/// post-mortem of both teams, measurable training recommendations — with tables, charts and an optional
/// language-model phrasing that is kept only when every number and name in it is grounded in the facts.
enum CoachCell {
  static let descriptor = KindDescriptor(
    name: "coach", version: 5,
    summary: "Post-match coaching report for a FIBA LiveStats game: findings, post-mortem, training recommendations, charts; optional grounded LLM phrasing.",
    options: [
      OptionSpec("input", .table, required: true, doc: "A `load` cell with `format: fiba_livestats` (any of its tables)."),
      OptionSpec("game", .string, doc: "Game id (e.g. `2648661`) or file name; default: the only (or first) game of `input`."),
      OptionSpec("team", .string, doc: "Report on one team only (name, code or key, as `focus`); default: both teams get findings, a post-mortem and recommendations."),
      OptionSpec("focus", .string, doc: "A team (name, code or key, case- and accent-insensitive, e.g. `LANDERNEAU`) listed first; both teams always get a post-mortem."),
      OptionSpec("league", .table, doc: "A `load` cell over a folder of games: findings are also compared with the league mean ± 1 SD (`LeagueReference`)."),
      OptionSpec("league_minimum_games", .integer, default: 5, range: .atLeast(1), doc: "Fewer games than this in `league`: the league reference is not used (a warning says so)."),
      OptionSpec("language", .choice(["en", "fr"]), default: "en", doc: "Report language."),
      OptionSpec("key_players", .integer, default: 3, range: .atLeast(0), doc: "Key players per team (most minutes, ≥ 10 min) whose figures are checked."),
      OptionSpec("llm", .object([
        OptionSpec("enabled", .boolean, default: false, doc: "Ask an OpenAI-compatible endpoint to phrase the summary (URL, model and key from WORKBENCH_LLM_URL, WORKBENCH_LLM_MODEL, WORKBENCH_LLM_API_KEY)."),
        OptionSpec("timeout_s", .number, default: 30, range: .above(0), doc: "Request timeout in seconds."),
      ]), doc: "Optional grounded phrasing; rejected, failed or timed-out answers fall back to the deterministic text."),
    ],
    tools: ["gnuplot"])

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let games = try FibaTables.games(of: try o.requiredString("input"), context: context, option: "input")
    guard !games.isEmpty else { throw CellError("the input has no game", at: o.location(of: "input")) }
    var game = games[0]
    if let wanted = try o.string("game") {
      guard let g = games.first(where: { $0.gameID == wanted || $0.fileName == wanted || $0.fileName.hasPrefix("data_\(wanted)_") }) else {
        throw CellError("no game `\(wanted)` in the input", at: o.location(of: "game"),
                        hint: "games: \(games.prefix(10).map(\.gameID).joined(separator: ", "))\(games.count > 10 ? "…" : "")")
      }
      game = g
    }
    guard game.teams.count == 2 else { throw CellError("game \(game.gameID) does not have two teams", at: o.location(of: "input")) }
    let language = try o.choice("language", as: ReportLanguage.self)
    let keyPlayers = try o.integer("key_players")
    var warnings: [String] = []

    // League reference.
    var league: LeagueReference?
    if let ref = try o.string("league") {
      let leagueGames = try FibaTables.games(of: ref, context: context, option: "league")
      let minimum = try o.integer("league_minimum_games")
      if leagueGames.count >= minimum {
        league = LeagueReference.compute(leagueGames)
      } else {
        warnings.append("league reference not used: \(leagueGames.count) game(s) in `\(ref)`, fewer than league_minimum_games = \(minimum); findings use the documented thresholds only")
      }
    }

    // `team` (only one team) and `focus` (one team first).
    func teamNumber(_ option: String) throws -> Int? {
      guard let text = try o.string(option), !text.isEmpty else { return nil }
      let f = TeamNameNormalizer.fold(text)
      guard let number = game.teams.first(where: { t in
        [t.name, t.rawName, t.code, t.teamKey, t.shortName].map(TeamNameNormalizer.fold).contains { !$0.isEmpty && ($0 == f || $0.contains(f)) }
      })?.teamNumber else {
        throw CellError("`\(option)` \(text) matches neither team of game \(game.gameID)", at: o.location(of: option),
                        hint: "teams: \(game.teams.map { "\($0.name) (\($0.code))" }.joined(separator: ", "))")
      }
      return number
    }
    let onlyTeam = try teamNumber("team")
    let focusNumber = try onlyTeam ?? teamNumber("focus")
    var report = CoachingReportBuilder.build(game: game, league: league, language: language, keyPlayersPerTeam: keyPlayers)
    if let focusNumber {
      func first<T>(_ items: [T], _ team: (T) -> Int) -> [T] {
        items.filter { team($0) == focusNumber } + items.filter { team($0) != focusNumber }
      }
      report.findings = first(report.findings, \.teamNumber)
      report.postMortems = first(report.postMortems, \.teamNumber)
      report.teamRecommendations = first(report.teamRecommendations, \.teamNumber)
      report.playerRecommendations = first(report.playerRecommendations, \.teamNumber)
    }
    if let onlyTeam {
      report.findings = report.findings.filter { $0.teamNumber == onlyTeam }
      report.postMortems = report.postMortems.filter { $0.teamNumber == onlyTeam }
      report.teamRecommendations = report.teamRecommendations.filter { $0.teamNumber == onlyTeam }
      report.playerRecommendations = report.playerRecommendations.filter { $0.teamNumber == onlyTeam }
    }
    let deterministic = report.markdown()

    // Optional language-model phrasing.
    let llm = try await llmOutcome(report, context: context)
    var markdown = deterministic
    if let text = llm.acceptedText {
      markdown += (language == .french ? "## Synthèse rédigée (modèle de langue, vérifiée sur les faits)\n\n"
                                       : "## Written summary (language model, checked against the facts)\n\n") + text + "\n"
    }

    // Tables.
    let teamMetrics = TeamGameMetrics.compute(game)
    let playerMetrics = PlayerGameMetrics.compute(game)
    let lineups = LineupRating.compute(game)
    let periods = PeriodScoring.compute(game)
    let teamTable = try teamFrame(teamMetrics)
    let playerTable = try playerFrame(playerMetrics, game: game)
    let lineupTable = try lineupFrame(lineups, game: game)
    let findingTable = try findingFrame(report.findings)

    // Charts.
    var files: [(name: String, bytes: [UInt8])] = [("report.md", Array(markdown.utf8))]
    let t1 = FibaTables.teamName(game, 1), t2 = FibaTables.teamName(game, 2)
    let fr = language == .french
    let quarterChart = Chart(.bar(categories: periods.map(\.period.label),
                                  series: [Series(t1, periods.map { Double($0.team1) }), Series(t2, periods.map { Double($0.team2) })]),
                             title: fr ? "Points par période" : "Points per period", xLabel: fr ? "période" : "period",
                             yLabel: "points", legend: .above)
    files += try await FibaTables.render(quarterChart, name: "quarters", context: context)
    var figures: [ReportBlock] = [.figure(file: "quarters.svg", caption: fr ? "Points par période" : "Points per period")]
    let teamOrder = onlyTeam.map { [$0] } ?? focusNumber.map { [$0, 3 - $0] } ?? [1, 2]
    for number in teamOrder {
      let shots = game.shots.filter { $0.teamNumber == number }
      guard !shots.isEmpty else { continue }
      let pos = shots.map { FibaTables.courtPosition(x: $0.x, y: $0.y) }
      let name = FibaTables.teamName(game, number)
      let chart = Chart(.shotChart(ShotChart(court: .fiba(), x: pos.map(\.x), y: pos.map(\.y), made: shots.map(\.made),
                                                    madeLabel: fr ? "Réussi" : "Made", missedLabel: fr ? "Manqué" : "Missed")),
                        title: (fr ? "Tirs — " : "Shots — ") + name, width: 700, height: 640)
      files += try await FibaTables.render(chart, name: "shots_team\(number)", context: context)
      let made = shots.filter(\.made).count
      figures.append(.figure(file: "shots_team\(number).svg", caption: "\(name): \(made)/\(shots.count) " + (fr ? "tirs réussis" : "field goals made")))
    }

    // Report blocks, in the order a coach reads them: the game, the post-match summary and the training
    // recommendations; then the figures; every finding and the metric tables are folded.
    let score = "\(t1) \(game.team(1)?.score ?? 0) – \(game.team(2)?.score ?? 0) \(t2)"
    var blocks: [ReportBlock] = [
      .facts([
        .init(fr ? "match" : "game", game.gameID), .init(fr ? "score" : "score", score),
        .init(fr ? "référence ligue" : "league reference", league.map { "\($0.games) " + (fr ? "matchs" : "games") } ?? (fr ? "seuils documentés" : "documented thresholds")),
        .init(fr ? "constats" : "findings", String(report.findings.count)),
        .init(fr ? "rédaction" : "phrasing", fr ? frenchPhrasing(llm) : llm.summary),
      ]),
      .markdown(postMortemMarkdown(report)),
      .markdown(recommendationMarkdown(report)),
    ]
    let findingsBlock = ReportBlock.details(
      summary: (fr ? "Tous les constats" : "All findings") + " (\(report.findings.count))",
      blocks: [.markdown(report.findings.isEmpty ? (fr ? "- Aucun constat au-delà des seuils.\n" : "- No figure crosses a threshold.\n")
                         : report.findings.map { "- \($0.text)" }.joined(separator: "\n"))])
    if let text = llm.acceptedText {
      blocks.append(.callout(level: .info, text: fr ? "Synthèse rédigée par un modèle de langue ; chaque nombre et chaque nom a été vérifié sur les faits."
                                                   : "Summary written by a language model; every number and name was checked against the facts."))
      blocks.append(.markdown(text))
    } else if llm.enabled {
      blocks.append(.callout(level: .warning, text: (fr ? "Texte déterministe utilisé : " : "Deterministic text used: ") + llm.summary))
    }
    blocks += figures
    blocks.append(findingsBlock)
    // French tables use the decimal comma, like the French prose.
    let number: (Double) -> String = { fr ? FibaTables.fixed($0).replacingOccurrences(of: ".", with: ",") : FibaTables.fixed($0) }
    var tables: [ReportBlock] = []
    tables.append(.table(caption: nil, columns: fr ? ["équipe", "pts", "poss.", "rythme", "ORtg", "DRtg", "eFG%", "TOV%", "ORB%", "LFM/TT", "TS%"]
                                                   : ["team", "pts", "poss", "pace", "ORtg", "DRtg", "eFG%", "TOV%", "ORB%", "FTM/FGA", "TS%"],
                         rows: teamMetrics.map {
                           [$0.teamName, String($0.points), number($0.possessions), number($0.pace), number($0.offensiveRating),
                            number($0.defensiveRating), number($0.effectiveFieldGoalPct * 100), number($0.turnoverPct * 100),
                            number($0.offensiveReboundPct * 100), number($0.freeThrowRate * 100), number($0.trueShootingPct * 100)]
                         }, note: fr ? "pourcentages ; possessions = TT − RO + BP + 0,44·LFT (docs/basketball.md)"
                                     : "percentages; possessions = FGA − ORB + TOV + 0.44·FTA (docs/basketball.md)"))
    let topPlayers = playerMetrics.sorted { $0.gameScore != $1.gameScore ? $0.gameScore > $1.gameScore : ($0.teamNumber, $0.pno) < ($1.teamNumber, $1.pno) }.prefix(10)
    blocks.append(.details(summary: fr ? "Équipes : métriques avancées" : "Teams: advanced metrics", blocks: tables))
    tables = []
    tables.append(.table(caption: nil, columns: fr ? ["joueuse", "équipe", "min", "pts", "rbds", "pd", "EFF", "PIR", "GmSc", "PIE%", "TS%", "USG%", "+/-"]
                                                   : ["player", "team", "min", "pts", "reb", "ast", "EFF", "PIR", "GmSc", "PIE%", "TS%", "USG%", "+/-"],
                         rows: topPlayers.map {
                           [$0.name, FibaTables.teamName(game, $0.teamNumber), number($0.minutes), String($0.counts.points), String($0.counts.rebounds),
                            String($0.counts.assists), String($0.efficiency), String($0.pir), number($0.gameScore), number($0.pie * 100),
                            number($0.trueShootingPct * 100), number($0.usagePct * 100), String($0.plusMinus)]
                         }, note: nil))
    blocks.append(.details(summary: fr ? "Meilleurs Game Scores (10)" : "Top Game Scores (10)", blocks: tables))

    let result: JSONValue = .object([
      "game_id": .string(game.gameID),
      "language": .string(language.rawValue),
      "focus_team": focusNumber.map { JSONValue.int($0) } ?? JSONValue.null,
      "only_team": onlyTeam.map { JSONValue.int($0) } ?? JSONValue.null,
      "score": .object(["team1": .int(game.team(1)?.score ?? 0), "team2": .int(game.team(2)?.score ?? 0)]),
      "teams": .array(teamMetrics.map(teamJSON)),
      "players": .array(playerMetrics.map { playerJSON($0, game: game) }),
      "league_reference": league.map { (l: LeagueReference) -> JSONValue in
        .object(["games": .int(l.games),
                 "mean": .object(l.mean.mapValues { JSONValue.double($0) }),
                 "sd": .object(l.standardDeviation.mapValues { JSONValue.double($0) })])
      } ?? JSONValue.null,
      "findings": .array(report.findings.map(findingJSON)),
      "recommendations": .array((report.teamRecommendations + report.playerRecommendations).map(recommendationJSON)),
      "post_mortem": .array(report.postMortems.map { (pm: TeamPostMortem) -> JSONValue in
        .object(["team": .int(pm.teamNumber), "team_name": .string(pm.teamName),
                 "collective": .array(pm.collective.map { .string($0) }), "individual": .array(pm.individual.map { .string($0) })])
      }),
      "llm": llm.json,
      "grounding": .object(["numbers": .int(report.facts.numbers.count), "names": .int(report.facts.names.count)]),
    ])
    files.append(("facts.json", Array(report.facts.json().utf8)))
    return CellOutput(result: result,
                      tables: [("findings", findingTable), ("team_metrics", teamTable), ("player_metrics", playerTable), ("lineups", lineupTable)],
                      files: files, report: blocks, warnings: warnings)
  }

  /// How the text was written, for the French report (the English summary stays in result.json).
  static func frenchPhrasing(_ llm: LLMResult) -> String {
    switch llm.status {
    case "disabled": return "déterministe (modèle de langue désactivé)"
    case "accepted": return "modèle de langue (vérifié sur les faits, accepté)"
    default: return "déterministe (" + (llm.reason.map { "repli : \($0)" } ?? llm.summary) + ")"
    }
  }

  // MARK: LLM

  struct LLMResult {
    var enabled: Bool
    var status: String
    var reason: String?
    var acceptedText: String?
    var summary: String
    var json: JSONValue {
      .object(["enabled": .bool(enabled), "status": .string(status), "reason": reason.map { .string($0) } ?? .null,
               "text_source": .string(acceptedText == nil ? "deterministic" : "language_model")])
    }
  }

  static func llmOutcome(_ report: CoachingReport, context: CellContext) async throws -> LLMResult {
    let o = context.options
    let llm = try o.mapping("llm")
    guard let llm, try llm.boolean("enabled") else {
      return LLMResult(enabled: false, status: "disabled", reason: nil, acceptedText: nil, summary: "deterministic (LLM disabled)")
    }
    if context.isVerification {
      return LLMResult(enabled: true, status: "skipped_verification", reason: "verification re-runs use the deterministic text (the endpoint is not called)",
                       acceptedText: nil, summary: "deterministic (verification: endpoint not called)")
    }
    let env = context.environment
    guard let urlText = env["WORKBENCH_LLM_URL"], !urlText.isEmpty, let url = URL(string: urlText),
          let model = env["WORKBENCH_LLM_MODEL"], !model.isEmpty
    else {
      return LLMResult(enabled: true, status: "fallback", reason: "WORKBENCH_LLM_URL and WORKBENCH_LLM_MODEL must be set",
                       acceptedText: nil, summary: "deterministic (fallback: endpoint not configured)")
    }
    let timeout = try llm.number("timeout_s")  // declared `> 0`: checked before the cell runs
    let key = env["WORKBENCH_LLM_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
    let client = ChatCompletionsClient(endpoint: url, model: model, apiKey: key, timeout: timeout)
    let outcome = await GroundedPhraser(client: client).phrase(report)
    switch outcome {
    case .accepted(let text):
      return LLMResult(enabled: true, status: "accepted", reason: nil, acceptedText: text, summary: "language model (grounded, accepted)")
    case .fallback(let reason, _):
      var text = reason.description
      if let key, !key.isEmpty { text = text.replacingOccurrences(of: key, with: "<redacted>") }
      for endpoint in [client.completionsURL.absoluteString, urlText] + (url.host.map { h in [url.port.map { "\(h):\($0)" } ?? h] } ?? []) {
        text = text.replacingOccurrences(of: endpoint, with: "<endpoint>")
      }
      return LLMResult(enabled: true, status: "fallback", reason: text, acceptedText: nil, summary: "deterministic (fallback: \(text))")
    }
  }

  // MARK: Markdown blocks

  static func postMortemMarkdown(_ r: CoachingReport) -> String {
    let fr = r.language == .french
    var out = "### " + (fr ? "Bilan" : "Post-mortem") + "\n"
    for pm in r.postMortems {
      out += "\n#### \(pm.teamName) — \(fr ? "collectif" : "collective")\n\n" + pm.collective.map { "- \($0)" }.joined(separator: "\n") + "\n"
      out += "\n#### \(pm.teamName) — \(fr ? "individuel" : "individual")\n\n" + pm.individual.map { "- \($0)" }.joined(separator: "\n") + "\n"
    }
    return out
  }

  static func recommendationMarkdown(_ r: CoachingReport) -> String {
    let fr = r.language == .french
    var out = "### " + (fr ? "Recommandations d'entraînement" : "Training recommendations") + "\n"
    for pm in r.postMortems {
      out += "\n#### \(pm.teamName)\n\n"
      out += r.teamRecommendations.filter { $0.teamNumber == pm.teamNumber }.enumerated().map { "\($0.offset + 1). \($0.element.text)" }.joined(separator: "\n") + "\n"
      let players = r.playerRecommendations.filter { $0.teamNumber == pm.teamNumber }
      if !players.isEmpty { out += "\n" + players.map { "- \($0.text)" }.joined(separator: "\n") + "\n" }
    }
    return out
  }

  // MARK: JSON and tables

  static func teamJSON(_ m: TeamGameMetrics) -> JSONValue {
    .object([
      "team": .int(m.teamNumber), "team_key": .string(m.teamKey), "name": .string(m.teamName), "points": .int(m.points),
      "opponent_points": .int(m.opponentPoints), "won": .bool(m.won),
      "possessions": .double(m.possessions), "game_possessions": .double(m.gamePossessions), "pace": .double(m.pace),
      "offensive_rating": .double(m.offensiveRating), "defensive_rating": .double(m.defensiveRating), "net_rating": .double(m.netRating),
      "efg_pct": .double(m.effectiveFieldGoalPct), "tov_pct": .double(m.turnoverPct), "orb_pct": .double(m.offensiveReboundPct),
      "drb_pct": .double(m.defensiveReboundPct), "ft_rate": .double(m.freeThrowRate), "fta_rate": .double(m.freeThrowAttemptRate),
      "ts_pct": .double(m.trueShootingPct), "fg_pct": .double(m.fieldGoalPct), "fg3_pct": .double(m.threePointPct),
      "fg2_pct": .double(m.twoPointPct), "ft_pct": .double(m.freeThrowPct), "fg3a_rate": .double(m.threePointAttemptRate),
      "ast_ratio": FibaTables.json(m.assistRatio), "ast_to": FibaTables.json(m.assistToTurnover),
      "pts_from_tov": .int(m.pointsFromTurnovers), "pts_second_chance": .int(m.pointsSecondChance),
      "pts_fast_break": .int(m.pointsFastBreak), "pts_paint": .int(m.pointsInThePaint), "bench_pts": .int(m.benchPoints),
    ])
  }

  static func playerJSON(_ p: PlayerGameMetrics, game: FibaGame) -> JSONValue {
    .object([
      "team": .int(p.teamNumber), "pno": .int(p.pno), "name": .string(p.name), "shirt": .string(p.shirtNumber),
      "starter": .bool(p.starter), "minutes": .double(p.minutes), "points": .int(p.counts.points), "rebounds": .int(p.counts.rebounds),
      "assists": .int(p.counts.assists), "turnovers": .int(p.counts.turnovers), "plus_minus": .int(p.plusMinus),
      "eff": .int(p.efficiency), "pir": .int(p.pir), "pir_with_technicals": .int(p.pirWithTechnicals), "game_score": .double(p.gameScore),
      "pie": .double(p.pie), "ts_pct": .double(p.trueShootingPct), "efg_pct": .double(p.effectiveFieldGoalPct),
      "usg_pct": .double(p.usagePct), "tov_pct": .double(p.turnoverPct), "ast_to": FibaTables.json(p.assistToTurnover),
      "on_court_plus_minus": .int(p.onCourt.plusMinus), "on_court_plus_minus_per40": FibaTables.json(p.onCourt.plusMinusPer40),
    ])
  }

  static func findingJSON(_ f: Finding) -> JSONValue {
    .object([
      "team": .int(f.teamNumber), "team_name": .string(f.teamName), "player": f.playerName.map { .string($0) } ?? .null,
      "metric": .string(f.metric), "metric_name": .string(f.metricName), "value": .double(f.value), "reference": .double(f.reference),
      "reference_kind": .string(f.referenceKind.rawValue), "verdict": .string(f.verdict.rawValue), "percent": .bool(f.isPercent),
      "gap": .double(f.gap), "text": .string(f.text),
    ])
  }

  static func recommendationJSON(_ r: Recommendation) -> JSONValue {
    .object([
      "team": .int(r.teamNumber), "team_name": .string(r.teamName), "player": r.playerName.map { .string($0) } ?? .null,
      "focus": .string(r.focus), "metric": .string(r.metric), "current": .double(r.current), "target": .double(r.target),
      "lower_is_better": .bool(r.lowerIsBetter), "maintain": .bool(r.maintain), "text": .string(r.text),
    ])
  }

  static func teamFrame(_ ms: [TeamGameMetrics]) throws -> Frame {
    var b = FibaTables.Builder()
    for m in ms {
      b.int("team", m.teamNumber); b.string("team_name", m.teamName); b.int("points", m.points); b.int("opponent_points", m.opponentPoints)
      b.float("possessions", m.possessions); b.float("game_possessions", m.gamePossessions); b.float("pace", m.pace)
      b.float("ortg", m.offensiveRating); b.float("drtg", m.defensiveRating); b.float("net_rtg", m.netRating)
      b.float("efg_pct", m.effectiveFieldGoalPct); b.float("tov_pct", m.turnoverPct); b.float("orb_pct", m.offensiveReboundPct)
      b.float("drb_pct", m.defensiveReboundPct); b.float("ft_rate", m.freeThrowRate); b.float("ts_pct", m.trueShootingPct)
      b.float("fg3_pct", m.threePointPct); b.float("ft_pct", m.freeThrowPct); b.float("ast_ratio", m.assistRatio); b.float("ast_to", m.assistToTurnover)
    }
    return try b.frame()
  }

  static func playerFrame(_ ps: [PlayerGameMetrics], game: FibaGame) throws -> Frame {
    var b = FibaTables.Builder()
    for p in ps {
      b.int("team", p.teamNumber); b.string("team_name", FibaTables.teamName(game, p.teamNumber)); b.int("pno", p.pno); b.string("name", p.name)
      b.bool("starter", p.starter); b.float("minutes", p.minutes); b.int("pts", p.counts.points); b.int("reb", p.counts.rebounds)
      b.int("ast", p.counts.assists); b.int("tov", p.counts.turnovers); b.int("plus_minus", p.plusMinus)
      b.int("eff", p.efficiency); b.int("pir", p.pir); b.float("game_score", p.gameScore); b.float("pie", p.pie)
      b.float("ts_pct", p.trueShootingPct); b.float("efg_pct", p.effectiveFieldGoalPct); b.float("usg_pct", p.usagePct)
      b.float("tov_pct", p.turnoverPct); b.float("ast_to", p.assistToTurnover)
      b.float("on_court_pm_per40", p.onCourt.plusMinusPer40)
    }
    return try b.frame()
  }

  static func lineupFrame(_ ls: [LineupRating], game: FibaGame) throws -> Frame {
    var b = FibaTables.Builder()
    for l in ls {
      b.int("team", l.teamNumber); b.string("team_name", FibaTables.teamName(game, l.teamNumber)); b.string("players", l.names.joined(separator: ", "))
      b.float("minutes", l.minutes); b.int("stints", l.stints); b.int("points_for", l.pointsFor); b.int("points_against", l.pointsAgainst)
      b.int("plus_minus", l.plusMinus); b.float("ortg", l.offensiveRating); b.float("drtg", l.defensiveRating); b.float("net_rtg", l.netRating)
    }
    return try b.frame()
  }

  static func findingFrame(_ fs: [Finding]) throws -> Frame {
    var b = FibaTables.Builder()
    for f in fs {
      b.int("team", f.teamNumber); b.string("team_name", f.teamName); b.string("player", f.playerName); b.string("metric", f.metric)
      b.float("value", f.value); b.float("reference", f.reference); b.string("reference_kind", f.referenceKind.rawValue)
      b.string("verdict", f.verdict.rawValue); b.float("gap", f.gap); b.string("text", f.text)
    }
    return try b.frame()
  }
}
