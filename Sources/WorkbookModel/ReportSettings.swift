/// The workbook's `report:` settings: what the report leads with and the language of its chrome.
///
/// ```yaml
/// report:
///   language: ${language}          # en or fr (a literal or a string param)
///   lead: [report, impact]         # shown first, in this order; every other cell is folded under "Details"
///   fr:                            # titles in the other language (workbook and cells)
///     title: Assistant de coaching
///     cells: {report: Rapport d'après-match}
/// ```
public struct ReportSettings: Sendable {
  /// Languages the report chrome is written in.
  public static let languages = ["en", "fr"]

  /// `en`, `fr`, or a param name (`${name}`) resolved after `--param` overrides.
  public enum Language: Sendable, Equatable {
    case literal(String)
    case param(String)
  }

  public var language: Language = .literal("en")
  public var languageLocation: SourceLocation?
  /// Cell ids shown first, in this order. Empty: every cell in file order, nothing folded.
  public var lead: [String] = []
  /// Per language: the workbook title/description and cell titles to use instead of the ones written on them.
  public var translations: [String: Translation] = [:]

  public struct Translation: Sendable {
    public var title: String?
    public var description: String?
    public var cellTitles: [String: String] = [:]
  }

  public init() {}

  /// The language after params are fixed (`values` are the params' values).
  public func resolvedLanguage(_ values: [String: JSONValue]) -> String {
    switch language {
    case .literal(let s): s
    case .param(let p): values[p]?.stringValue ?? "en"
    }
  }

  static let keys = ["language", "lead"] + languages

  /// Parses the `report:` node; `cellIds` are the workbook's cells (lead and titles must name one).
  static func parse(_ node: SpecNode, cellIds: [String], into d: inout Diagnostics) -> ReportSettings {
    var s = ReportSettings()
    guard let entries = node.entries else {
      d.error("`report` must be a mapping (language, lead, translations)", at: node.location)
      return s
    }
    for e in entries where !keys.contains(e.key) {
      d.error("unknown key `\(e.key)` in `report`", at: e.keyLocation, hint: "allowed: \(keys.joined(separator: ", "))")
    }
    if let l = node["language"] {
      s.languageLocation = l.location
      if let text = l.string, text.hasPrefix("${"), text.hasSuffix("}") {
        s.language = .param(String(text.dropFirst(2).dropLast()).trimmingCharacters(in: .whitespaces))
      } else if let text = l.string, languages.contains(text) {
        s.language = .literal(text)
      } else {
        d.error("`report.language` must be \(languages.joined(separator: " or ")) or a `${param}`", at: l.location)
      }
    }
    if let l = node["lead"] {
      if let items = l.list {
        for item in items {
          guard let id = item.string, cellIds.contains(id) else {
            d.error("`report.lead`: `\(item.displayText)` is not a cell of this workbook", at: item.location,
                    hint: Suggest.hint(for: item.displayText, in: cellIds))
            continue
          }
          if s.lead.contains(id) { d.error("`report.lead` lists `\(id)` twice", at: item.location) } else { s.lead.append(id) }
        }
      } else {
        d.error("`report.lead` must be a list of cell ids", at: l.location)
      }
    }
    for language in languages {
      guard let t = node[language] else { continue }
      guard let te = t.entries else {
        d.error("`report.\(language)` must be a mapping (title, description, cells)", at: t.location)
        continue
      }
      var translation = Translation()
      for e in te {
        switch e.key {
        case "title": translation.title = e.value.string
        case "description": translation.description = e.value.string
        case "cells":
          for c in e.value.entries ?? [] {
            if !cellIds.contains(c.key) {
              d.error("`report.\(language).cells`: `\(c.key)` is not a cell of this workbook", at: c.keyLocation,
                      hint: Suggest.hint(for: c.key, in: cellIds))
            } else if let title = c.value.string {
              translation.cellTitles[c.key] = title
            } else {
              d.error("`report.\(language).cells.\(c.key)` must be text (the cell's title)", at: c.value.location)
            }
          }
          if e.value.entries == nil { d.error("`report.\(language).cells` must map cell ids to titles", at: e.value.location) }
        default:
          d.error("unknown key `\(e.key)` in `report.\(language)`", at: e.keyLocation, hint: "allowed: title, description, cells")
        }
        if ["title", "description"].contains(e.key), e.value.string == nil {
          d.error("`report.\(language).\(e.key)` must be text", at: e.value.location)
        }
      }
      s.translations[language] = translation
    }
    return s
  }

  /// Checks the language once params are fixed; returns the param it reads, if any.
  func check(params values: [String: JSONValue], into d: inout Diagnostics) -> String? {
    guard case .param(let name) = language else { return nil }
    guard let value = values[name] else {
      d.error("`report.language`: `${\(name)}` is not a param of this workbook", at: languageLocation)
      return nil
    }
    if let text = value.stringValue, Self.languages.contains(text) { return name }
    d.error("`report.language` is `\(value.displayText)` (from param `\(name)`), not \(Self.languages.joined(separator: " or "))",
            at: languageLocation, hint: "pass --param \(name)=en or --param \(name)=fr")
    return name
  }
}
