/// Rebuilds on-court units from the starters and the chronological substitutions.
///
/// A substitution only marks the unit as changed; the stint is closed (at the substitution's time) when the next
/// non-substitution event arrives, so the swapped in/out pairs of the feed never create 4- or 6-player stints.
/// Stints are also closed at every period boundary. Points are attributed to the stints open when the running score (s1/s2)
/// changes, which is how the vendor's +/- is computed; possessions are estimated per stint from FGA − ORB + TOV + 0.44·FTA.
enum StintBuilder {
  struct Open {
    var players: Set<Int>
    var period: GamePeriod
    var startClock: Double, startElapsed: Double
    var pointsFor = 0, pointsAgainst = 0
    var possFor = 0.0, possAgainst = 0.0
  }

  static func build(
    gameID: String, events: [PlayByPlayEvent], players: [FibaPlayer], periods: [GamePeriod],
    periodLength: (GamePeriod) -> Double, offsets: [GamePeriod: Double]
  ) -> [Stint] {
    guard let firstPeriod = periods.first else { return [] }
    var onCourt: [Set<Int>] = [[], [], []]
    for p in players where p.starter { onCourt[p.teamNumber].insert(p.pno) }
    var open: [Open?] = [nil, nil, nil]
    var result: [Stint] = []
    var currentPeriod = firstPeriod
    var lastScore = (0, 0)
    var pendingChange = [false, false, false]
    var pendingTime = [(0.0, 0.0), (0.0, 0.0), (0.0, 0.0)]  // (clock, elapsed) of the first pending substitution

    func close(_ t: Int, clock: Double, elapsed: Double) {
      guard let o = open[t] else { return }
      let stint = Stint(
        gameID: gameID, teamNumber: t, players: o.players.sorted(), period: o.period,
        startClock: o.startClock, endClock: clock, startElapsed: o.startElapsed, endElapsed: elapsed,
        pointsFor: o.pointsFor, pointsAgainst: o.pointsAgainst, possessionsFor: o.possFor, possessionsAgainst: o.possAgainst)
      open[t] = nil
      if stint.seconds > 0 || stint.pointsFor != 0 || stint.pointsAgainst != 0 || stint.possessionsFor != 0 || stint.possessionsAgainst != 0 {
        result.append(stint)
      }
    }
    func start(_ t: Int, period: GamePeriod, clock: Double, elapsed: Double) {
      open[t] = Open(players: onCourt[t], period: period, startClock: clock, startElapsed: elapsed)
    }
    let startLength = periodLength(firstPeriod)
    let startOffset = offsets[firstPeriod] ?? 0
    for t in [1, 2] { start(t, period: firstPeriod, clock: startLength, elapsed: startOffset) }

    for e in events {
      if e.period != currentPeriod {
        let endElapsed = (offsets[currentPeriod] ?? 0) + periodLength(currentPeriod)
        for t in [1, 2] {
          if pendingChange[t] { close(t, clock: pendingTime[t].0, elapsed: pendingTime[t].1); pendingChange[t] = false }
          close(t, clock: 0, elapsed: endElapsed)
        }
        currentPeriod = e.period
        let len = periodLength(e.period), off = offsets[e.period] ?? 0
        for t in [1, 2] { start(t, period: e.period, clock: len, elapsed: off) }
      }
      if e.actionType == "substitution" {
        guard e.teamNumber == 1 || e.teamNumber == 2 else { continue }
        let t = e.teamNumber
        if !pendingChange[t] { pendingChange[t] = true; pendingTime[t] = (e.clockRemaining, e.elapsed) }
        if e.subType == "in" { onCourt[t].insert(e.pno) } else if e.subType == "out" { onCourt[t].remove(e.pno) }
        continue
      }
      for t in [1, 2] where pendingChange[t] {
        pendingChange[t] = false
        if let o = open[t], o.players != onCourt[t] {
          close(t, clock: pendingTime[t].0, elapsed: pendingTime[t].1)
          start(t, period: e.period, clock: pendingTime[t].0, elapsed: pendingTime[t].1)
        }
      }
      // Points follow the running score columns (the vendor's +/- does too), not the scoring event itself.
      let d1 = e.score1 - lastScore.0, d2 = e.score2 - lastScore.1
      lastScore = (e.score1, e.score2)
      if d1 != 0 || d2 != 0 {
        open[1]?.pointsFor += d1; open[1]?.pointsAgainst += d2
        open[2]?.pointsFor += d2; open[2]?.pointsAgainst += d1
      }
      guard e.teamNumber == 1 || e.teamNumber == 2 else { continue }
      let t = e.teamNumber, o = 3 - e.teamNumber
      var poss = 0.0
      if e.isFieldGoalAttempt { poss += 1 }
      if e.actionType == "freethrow" { poss += 0.44 }
      if e.actionType == "turnover" { poss += 1 }
      if e.actionType == "rebound" && e.subType == "offensive" { poss -= 1 }
      if poss != 0 {
        open[t]?.possFor += poss
        open[o]?.possAgainst += poss
      }
    }
    let endElapsed = (offsets[currentPeriod] ?? 0) + periodLength(currentPeriod)
    let lastClock = events.last?.clockRemaining ?? 0
    for t in [1, 2] {
      if pendingChange[t] { close(t, clock: pendingTime[t].0, elapsed: pendingTime[t].1) }
      close(t, clock: 0, elapsed: lastClock == 0 ? endElapsed : (events.last?.elapsed ?? endElapsed))
    }
    return result.sorted { ($0.startElapsed, $0.teamNumber) < ($1.startElapsed, $1.teamNumber) }
  }
}
