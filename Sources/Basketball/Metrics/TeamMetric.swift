/// A team metric used for findings, with its documented thresholds (see docs/coaching.md).
///
/// Values are in display units: percentages as percent (52.6), ratings in points per 100 possessions.
public enum TeamMetric: String, Sendable, Codable, CaseIterable {
  case effectiveFieldGoalPct = "efg_pct"
  case turnoverPct = "tov_pct"
  case offensiveReboundPct = "orb_pct"
  case defensiveReboundPct = "drb_pct"
  case freeThrowRate = "ft_rate"
  case freeThrowPct = "ft_pct"
  case threePointPct = "three_pct"
  case trueShootingPct = "ts_pct"
  case offensiveRating = "ortg"
  case defensiveRating = "drtg"
  case assistRatio = "ast_ratio"

  public func value(_ m: TeamGameMetrics) -> Double? {
    switch self {
    case .effectiveFieldGoalPct: return 100 * m.effectiveFieldGoalPct
    case .turnoverPct: return 100 * m.turnoverPct
    case .offensiveReboundPct: return 100 * m.offensiveReboundPct
    case .defensiveReboundPct: return 100 * m.defensiveReboundPct
    case .freeThrowRate: return 100 * m.freeThrowRate
    case .freeThrowPct: return m.totals.freeThrowsAttempted >= 10 ? 100 * m.freeThrowPct : nil
    case .threePointPct: return m.totals.threePointersAttempted >= 10 ? 100 * m.threePointPct : nil
    case .trueShootingPct: return 100 * m.trueShootingPct
    case .offensiveRating: return m.offensiveRating
    case .defensiveRating: return m.defensiveRating
    case .assistRatio: return m.assistRatio.map { 100 * $0 }
    }
  }

  public var isPercent: Bool { self != .offensiveRating && self != .defensiveRating }
  public var higherIsBetter: Bool { self != .turnoverPct && self != .defensiveRating }

  /// (strength threshold, weakness threshold) in display units.
  public var thresholds: (good: Double, bad: Double) {
    switch self {
    case .effectiveFieldGoalPct: return (50, 45)
    case .turnoverPct: return (15, 18)
    case .offensiveReboundPct: return (30, 22)
    case .defensiveReboundPct: return (75, 68)
    case .freeThrowRate: return (20, 15)
    case .freeThrowPct: return (75, 65)
    case .threePointPct: return (35, 28)
    case .trueShootingPct: return (55, 48)
    case .offensiveRating: return (105, 92)
    case .defensiveRating: return (92, 105)
    case .assistRatio: return (60, 45)
    }
  }

  /// Typical spread (display units) used to rank gaps when no league reference is given.
  public var defaultSpread: Double {
    switch self {
    case .effectiveFieldGoalPct, .trueShootingPct: return 5
    case .turnoverPct: return 3
    case .offensiveReboundPct, .defensiveReboundPct, .freeThrowRate: return 6
    case .freeThrowPct, .threePointPct, .assistRatio: return 8
    case .offensiveRating, .defensiveRating: return 10
    }
  }

  public func shortName(_ l: ReportLanguage) -> String {
    switch self {
    case .effectiveFieldGoalPct: return "eFG%"
    case .turnoverPct: return "TOV%"
    case .offensiveReboundPct: return "ORB%"
    case .defensiveReboundPct: return "DRB%"
    case .freeThrowRate: return l == .french ? "taux de LF (LFM/TT)" : "FT rate (FTM/FGA)"
    case .freeThrowPct: return l == .french ? "LF%" : "FT%"
    case .threePointPct: return "3P%"
    case .trueShootingPct: return "TS%"
    case .offensiveRating: return "ORtg"
    case .defensiveRating: return "DRtg"
    case .assistRatio: return l == .french ? "passes décisives / paniers" : "AST/FGM"
    }
  }

  /// The training focus a weakness on this metric calls for.
  public func focus(_ l: ReportLanguage) -> String {
    switch (self, l) {
    case (.effectiveFieldGoalPct, .english): return "Shot quality"
    case (.effectiveFieldGoalPct, .french): return "Qualité de tir"
    case (.turnoverPct, .english): return "Ball security"
    case (.turnoverPct, .french): return "Sécurité de balle"
    case (.offensiveReboundPct, .english): return "Offensive rebounding"
    case (.offensiveReboundPct, .french): return "Rebond offensif"
    case (.defensiveReboundPct, .english): return "Defensive rebounding (box-out)"
    case (.defensiveReboundPct, .french): return "Rebond défensif (écran retard)"
    case (.freeThrowRate, .english): return "Attacking the rim / drawing fouls"
    case (.freeThrowRate, .french): return "Attaque du cercle / provoquer des fautes"
    case (.freeThrowPct, .english): return "Free-throw shooting"
    case (.freeThrowPct, .french): return "Lancers francs"
    case (.threePointPct, .english): return "Three-point shooting"
    case (.threePointPct, .french): return "Tir à trois points"
    case (.trueShootingPct, .english): return "Scoring efficiency"
    case (.trueShootingPct, .french): return "Efficacité offensive"
    case (.offensiveRating, .english): return "Half-court offence"
    case (.offensiveRating, .french): return "Attaque placée"
    case (.defensiveRating, .english): return "Team defence"
    case (.defensiveRating, .french): return "Défense collective"
    case (.assistRatio, .english): return "Ball movement"
    case (.assistRatio, .french): return "Circulation de balle"
    }
  }
}
