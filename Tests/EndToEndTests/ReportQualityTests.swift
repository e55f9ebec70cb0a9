import Foundation
import Testing
import TestSupport

/// The shipped reports as their readers see them: each leads with what it is for and folds the engineering
/// detail, validates as HTML (Debian's `tidy`), has unique ids with several SVGs inlined, shows numbers for
/// reading, and renders in headless Chromium. Plus hostile note values, French chrome and line gaps.
@Suite("Report quality", .serialized)
struct ReportQualityTests {
  /// Workbook → the cells its report leads with (Workbooks/*.yaml `report.lead`).
  static let shipped: [(workbook: String, lead: [String])] = [
    ("parivision", ["conclusion", "champion"]), ("shot-drift", ["summary", "data_drift", "model_drift"]),
    ("coaching", ["report", "impact"]),
  ]

  /// A project with the repository's Workbooks/ and datasets/ (the shipped workbooks as a user runs them).
  static func shippedProject() throws -> Project {
    let p = try Project()
    for folder in ["Workbooks", "datasets"] {
      try FileManager.default.copyItem(at: TestPaths.repositoryRoot.appendingPathComponent(folder), to: p.root.appendingPathComponent(folder))
    }
    return p
  }

  static func ids(_ html: String) -> [String] { html.matches(of: /\sid=['"]([^'"]+)['"]/).map { String($0.output.1) } }

  @Test func shippedReportsLeadValidateAndRender() throws {
    let p = try Self.shippedProject(); defer { p.remove() }
    let tidy = try Oracles.tool("tidy", package: "tidy")
    let chromium = try Oracles.tool("chromium", package: "chromium")
    for (workbook, lead) in Self.shipped {
      let arguments = ["run", "Workbooks/\(workbook).yaml"] + (workbook == "coaching" ? ["--param", "language=fr"] : [])
      let run = try p.workbench(arguments)
      #expect(run.status == 0, "\(workbook): \(run.stderr)")
      let htmlPath = p.root.appendingPathComponent("outputs/\(workbook)/index.html")
      let html = try p.read("outputs/\(workbook)/index.html")
      let markdown = try p.read("outputs/\(workbook)/report.md")

      // Lead first, in order; every other cell folded under "Details".
      let sections = html.matches(of: /<section id="cell-([^"]+)">/).map { String($0.output.1) }
      #expect(Array(sections.prefix(lead.count)) == lead, "\(workbook): \(sections)")
      #expect(html.components(separatedBy: "<details class=\"section\"").count - 1 == sections.count - lead.count)
      #expect(markdown.components(separatedBy: "<details><summary>").count - 1 >= sections.count - lead.count)

      // Unique ids although several gnuplot SVGs (which all use `gnuplot_canvas`, `gpPt0`…) are inlined.
      let ids = Self.ids(html)
      #expect(ids.count == Set(ids).count, "\(workbook): duplicate ids \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted().prefix(5))")
      // Numbers for reading: no floating-point noise like 7.010400000000001 in either report.
      for (name, text) in [("index.html", html), ("report.md", markdown)] {
        let noisy = text.matches(of: /[0-9]\.[0-9]{10,}/).map { String($0.output) }
        #expect(noisy.isEmpty, "\(workbook)/\(name): \(noisy.prefix(3))")
      }
      #expect(!html.contains("<image"), "\(workbook): figures are vectors, no embedded bitmap")

      if let tidy {
        // -e: errors and warnings only. Exit 0 = clean; 1 = warnings; 2 = errors. Accepted: none.
        let check = try runProcess(tidy, ["-q", "-e", htmlPath.path])
        #expect(check.status == 0, "\(workbook): tidy: \(check.stderr.split(separator: "\n").prefix(10).joined(separator: "\n"))")
      }
      if let chromium {
        let png = p.root.appendingPathComponent("\(workbook).png")
        let shot = try runProcess(URL(fileURLWithPath: "/usr/bin/timeout"), [
          "120", chromium.path, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,2400",
          "--screenshot=\(png.path)", htmlPath.absoluteString,
        ], environment: ["HOME": p.root.path])
        #expect(shot.status == 0, "\(workbook): chromium: \(shot.stderr.suffix(500))")
        let bytes = try Data(contentsOf: png)
        #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && bytes.count > 20_000,
                "\(workbook): a rendered page, not an empty or failed screenshot")
      }
    }

    // The sweep's comparison is CV mean ± sd per trial.
    let comparison = try p.read("outputs/parivision/cells/sweep/comparison.gp")
    #expect(comparison.contains("set style histogram errorbars") && comparison.contains("$bars using 2:3"))
    // The French coaching report: French chrome, language attribute and titles.
    let french = try p.read("outputs/coaching/index.html")
    #expect(french.contains("<html lang=\"fr\">"))
    #expect(french.contains("<h1>Assistant de coaching — rapport d&#39;après-match FIBA</h1>"))
    #expect(french.contains("classeur <code>coaching</code>") && french.contains("Détails de l&#39;exécution"))
    #expect(french.contains("<h2>Rapport d&#39;après-match <span class=\"kind\">coach</span>"))
    #expect(french.contains("<th>joueuse</th>") && !french.contains("<th>player</th>"))
    #expect(try p.read("outputs/coaching/report.md").contains("Classeur `coaching`"))
  }

  @Test(.needsDataset("fiba_livestats")) func documentedReconciliationExceptionsAreOneLine() throws {
    let league = try #require(try Oracles.sharedDataset("fiba_livestats"))
    let p = try Self.shippedProject(); defer { p.remove() }
    let run = try p.workbench(["run", "Workbooks/coaching.yaml", "--param", "games=\(league.path)", "--param",
                               "game=\(league.appendingPathComponent("data_2648661_2024.json").path)", "--param", "focus=LANDERNEAU"])
    #expect(run.status == 0, "\(run.stderr)")
    let html = try p.read("outputs/coaching/index.html")
    #expect(!html.contains("<div class=\"callout warning\">reconciliation:"), "documented exceptions are not warnings")
    #expect(html.components(separatedBy: "documented exception of the vendor").count - 1 == 1, "one summary line")
    #expect(html.contains("<details><summary>Identities that do not hold (8)</summary>"))
    #expect(html.contains("<details><summary>Games (80)</summary>"))
  }

  @Test func noteTextAndValuesAreEscapedInBothReports() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("hostile.yaml", """
      workbook: hostile
      params:
        who: "<img src=x onerror=alert(1)>"
      cells:
        - id: say
          kind: note
          text: |
            Value {{ who }} and raw <script>alert(2)</script> about defensive_rebounds_per40 and _emphasis_.
      """)
    let run = try p.workbench(["run", "hostile.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let html = try p.read("outputs/hostile/index.html")
    #expect(!html.contains("<img") && !html.contains("<script"), "no live element in index.html")
    #expect(html.contains("Value &lt;img src=x onerror=alert(1)&gt; and raw &lt;script&gt;alert(2)&lt;/script&gt;"))
    #expect(html.contains("about defensive_rebounds_per40 and <em>emphasis</em>."))
    let markdown = try p.read("outputs/hostile/report.md")
    for tag in ["<img", "<script", "</script"] {
      #expect(markdown.components(separatedBy: tag).count == markdown.components(separatedBy: "\\" + tag).count,
              "every `\(tag)` in report.md is backslash-escaped: \(markdown)")
    }
    #expect(markdown.contains("defensive_rebounds_per40"))
  }

  @Test func missingSeasonsAreGapsInALinePlot() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("rates.csv", "season,rate\n2001,0.45\n2002,0.46\n2004,0.47\n2005,0.44\n")
    try p.write("seasons.yaml", """
      workbook: seasons
      cells:
        - id: rates
          kind: load
          source: rates.csv
        - id: trend
          kind: plot
          input: rates
          chart: line
          x: season
          y: rate
      """)
    let run = try p.workbench(["run", "seasons.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let script = try p.read("outputs/seasons/cells/trend/trend.gp")
    #expect(script.contains("2002 0.46\n\n2004 0.47"), "2003 is missing: the line stops at 2002 and restarts at 2004\n\(script)")
  }
}
