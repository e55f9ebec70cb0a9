/// Everything the renderers need to draw a workbook's report.
public struct ReportDocument: Sendable {
  public struct Section: Sendable {
    public var id: String
    public var kind: String
    public var title: String?
    public var description: String?
    /// executed, cached, failed, skipped.
    public var status: String
    public var reason: String?
    public var blocks: [ReportBlock]
    /// Output files of the cell by name (figures referenced by `.figure` blocks are looked up here).
    public var files: [String: [UInt8]]
    /// Links shown under the section heading (result.json, tables, tracked run).
    public var links: [(text: String, target: String)]

    public init(id: String, kind: String, title: String?, description: String?, status: String, reason: String?,
                blocks: [ReportBlock], files: [String: [UInt8]], links: [(text: String, target: String)]) {
      self.id = id
      self.kind = kind
      self.title = title
      self.description = description
      self.status = status
      self.reason = reason
      self.blocks = blocks
      self.files = files
      self.links = links
    }
  }

  public var workbook: String
  public var title: String?
  public var description: String?
  public var params: [(name: String, value: String)]
  public var sections: [Section]
  /// Warnings shown at the top (invalid blobs, validation warnings).
  public var warnings: [String]
  /// Language of the report's chrome (`en`, `fr`; see ``ReportChrome``).
  public var language: String
  /// Cell ids the report leads with, in order; every other section is folded under "Details". Empty: all
  /// sections in order, unfolded.
  public var lead: [String]

  public init(workbook: String, title: String?, description: String?, params: [(name: String, value: String)],
              sections: [Section], warnings: [String], language: String = "en", lead: [String] = []) {
    self.workbook = workbook
    self.title = title
    self.description = description
    self.params = params
    self.sections = sections
    self.warnings = warnings
    self.language = language
    self.lead = lead
  }

  /// The lead sections (in `lead` order) and the rest (in workbook order).
  public var arrangedSections: (lead: [Section], rest: [Section]) {
    let leadSections = lead.compactMap { id in sections.first { $0.id == id } }
    return (leadSections, sections.filter { !lead.contains($0.id) })
  }
}
