/// Shots → findings → recommendations, on plain arrays.
///
/// Rules (docs/coaching.md): players with ≥ `minimumAttempts` shots, most attempts first, top `maxPlayers`.
/// Make rate: a zone with ≥ `minimumZoneAttempts` attempts is a weakness when z ≤ −1.96 and a strength when
/// z ≥ 1.96 (normal approximation of the binomial around the league rate). Shot selection: a zone is over-used
/// when it holds ≥ 25 % of the player's attempts, its points per shot are ≥ 0.15 below the league's overall points
/// per shot, and the player's share exceeds the league share by ≥ 10 points. Zone value: `points` when given, else
/// 3 when the zone label contains "3", 2 otherwise. Up to two recommendations per player, largest gaps first.
public enum ShotCoaching {
  public static func analyze(
    players: [String], zones: [String], made: [Bool], points: [Int]? = nil, minimumAttempts: Int = 25,
    minimumZoneAttempts: Int = 10, maxPlayers: Int = 10, language: ReportLanguage = .english
  ) throws -> ShotCoachingReport {
    guard players.count == zones.count, zones.count == made.count, points.map({ $0.count == made.count }) ?? true else {
      throw ShotCoachingError.lengthMismatch(
        "players (\(players.count)), zones (\(zones.count)), made (\(made.count))\(points.map { ", points (\($0.count))" } ?? "") must have the same length")
    }
    let fr = language == .french
    var sheet = FactSheet(language: language)
    let n = made.count
    func value(_ i: Int) -> Int { points?[i] ?? (zones[i].contains("3") ? 3 : 2) }
    var zoneAttempts: [String: Int] = [:], zoneMade: [String: Int] = [:], zonePoints: [String: Int] = [:]
    var totalPoints = 0
    for i in 0..<n {
      zoneAttempts[zones[i], default: 0] += 1
      if made[i] { zoneMade[zones[i], default: 0] += 1; zonePoints[zones[i], default: 0] += value(i); totalPoints += value(i) }
    }
    let leaguePPS = n > 0 ? Double(totalPoints) / Double(n) : 0
    var byPlayer: [String: [Int]] = [:]
    for i in 0..<n { byPlayer[players[i], default: []].append(i) }
    let selected = byPlayer.filter { $0.value.count >= minimumAttempts }
      .sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }
      .prefix(max(0, maxPlayers))
    var comparisons: [ShotZoneComparison] = [], findings: [String] = [], recs: [Recommendation] = []
    let ppsText = { (v: Double, s: inout FactSheet, label: String) in s.number(v, decimals: 2, label: label) }
    for (player, idx) in selected {
      _ = sheet.name(player)
      var a: [String: Int] = [:], m: [String: Int] = [:], pts: [String: Int] = [:]
      for i in idx {
        a[zones[i], default: 0] += 1
        if made[i] { m[zones[i], default: 0] += 1; pts[zones[i], default: 0] += value(i) }
      }
      var candidates: [(gap: Double, rec: Recommendation)] = []
      for zone in a.keys.sorted() {
        let attempts = a[zone] ?? 0
        let la = zoneAttempts[zone] ?? 0
        guard attempts > 0, la > 0 else { continue }
        let rate = Double(m[zone] ?? 0) / Double(attempts)
        let leagueRate = Double(zoneMade[zone] ?? 0) / Double(la)
        let se = (leagueRate * (1 - leagueRate) / Double(attempts)).squareRoot()
        let z = se > 0 ? (rate - leagueRate) / se : 0
        let c = ShotZoneComparison(
          player: player, zone: zone, attempts: attempts, made: m[zone] ?? 0, rate: rate,
          share: Double(attempts) / Double(idx.count), leagueRate: leagueRate, leagueShare: Double(la) / Double(max(n, 1)),
          zScore: z, pointsPerShot: Double(pts[zone] ?? 0) / Double(attempts),
          leaguePointsPerShot: Double(zonePoints[zone] ?? 0) / Double(la))
        comparisons.append(c)
        if attempts >= minimumZoneAttempts && abs(z) >= 1.96 {
          let r = sheet.percent(rate, label: "\(player) \(zone) make rate")
          let l = sheet.percent(leagueRate, label: "league \(zone) make rate")
          let att = sheet.int(attempts, label: "\(player) \(zone) attempts")
          if z < 0 {
            findings.append(fr ? "\(player) : \(r) de réussite en \(zone) sur \(att) tirs, nettement sous la ligue (\(l)) — point faible."
                               : "\(player): \(r) make rate in \(zone) on \(att) attempts, well below the league's \(l) (weakness).")
            let text = fr ? "\(player) — \(zone) : faire passer la réussite de \(r) à \(l) (moyenne de la ligue) ou réduire ces tirs."
                          : "\(player) — \(zone): raise the make rate from \(r) to \(l) (league average) or cut these attempts."
            candidates.append((-z, Recommendation(
              teamNumber: 0, teamName: "", playerName: player, focus: zone, metric: "make_rate", current: 100 * rate,
              target: 100 * leagueRate, lowerIsBetter: false, maintain: false, text: text)))
          } else {
            findings.append(fr ? "\(player) : \(r) de réussite en \(zone) sur \(att) tirs, nettement au-dessus de la ligue (\(l)) — point fort."
                               : "\(player): \(r) make rate in \(zone) on \(att) attempts, well above the league's \(l) (strength).")
          }
        }
        let overUsed = c.share >= 0.25 && c.pointsPerShot <= leaguePPS - 0.15 && c.share - c.leagueShare >= 0.10
          && attempts >= minimumZoneAttempts
        if overUsed {
          let share = sheet.percent(c.share, label: "\(player) \(zone) share")
          let lshare = sheet.percent(c.leagueShare, label: "league \(zone) share")
          let pps = ppsText(c.pointsPerShot, &sheet, "\(player) \(zone) points per shot")
          let lpps = ppsText(leaguePPS, &sheet, "league points per shot")
          findings.append(fr ? "\(player) : \(share) des tirs en \(zone) (ligue \(lshare)) pour \(pps) pt/tir contre \(lpps) en moyenne — sélection de tirs."
                             : "\(player): \(share) of attempts from \(zone) (league \(lshare)) at \(pps) points per shot vs \(lpps) overall — shot selection.")
          let target = max(c.leagueShare, 0.25)
          let t = sheet.percent(target, label: "\(zone) share target")
          let text = fr ? "\(player) — sélection de tirs : faire passer la part de tirs en \(zone) de \(share) à moins de \(t)."
                        : "\(player) — shot selection: cut the share of attempts from \(zone) from \(share) to under \(t)."
          candidates.append(((leaguePPS - c.pointsPerShot) * 10, Recommendation(
            teamNumber: 0, teamName: "", playerName: player, focus: zone, metric: "zone_share", current: 100 * c.share,
            target: 100 * target, lowerIsBetter: true, maintain: false, text: text)))
        }
      }
      recs += candidates.sorted { $0.gap != $1.gap ? $0.gap > $1.gap : $0.rec.text < $1.rec.text }.prefix(2).map(\.rec)
    }
    return ShotCoachingReport(language: language, comparisons: comparisons, findings: findings, recommendations: recs,
                              facts: sheet.facts)
  }
}
