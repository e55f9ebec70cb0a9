import Testing
import WorkbookModel

/// The workbook's `report:` key: lead, language and translated titles, with errors at their line.
@Suite struct ReportSettingsTests {
  static func workbook(_ report: String) -> String {
    """
    workbook: demo
    params:
      shots: data.csv
      language: en
    \(report)
    cells:
      - id: bronze
        kind: load
        source: ${shots}
      - id: stats
        kind: describe
        input: bronze
    """
  }

  @Test func parsesLeadLanguageAndTranslations() throws {
    let wb = try Workbook.parse(Self.workbook("""
      report:
        language: ${language}
        lead: [stats]
        fr:
          title: Démo
          cells: {stats: Statistiques}
      """), file: "demo.yaml")
    #expect(wb.report.lead == ["stats"])
    #expect(wb.report.language == .param("language"))
    #expect(wb.report.translations["fr"]?.title == "Démo")
    #expect(wb.report.translations["fr"]?.cellTitles == ["stats": "Statistiques"])
    let validated = try WorkbookValidator.validate(wb, kinds: kinds, overrides: [ParamOverride(name: "language", rawValue: "fr")])
    #expect(wb.report.resolvedLanguage(validated.params) == "fr")
    #expect(!validated.warnings.contains { $0.message.contains("`language` is not used") }, "the report reads the param")
    // No `report:`: English, nothing folded.
    let plain = try Workbook.parse(Self.workbook(""), file: "demo.yaml")
    #expect(plain.report.lead.isEmpty && plain.report.resolvedLanguage([:]) == "en")
  }

  @Test func mistakesAreErrorsAtTheirLine() {
    func errors(_ report: String) -> [Diagnostic] {
      do { _ = try Workbook.parse(Self.workbook(report), file: "demo.yaml"); return [] } catch { return error.items }
    }
    let unknownLead = errors("report:\n  lead: [stat]")
    #expect(unknownLead.first?.message == "`report.lead`: `stat` is not a cell of this workbook")
    #expect(unknownLead.first?.location?.line == 6)
    #expect(unknownLead.first?.hint?.contains("stats") == true, "suggests the nearest cell")
    #expect(errors("report:\n  language: de").first?.message.contains("must be en or fr") == true)
    #expect(errors("report:\n  lead: [stats, stats]").first?.message.contains("twice") == true)
    #expect(errors("report:\n  colour: red").first?.message == "unknown key `colour` in `report`")
    #expect(errors("report:\n  fr:\n    cells: {nope: Titre}").first?.message.contains("`nope` is not a cell") == true)
  }

  @Test func aParamLanguageIsCheckedAfterOverrides() throws {
    let wb = try Workbook.parse(Self.workbook("report:\n  language: ${language}"), file: "demo.yaml")
    do {
      _ = try WorkbookValidator.validate(wb, kinds: kinds, overrides: [ParamOverride(name: "language", rawValue: "de")])
      Issue.record("language `de` must be refused")
    } catch {
      let message = error.items.first?.message ?? ""
      #expect(message.contains("`report.language` is `de`"), "\(message)")
      #expect(error.items.first?.hint == "pass --param language=en or --param language=fr")
    }
  }
}
