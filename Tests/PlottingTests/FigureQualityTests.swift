import Foundation
import Testing
import TestSupport
@testable import Plotting

/// Figures are read by people: sharp heatmaps, category labels that never overlap, error bars where a
/// value is a mean over folds, and gaps where data is missing.
@Suite struct FigureQualityTests {
  @Test func heatmapCellsAreVectorRectangles() throws {
    let script = try GnuplotScript.make(Chart(.heatmap(Heatmap(rowLabels: ["a", "b"], columnLabels: ["a", "b"], values: [[1, 0.2], [0.2, 1]]))), name: "h")
    #expect(script.contains("with image pixels"), "each cell a rectangle: sharp at any zoom")
    #expect(script.contains("tc rgb '#ffffff'"), "values on saturated cells are printed in white")
  }

  @Test func categoryLabelsAreSizedToTheirCount() throws {
    func xtics(_ labels: [String]) throws -> String {
      let script = try GnuplotScript.make(Chart(.bar(categories: labels, series: [Series("n", labels.map { _ in 1 })])), name: "b")
      return try #require(script.split(separator: "\n").first { $0.hasPrefix("set xtics (") }).description
    }
    #expect(try !xtics(["paint", "mid", "three"]).contains("rotate"), "short labels that fit stay horizontal")
    #expect(try xtics((1...12).map { "Category number \($0)" }).contains("rotate by -45 nomirror"))
    let many = try xtics((1...150).map { "team \($0)" })
    #expect(many.contains("rotate by -90") && many.contains("font \",6\""), "150 slots: vertical, smaller labels")
    let long = try xtics(["A very long category name that goes on and on", "short"])
    #expect(long.contains("\"A very long category name that…\""), "labels past 32 characters are shortened")
    let twins = try xtics(["A very long category name that goes left", "A very long category name that goes right"])
    #expect(twins.contains("goes left\"") && twins.contains("goes right\""), "kept whole when shortening would merge them")
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func barsCarryErrorBars() async throws {
    let chart = Chart(.bar(categories: ["#1 logistic", "#2 forest"], series: [Series("CV roc_auc", [0.62, 0.6], errors: [0.01, 0.02])]))
    let script = try GnuplotScript.make(chart, name: "cv")
    #expect(script.contains("set style histogram errorbars"))
    #expect(script.contains("$bars using 2:3"))
    #expect(script.contains("0 0.62 0.01\n1 0.6 0.02\n"))
    #expect(throws: PlottingError.self) {
      try GnuplotScript.make(Chart(.bar(categories: ["a"], series: [Series("x", [1], errors: [1, 2])])), name: "bad")
    }
    let gnuplot = try #require(gnuplotOrSkip())
    let folder = try temporaryFolder("errorbars")
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(try await gnuplot.render(chart, name: "cv", in: folder).svg != nil, "gnuplot draws it")
  }

  @Test func missingValuesBreakALine() throws {
    let chart = Chart(.line(series: [XYSeries("made", x: [2001, 2002, 2003, 2004], y: [0.45, 0.46, .nan, 0.47])]))
    let script = try GnuplotScript.make(chart, name: "seasons")
    #expect(script.contains("2002 0.46\n\n2004 0.47"), "a blank datablock line: the line stops at 2002 and restarts at 2004")
  }
}
