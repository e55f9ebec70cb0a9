/// Asks a model to phrase a ``CoachingReport`` from its facts only, and keeps the answer only when
/// ``GroundingChecker`` accepts it; otherwise returns the deterministic Markdown with the reason.
public struct GroundedPhraser: Sendable {
  public var client: ChatCompletionsClient

  public init(client: ChatCompletionsClient) { self.client = client }

  /// The instructions sent as the system message.
  public static func systemPrompt(_ language: ReportLanguage) -> String {
    language == .french
      ? "Tu es assistant d'un entraîneur de basket. Rédige un bilan d'après-match concis en français à partir des seuls faits JSON fournis. N'utilise aucun nombre ni aucun nom absent des faits ; recopie les nombres avec l'arrondi donné."
      : "You assist a basketball coach. Write a concise post-match summary in English from the JSON facts only. Use no number and no name that is not in the facts; copy numbers with the rounding given."
  }

  /// The user message: the facts JSON plus the deterministic findings and recommendations to rephrase.
  public static func userPrompt(_ report: CoachingReport) -> String {
    var lines = ["FACTS:", report.facts.json(), "", "FINDINGS:"]
    lines += report.findings.map { "- " + $0.text }
    lines += ["", "RECOMMENDATIONS:"]
    lines += (report.teamRecommendations + report.playerRecommendations).map { "- " + $0.text }
    return lines.joined(separator: "\n")
  }

  public func phrase(_ report: CoachingReport) async -> PhrasingOutcome {
    let fallback = report.markdown()
    switch await client.complete(system: Self.systemPrompt(report.language), user: Self.userPrompt(report)) {
    case .failure(let reason): return .fallback(reason: reason, text: fallback)
    case .success(let text):
      let verdict = GroundingChecker(facts: report.facts).check(text)
      return verdict.accepted ? .accepted(text) : .fallback(reason: .rejected(verdict.reason), text: fallback)
    }
  }

  /// Same check for any text and facts (for callers with their own prompts).
  public func phrase(system: String, user: String, facts: GroundingFacts, fallback: String) async -> PhrasingOutcome {
    switch await client.complete(system: system, user: user) {
    case .failure(let reason): return .fallback(reason: reason, text: fallback)
    case .success(let text):
      let verdict = GroundingChecker(facts: facts).check(text)
      return verdict.accepted ? .accepted(text) : .fallback(reason: .rejected(verdict.reason), text: fallback)
    }
  }
}
