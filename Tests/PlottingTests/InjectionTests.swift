import Foundation
import Testing
@testable import Plotting

@Suite struct InjectionTests {
  @Test func quotingRules() {
    #expect(GnuplotText.quoted("plain") == "\"plain\"")
    #expect(GnuplotText.quoted("O'Neal") == #""O\047Neal""#)
    #expect(GnuplotText.quoted("a\nb\rc\td") == "\"a b c d\"")
    #expect(GnuplotText.quoted(#"`x` \n "q" @m $v"#) == #""\140x\140 \\n \"q\" \100m \044v""#)
    #expect(GnuplotText.printed("a\nb") == "a b")
    #expect(GnuplotText.number(.nan) == "NaN" && GnuplotText.number(2) == "2" && GnuplotText.number(0.25) == "0.25")
  }

  @Test func invalidNamesAreRefused() {
    for name in ["", "../x", "a/b", ".hidden", "-e", "a\nb", "a`touch x`", "a'b", "a\"b", "@m", "$x"] {
      #expect(throws: PlottingError.self) { try GnuplotScript.validate(name: name) }
    }
    for name in ["roc", "shot chart 2019", "importance_gain-v2.1", "tir réussi"] { #expect(throws: Never.self) { try GnuplotScript.validate(name: name) } }
  }

  /// Hostile strings in every text slot render literally and run nothing.
  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func hostileTextRendersLiterallyAndExecutesNothing() async throws {
    let gnuplot = try #require(gnuplotOrSkip())
    let folder = try temporaryFolder("injection")
    defer { try? FileManager.default.removeItem(at: folder) }
    let marker = folder.appendingPathComponent("pwned").path
    let hostile = [
      "O'Neal \"Shaq\" `touch \(marker)`",
      "system(\"touch \(marker)\")",
      "'; system(\"touch \(marker)\"); '",
      "\" . system(\"touch \(marker)\") . \"",
      "@MACRO @x `echo hi` $HOME ; touch \(marker)",
      "line1\nline2 \\ \\n \\047 end",
      "x^2 a_b {c} @d &e ~f <g>",
      "'''leading quotes'' and ''''",
      "<script>alert('&amp;')</script>",
    ]
    let first = hostile[0], rest = Array(hostile.dropFirst())
    let charts: [(String, Chart)] = [
      ("bar", Chart(.bar(categories: hostile, series: [Series(first, hostile.map { _ in 1 })]), title: first, xLabel: hostile[1], yLabel: hostile[2])),
      ("lines", Chart(.line(series: hostile.map { XYSeries($0, x: [0, 1], y: [0, 1]) }), title: hostile[3])),
      ("box", Chart(.box(groups: hostile.map { Series($0, [1, 2, 3]) }), title: hostile[4])),
      ("heat", Chart(.heatmap(Heatmap(rowLabels: hostile, columnLabels: hostile, values: hostile.map { _ in hostile.map { _ in 0.5 } })), title: hostile[5])),
      ("shots", Chart(.shotChart(ShotChart(x: [0], y: [0], made: [true])), title: hostile[6], xLabel: hostile[7])),
    ]
    var allTexts: [String] = []
    for (name, chart) in charts {
      let figure = try await gnuplot.render(chart, name: name, in: folder)
      allTexts += try SVGInspector.parse(try #require(figure.svg)).texts
    }
    #expect(!FileManager.default.fileExists(atPath: marker), "a command ran")
    for text in hostile {
      #expect(allTexts.contains(GnuplotText.printed(text)), "missing literal text: \(text)")
    }
    #expect(rest.count == hostile.count - 1)
    // The SVG carries the text XML-escaped.
    let bar = try String(contentsOf: folder.appendingPathComponent("bar.svg"), encoding: .utf8)
    #expect(bar.contains("&lt;script>alert('&amp;amp;')&lt;/script>") || bar.contains("&lt;script&gt;alert('&amp;amp;')&lt;/script&gt;"))
  }
}
