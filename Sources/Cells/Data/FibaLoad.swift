import Basketball
import Engine
import Foundation
import Frame
import Reporting
import WorkbookModel

/// `load` with `format: fiba_livestats`: one FIBA LiveStats `data.json` file or a folder of them → tables
/// `games`, `teams`, `players`, `pbp`, `shots`, `stints`, `checks`, the parsed games as `fiba_games.json`
/// (read by `coach` and `impact`), and the reconciliation checks of every game in `result.json`.
enum FibaLoad {
  static func run(_ context: CellContext) throws -> CellOutput {
    let o = context.options
    let source = try o.requiredString("source")
    let expanded = try InputFiles.expand(source, root: context.projectRoot, location: o.location(of: "source"))
    // A folder or glob: only the .json files (a folder may hold SOURCE.md, README…); one named file: as given.
    let files = expanded.count == 1 ? expanded : expanded.filter { $0.lowercased().hasSuffix(".json") }.sorted()
    guard !files.isEmpty else {
      throw CellError("no .json file in `\(source)`", at: o.location(of: "source"),
                      hint: "point `source` at a FIBA LiveStats data.json file or a folder of them")
    }
    var games: [FibaGame] = []
    for (i, file) in files.enumerated() {
      do {
        games.append(try FibaLiveStatsParser.load(file: URL(fileURLWithPath: file)))
      } catch let error as FibaParseError {
        throw CellError("\(LoadCell.display(file, root: context.projectRoot)): \(error.path): \(error.message)",
                        at: o.location(of: "source"), hint: "the file is not a valid FIBA LiveStats data.json (see docs/cells/load-fiba.md)")
      }
      context.progress(Double(i + 1) / Double(files.count), "\(i + 1)/\(files.count) games parsed: \(URL(fileURLWithPath: file).lastPathComponent)")
    }
    if games.count > 1 { games = TeamNameNormalizer.unify(games) }
    let checks = games.map { Reconciliation.checks($0) }

    var warnings: [String] = []
    var perGame: [JSONValue] = []
    var total = 0, passed = 0, documented = 0, failed = 0
    for (game, gameChecks) in zip(games, checks) {
      total += gameChecks.count
      passed += gameChecks.filter(\.passed).count
      documented += gameChecks.filter { !$0.passed && $0.documentedException != nil }.count
      failed += gameChecks.filter { !$0.acceptable }.count
      // Documented vendor exceptions are summarised once in the report, not warned about one by one.
      for c in gameChecks where !c.acceptable { warnings.append("reconciliation: \(c.summary)") }
      perGame.append(.object([
        "game_id": .string(game.gameID), "file": .string(game.fileName),
        "home": .string(FibaTables.teamName(game, 1)), "away": .string(FibaTables.teamName(game, 2)),
        "score": .array([.int(game.team(1)?.score ?? 0), .int(game.team(2)?.score ?? 0)]),
        "all_passed": .bool(gameChecks.allSatisfy(\.passed)),
        "all_acceptable": .bool(gameChecks.allSatisfy(\.acceptable)),
        "checks": .array(gameChecks.map { c in
          .object([
            "team": .int(c.teamNumber), "name": .string(c.name), "expected": .double(c.expected),
            "actual": .double(c.actual), "tolerance": .double(c.tolerance), "passed": .bool(c.passed),
            "documented_exception": c.documentedException.map { .string($0) } ?? .null,
          ])
        }),
      ]))
    }
    let tables = try FibaTables.tables(games, checks: checks)
    let result: JSONValue = .object([
      "format": "fiba_livestats",
      "games": .int(games.count),
      "files": .array(files.map { .string(LoadCell.display($0, root: context.projectRoot)) }),
      "rows": .object(Dictionary(uniqueKeysWithValues: tables.map { ($0.name, JSONValue.int($0.frame.rowCount)) })),
      "reconciliation": .object([
        "checks": .int(total), "passed": .int(passed), "documented_exceptions": .int(documented),
        "failed": .int(failed), "all_acceptable": .bool(failed == 0),
      ]),
      "game_checks": .array(perGame),
    ])
    var report: [ReportBlock] = [
      .facts([
        .init("games", String(games.count)),
        .init("files", files.count == 1 ? LoadCell.display(files[0], root: context.projectRoot) : "\(files.count) files"),
        .init("players (incl. did not play)", TableOps.formatCount(games.reduce(0) { $0 + $1.players.count })),
        .init("play-by-play events", TableOps.formatCount(games.reduce(0) { $0 + $1.events.count })),
        .init("reconciliation", "\(passed)/\(total) identities hold; \(documented) documented exception(s); \(failed) unexplained"),
      ]),
    ]
    let gamesTable = ReportBlock.table(
      caption: nil, columns: ["game", "home", "score", "away", "periods", "checks"],
      rows: games.prefix(100).enumerated().map { i, g in
        [g.gameID, FibaTables.teamName(g, 1), "\(g.team(1)?.score ?? 0) – \(g.team(2)?.score ?? 0)", FibaTables.teamName(g, 2),
         g.periods.map(\.label).joined(separator: " "),
         "\(checks[i].filter(\.passed).count)/\(checks[i].count)"]
      },
      note: games.count > 100 ? "\(games.count) games in all" : nil)
    // One game is the reader's subject: shown. A league of games is detail: folded.
    report.append(games.count == 1 ? gamesTable : .details(summary: "Games (\(games.count))", blocks: [gamesTable]))
    let failing = zip(games, checks).flatMap { $1.filter { !$0.passed } }
    if !failing.isEmpty {
      let exceptions = failing.filter(\.acceptable)
      if !exceptions.isEmpty {
        let gamesWithExceptions = Set(exceptions.map(\.gameID)).count
        report.append(.callout(level: .info, text: "\(exceptions.count) identit\(exceptions.count == 1 ? "y does" : "ies do") not hold in "
          + "\(gamesWithExceptions) game(s), each a documented exception of the vendor's box score (docs/cells/load-fiba.md)."))
      }
      report.append(.details(summary: "Identities that do not hold (\(failing.count))", blocks: [
        .table(caption: nil, columns: ["game", "team", "identity", "expected", "actual", "explanation"],
               rows: failing.prefix(50).map {
                 [$0.gameID, String($0.teamNumber), $0.name, TableOps.formatNumber($0.expected), TableOps.formatNumber($0.actual),
                  $0.documentedException ?? "not documented"]
               }, note: failing.count > 50 ? "first 50 of \(failing.count)" : nil),
      ]))
    }
    return CellOutput(result: result, tables: tables, files: [(FibaTables.gamesFile, try FibaTables.encode(games))],
                      report: report, warnings: warnings)
  }
}
