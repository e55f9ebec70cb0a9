/// Player metrics checked for individual findings; thresholds apply only above a minimum volume (docs/coaching.md).
public enum PlayerMetric: String, Sendable, Codable, CaseIterable {
  case turnoverPct = "player_tov_pct"
  case trueShootingPct = "player_ts_pct"
  case freeThrowPct = "player_ft_pct"
  case threePointPct = "player_three_pct"
  case personalFouls = "player_fouls"
  case assistToTurnover = "player_ast_to"

  /// Value in display units, or nil when the player's volume is below the minimum for this metric.
  public func value(_ p: PlayerGameMetrics) -> Double? {
    let c = p.counts
    switch self {
    case .turnoverPct: return c.turnovers >= 3 ? 100 * p.turnoverPct : nil
    case .trueShootingPct:
      return Double(c.fieldGoalsAttempted) + 0.44 * Double(c.freeThrowsAttempted) >= 8 ? 100 * p.trueShootingPct : nil
    case .freeThrowPct:
      return c.freeThrowsAttempted >= 4 ? 100 * Double(c.freeThrowsMade) / Double(c.freeThrowsAttempted) : nil
    case .threePointPct:
      return c.threePointersAttempted >= 5 ? 100 * Double(c.threePointersMade) / Double(c.threePointersAttempted) : nil
    case .personalFouls: return Double(c.personalFouls)
    case .assistToTurnover: return c.assists + c.turnovers >= 4 ? Double(c.assists) / Double(max(c.turnovers, 1)) : nil
    }
  }

  public var isPercent: Bool { self != .personalFouls && self != .assistToTurnover }
  public var higherIsBetter: Bool { self != .turnoverPct && self != .personalFouls }
  public var decimals: Int { self == .personalFouls ? 0 : (self == .assistToTurnover ? 1 : 1) }

  /// (target when weak, weakness threshold).
  public var thresholds: (good: Double, bad: Double) {
    switch self {
    case .turnoverPct: return (15, 20)
    case .trueShootingPct: return (52, 45)
    case .freeThrowPct: return (75, 65)
    case .threePointPct: return (33, 25)
    case .personalFouls: return (3, 4)
    case .assistToTurnover: return (1.5, 1.0)
    }
  }

  public var spread: Double {
    switch self {
    case .turnoverPct: return 6
    case .trueShootingPct: return 8
    case .freeThrowPct, .threePointPct: return 12
    case .personalFouls: return 1
    case .assistToTurnover: return 0.5
    }
  }

  public func shortName(_ l: ReportLanguage) -> String {
    switch self {
    case .turnoverPct: return "TOV%"
    case .trueShootingPct: return "TS%"
    case .freeThrowPct: return l == .french ? "LF%" : "FT%"
    case .threePointPct: return "3P%"
    case .personalFouls: return l == .french ? "fautes personnelles" : "personal fouls"
    case .assistToTurnover: return l == .french ? "ratio passes/pertes" : "AST/TO"
    }
  }

  public func focus(_ l: ReportLanguage) -> String {
    switch (self, l) {
    case (.turnoverPct, .english): return "Ball security"
    case (.turnoverPct, .french): return "Sécurité de balle"
    case (.trueShootingPct, .english): return "Shot selection and finishing"
    case (.trueShootingPct, .french): return "Sélection de tirs et finition"
    case (.freeThrowPct, .english): return "Free throws"
    case (.freeThrowPct, .french): return "Lancers francs"
    case (.threePointPct, .english): return "Three-point shooting"
    case (.threePointPct, .french): return "Tir à trois points"
    case (.personalFouls, .english): return "Defensive discipline"
    case (.personalFouls, .french): return "Discipline défensive"
    case (.assistToTurnover, .english): return "Decision making"
    case (.assistToTurnover, .french): return "Prise de décision"
    }
  }
}
