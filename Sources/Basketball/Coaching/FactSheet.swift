import Foundation

/// Formats numbers for report text in English ("18.5 %") or French ("18,5 %") and records each one as a
/// ``GroundingFact``. Deterministic: fixed decimals, no locale lookup.
public struct FactSheet: Sendable {
  public var language: ReportLanguage
  public private(set) var facts = GroundingFacts()

  public init(language: ReportLanguage) { self.language = language }

  /// `value` with `decimals` decimals ("−" written as "-"; decimal comma in French). Not WorkbenchCore's
  /// `formatFloat`: report prose rounds to what a coach reads, in the report's language.
  public static func format(_ value: Double, decimals: Int, language: ReportLanguage, signed: Bool = false) -> String {
    let d = max(0, min(decimals, 6))
    var v = value
    if !v.isFinite { v = 0 }
    // Round half away from zero at the shown precision, and avoid "-0.0".
    let scale = pow(10.0, Double(d))
    var r = (abs(v) * scale).rounded(.toNearestOrAwayFromZero) / scale
    if v < 0 { r = -r }
    if r == 0 { r = 0 }
    var text = String(format: "%.\(d)f", r)
    if language == .french { text = text.replacingOccurrences(of: ".", with: ",") }
    if signed && r > 0 { text = "+" + text }
    return text
  }

  /// A plain number, recorded as a fact.
  public mutating func number(_ value: Double, decimals: Int = 0, label: String, signed: Bool = false) -> String {
    let text = Self.format(value, decimals: decimals, language: language, signed: signed)
    facts.numbers.append(GroundingFact(label: label, value: Self.parseDisplayed(text), decimals: decimals))
    return text
  }

  public mutating func int(_ value: Int, label: String, signed: Bool = false) -> String {
    number(Double(value), decimals: 0, label: label, signed: signed)
  }

  /// A fraction shown as a percentage: 0.185 → "18.5 %" (French "18,5 %").
  public mutating func percent(_ fraction: Double, decimals: Int = 1, label: String) -> String {
    let text = Self.format(100 * fraction, decimals: decimals, language: language)
    facts.numbers.append(GroundingFact(label: label, value: Self.parseDisplayed(text), decimals: decimals, isPercent: true))
    return text + " %"
  }

  /// A value already in percent units (a threshold such as 15) shown as "15.0 %".
  public mutating func percentValue(_ value: Double, decimals: Int = 1, label: String) -> String {
    percent(value / 100, decimals: decimals, label: label)
  }

  public mutating func name(_ name: String) -> String {
    if !facts.names.contains(name) { facts.names.append(name) }
    return name
  }

  static func parseDisplayed(_ text: String) -> Double {
    Double(text.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "+", with: "")) ?? 0
  }
}
