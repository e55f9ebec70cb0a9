import Basketball
import Foundation
import Learn
import WorkbenchCore

/// The mutable state of one simulated game.
struct SimulationState {
  struct SimPlayer {
    var pno: Int
    var first: String, family: String, shirt: String
    var twoSkill: Double, threeSkill: Double, usage: Double, rebounding: Double
    var counts = BoxCounts()
    var seconds = 0
    var plusMinus = 0
    var starter = false
  }

  static let firstNames = ["Alix", "Bérénice", "Camille", "Daphné", "Elsa", "Fanny", "Gaëlle", "Hélène", "Inès", "Jade",
                           "Katell", "Léna", "Maëlys", "Nora", "Océane", "Pauline", "Romane", "Salomé", "Tiphaine", "Ysé"]
  static let familyNames = ["Abalain", "Bernic", "Corlay", "Dagorn", "Euzen", "Floc'h", "Guivarc'h", "Hamon", "Inizan",
                            "Jaouen", "Kervella", "Le Bihan", "Madec", "Nédélec", "Olier", "Pennec", "Quéméner", "Riou",
                            "Salaün", "Tanguy", "Urvoy", "Vourc'h"]
  static let teamNames = [("ARMOR CITY BASKET", "ARM", "ARMOR"), ("CÔTE D'OPALE BC", "OPA", "OPALE"),
                          ("VALLÉE NOIRE BASKET", "VNB", "VALLEE"), ("PORT-AUX-LIONS", "PAL", "LIONS"),
                          ("MONTS DU NORD BC", "MDN", "MONTS"), ("RIVIERA BASKET FÉMININ", "RIV", "RIVIERA")]

  var rng: SeededGenerator
  var players: [[SimPlayer]] = [[], [], []]  // index 1, 2
  var onCourt: [[Int]] = [[], [], []]        // indices into players[t]
  var events: [[String: JSONValue]] = []
  var actionNumber = 0
  var score = [0, 0, 0]
  var teamOffReb = [0, 0, 0], teamDefReb = [0, 0, 0], teamTov = [0, 0, 0]
  var shots: [[JSONValue]] = [[], [], []]
  var period = 1
  var isOvertime = false
  var remaining = 600
  var periodScores: [[Int]] = [[], [], []]
  let scoresAsStrings: Bool

  init(seed: UInt64) {
    rng = SeededGenerator(seed: seed)
    scoresAsStrings = seed % 2 == 0
  }

  mutating func uniform() -> Double { rng.nextDouble() }
  mutating func pick(_ n: Int) -> Int { n > 0 ? rng.nextInt(below: n) : 0 }
  mutating func weighted(_ weights: [Double]) -> Int {
    let total = weights.reduce(0, +)
    guard total > 0 else { return 0 }
    var u = uniform() * total
    for (i, w) in weights.enumerated() {
      u -= w
      if u < 0 { return i }
    }
    return max(0, weights.count - 1)
  }

  var periodType: String { isOvertime ? "OVERTIME" : "REGULAR" }
  var periodLength: Int { isOvertime ? 300 : 600 }

  static func clock(_ seconds: Int) -> String {
    String(format: "%02d:%02d", seconds / 60, seconds % 60)
  }

  // MARK: events

  @discardableResult
  mutating func emit(_ type: String, _ sub: String, team: Int = 0, player: Int? = nil, success: Bool = true,
                     attempt: Bool = false, previous: Int? = nil, qualifiers: [String] = []) -> Int {
    actionNumber += 1
    var e: [String: JSONValue] = [
      "actionNumber": .int(actionNumber), "actionType": .string(type), "subType": .string(sub), "tno": .int(team),
      "period": .int(period), "periodType": .string(periodType), "gt": .string(Self.clock(remaining)),
      "clock": .string(Self.clock(remaining) + ":00"),
      "s1": scoresAsStrings ? .string(String(score[1])) : .int(score[1]),
      "s2": scoresAsStrings ? .string(String(score[2])) : .int(score[2]),
      "lead": .int(score[1] - score[2]), "success": success ? 1 : 0, "scoring": attempt ? 1 : 0,
      "previousAction": previous.map { .int($0) } ?? "", "qualifier": .array(qualifiers.map { .string($0) }),
    ]
    if let i = player, team >= 1 {
      let p = players[team][i]
      e["pno"] = .int(p.pno)
      e["player"] = .string("\(p.first.prefix(1)). \(p.family.uppercased())")
      e["shirtNumber"] = .string(p.shirt)
      e["firstName"] = .string(p.first)
      e["familyName"] = .string(p.family)
      e["scoreboardName"] = .string("\(p.first.prefix(1)). \(p.family)")
    } else {
      e["pno"] = 0
      e["player"] = ""
      e["shirtNumber"] = ""
    }
    events.append(e)
    return actionNumber
  }

  mutating func addPoints(_ team: Int, _ points: Int) {
    score[team] += points
    for i in onCourt[team] { players[team][i].plusMinus += points }
    for i in onCourt[3 - team] { players[3 - team][i].plusMinus -= points }
  }

  mutating func runClock(_ seconds: Int) {
    let s = min(seconds, remaining)
    remaining -= s
    for t in [1, 2] { for i in onCourt[t] { players[t][i].seconds += s } }
  }

  // MARK: rosters

  mutating func makeRosters() -> [(String, String, String)] {
    var chosen: [(String, String, String)] = []
    let a = pick(Self.teamNames.count)
    var b = pick(Self.teamNames.count - 1)
    if b >= a { b += 1 }
    chosen = [Self.teamNames[a], Self.teamNames[b]]
    var used = Set<String>()
    for t in [1, 2] {
      var shirts = Array(0...99).map(String.init) + ["00"]
      rng.shuffle(&shirts)
      for pno in 1...12 {
        var first = "", family = ""
        repeat {
          first = Self.firstNames[pick(Self.firstNames.count)]
          family = Self.familyNames[pick(Self.familyNames.count)]
        } while used.contains(first + family)
        used.insert(first + family)
        let quality = pno <= 5 ? 1.0 : (pno <= 10 ? 0.85 : 0.6)
        var p = SimPlayer(
          pno: pno, first: first, family: family, shirt: shirts[pno],
          twoSkill: 0.9 + 0.2 * uniform(), threeSkill: 0.8 + 0.4 * uniform(),
          usage: quality * (0.5 + uniform()), rebounding: 0.5 + uniform())
        p.starter = pno <= 5
        players[t].append(p)
      }
      onCourt[t] = [0, 1, 2, 3, 4]
    }
    return chosen
  }

  // MARK: substitutions

  mutating func maybeSubstitute(force: Bool = false) {
    for t in [1, 2] {
      var swaps = 0
      // Players with 5 fouls must leave.
      for slot in onCourt[t].indices where players[t][onCourt[t][slot]].counts.personalFouls >= 5 {
        if let bench = benchCandidate(t) { substitute(t, slot: slot, incoming: bench); swaps += 1 }
      }
      guard force || uniform() < 0.3 else { continue }
      let n = 1 + pick(2)
      for _ in 0..<n {
        let slot = pick(onCourt[t].count)
        if let bench = benchCandidate(t) { substitute(t, slot: slot, incoming: bench); swaps += 1 }
      }
    }
  }

  /// A bench player (never the two designated did-not-play players, never one with 5 fouls).
  mutating func benchCandidate(_ t: Int) -> Int? {
    let candidates = (0..<10).filter { !onCourt[t].contains($0) && players[t][$0].counts.personalFouls < 5 }
    guard !candidates.isEmpty else { return nil }
    return candidates[pick(candidates.count)]
  }

  mutating func substitute(_ t: Int, slot: Int, incoming: Int) {
    guard onCourt[t].indices.contains(slot) else { return }
    let outgoing = onCourt[t][slot]
    onCourt[t][slot] = incoming
    if uniform() < 0.2 {  // the feed sometimes lists "in" before "out"
      emit("substitution", "in", team: t, player: incoming)
      emit("substitution", "out", team: t, player: outgoing)
    } else {
      emit("substitution", "out", team: t, player: outgoing)
      emit("substitution", "in", team: t, player: incoming)
    }
  }

  // MARK: possessions

  mutating func chooseShooter(_ t: Int) -> Int {
    let slots = onCourt[t]
    return slots[weighted(slots.map { players[t][$0].usage })]
  }

  mutating func chooseOther(_ t: Int, excluding: Int) -> Int {
    let slots = onCourt[t].filter { $0 != excluding }
    guard !slots.isEmpty else { return excluding }
    return slots[pick(slots.count)]
  }

  /// Which basket team `t` attacks: team 1 left (x < 50) in the first half, right afterwards; team 2 the opposite.
  func attacksLeft(_ t: Int) -> Bool {
    let firstHalf = !isOvertime && period <= 2
    return (t == 1) == firstHalf
  }

  mutating func shotLocation(zone: Basketball.ShotZone, left: Bool) -> (Double, Double) {
    let b = Basketball.ShotZone.basketFromBaseline
    for _ in 0..<64 {
      var fromBaseline = 0.0, lateral = 0.0
      switch zone {
      case .restrictedArea:
        let r = 1.2 * uniform(), th = (uniform() - 0.5) * Double.pi
        fromBaseline = b + r * _cos(th); lateral = r * _sin(th)
      case .paint:
        fromBaseline = 0.3 + 5.4 * uniform(); lateral = (uniform() - 0.5) * 4.8
      case .midRange:
        let r = 1.4 + 5.0 * uniform(), th = (uniform() - 0.5) * 0.95 * Double.pi
        fromBaseline = b + r * _cos(th); lateral = r * _sin(th)
      case .corner3:
        fromBaseline = 0.3 + 2.6 * uniform(); lateral = (uniform() < 0.5 ? -1 : 1) * (6.7 + 0.5 * uniform())
      case .aboveBreak3:
        let r = 6.9 + 1.5 * uniform(), th = (uniform() - 0.5) * 0.8 * Double.pi
        fromBaseline = b + r * _cos(th); lateral = r * _sin(th)
      }
      guard fromBaseline > 0.1, abs(lateral) < 7.4 else { continue }
      let xp = (fromBaseline / Basketball.ShotZone.courtLength * 100 * 100).rounded() / 100
      let y = ((lateral / Basketball.ShotZone.courtWidth + 0.5) * 100 * 100).rounded() / 100
      let x = left ? xp : 100 - xp
      if Basketball.ShotZone.classify(x: x, y: y, isThree: zone.isThree) == zone { return (x, y) }
    }
    // Fallbacks inside each zone.
    let fallback: (Double, Double)
    switch zone {
    case .restrictedArea: fallback = (5.63, 50)
    case .paint: fallback = (12, 45)
    case .midRange: fallback = (20, 50)
    case .corner3: fallback = (5, 95)
    case .aboveBreak3: fallback = (32, 50)
    }
    return left ? fallback : (100 - fallback.0, fallback.1)
  }

  /// Plays one possession of team `o`; returns true when the offence keeps the ball (offensive rebound or foul).
  mutating func possession(_ o: Int, secondChance: Bool) -> Bool {
    let d = 3 - o
    runClock(secondChance ? 3 + pick(10) : 8 + pick(17))
    let r = uniform()
    if r < 0.14 {
      if uniform() < 0.08 {
        emit("turnover", "24sec", team: o, qualifiers: ["team"])
        teamTov[o] += 1
      } else {
        let p = chooseShooter(o)
        players[o][p].counts.turnovers += 1
        let kinds = ["badpass", "ballhandling", "travel", "outofbounds", "offensive"]
        let tov = emit("turnover", kinds[pick(kinds.count)], team: o, player: p)
        if uniform() < 0.35 {
          let s = onCourt[d][pick(onCourt[d].count)]
          players[d][s].counts.steals += 1
          emit("steal", "", team: d, player: s, previous: tov)
        }
      }
      maybeSubstitute()
      return false
    }
    if r < 0.24 {
      let shooter = chooseShooter(o)
      let fouler = onCourt[d][pick(onCourt[d].count)]
      players[d][fouler].counts.personalFouls += 1
      players[o][shooter].counts.foulsDrawn += 1
      let foul = emit("foul", "personal", team: d, player: fouler, qualifiers: ["shooting", "2freethrow"])
      emit("foulon", "", team: o, player: shooter, previous: foul)
      maybeSubstitute()
      guard let shooterNow = onCourt[o].contains(shooter) ? shooter : onCourt[o].first else { return false }
      var keep = false
      for k in 1...2 {
        let made = uniform() < 0.74
        players[o][shooterNow].counts.freeThrowsAttempted += 1
        if made {
          players[o][shooterNow].counts.freeThrowsMade += 1
          players[o][shooterNow].counts.points += 1
          if secondChance { players[o][shooterNow].counts.pointsSecondChance += 1 }
          addPoints(o, 1)
        }
        let ft = emit("freethrow", "\(k)of2", team: o, player: shooterNow, success: made, attempt: true)
        if !made {
          if k == 1 {
            emit("rebound", "offensivedeadball", team: o, previous: ft, qualifiers: ["team"])
          } else {
            keep = rebound(o, after: ft)
          }
        }
      }
      return keep
    }
    if r < 0.30 {
      let fouler = onCourt[d][pick(onCourt[d].count)]
      let victim = onCourt[o][pick(onCourt[o].count)]
      players[d][fouler].counts.personalFouls += 1
      players[o][victim].counts.foulsDrawn += 1
      let foul = emit("foul", "personal", team: d, player: fouler)
      emit("foulon", "", team: o, player: victim, previous: foul)
      maybeSubstitute()
      return remaining > 0
    }
    // Field-goal attempt.
    let shooter = chooseShooter(o)
    let three = uniform() < 0.35
    let zone: Basketball.ShotZone
    if three {
      zone = uniform() < 0.25 ? .corner3 : .aboveBreak3
    } else {
      let z = uniform()
      zone = z < 0.35 ? .restrictedArea : (z < 0.55 ? .paint : .midRange)
    }
    let base: Double
    switch zone {
    case .restrictedArea: base = 0.60
    case .paint: base = 0.44
    case .midRange: base = 0.38
    case .corner3: base = 0.37
    case .aboveBreak3: base = 0.32
    }
    let skill = three ? players[o][shooter].threeSkill : players[o][shooter].twoSkill
    let made = uniform() < min(0.9, base * skill)
    let blocked = !made && !three && uniform() < 0.06
    var q: [String] = []
    if zone == .restrictedArea || zone == .paint { q.append("pointsinthepaint") }
    if secondChance { q.append("2ndchance") }
    if blocked { q.append("blocked") }
    let points = three ? 3 : 2
    var c = players[o][shooter].counts
    c.fieldGoalsAttempted += 1
    if three { c.threePointersAttempted += 1 } else { c.twoPointersAttempted += 1 }
    if made {
      c.fieldGoalsMade += 1
      if three { c.threePointersMade += 1 } else { c.twoPointersMade += 1 }
      c.points += points
      if secondChance { c.pointsSecondChance += points }
      if zone == .restrictedArea || zone == .paint { c.pointsInThePaint += points }
    }
    if blocked { c.blocksReceived += 1 }
    players[o][shooter].counts = c
    if made { addPoints(o, points) }
    let subTypes = three ? ["jumpshot", "pullupjumpshot", "stepbackjumpshot"] : ["layup", "jumpshot", "drivinglayup", "hookshot"]
    let shot = emit(three ? "3pt" : "2pt", subTypes[pick(subTypes.count)], team: o, player: shooter,
                    success: made, attempt: true, qualifiers: q)
    let (x, y) = shotLocation(zone: zone, left: attacksLeft(o))
    let p = players[o][shooter]
    shots[o].append([
      "r": made ? 1 : 0, "x": .double(x), "y": .double(y), "p": .int(p.pno), "pno": .int(p.pno), "tno": .int(o),
      "per": .int(period), "perType": .string(periodType), "actionType": three ? "3pt" : "2pt", "actionNumber": .int(shot),
      "previousAction": "", "subType": events.last?["subType"] ?? "", "player": .string("\(p.first.prefix(1)). \(p.family)"),
      "shirtNumber": .string(p.shirt),
    ])
    if made {
      if uniform() < 0.6 {
        let a = chooseOther(o, excluding: shooter)
        if a != shooter {
          players[o][a].counts.assists += 1
          emit("assist", "", team: o, player: a, previous: shot)
        }
      }
      return false
    }
    if blocked {
      let b = onCourt[d][pick(onCourt[d].count)]
      players[d][b].counts.blocks += 1
      emit("block", "", team: d, player: b, previous: shot)
    }
    return rebound(o, after: shot)
  }

  /// A live rebound after a miss by team `o`; true when the offence keeps the ball.
  mutating func rebound(_ o: Int, after action: Int) -> Bool {
    let offensive = uniform() < 0.28
    let t = offensive ? o : 3 - o
    if uniform() < 0.08 {
      if offensive { teamOffReb[t] += 1 } else { teamDefReb[t] += 1 }
      emit("rebound", offensive ? "offensive" : "defensive", team: t, previous: action, qualifiers: ["team"])
    } else {
      let slots = onCourt[t]
      let i = slots[weighted(slots.map { players[t][$0].rebounding })]
      if offensive { players[t][i].counts.offensiveRebounds += 1 } else { players[t][i].counts.defensiveRebounds += 1 }
      players[t][i].counts.rebounds += 1
      emit("rebound", offensive ? "offensive" : "defensive", team: t, player: i, previous: action)
    }
    return offensive
  }

  // MARK: game

  mutating func run() -> JSONValue {
    let teams = makeRosters()
    emit("game", "start")
    var offence = 1 + pick(2)
    var periodStartScore = [0, 0, 0]
    while true {
      remaining = periodLength
      emit("period", "start")
      if period == 1 && !isOvertime { emit("jumpball", "startperiod") } else { maybeSubstitute(force: true) }
      var second = false
      while remaining > 0 {
        let keep = possession(offence, secondChance: second)
        second = keep && remaining > 0
        if !keep { offence = 3 - offence }
      }
      emit("period", "end", qualifiers: ["confirmed"])
      for t in [1, 2] { periodScores[t].append(score[t] - periodStartScore[t]) }
      periodStartScore = score
      let regulationOver = isOvertime || period >= 4
      if regulationOver && score[1] != score[2] { break }
      if regulationOver && isOvertime && period >= 10 { break }  // safety valve (a tie after 10 overtimes is kept)
      if period >= 4 && !isOvertime { isOvertime = true; period = 1 } else { period += 1 }
      // Substitutions at period breaks are recorded in the new period (as in the feed).
    }
    emit("game", "end", qualifiers: ["confirmed"])
    return document(teams: teams)
  }

  func minutesText(_ seconds: Int) -> String { "\(seconds / 60):" + String(format: "%02d", seconds % 60) }

  func playerDictionary(_ t: Int, _ p: SimPlayer) -> JSONValue {
    let c = p.counts
    func pct(_ m: Int, _ a: Int) -> Int { a > 0 ? (100 * m) / a : 0 }
    let eff = PlayerGameMetrics.efficiency(c)
    var player: [String: JSONValue] = [
      "name": .string("\(p.first.prefix(1)). \(p.family)"), "scoreboardName": .string("\(p.first.prefix(1)). \(p.family)"),
      "firstName": .string(p.first), "familyName": .string(p.family), "shirtNumber": .string(p.shirt), "starter": p.starter ? 1 : 0,
      "active": onCourt[t].contains(p.pno - 1) ? 1 : 0, "playingPosition": "",
      "sMinutes": .string(minutesText(p.seconds)), "sPlusMinusPoints": .int(p.plusMinus),
      "eff_1": .int(eff), "eff_3": .double((PlayerGameMetrics.gameScore(c) * 10).rounded() / 10), "eff_5": .int(PlayerGameMetrics.pir(c)),
    ]
    let counts: [(String, Int)] = [
      ("sPoints", c.points), ("sFieldGoalsMade", c.fieldGoalsMade), ("sFieldGoalsAttempted", c.fieldGoalsAttempted),
      ("sFieldGoalsPercentage", pct(c.fieldGoalsMade, c.fieldGoalsAttempted)),
      ("sTwoPointersMade", c.twoPointersMade), ("sTwoPointersAttempted", c.twoPointersAttempted),
      ("sTwoPointersPercentage", pct(c.twoPointersMade, c.twoPointersAttempted)),
      ("sThreePointersMade", c.threePointersMade), ("sThreePointersAttempted", c.threePointersAttempted),
      ("sThreePointersPercentage", pct(c.threePointersMade, c.threePointersAttempted)),
      ("sFreeThrowsMade", c.freeThrowsMade), ("sFreeThrowsAttempted", c.freeThrowsAttempted),
      ("sFreeThrowsPercentage", pct(c.freeThrowsMade, c.freeThrowsAttempted)),
      ("sReboundsOffensive", c.offensiveRebounds), ("sReboundsDefensive", c.defensiveRebounds), ("sReboundsTotal", c.rebounds),
      ("sAssists", c.assists), ("sTurnovers", c.turnovers), ("sSteals", c.steals), ("sBlocks", c.blocks),
      ("sBlocksReceived", c.blocksReceived), ("sFoulsPersonal", c.personalFouls), ("sFoulsOn", c.foulsDrawn),
      ("sPointsSecondChance", c.pointsSecondChance), ("sPointsFastBreak", c.pointsFastBreak),
      ("sPointsInThePaint", c.pointsInThePaint),
    ]
    for (key, value) in counts { player[key] = .int(value) }
    if p.pno == 4 { player["captain"] = 1 }
    return .object(player)
  }

  func document(teams: [(String, String, String)]) -> JSONValue {
    var tm: [String: JSONValue] = [:]
    for t in [1, 2] {
      var pl: [String: JSONValue] = [:]
      var sum = BoxCounts()
      var seconds = 0
      for p in players[t] {
        pl[String(p.pno)] = playerDictionary(t, p)
        sum = sum + p.counts
        seconds += p.seconds
      }
      sum.offensiveRebounds += teamOffReb[t]
      sum.defensiveRebounds += teamDefReb[t]
      sum.rebounds += teamOffReb[t] + teamDefReb[t]
      sum.turnovers += teamTov[t]
      let (name, code, short) = teams[t - 1]
      let regulation = Array(periodScores[t].prefix(4))
      var team: [String: JSONValue] = [
        "name": .string(t == 1 ? name + " " : name), "shortName": .string(short), "code": .string(code), "nameInternational": "",
        "codeInternational": "", "coach": .string("Coach \(short.capitalized)"), "score": .int(score[t]), "full_score": .int(score[t]),
        "pl": .object(pl), "shot": .array(shots[t]), "fouls": 0, "timeouts": 0,
        "tot_sMinutes": .string(seconds == 12000 ? "199:60" : minutesText(seconds)),
      ]
      let totals: [(String, Int)] = [
        ("tot_sPoints", sum.points), ("tot_sFieldGoalsMade", sum.fieldGoalsMade),
        ("tot_sFieldGoalsAttempted", sum.fieldGoalsAttempted), ("tot_sTwoPointersMade", sum.twoPointersMade),
        ("tot_sTwoPointersAttempted", sum.twoPointersAttempted), ("tot_sThreePointersMade", sum.threePointersMade),
        ("tot_sThreePointersAttempted", sum.threePointersAttempted), ("tot_sFreeThrowsMade", sum.freeThrowsMade),
        ("tot_sFreeThrowsAttempted", sum.freeThrowsAttempted), ("tot_sReboundsOffensive", sum.offensiveRebounds),
        ("tot_sReboundsDefensive", sum.defensiveRebounds), ("tot_sReboundsTotal", sum.rebounds),
        ("tot_sAssists", sum.assists), ("tot_sTurnovers", sum.turnovers), ("tot_sSteals", sum.steals),
        ("tot_sBlocks", sum.blocks), ("tot_sBlocksReceived", sum.blocksReceived),
        ("tot_sFoulsPersonal", sum.personalFouls), ("tot_sFoulsOn", sum.foulsDrawn), ("tot_sFoulsTotal", sum.personalFouls),
        ("tot_sPointsSecondChance", sum.pointsSecondChance), ("tot_sPointsFastBreak", sum.pointsFastBreak),
        ("tot_sPointsInThePaint", sum.pointsInThePaint), ("tot_sPointsFromTurnovers", 0),
        ("tot_sBenchPoints", players[t].filter { !$0.starter }.reduce(0) { $0 + $1.counts.points }),
        ("tot_sReboundsTeam", teamOffReb[t] + teamDefReb[t]), ("tot_sReboundsTeamOffensive", teamOffReb[t]),
        ("tot_sReboundsTeamDefensive", teamDefReb[t]), ("tot_sTurnoversTeam", teamTov[t]),
        ("tot_eff_1", players[t].reduce(0) { $0 + PlayerGameMetrics.efficiency($1.counts) } + teamOffReb[t] + teamDefReb[t] - teamTov[t]),
      ]
      for (key, value) in totals { team[key] = .int(value) }
      for (i, s) in regulation.enumerated() { team["p\(i + 1)_score"] = .int(s) }
      if periodScores[t].count > 4 { team["ot_score"] = .int(periodScores[t].dropFirst(4).reduce(0, +)) }
      tm[String(t)] = .object(team)
    }
    return [
      "clock": "00:00", "period": .int(period), "periodType": .string(periodType), "inOT": isOvertime ? 1 : 0,
      "periodLength": 10, "periodLengthREGULAR": 10, "periodLengthOVERTIME": 5, "periodsMax": 4,
      "tm": .object(tm), "pbp": .array(events.reversed().map { .object($0) }), "attendance": 0, "disableMatch": 0,
      "totalTimeAdded": 0, "timeline": [], "othermatches": [],
    ]
  }
}
