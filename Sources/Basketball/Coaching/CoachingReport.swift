/// A deterministic post-match report: findings, post-mortem for both teams, recommendations, and the facts
/// (numbers with their rounding and names) that any generated phrasing must stick to.
public struct CoachingReport: Sendable, Codable, Equatable {
  public var gameID: String
  public var language: ReportLanguage
  public var title: String
  public var findings: [Finding]
  public var postMortems: [TeamPostMortem]
  public var teamRecommendations: [Recommendation]
  public var playerRecommendations: [Recommendation]
  public var facts: GroundingFacts

  /// The report as Markdown (headings, bullet lists); byte-identical for identical inputs.
  public func markdown() -> String {
    let fr = language == .french
    var out = "# \(title)\n\n"
    out += "## \(fr ? "Constats" : "Findings")\n\n"
    for f in findings { out += "- \(f.text)\n" }
    if findings.isEmpty { out += fr ? "- Aucun constat au-delà des seuils.\n" : "- No figure crosses a threshold.\n" }
    out += "\n## \(fr ? "Bilan" : "Post-mortem")\n\n"
    for pm in postMortems {
      out += "### \(pm.teamName) — \(fr ? "collectif" : "collective")\n\n"
      for l in pm.collective { out += "- \(l)\n" }
      out += "\n### \(pm.teamName) — \(fr ? "individuel" : "individual")\n\n"
      for l in pm.individual { out += "- \(l)\n" }
      out += "\n"
    }
    out += "## \(fr ? "Recommandations d'entraînement" : "Training recommendations")\n\n"
    for pm in postMortems {
      out += "### \(pm.teamName)\n\n"
      for (i, r) in teamRecommendations.filter({ $0.teamNumber == pm.teamNumber }).enumerated() {
        out += "\(i + 1). \(r.text)\n"
      }
      let players = playerRecommendations.filter { $0.teamNumber == pm.teamNumber }
      if !players.isEmpty {
        out += "\n\(fr ? "Joueuses et joueurs clés" : "Key players") :\n\n".replacingOccurrences(of: "Key players :", with: "Key players:")
        for r in players { out += "- \(r.text)\n" }
      }
      out += "\n"
    }
    return out
  }
}
