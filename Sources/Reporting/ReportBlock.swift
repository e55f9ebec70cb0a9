/// One piece of a cell's section in the rendered report. Cells return blocks; renderers turn them into
/// HTML (escaped) or Markdown. Stored as the cell's `report.json`, so a cached cell renders without re-running.
public enum ReportBlock: Sendable, Hashable, Codable {
  /// A short paragraph of plain text.
  case text(String)
  /// Author-written Markdown (note cells): a safe subset is rendered, raw HTML is escaped.
  case markdown(String)
  /// A table; `caption` above it. Cells are plain text.
  case table(caption: String?, columns: [String], rows: [[String]], note: String?)
  /// Label/value pairs ("rows: 1,000").
  case facts([Fact])
  /// A figure produced by the cell: `file` names one of its output files (an SVG is inlined in HTML).
  case figure(file: String, caption: String?)
  /// A highlighted message.
  case callout(level: CalloutLevel, text: String)
  /// Preformatted text (scripts, SQL).
  case code(String)
  /// A link to another artifact or an external page.
  case link(text: String, target: String)
  /// Engineering detail folded under a one-line summary (`<details>` in HTML and in GitHub Markdown).
  indirect case details(summary: String, blocks: [ReportBlock])

  public struct Fact: Sendable, Hashable, Codable {
    public var label: String
    public var value: String
    public init(_ label: String, _ value: String) {
      self.label = label
      self.value = value
    }
  }

  public enum CalloutLevel: String, Sendable, Hashable, Codable { case info, success, warning, danger }
}
