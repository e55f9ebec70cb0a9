import Basketball
import Engine
import Foundation
import Frame
import Plotting
import WorkbookModel

/// Turns parsed ``FibaGame`` values into the tables of `load` with `format: fiba_livestats`
/// (`games`, `teams`, `players`, `pbp`, `shots`, `stints`, `checks`), and back: the games themselves travel
/// between cells as `fiba_games.json` (the Codable `[FibaGame]`), so `coach` and `impact` see exactly what was parsed.
enum FibaTables {
  /// Name of the file a fiba `load` cell writes its parsed games into.
  static let gamesFile = "fiba_games.json"

  /// A small column builder: appends typed values row by row, then makes a `Frame`.
  struct Builder {
    private var order: [String] = []
    private var ints: [String: [Int64]] = [:]
    private var floats: [String: [Double]] = [:]
    private var floatValid: [String: [Bool]] = [:]
    private var strings: [String: [String?]] = [:]
    private var bools: [String: [Bool]] = [:]

    private mutating func note(_ name: String) { if !order.contains(name) { order.append(name) } }
    mutating func int(_ name: String, _ v: Int) { note(name); ints[name, default: []].append(Int64(v)) }
    mutating func float(_ name: String, _ v: Double?) {
      note(name)
      let ok = v.map { $0.isFinite } ?? false
      floats[name, default: []].append(ok ? (v ?? 0) : 0)
      floatValid[name, default: []].append(ok)
    }
    mutating func string(_ name: String, _ v: String?) { note(name); strings[name, default: []].append(v) }
    mutating func bool(_ name: String, _ v: Bool) { note(name); bools[name, default: []].append(v) }

    func frame() throws -> Frame {
      try Frame(columns: order.map { n in
        if let v = ints[n] { return Column(name: n, ints: v) }
        if let v = floats[n] { return Column(name: n, floats: v, validity: floatValid[n]) }
        if let v = bools[n] { return Column(name: n, bools: v) }
        return Column(name: n, strings: strings[n] ?? [])
      })
    }
  }

  static func box(_ b: inout Builder, _ c: BoxCounts) {
    b.int("pts", c.points)
    b.int("fgm", c.fieldGoalsMade); b.int("fga", c.fieldGoalsAttempted)
    b.int("fg2m", c.twoPointersMade); b.int("fg2a", c.twoPointersAttempted)
    b.int("fg3m", c.threePointersMade); b.int("fg3a", c.threePointersAttempted)
    b.int("ftm", c.freeThrowsMade); b.int("fta", c.freeThrowsAttempted)
    b.int("orb", c.offensiveRebounds); b.int("drb", c.defensiveRebounds); b.int("reb", c.rebounds)
    b.int("ast", c.assists); b.int("tov", c.turnovers); b.int("stl", c.steals); b.int("blk", c.blocks)
    b.int("blk_received", c.blocksReceived); b.int("pf", c.personalFouls); b.int("fouls_drawn", c.foulsDrawn)
    b.int("pts_second_chance", c.pointsSecondChance); b.int("pts_fast_break", c.pointsFastBreak)
    b.int("pts_paint", c.pointsInThePaint)
  }

  static func teamName(_ game: FibaGame, _ number: Int) -> String { game.team(number)?.name ?? "team \(number)" }

  /// Court position in centimetres in `CourtGeometry.fiba()` coordinates (hoop at 0,0; x across the court,
  /// y from the hoop towards half court). Shots on the far half are rotated onto the near one.
  static func courtPosition(x: Double, y: Double) -> (x: Double, y: Double) {
    let mirrored = x > 50
    let along = (mirrored ? 100 - x : x) / 100 * ShotZone.courtLength - ShotZone.basketFromBaseline
    let across = ((mirrored ? 100 - y : y) / 100 - 0.5) * ShotZone.courtWidth
    return ((across * 1000).rounded() / 10, (along * 1000).rounded() / 10)
  }

  static func tables(_ games: [FibaGame], checks: [[ReconciliationCheck]]) throws -> [(name: String, frame: Frame)] {
    var g = Builder(), t = Builder(), p = Builder(), e = Builder(), s = Builder(), st = Builder(), c = Builder()
    for (gi, game) in games.enumerated() {
      let gameChecks = gi < checks.count ? checks[gi] : []
      g.string("game_id", game.gameID); g.string("file", game.fileName); g.string("season", game.seasonLabel)
      g.string("home", teamName(game, 1)); g.string("away", teamName(game, 2))
      g.int("home_score", game.team(1)?.score ?? 0); g.int("away_score", game.team(2)?.score ?? 0)
      g.int("periods", game.periods.count); g.bool("overtime", game.wentToOvertime)
      g.float("length_s", game.lengthSeconds)
      g.float("attendance", game.attendance.map(Double.init))
      g.int("events", game.events.count); g.int("shots", game.shots.count); g.int("stints", game.stints.count)
      g.int("checks", gameChecks.count); g.int("checks_failed", gameChecks.filter { !$0.passed }.count)
      g.int("checks_undocumented", gameChecks.filter { !$0.acceptable }.count)

      for team in game.teams {
        t.string("game_id", game.gameID); t.int("team", team.teamNumber); t.string("team_key", team.teamKey)
        t.string("name", team.name); t.string("raw_name", team.rawName); t.string("code", team.code)
        t.string("coach", team.coach); t.int("score", team.score)
        t.int("opponent_score", game.opponent(of: team.teamNumber)?.score ?? 0)
        t.string("quarter_scores", team.quarterScores.map(String.init).joined(separator: ","))
        t.float("ot_score", team.overtimeScore.map(Double.init))
        box(&t, team.totals)
        t.int("team_reb", team.teamRebounds); t.int("team_orb", team.teamOffensiveRebounds)
        t.int("team_drb", team.teamDefensiveRebounds); t.int("team_tov", team.teamTurnovers)
        t.int("pts_from_tov", team.pointsFromTurnovers); t.int("bench_pts", team.benchPoints)
        t.string("reported_minutes", team.reportedMinutes); t.float("played_s", team.playedSeconds)
      }

      for pl in game.players {
        p.string("game_id", game.gameID); p.int("team", pl.teamNumber); p.string("team_name", teamName(game, pl.teamNumber))
        p.int("pno", pl.pno); p.string("name", pl.name); p.string("shirt", pl.shirtNumber)
        p.bool("starter", pl.starter); p.bool("captain", pl.captain); p.string("position", pl.playingPosition)
        p.bool("did_not_play", pl.didNotPlay); p.float("seconds", pl.seconds)
        p.float("minutes", (pl.seconds / 60 * 100).rounded() / 100)
        box(&p, pl.counts); p.int("plus_minus", pl.plusMinus)
        p.float("eff_1", pl.vendorEFF); p.float("eff_3", pl.vendorGameScore); p.float("eff_5", pl.vendorPIR)
      }

      for ev in game.events {
        e.string("game_id", game.gameID); e.int("sequence", ev.sequence); e.int("action_number", ev.actionNumber)
        e.string("period", ev.period.label); e.float("clock_remaining_s", ev.clockRemaining); e.float("elapsed_s", ev.elapsed)
        e.int("score1", ev.score1); e.int("score2", ev.score2); e.int("team", ev.teamNumber); e.int("pno", ev.pno)
        e.string("player", ev.pno > 0 ? game.player(team: ev.teamNumber, pno: ev.pno)?.name : nil)
        e.string("action_type", ev.actionType); e.string("sub_type", ev.subType)
        e.string("qualifiers", ev.qualifiers.joined(separator: ","))
        e.bool("success", ev.success); e.bool("attempt", ev.isAttempt); e.int("points", ev.points)
      }

      for shot in game.shots {
        let pos = courtPosition(x: shot.x, y: shot.y)
        s.string("game_id", game.gameID); s.int("team", shot.teamNumber); s.string("team_name", teamName(game, shot.teamNumber))
        s.int("pno", shot.pno); s.string("player", game.player(team: shot.teamNumber, pno: shot.pno)?.name)
        s.string("period", shot.period.label); s.int("action_number", shot.actionNumber)
        s.bool("made", shot.made); s.bool("three", shot.isThree); s.int("points", shot.made ? (shot.isThree ? 3 : 2) : 0)
        s.float("x_pct", shot.x); s.float("y_pct", shot.y); s.float("court_x_cm", pos.x); s.float("court_y_cm", pos.y)
        s.float("distance_m", (ShotZone.distance(x: shot.x, y: shot.y) * 100).rounded() / 100)
        s.string("zone", shot.zone.rawValue); s.string("sub_type", shot.subType)
      }

      for (i, stint) in game.stints.enumerated() {
        st.string("game_id", game.gameID); st.int("stint", i + 1); st.int("team", stint.teamNumber)
        st.string("players", stint.players.map(String.init).joined(separator: ","))
        st.string("names", stint.players.map { game.player(team: stint.teamNumber, pno: $0)?.name ?? "#\($0)" }.joined(separator: ", "))
        st.int("size", stint.players.count); st.string("period", stint.period.label)
        st.float("start_clock_s", stint.startClock); st.float("end_clock_s", stint.endClock)
        st.float("start_elapsed_s", stint.startElapsed); st.float("end_elapsed_s", stint.endElapsed)
        st.float("seconds", stint.seconds); st.int("points_for", stint.pointsFor); st.int("points_against", stint.pointsAgainst)
        st.int("plus_minus", stint.plusMinus)
        st.float("possessions_for", stint.possessionsFor); st.float("possessions_against", stint.possessionsAgainst)
      }

      for check in gameChecks {
        c.string("game_id", game.gameID); c.int("team", check.teamNumber); c.string("identity", check.name)
        c.float("expected", check.expected); c.float("actual", check.actual); c.float("tolerance", check.tolerance)
        c.bool("passed", check.passed); c.string("documented_exception", check.documentedException)
      }
    }
    return [("games", try g.frame()), ("teams", try t.frame()), ("players", try p.frame()), ("pbp", try e.frame()),
            ("shots", try s.frame()), ("stints", try st.frame()), ("checks", try c.frame())]
  }

  /// The games a fiba `load` cell parsed (`input: cell` or `cell.table`: the cell part is used).
  static func games(of reference: String, context: CellContext, option: String) throws -> [FibaGame] {
    let cell = try CellReference.table(reference, at: context.options.location(of: option)).cell
    let bytes: [UInt8]
    do { bytes = try context.file(gamesFile, of: cell) } catch {
      throw CellError("cell `\(cell)` has no parsed FIBA games", at: context.options.location(of: option),
                      hint: "point `\(option)` at a `load` cell with `format: fiba_livestats`")
    }
    do { return try JSONDecoder().decode([FibaGame].self, from: Data(bytes)) } catch {
      throw CellError("cannot read the games of cell `\(cell)`: \(error)", at: context.options.location(of: option),
                      hint: "re-run the load cell (`workbench run --force`)")
    }
  }

  static func encode(_ games: [FibaGame]) throws -> [UInt8] {
    try JSONValue(encoding: games).serializedBytes(pretty: false)
  }

  /// Renders a chart into the scratch folder and returns its SVG and gnuplot script as output files.
  static func render(_ chart: Chart, name: String, context: CellContext) async throws -> [(name: String, bytes: [UInt8])] {
    let folder = context.scratchDirectory.appendingPathComponent("figures")
    do {
      let figure = try await GnuplotRenderer().render(chart, name: name, in: folder, formats: [.svg])
      var files: [(name: String, bytes: [UInt8])] = []
      if let svg = figure.svg { files.append(("\(name).svg", Array(try Data(contentsOf: svg)))) }
      files.append(("\(name).gp", Array(try Data(contentsOf: figure.script))))
      return files
    } catch {
      throw CellError("figure `\(name)`: \(error)", hint: "gnuplot must be on PATH (apt-get install gnuplot-nox)")
    }
  }

  /// "12.3" with fixed decimals (no locale).
  static func fixed(_ x: Double?, _ decimals: Int = 1) -> String {
    guard let x, x.isFinite else { return "—" }
    let s = String(format: "%.\(decimals)f", x)
    return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
  }

  static func json(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .double($0) : .null } ?? .null }
}
