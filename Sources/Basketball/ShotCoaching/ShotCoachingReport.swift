/// Findings and recommendations from a shots table (NBA PariVision or any zone-labelled shots).
public struct ShotCoachingReport: Sendable, Codable, Equatable {
  public var language: ReportLanguage
  public var comparisons: [ShotZoneComparison]
  public var findings: [String]
  public var recommendations: [Recommendation]
  public var facts: GroundingFacts

  public func markdown() -> String {
    let fr = language == .french
    var out = "## \(fr ? "Constats au tir" : "Shooting findings")\n\n"
    for f in findings { out += "- \(f)\n" }
    if findings.isEmpty { out += fr ? "- Aucun écart significatif.\n" : "- No significant gap.\n" }
    out += "\n## \(fr ? "Recommandations" : "Recommendations")\n\n"
    for r in recommendations { out += "- \(r.text)\n" }
    return out
  }
}
