import Foundation
import Testing
@testable import Reporting

/// A document with one section per (id, blocks) pair.
func document(_ sections: [(id: String, blocks: [ReportBlock])], language: String = "en", lead: [String] = [],
              files: [String: [UInt8]] = [:]) -> ReportDocument {
  ReportDocument(
    workbook: "demo", title: "Demo", description: nil, params: [("team", "LANDERNEAU")],
    sections: sections.map {
      ReportDocument.Section(id: $0.id, kind: "note", title: "Title of \($0.id)", description: nil, status: "executed", reason: nil,
                             blocks: $0.blocks, files: files, links: [])
    },
    warnings: [], language: language, lead: lead)
}

@Suite struct MarkdownSubsetTests {
  @Test func underscoresInsideWordsAreNotEmphasis() {
    let html = MarkdownSubset.html("- defensive_rebounds_per40 raises it; so does `points_per40` and snake_case_name.")
    #expect(!html.contains("<em>"), "\(html)")
    #expect(html.contains("defensive_rebounds_per40 raises it"))
    #expect(MarkdownSubset.html("an _emphasised_ word").contains("an <em>emphasised</em> word"))
    #expect(MarkdownSubset.html("*star* and **bold**").contains("<em>star</em> and <strong>bold</strong>"))
  }

  @Test func backslashEscapesPrintTheCharacter() {
    let html = MarkdownSubset.html(#"a \_b\_ c \<img\> \*x\*"#)
    #expect(html.contains("a _b_ c &lt;img&gt; *x*"), "\(html)")
  }

  @Test func rawHTMLInAuthorMarkdownIsNeutralisedForGitHub() {
    let md = markdownNeutralizingHTML("Hi <img src=x onerror=alert(1)> & `<kept in code>`\n```\n<pre kept>\n```")
    #expect(md == "Hi \\<img src=x onerror=alert(1)\\> \\& `<kept in code>`\n```\n<pre kept>\n```")
    #expect(MarkdownSubset.html(md).contains("Hi &lt;img src=x onerror=alert(1)&gt; &amp; <code>&lt;kept in code&gt;</code>"))
  }
}

@Suite struct RendererTests {
  static let hostile = "<img src=x onerror=alert(1)>"

  @Test func hostileDataIsEscapedInBothReports() {
    let doc = document([("n", [.markdown("Value: " + markdownEscape(Self.hostile) + " and raw " + Self.hostile),
                               .table(caption: Self.hostile, columns: ["c"], rows: [[Self.hostile]], note: nil),
                               .facts([.init("k", Self.hostile)]), .details(summary: Self.hostile, blocks: [.text(Self.hostile)])])])
    let html = HTMLRenderer.render(doc)
    let md = MarkdownRenderer.render(doc)
    #expect(!html.contains("<img"), "no live element in index.html")
    #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
    // In report.md every `<` of data or author text is backslash-escaped (or HTML-escaped inside <summary>).
    #expect(md.components(separatedBy: "<img").count - 1 == md.components(separatedBy: "\\<img").count - 1, "\(md)")
    #expect(md.contains("<summary>&lt;img src=x onerror=alert(1)&gt;</summary>"))
  }

  @Test func frenchChromeAndLanguageAttribute() {
    let doc = document([("a", [.text("x")]), ("b", [.text("y")])], language: "fr", lead: ["b"])
    let html = HTMLRenderer.render(doc)
    #expect(html.contains("<html lang=\"fr\">"))
    #expect(html.contains("classeur <code>demo</code>"))
    #expect(html.contains("<th>paramètre</th><th>valeur</th>"))
    #expect(html.contains(">exécutée</span>"))
    #expect(html.contains("<h2 class=\"details-heading\">Détails</h2>"))
    let md = MarkdownRenderer.render(doc)
    #expect(md.contains("Classeur `demo`") && md.contains("| paramètre | valeur |") && md.contains("## Détails"))
    #expect(HTMLRenderer.render(document([("a", [])])).contains("<html lang=\"en\">"))
  }

  @Test func leadSectionsComeFirstAndTheRestIsFolded() throws {
    let doc = document([("prep", [.text("preparation")]), ("verdict", [.text("the verdict")])], lead: ["verdict"])
    let html = HTMLRenderer.render(doc)
    let verdict = try #require(html.range(of: "<section id=\"cell-verdict\">"))
    let prep = try #require(html.range(of: "<section id=\"cell-prep\">"))
    #expect(verdict.lowerBound < prep.lowerBound, "the lead comes first")
    #expect(html.contains("<details class=\"section\"><summary>Title of prep"), "the rest is folded")
    #expect(!html.contains("<details class=\"section\"><summary>Title of verdict"))
    #expect(html.contains("<details class=\"run\"><summary>Run details</summary>"), "params and the cell list are folded too")
    let md = MarkdownRenderer.render(doc)
    let mdVerdict = try #require(md.range(of: "## Title of verdict"))
    let mdPrep = try #require(md.range(of: "<details><summary>Title of prep (note, executed)</summary>\n\npreparation"))
    #expect(md.contains("| Title of prep | note | executed |\n\n</details>"), "a blank line ends the table before </details>")
    #expect(mdVerdict.lowerBound < mdPrep.lowerBound)
    // Without a lead: every section in order, nothing folded.
    let plain = HTMLRenderer.render(document([("prep", []), ("verdict", [])]))
    #expect(!plain.contains("<details"))
  }

  @Test func inlinedFiguresGetUniqueIds() throws {
    let svg = Array("""
      <?xml version="1.0"?>
      <svg id='gnuplot_canvas'><defs><path id='gpPt0' d='M0 0'/></defs><use xlink:href='#gpPt0'/><rect fill="url(#grad)"/><g id="grad"/><g id='gnuplot_plot_1'/><g id='gnuplot_plot_1'/></svg>
      """.utf8)
    let doc = document([("a", [.figure(file: "one.svg", caption: nil), .figure(file: "two.svg", caption: nil)]),
                        ("b", [.details(summary: "more", blocks: [.figure(file: "one.svg", caption: nil)])])],
                       files: ["one.svg": svg, "two.svg": svg])
    let html = HTMLRenderer.render(doc)
    let ids = html.matches(of: /\sid=['"]([^'"]+)['"]/).map { String($0.output.1) }
    #expect(ids.count == Set(ids).count, "duplicate ids: \(ids)")
    #expect(ids.contains("cell-a-f2-gpPt0") && ids.contains("cell-b-f1-gnuplot_canvas"))
    #expect(ids.contains("cell-a-f1-gnuplot_plot_1") && ids.contains("cell-a-f1-gnuplot_plot_1-2"), "repeats inside one SVG are numbered")
    #expect(html.contains("xlink:href='#cell-a-f1-gpPt0'") && html.contains("url(#cell-a-f2-grad)"), "references follow their ids")
  }

  @Test func headingsAreLargerThanBodyText() throws {
    func size(_ selector: String) throws -> Double {
      let pattern = try Regex("(^|[}\\s,])\(selector)\\{[^}]*font-size:([0-9.]+)rem")
      let match = try #require(HTMLRenderer.css.firstMatch(of: pattern))
      let text = try #require(match.output[2].substring)
      return try #require(Double(String(text)))
    }
    let body = try size("body")
    for heading in ["h1", "h2", "h3", "h4"] { #expect(try size(heading) > body, "\(heading) is larger than body text") }
  }
}

@Suite struct ReadableNumberTests {
  @Test func floatingPointNoiseIsRemovedForReading() {
    #expect(ReadableNumber.format(2.7432000000000003) == "2.7432")
    #expect(ReadableNumber.format(7.010400000000001) == "7.0104")
    #expect(ReadableNumber.format(0.30294966586227456) == "0.30295")
    #expect(ReadableNumber.format(-0.0) == "0")
    #expect(ReadableNumber.format(0.000012345678) == "0.000012346", "small numbers keep their significant digits")
    #expect(ReadableNumber.format(1699000028) == "1699000028")
    #expect(ReadableNumber.format(.nan) == "NaN")
    #expect(ReadableNumber.tidy("1.9500000000000002") == "1.95")
    #expect(ReadableNumber.tidy("0.623") == "0.623", "short decimals are already readable")
    #expect(ReadableNumber.tidy("2648661") == "2648661")
    #expect(ReadableNumber.tidy("v1.2345678901") == "v1.2345678901", "text stays text")
  }

  @Test func tablesInBothReportsShowReadableNumbers() {
    let doc = document([("t", [.table(caption: nil, columns: ["x"], rows: [["2.7432000000000003"]], note: nil)])])
    #expect(HTMLRenderer.render(doc).contains("<td>2.7432</td>"))
    #expect(MarkdownRenderer.render(doc).contains("| 2.7432 |"))
  }
}
