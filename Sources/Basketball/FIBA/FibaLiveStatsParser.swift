import Foundation
import WorkbenchCore

/// Reads FIBA LiveStats `data.json` files (the Genius Sports "v5" feed) into ``FibaGame`` values.
///
/// Handles the quirks listed in docs/basketball.md: numbers written as strings or ints, "M:SS" minutes,
/// unreliable `tot_sMinutes`, optional keys, overtime numbering, newest-first play-by-play, team rebounds
/// and turnovers, unstable team names. Any malformed input throws ``FibaParseError`` (file + JSON path).
public enum FibaLiveStatsParser {
  /// Parses one file.
  public static func load(file url: URL) throws -> FibaGame {
    let name = url.lastPathComponent
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw FibaParseError(file: name, path: "$", message: "cannot read file (\(error.localizedDescription))")
    }
    return try parse(data: data, fileName: name)
  }

  /// Parses every `*.json` file of a folder (sorted by name), or one file when `url` is a file.
  /// Team keys are unified across the folder with ``TeamNameNormalizer``.
  public static func load(_ url: URL) throws -> [FibaGame] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw FibaParseError(file: url.lastPathComponent, path: "$", message: "no such file or folder: \(url.path)")
    }
    guard isDirectory.boolValue else { return [try load(file: url)] }
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
      throw FibaParseError(file: url.lastPathComponent, path: "$", message: "cannot list folder (\(error.localizedDescription))")
    }
    let files = names.filter { $0.lowercased().hasSuffix(".json") }.sorted()
    let games = try files.map { try load(file: url.appendingPathComponent($0)) }
    return TeamNameNormalizer.unify(games)
  }

  /// Game id and season label from a file name: `data_<gameId>_<year>.json` → ("<gameId>", "<year>").
  /// (The source project's bug took the last field — the year — as the id.) Other names: the stem is the id.
  public static func gameIdentity(fileName: String) -> (id: String, season: String?) {
    var stem = fileName
    if let dot = stem.lastIndex(of: ".") { stem = String(stem[..<dot]) }
    let parts = stem.split(separator: "_").map(String.init)
    if parts.count >= 2, parts[0].lowercased() == "data", !parts[1].isEmpty {
      return (parts[1], parts.count >= 3 ? parts[2] : nil)
    }
    if let numeric = parts.first(where: { !$0.isEmpty && $0.allSatisfy(\.isNumber) && $0.count >= 5 }) {
      return (numeric, nil)
    }
    return (stem, nil)
  }

  /// Parses the bytes of one file; `fileName` is used for the game id and in error messages.
  public static func parse(data: Data, fileName: String) throws -> FibaGame {
    let json: JSONValue
    do { json = try JSONValue.parse(Array(data)) } catch {
      throw FibaParseError(file: fileName, path: "$", message: "not valid JSON (\(error))")
    }
    let root = JSONCursor(value: json, path: "$", file: fileName)
    _ = try root.object()
    let (gameID, season) = gameIdentity(fileName: fileName)

    let regularMinutes = try root.optionalChild("periodLengthREGULAR")?.double() ?? root.optionalChild("periodLength")?.double() ?? 10
    let overtimeMinutes = try root.optionalChild("periodLengthOVERTIME")?.double() ?? 5
    guard regularMinutes > 0, overtimeMinutes > 0 else {
      throw root.fail("period lengths must be positive (periodLengthREGULAR \(regularMinutes), periodLengthOVERTIME \(overtimeMinutes))")
    }
    func length(_ p: GamePeriod) -> Double { (p.isOvertime ? overtimeMinutes : regularMinutes) * 60 }

    // Play-by-play, made chronological.
    let pbpCursor = try root.child("pbp")
    let rawEvents = try pbpCursor.array()
    var parsedEvents: [PlayByPlayEvent] = []
    parsedEvents.reserveCapacity(rawEvents.count)
    for (seq, c) in rawEvents.reversed().enumerated() {
      parsedEvents.append(try parseEvent(c, gameID: gameID, sequence: seq))
    }
    // Periods played: regulation 1…max(4, seen) plus the overtimes seen.
    var periodSet = Set(parsedEvents.map(\.period))
    let lastRegular = max(4, periodSet.filter { !$0.isOvertime }.map(\.number).max() ?? 4)
    for n in 1...lastRegular { periodSet.insert(GamePeriod(number: n, isOvertime: false)) }
    if let topOT = periodSet.filter(\.isOvertime).map(\.number).max() {
      for n in 1...topOT { periodSet.insert(GamePeriod(number: n, isOvertime: true)) }
    }
    let periods = periodSet.sorted()
    var offsets: [GamePeriod: Double] = [:]
    var running = 0.0
    for p in periods { offsets[p] = running; running += length(p) }
    for i in parsedEvents.indices {
      let p = parsedEvents[i].period
      let len = length(p)
      let remaining = min(max(parsedEvents[i].clockRemaining, 0), len)
      parsedEvents[i].elapsed = (offsets[p] ?? 0) + (len - remaining)
    }

    // Teams and players.
    let tm = try root.child("tm")
    var teams: [FibaTeam] = []
    var players: [FibaPlayer] = []
    var shots: [FibaShot] = []
    for number in [1, 2] {
      let tc = try tm.child(String(number))
      let (team, roster, teamShots) = try parseTeam(tc, number: number, gameID: gameID)
      teams.append(team)
      players += roster
      shots += teamShots
    }

    let stints = StintBuilder.build(gameID: gameID, events: parsedEvents, players: players,
                                    periods: periods, periodLength: length, offsets: offsets)
    let inOT = try root.int("inOT", default: 0) == 1 || periods.contains(where: \.isOvertime)
    return FibaGame(
      gameID: gameID, fileName: fileName, seasonLabel: season, teams: teams, players: players,
      events: parsedEvents, shots: shots, stints: stints, periods: periods, periodLengths: periods.map(length),
      attendance: try root.optionalChild("attendance")?.int(), wentToOvertime: inOT)
  }

  static func parsePeriod(_ c: JSONCursor, numberKey: String, typeKey: String) throws -> GamePeriod {
    let number = try c.int(numberKey)
    let typeText = try c.string(typeKey, default: "REGULAR").uppercased()
    guard number >= 1, number <= 20 else { throw try c.child(numberKey).fail("expected a period number 1…20, found \(number)") }
    switch typeText {
    case "REGULAR", "": return GamePeriod(number: number, isOvertime: false)
    case "OVERTIME": return GamePeriod(number: number, isOvertime: true)
    default: throw try c.child(typeKey).fail("expected \"REGULAR\" or \"OVERTIME\", found \"\(typeText)\"")
    }
  }

  static func parseEvent(_ c: JSONCursor, gameID: String, sequence: Int) throws -> PlayByPlayEvent {
    let period = try parsePeriod(c, numberKey: "period", typeKey: "periodType")
    let clock: Double
    // A present `clock` must be a clock: "xx" or "-5:00:00" is an error naming the event, not a silent 0 or `gt`.
    if let cc = c.optionalChild("clock"), cc.stringValue?.trimmingCharacters(in: .whitespaces).isEmpty != true {
      clock = try cc.clockSeconds()
    } else {
      clock = try c.child("gt").clockSeconds()
    }
    var previous: Int? = nil
    if let p = c.optionalChild("previousAction") {
      if let s = p.stringValue, s.trimmingCharacters(in: .whitespaces).isEmpty { previous = nil } else { previous = try p.int() }
    }
    var qualifiers: [String] = []
    if let q = c.optionalChild("qualifier") { qualifiers = try q.array().map { try $0.string() } }
    let team = try c.int("tno", default: 0)
    guard (0...2).contains(team) else { throw try c.child("tno").fail("expected team 0, 1 or 2, found \(team)") }
    return PlayByPlayEvent(
      gameID: gameID, sequence: sequence, actionNumber: try c.int("actionNumber"), previousAction: previous,
      period: period, clockRemaining: clock, elapsed: 0,
      score1: try c.int("s1"), score2: try c.int("s2"), teamNumber: team, pno: try c.int("pno", default: 0),
      actionType: try c.child("actionType").string(), subType: try c.string("subType"), qualifiers: qualifiers,
      success: try c.int("success", default: 1) != 0, isAttempt: try c.int("scoring", default: 0) != 0)
  }

  static func parseTeam(_ c: JSONCursor, number: Int, gameID: String) throws -> (FibaTeam, [FibaPlayer], [FibaShot]) {
    let rawName = try c.child("name").string()
    let code = try c.string("code").trimmingCharacters(in: .whitespaces).uppercased()
    let folded = TeamNameNormalizer.fold(rawName)
    var quarters: [Int] = []
    for q in 1...4 { quarters.append(try c.int("p\(q)_score", default: 0)) }
    let plCursor = try c.child("pl")
    let plObject = try plCursor.object()
    var roster: [FibaPlayer] = []
    for key in plObject.keys {
      let pc = try plCursor.child(key)
      guard let pno = Int(key) else { throw pc.fail("player key must be a number (pno), found \"\(key)\"") }
      roster.append(try parsePlayer(pc, pno: pno, team: number, gameID: gameID))
    }
    roster.sort { $0.pno < $1.pno }
    var shots: [FibaShot] = []
    if let sc = c.optionalChild("shot") {
      for s in try sc.array() {
        let isThree = try s.child("actionType").string() == "3pt"
        let x = try s.child("x").double(), y = try s.child("y").double()
        shots.append(FibaShot(
          gameID: gameID, teamNumber: number, pno: try s.optionalChild("pno")?.int() ?? s.int("p"),
          period: try parsePeriod(s, numberKey: "per", typeKey: "perType"), made: try s.int("r") != 0,
          isThree: isThree, x: x, y: y, actionNumber: try s.int("actionNumber", default: 0),
          subType: try s.string("subType"), zone: ShotZone.classify(x: x, y: y, isThree: isThree)))
      }
    }
    let totals = try BoxCounts(c, prefix: "tot_")
    let team = FibaTeam(
      gameID: gameID, teamNumber: number, rawName: rawName, name: folded, shortName: try c.string("shortName"),
      code: code, teamKey: code.isEmpty ? folded : code, coach: try c.string("coach"),
      score: try c.optionalChild("score")?.int() ?? totals.points, quarterScores: quarters,
      overtimeScore: try c.optionalChild("ot_score")?.int(), totals: totals,
      teamRebounds: try c.int("tot_sReboundsTeam", default: 0),
      teamOffensiveRebounds: try c.int("tot_sReboundsTeamOffensive", default: 0),
      teamDefensiveRebounds: try c.int("tot_sReboundsTeamDefensive", default: 0),
      teamTurnovers: try c.int("tot_sTurnoversTeam", default: 0),
      foulsTotal: try c.int("tot_sFoulsTotal", default: totals.personalFouls),
      pointsFromTurnovers: try c.int("tot_sPointsFromTurnovers", default: 0),
      benchPoints: try c.int("tot_sBenchPoints", default: 0),
      biggestLead: try c.optionalChild("tot_sBiggestLead")?.int(),
      biggestScoringRun: try c.optionalChild("tot_sBiggestScoringRun")?.int(),
      leadChanges: try c.optionalChild("tot_sLeadChanges")?.int(),
      timesTied: try c.optionalChild("tot_sTimesScoresLevel")?.int(),
      reportedMinutes: try c.string("tot_sMinutes"),
      playedSeconds: roster.reduce(0) { $0 + $1.seconds },
      vendorEFF: try c.optionalChild("tot_eff_1")?.double())
    return (team, roster, shots)
  }

  static func parsePlayer(_ c: JSONCursor, pno: Int, team: Int, gameID: String) throws -> FibaPlayer {
    let seconds = try c.child("sMinutes").clockSeconds()
    let first = try c.string("firstName"), family = try c.string("familyName")
    var name = try c.string("name")
    if name.isEmpty { name = try c.string("scoreboardName") }
    if name.isEmpty { name = [first.first.map { "\($0)." }, family].compactMap { $0 }.joined(separator: " ") }
    return FibaPlayer(
      gameID: gameID, teamNumber: team, pno: pno, name: name, firstName: first, familyName: family,
      shirtNumber: try c.string("shirtNumber"), starter: try c.int("starter", default: 0) != 0,
      captain: try c.int("captain", default: 0) != 0, playingPosition: try c.string("playingPosition"),
      seconds: seconds, didNotPlay: seconds <= 0, counts: try BoxCounts(c, prefix: ""),
      plusMinus: try c.int("sPlusMinusPoints", default: 0),
      vendorEFF: try c.optionalChild("eff_1")?.double(), vendorGameScore: try c.optionalChild("eff_3")?.double(),
      vendorPIR: try c.optionalChild("eff_5")?.double())
  }
}
