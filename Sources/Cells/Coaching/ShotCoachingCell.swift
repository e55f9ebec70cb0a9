import Basketball
import Engine
import Foundation
import Frame
import Reporting
import WorkbookModel

/// `shot_coaching`: findings → recommendations for a zone-labelled shots table (PariVision bronze/silver or any):
/// each player's make rate by zone against the league (all shots of the table) and shot selection (`ShotCoaching`).
enum ShotCoachingCell {
  static let descriptor = KindDescriptor(
    name: "shot_coaching", version: 1,
    summary: "Shot coaching: a player's make rate by zone vs the league and shot selection → findings and measurable recommendations.",
    options: [
      OptionSpec("input", .table, required: true, doc: "A shots table, one row per attempt."),
      OptionSpec("player", .string, default: "Player Name", doc: "Column with the shooter's name."),
      OptionSpec("zone", .string, default: "Shot Zone Basic", doc: "Column with the zone label (e.g. `Mid-Range`)."),
      OptionSpec("made", .string, default: "Shot Made Flag", doc: "Column with the outcome (1/0, true/false, made/missed)."),
      OptionSpec("points", .string, doc: "Column with the shot's value (2 or 3); overrides `shot_type`."),
      OptionSpec("shot_type", .string, doc: "Column whose text contains `3` for three-point attempts (default: `Shot Type` when present; else the zone label decides)."),
      OptionSpec("players", .list(.string), doc: "Only report these players (the league reference still uses every shot)."),
      OptionSpec("minimum_attempts", .integer, default: 25, range: .atLeast(1), doc: "Shots a player needs to be analysed."),
      OptionSpec("minimum_zone_attempts", .integer, default: 10, range: .atLeast(1), doc: "Attempts in a zone needed to judge its make rate."),
      OptionSpec("max_players", .integer, default: 10, range: .atLeast(1), doc: "Players analysed (most attempts first)."),
      OptionSpec("language", .choice(["en", "fr"]), default: "en", doc: "Report language."),
    ])

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let table = try context.table(try o.requiredString("input"))
    func column(_ option: String, fallback: String? = nil) throws -> Column? {
      guard let name = try o.string(option) ?? fallback else { return nil }
      guard let c = table.column(named: name) else {
        if fallback != nil && !o.has(option) && option == "shot_type" { return nil }
        throw CellError("unknown column `\(name)` for `\(option)`", at: o.location(of: option),
                        hint: Suggest.hint(for: name, in: table.columnNames) ?? "columns: \(table.columnNames.joined(separator: ", "))")
      }
      return c
    }
    guard let playerColumn = try column("player"), let zoneColumn = try column("zone"), let madeColumn = try column("made") else {
      throw CellError("`player`, `zone` and `made` must name columns")
    }
    let pointsColumn = try column("points")
    let typeColumn = pointsColumn == nil ? try column("shot_type", fallback: "Shot Type") : nil

    var players: [String] = [], zones: [String] = [], made: [Bool] = []
    var points: [Int]? = (pointsColumn != nil || typeColumn != nil) ? [] : nil
    var skipped = 0
    for r in 0..<table.rowCount {
      guard !playerColumn.isNull(r), !zoneColumn.isNull(r), !madeColumn.isNull(r) else { skipped += 1; continue }
      guard let m = outcome(madeColumn.value(at: r)) else {
        throw CellError("row \(r + 1): `\(madeColumn.name)` = `\(madeColumn.value(at: r))` is not a shot outcome", at: o.location(of: "made"),
                        hint: "use 1/0, true/false or made/missed")
      }
      var value: Int?
      if let pc = pointsColumn {
        guard let v = pc.value(at: r).doubleValue, v == 2 || v == 3 else {
          throw CellError("row \(r + 1): `\(pc.name)` = `\(pc.value(at: r))` is not 2 or 3", at: o.location(of: "points"))
        }
        value = Int(v)
      } else if let tc = typeColumn {
        value = tc.value(at: r).description.contains("3") ? 3 : 2
      }
      players.append(playerColumn.value(at: r).description)
      zones.append(zoneColumn.value(at: r).description)
      made.append(m)
      if let value { points?.append(value) }
    }
    let language = try o.choice("language", as: ReportLanguage.self)
    let wanted = try o.strings("players")
    let minimumAttempts = try o.integer("minimum_attempts")
    let minimumZone = try o.integer("minimum_zone_attempts")
    let maxPlayers = try o.integer("max_players")
    if let wanted {
      let known = Set(players)
      for w in wanted where !known.contains(w) {
        throw CellError("no shot by `\(w)` in the table", at: o.location(of: "players"), hint: Suggest.hint(for: w, in: Array(known).sorted()) ?? "check the spelling")
      }
    }
    var report: ShotCoachingReport
    do {
      report = try ShotCoaching.analyze(players: players, zones: zones, made: made, points: points, minimumAttempts: minimumAttempts,
                                        minimumZoneAttempts: minimumZone, maxPlayers: wanted == nil ? maxPlayers : Int.max, language: language)
    } catch {
      throw CellError("\(error)", at: o.cellLocation)
    }
    if let wanted {
      let keep = Set(wanted)
      report.comparisons = report.comparisons.filter { keep.contains($0.player) }
      report.recommendations = report.recommendations.filter { $0.playerName.map(keep.contains) ?? false }
      report.findings = report.findings.filter { f in wanted.contains { f.contains($0) } }
    }
    let markdown = report.markdown()
    let fr = language == .french

    var b = FibaTables.Builder()
    for c in report.comparisons {
      b.string("player", c.player); b.string("zone", c.zone); b.int("attempts", c.attempts); b.int("made", c.made)
      b.float("rate", c.rate); b.float("league_rate", c.leagueRate); b.float("z", c.zScore); b.float("share", c.share)
      b.float("league_share", c.leagueShare); b.float("points_per_shot", c.pointsPerShot); b.float("league_points_per_shot", c.leaguePointsPerShot)
    }
    let analysed = Array(Set(report.comparisons.map(\.player))).sorted()
    let result: JSONValue = .object([
      "shots": .int(made.count), "rows_skipped_null": .int(skipped), "players_analysed": .array(analysed.map { .string($0) }),
      "league": .object(["make_rate": .double(made.isEmpty ? 0 : Double(made.filter { $0 }.count) / Double(made.count))]),
      "comparisons": .array(report.comparisons.map { c in
        .object(["player": .string(c.player), "zone": .string(c.zone), "attempts": .int(c.attempts), "made": .int(c.made),
                 "rate": .double(c.rate), "league_rate": .double(c.leagueRate), "z": FibaTables.json(c.zScore), "share": .double(c.share),
                 "league_share": .double(c.leagueShare), "points_per_shot": .double(c.pointsPerShot),
                 "league_points_per_shot": .double(c.leaguePointsPerShot),
                 "verdict": .string(c.attempts < minimumZone ? "too_few_attempts" : (c.zScore <= -1.96 ? "weakness" : (c.zScore >= 1.96 ? "strength" : "in_line")))])
      }),
      "findings": .array(report.findings.map { .string($0) }),
      "recommendations": .array(report.recommendations.map(CoachCell.recommendationJSON)),
      "thresholds": .object(["minimum_attempts": .int(minimumAttempts), "minimum_zone_attempts": .int(minimumZone), "z": .double(1.96),
                             "overuse_share": .double(0.25), "overuse_points_per_shot_gap": .double(0.15), "overuse_share_excess": .double(0.10)]),
    ])
    var warnings: [String] = []
    if skipped > 0 { warnings.append("\(skipped) row(s) with a null player, zone or outcome left out") }
    if analysed.isEmpty { warnings.append("no player has \(minimumAttempts) shots or more: nothing to coach (lower `minimum_attempts`)") }
    let blocks: [ReportBlock] = [
      .facts([.init(fr ? "tirs" : "shots", TableOps.formatCount(made.count)), .init(fr ? "joueurs analysés" : "players analysed", String(analysed.count)),
              .init(fr ? "recommandations" : "recommendations", String(report.recommendations.count))]),
      .markdown("### " + (fr ? "Constats" : "Findings") + "\n\n" + (report.findings.isEmpty ? (fr ? "- Aucun constat." : "- No finding.") : report.findings.map { "- \($0)" }.joined(separator: "\n"))),
      .markdown("### " + (fr ? "Recommandations" : "Recommendations") + "\n\n" + (report.recommendations.isEmpty ? "-" : report.recommendations.map { "- \($0.text)" }.joined(separator: "\n"))),
      .table(caption: fr ? "Réussite par zone (joueur vs ligue)" : "Make rate by zone (player vs league)",
             columns: ["player", "zone", "att", "rate %", "league %", "z", "share %", "league share %"],
             rows: report.comparisons.map { [$0.player, $0.zone, String($0.attempts), FibaTables.fixed($0.rate * 100), FibaTables.fixed($0.leagueRate * 100),
                                             FibaTables.fixed($0.zScore, 2), FibaTables.fixed($0.share * 100), FibaTables.fixed($0.leagueShare * 100)] },
             note: "z = (rate − league rate) / √(league rate·(1 − league rate)/attempts); |z| ≥ 1.96 is a finding (docs/coaching.md)"),
    ]
    return CellOutput(result: result, tables: [("comparisons", try b.frame())], files: [("report.md", Array(markdown.utf8))],
                      report: blocks, warnings: warnings)
  }

  /// 1/0, true/false, made/missed, yes/no.
  static func outcome(_ v: Value) -> Bool? {
    switch v {
    case .bool(let b): return b
    case .int(let i): return i == 0 || i == 1 ? i == 1 : nil
    case .float(let d): return d == 0 || d == 1 ? d == 1 : nil
    case .string(let s):
      switch s.lowercased().trimmingCharacters(in: .whitespaces) {
      case "1", "true", "made", "make", "yes", "y", "t": return true
      case "0", "false", "missed", "miss", "no", "n", "f": return false
      default: return nil
      }
    case .null: return nil
    }
  }
}
