/// Language of generated text (`language: en` / `language: fr`).
public enum ReportLanguage: String, Sendable, Codable, CaseIterable {
  case english = "en"
  case french = "fr"

  /// Accepts "en", "english", "fr", "french", "français"; nil otherwise.
  public init?(code: String) {
    switch code.lowercased() {
    case "en", "english", "anglais": self = .english
    case "fr", "french", "français", "francais": self = .french
    default: return nil
    }
  }
}
