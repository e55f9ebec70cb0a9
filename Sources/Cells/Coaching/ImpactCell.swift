import Basketball
import Engine
import Foundation
import Frame
import Plotting
import Reporting
import WorkbookModel

/// `impact`: the player impact model without leakage over a folder of FIBA games — ridge regression of a player's
/// on-court point differential per 40 minutes on box-score rates, group k-fold by game (nested λ), honest
/// cross-validated R², per-feature contributions and out-/under-performers.
enum ImpactCell {
  static let descriptor = KindDescriptor(
    name: "impact", version: 3,
    summary: "Player impact model over a folder of FIBA games: group k-fold by game, honest cross-validated R², contributions, out-/under-performers.",
    options: [
      OptionSpec("input", .table, required: true, doc: "A `load` cell with `format: fiba_livestats` over a folder of games."),
      OptionSpec("folds", .integer, default: 5, range: .atLeast(2), doc: "Outer group k-fold folds (a game's rows are all in one fold)."),
      OptionSpec("seed", .integer, default: 42, doc: "Seed of the fold assignment."),
      OptionSpec("minimum_minutes", .number, default: 10, range: .atLeast(0), doc: "Player-games with fewer minutes are left out."),
      OptionSpec("lambdas", .list(.number), default: [0.1, 1, 10, 100, 1000], range: .above(0), count: 1...Int.max,
                 doc: "Ridge penalties tried by the inner group k-fold."),
      OptionSpec("top", .integer, default: 5, range: .atLeast(0), doc: "Out- and under-performers listed in the report."),
      OptionSpec("minimum_games", .integer, default: 2, range: .atLeast(1), doc: "Games a player needs to be listed as an out-/under-performer."),
      OptionSpec("language", .choice(["en", "fr"]), default: "en", doc: "Language of the summary sentences."),
    ],
    tools: ["gnuplot"], produces: [.model])

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let games = try FibaTables.games(of: try o.requiredString("input"), context: context, option: "input")
    let folds = try o.integer("folds")
    let seed = try o.integer("seed")
    let minimumMinutes = try o.number("minimum_minutes")
    let top = try o.integer("top")
    let minimumGames = try o.integer("minimum_games")
    let language = try o.choice("language", as: ReportLanguage.self)
    let lambdas = try o.numbers("lambdas")

    let report: ImpactModelReport
    do {
      report = try ImpactModel.run(games: games, folds: folds, lambdas: lambdas, seed: UInt64(truncatingIfNeeded: seed),
                                   minimumMinutes: minimumMinutes)
    } catch let error as ImpactModelError {
      // Not enough games (e.g. the bundled single sample game): a result saying so, never a crash.
      let message = "\(error.description); pass a folder of games (e.g. --param games=../shared/datasets/fiba_livestats)"
      return CellOutput(
        result: .object(["status": "not_enough_data", "games": .int(games.count), "message": .string(message)]),
        report: [.callout(level: .warning, text: "Impact model not fitted: \(message)")],
        warnings: [message])
    } catch {
      throw CellError("impact model: \(error)", hint: "check the input games")
    }

    // Grouping check: no game in two folds.
    var foldOfGame: [String: Set<Int>] = [:]
    for (p, f) in zip(report.predictions, report.rowFolds) { foldOfGame[p.gameID, default: []].insert(f) }
    let grouped = foldOfGame.values.allSatisfy { $0.count == 1 }

    let features = report.featureNames.enumerated().map { j, name in
      (name: name, coefficient: j < report.finalModel.coefficients.count ? report.finalModel.coefficients[j] : 0,
       contribution: j < report.meanAbsoluteContribution.count ? report.meanAbsoluteContribution[j] : 0)
    }
    let ranked = features.sorted { $0.contribution != $1.contribution ? $0.contribution > $1.contribution : $0.name < $1.name }
    let listed = report.players.filter { $0.games >= minimumGames }
    let over = Array(listed.prefix(top))
    let under = Array(listed.reversed().prefix(top))
    let summary = report.summary(language: language, top: top, minimumGames: minimumGames)

    func playerJSON(_ p: PlayerImpactSummary) -> JSONValue {
      .object(["team_key": .string(p.teamKey), "player": .string(p.playerName), "games": .int(p.games), "minutes": .double(p.minutes),
               "mean_actual": .double(p.meanActual), "mean_expected": .double(p.meanExpected), "mean_residual": .double(p.meanResidual)])
    }
    let result: JSONValue = .object([
      "status": "fitted",
      "target": "on-court point differential per 40 minutes (from the stints)",
      "games": .int(report.games), "rows": .int(report.rows), "folds": .int(report.folds), "seed": .int(seed),
      "grouped_by_game": .bool(grouped),
      "cross_validated_r2": FibaTables.json(report.crossValidatedR2),
      "fold_r2": .array(report.foldR2.map { FibaTables.json($0) }),
      "fold_lambdas": .array(report.foldLambdas.map { .double($0) }),
      "final_lambda": .double(report.finalModel.lambda),
      "features": .array(ranked.map { .object(["name": .string($0.name), "coefficient": .double($0.coefficient),
                                               "mean_abs_contribution": .double($0.contribution)]) }),
      "out_performers": .array(over.map(playerJSON)),
      "under_performers": .array(under.map(playerJSON)),
      "players": .array(report.players.map(playerJSON)),
      "summary": .array(summary.lines.map { .string($0) }),
    ])

    var pb = FibaTables.Builder()
    for p in report.players {
      pb.string("team_key", p.teamKey); pb.string("player", p.playerName); pb.int("games", p.games); pb.float("minutes", p.minutes)
      pb.float("mean_actual", p.meanActual); pb.float("mean_expected", p.meanExpected); pb.float("mean_residual", p.meanResidual)
    }
    var rb = FibaTables.Builder()
    for (p, f) in zip(report.predictions, report.rowFolds) {
      rb.string("game_id", p.gameID); rb.string("team_key", p.teamKey); rb.string("player", p.playerName); rb.int("fold", f)
      rb.float("minutes", p.minutes); rb.float("actual", p.actual); rb.float("expected", p.expected); rb.float("residual", p.residual)
    }
    var fb = FibaTables.Builder()
    for f in ranked { fb.string("feature", f.name); fb.float("coefficient", f.coefficient); fb.float("mean_abs_contribution", f.contribution) }

    let fr = language == .french
    let chart = Chart(.bar(categories: ranked.map(\.name), series: [Series(fr ? "|contribution| moyenne" : "mean |contribution|", ranked.map(\.contribution))],
                           horizontal: true),
                      title: fr ? "Contributions au différentiel par 40 min" : "Contributions to on-court margin per 40 min",
                      xLabel: fr ? "points / 40 min" : "points per 40 min", legend: .hidden)
    var files = try await FibaTables.render(chart, name: "contributions", context: context)
    let performers = Array(over.prefix(top)) + Array(under.prefix(top).reversed())
    if !performers.isEmpty {
      let chart2 = Chart(.bar(categories: performers.map { "\($0.playerName) (\($0.teamKey))" },
                              series: [Series(fr ? "réel − attendu" : "actual − expected", performers.map(\.meanResidual))], horizontal: true),
                         title: fr ? "Au-dessus / en dessous de l'impact attendu" : "Above / below expected impact",
                         xLabel: fr ? "points / 40 min" : "points per 40 min", legend: .hidden)
      files += try await FibaTables.render(chart2, name: "performers", context: context)
    }
    // French figures use the decimal comma, like the French prose.
    let number: (Double, Int) -> String = { fr ? FibaTables.fixed($0, $1).replacingOccurrences(of: ".", with: ",") : FibaTables.fixed($0, $1) }
    let r2Text = number(report.crossValidatedR2, 3)
    var blocks: [ReportBlock] = [
      .facts([
        .init(fr ? "matchs" : "games", String(report.games)), .init(fr ? "lignes joueuse-match" : "player-games", String(report.rows)),
        .init(fr ? "R² validé croisé (hors pli)" : "cross-validated R² (out-of-fold)", r2Text),
        .init(fr ? "R² par pli" : "R² per fold", report.foldR2.map { number($0, 3) }.joined(separator: fr ? " ; " : ", ")),
        .init("λ", report.foldLambdas.map { TableOps.formatNumber($0) }.joined(separator: fr ? " ; " : ", ")),
        .init(fr ? "validation" : "validation", grouped ? (fr ? "group k-fold par match (aucun match dans deux plis)" : "group k-fold by game (no game in two folds)") : "NOT grouped"),
      ]),
      // The lines are text (feature names such as `points_per40`, player names), not Markdown.
      .markdown(summary.lines.map { "- " + markdownEscape($0) }.joined(separator: "\n")),
      .figure(file: "contributions.svg", caption: fr ? "Contribution moyenne absolue par variable (modèle final)" : "Mean absolute contribution per feature (final model)"),
    ]
    if !performers.isEmpty { blocks.append(.figure(file: "performers.svg", caption: fr ? "Réel − attendu (hors pli)" : "Actual − expected (out-of-fold)")) }
    let columns = fr ? ["joueuse", "équipe", "matchs", "réel", "attendu", "résidu"] : ["player", "team", "games", "actual", "expected", "residual"]
    let row: (PlayerImpactSummary) -> [String] = {
      [$0.playerName, $0.teamKey, String($0.games), number($0.meanActual, 1), number($0.meanExpected, 1), number($0.meanResidual, 1)]
    }
    blocks.append(.details(summary: fr ? "Joueuses au-dessus et en dessous de l'attendu (tableaux)" : "Out- and under-performers (tables)", blocks: [
      .table(caption: fr ? "Au-dessus de l'attendu" : "Out-performers", columns: columns, rows: over.map(row), note: nil),
      .table(caption: fr ? "En dessous de l'attendu" : "Under-performers", columns: columns, rows: under.map(row),
             note: fr ? "points par 40 minutes sur le terrain ; attendu = prédiction hors pli" : "points per 40 minutes on court; expected = out-of-fold prediction"),
    ]))
    return CellOutput(result: result,
                      tables: [("players", try pb.frame()), ("predictions", try rb.frame()), ("features", try fb.frame())],
                      files: files, report: blocks)
  }
}
