import Foundation

/// Accounting identities of a LiveStats game (box score ↔ team totals ↔ play-by-play ↔ shots ↔ stints).
///
/// The identities (fiba.md §2–§5): score = Σ period scores; Σ player PTS = team PTS; FGM = 2PM + 3PM (team and
/// every player line); PTS = 2·2PM + 3·3PM + FTM; team REB/ORB/DRB = Σ players + team rebounds; team TOV = Σ players
/// + team turnovers; team PF = Σ player PF; vendor team EFF (`tot_eff_1`) = Σ player EFF + team REB − team TOV; play-by-play FGA, FTA, assists, turnovers, counted rebounds and points
/// equal the box; shots listed = FGA; final play-by-play score = team score; each player's on-court +/- rebuilt from
/// the stints = box +/-; Σ player +/- = 5 × margin; stint points for = team points; Σ player minutes = 5 × game length (± 5 s).
public enum Reconciliation {
  /// Identities known not to hold exactly in particular source files, keyed "gameID|team|check" → explanation.
  /// Found by running every identity on the 80 games of `../shared/datasets/fiba_livestats` (see docs/basketball.md).
  public static let documentedExceptions: [String: String] = [
    "1918231|2|Σ player +/- = 5 × margin": boxMinutesOff,
    "1918231|2|Σ player minutes = 5 × game length (± 5 s)": boxMinutesOff + " (335 s too many)",
    "2615552|1|Σ player +/- = 5 × margin": boxMinutesOff,
    "2615552|1|Σ player minutes = 5 × game length (± 5 s)": boxMinutesOff + " (111 s missing)",
    "2322007|1|players whose play-by-play +/- = box +/-": freeThrowUnit,
    "2322007|2|players whose play-by-play +/- = box +/-": freeThrowUnit,
    "2322046|1|players whose play-by-play +/- = box +/-": freeThrowUnit,
    "2513252|1|players whose play-by-play +/- = box +/-": freeThrowUnit,
  ]
  static let boxMinutesOff =
    "the vendor's box-score minutes/+/- do not describe five players at all times for this team (fiba.md: holds in 235/238 teams)"
  static let freeThrowUnit =
    "box +/- differs by exactly 1 for pairs of players: one point credited by the vendor to the unit before/after a substitution, unlike the play-by-play order"

  public static func checks(_ game: FibaGame) -> [ReconciliationCheck] {
    var out: [ReconciliationCheck] = []
    func add(_ team: Int, _ name: String, _ expected: Double, _ actual: Double, tolerance: Double = 0) {
      let key = "\(game.gameID)|\(team)|\(name)"
      out.append(ReconciliationCheck(
        gameID: game.gameID, teamNumber: team, name: name, expected: expected, actual: actual, tolerance: tolerance,
        documentedException: abs(expected - actual) <= tolerance ? nil : documentedExceptions[key]))
    }
    func d(_ i: Int) -> Double { Double(i) }
    let onCourt = OnCourtTotals.compute(game)
    for team in game.teams {
      let t = team.teamNumber
      let roster = game.players(of: t)
      let sum = roster.reduce(BoxCounts()) { $0 + $1.counts }
      let box = team.totals
      let opp = game.opponent(of: t)
      let ev = game.events.filter { $0.teamNumber == t }
      add(t, "score = Σ period scores", d(team.score), d(team.quarterScores.reduce(0, +) + (team.overtimeScore ?? 0)))
      add(t, "score = total points", d(team.score), d(box.points))
      add(t, "Σ player points = team points", d(box.points), d(sum.points))
      add(t, "FGM = 2PM + 3PM", d(box.fieldGoalsMade), d(box.twoPointersMade + box.threePointersMade))
      add(t, "FGA = 2PA + 3PA", d(box.fieldGoalsAttempted), d(box.twoPointersAttempted + box.threePointersAttempted))
      add(t, "player lines with FGM = 2PM + 3PM", d(roster.count),
          d(roster.filter { $0.counts.fieldGoalsMade == $0.counts.twoPointersMade + $0.counts.threePointersMade }.count))
      add(t, "PTS = 2·2PM + 3·3PM + FTM", d(box.points),
          d(2 * box.twoPointersMade + 3 * box.threePointersMade + box.freeThrowsMade))
      add(t, "REB = Σ player REB + team REB", d(box.rebounds), d(sum.rebounds + team.teamRebounds))
      add(t, "ORB = Σ player ORB + team ORB", d(box.offensiveRebounds), d(sum.offensiveRebounds + team.teamOffensiveRebounds))
      add(t, "DRB = Σ player DRB + team DRB", d(box.defensiveRebounds), d(sum.defensiveRebounds + team.teamDefensiveRebounds))
      add(t, "TOV = Σ player TOV + team TOV", d(box.turnovers), d(sum.turnovers + team.teamTurnovers))
      add(t, "PF = Σ player PF", d(box.personalFouls), d(sum.personalFouls))
      if let teamEFF = team.vendorEFF {
        add(t, "team EFF = Σ player EFF + team REB − team TOV", teamEFF,
            d(roster.reduce(0) { $0 + PlayerGameMetrics.efficiency($1.counts) } + team.teamRebounds - team.teamTurnovers))
      }
      add(t, "play-by-play FGA = FGA", d(box.fieldGoalsAttempted), d(ev.filter(\.isFieldGoalAttempt).count))
      add(t, "play-by-play FTA = FTA", d(box.freeThrowsAttempted), d(ev.filter { $0.actionType == "freethrow" }.count))
      add(t, "play-by-play points = points", d(box.points), d(ev.reduce(0) { $0 + $1.points }))
      add(t, "play-by-play assists = AST", d(box.assists), d(ev.filter { $0.actionType == "assist" }.count))
      add(t, "play-by-play turnovers = TOV", d(box.turnovers), d(ev.filter { $0.actionType == "turnover" }.count))
      add(t, "play-by-play rebounds (excl. dead-ball) = REB", d(box.rebounds), d(ev.filter(\.isCountedRebound).count))
      add(t, "shots listed = FGA", d(box.fieldGoalsAttempted), d(game.shots.filter { $0.teamNumber == t }.count))
      if let last = game.events.last {
        add(t, "final play-by-play score = score", d(team.score), d(t == 1 ? last.score1 : last.score2))
      }
      add(t, "stint points for = points", d(box.points),
          d(game.stints.filter { $0.teamNumber == t }.reduce(0) { $0 + $1.pointsFor }))
      let played = roster.filter { !$0.didNotPlay || onCourt[PlayerKey(team: t, pno: $0.pno)] != nil }
      add(t, "players whose play-by-play +/- = box +/-", d(played.count),
          d(played.filter { (onCourt[PlayerKey(team: t, pno: $0.pno)]?.plusMinus ?? 0) == $0.plusMinus }.count))
      if let opp {
        add(t, "Σ player +/- = 5 × margin", d(5 * (team.score - opp.score)), d(roster.reduce(0) { $0 + $1.plusMinus }))
      }
      add(t, "Σ player minutes = 5 × game length (± 5 s)", 5 * game.lengthSeconds, team.playedSeconds, tolerance: 5)
    }
    return out
  }
}
