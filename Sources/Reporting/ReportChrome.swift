import Foundation

/// The words the renderers write around the cells' content (headings, labels, statuses), per language.
public struct ReportChrome: Sendable {
  public var language: String
  public var workbook: String
  public var param: String
  public var value: String
  public var cell: String
  public var kind: String
  public var status: String
  public var runDetails: String
  public var details: String
  public var warning: String
  public var contents: String
  private var statuses: [String: String]
  private var levels: [String: String]

  /// `language` is `en` or `fr`; any other value gets the English chrome (the workbook validator refuses it first).
  public init(language: String) {
    if language == "fr" {
      self.language = "fr"
      workbook = "classeur"; param = "paramètre"; value = "valeur"; cell = "cellule"; kind = "type"; status = "état"
      runDetails = "Détails de l'exécution"; details = "Détails"; warning = "avertissement"; contents = "Sommaire"
      statuses = ["executed": "exécutée", "cached": "en cache", "failed": "en échec", "skipped": "non exécutée"]
      levels = ["info": "info", "success": "succès", "warning": "avertissement", "danger": "alerte"]
    } else {
      self.language = "en"
      workbook = "workbook"; param = "param"; value = "value"; cell = "cell"; kind = "kind"; status = "status"
      runDetails = "Run details"; details = "Details"; warning = "warning"; contents = "Contents"
      statuses = [:]
      levels = [:]
    }
  }

  /// A cell status (`executed`, `cached`, `failed`, `skipped`) in this language.
  public func statusText(_ status: String) -> String { statuses[status] ?? status }
  /// A callout level in this language.
  public func levelText(_ level: ReportBlock.CalloutLevel) -> String { levels[level.rawValue] ?? level.rawValue }
}

/// Numbers in the report are written for reading; result.json and the CSV exports keep full precision.
public enum ReadableNumber {
  /// Integers plainly, others with at most `significant` significant digits and no trailing zeros
  /// (2.7432000000000003 → "2.7432", 0.30294966586227456 → "0.30295").
  public static func format(_ x: Double, significant: Int = 5) -> String {
    guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "∞" : "-∞") }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    let magnitude = x == 0 ? 0 : Int(floor(log10(abs(x)))) + 1
    let decimals = max(0, min(12, significant - magnitude))
    var text = String(format: "%.\(decimals)f", x)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
  }

  /// A table cell's text with floating-point noise removed: a plain decimal with more than 6 decimals
  /// (`7.010400000000001`) is rewritten by ``format(_:significant:)``; any other text is returned as is.
  public static func tidy(_ text: String) -> String {
    guard let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 7,
          text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
          let x = Double(text) else { return text }
    return format(x)
  }
}
