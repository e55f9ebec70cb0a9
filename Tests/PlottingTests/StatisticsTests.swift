import Foundation
import Testing
@testable import Plotting

@Suite struct StatisticsTests {
  /// Reference values from scipy.stats.gaussian_kde (scipy 1.x) on [1, 2, 2.5, 4, 7].
  @Test func kernelDensityMatchesScipy() throws {
    let xs = [1, 2, 2.5, 4, 7.0]
    let scott = try KernelDensity(xs, bandwidth: .scott)
    #expect(abs(scott.bandwidth - 1.6920151615160268) < 1e-12)
    #expect(abs(scott.density(at: 3) - 0.1506736430633592) < 1e-12)
    let silverman = try KernelDensity(xs, bandwidth: .silverman)
    #expect(abs(silverman.bandwidth - 1.7922227984938326) < 1e-12)
    #expect(abs(silverman.density(at: 3) - 0.14659773426203845) < 1e-12)
    let one = try KernelDensity([0], bandwidth: .fixed(2))
    #expect(abs(one.density(at: 0) - 1 / (2 * (2 * Double.pi).squareRoot())) < 1e-15)
    #expect(throws: PlottingError.self) { try KernelDensity([3, 3, 3]) }
    #expect(throws: PlottingError.self) { try KernelDensity([.nan]) }
  }

  /// Quartiles as numpy.percentile (linear), whiskers at 1.5 IQR.
  @Test func boxSummary() throws {
    let b = try BoxSummary([3, 1, 4, 1, 5, 9, 2, 6])
    #expect(b.q1 == 1.75 && b.median == 3.5 && b.q3 == 5.25)
    #expect(b.lowerWhisker == 1 && b.upperWhisker == 9 && b.outliers.isEmpty)
    let o = try BoxSummary([1, 2, 3, 4, 100])
    #expect(o.upperWhisker == 4 && o.outliers == [100])
    #expect(throws: PlottingError.self) { try BoxSummary([]) }
  }

  /// numpy.histogram conventions: last bin closed.
  @Test func histogramBins() throws {
    let values: [Double] = [1, 2, 2, 3, 3, 3, 4]
    let edges = try HistogramBins.count(4).edges(for: values)
    #expect(edges == [1, 1.75, 2.5, 3.25, 4])
    #expect(HistogramBins.counts(values, edges: edges) == [1, 2, 3, 1])
    #expect(HistogramBins.counts([0, 10, .nan], edges: [1, 2]) == [0])
    #expect(throws: PlottingError.self) { try HistogramBins.edges([1, 1]).edges(for: values) }
    #expect(throws: PlottingError.self) { try HistogramBins.count(0).edges(for: values) }
    #expect(try HistogramBins.width(1).edges(for: [5, 5]).count == 2)
    #expect(throws: PlottingError.self) { try HistogramBins.width(1e-300).edges(for: [-1e300, 1e300]) }
  }

  @Test func courtDimensions() {
    let nba = CourtGeometry.nba()
    #expect(nba.baselineY == -47.5 && nba.halfWidth == 250 && nba.threePointRadius == 237.5 && nba.cornerThreeX == 220)
    #expect(abs(nba.cornerThreeTopY - 89.4777) < 1e-3)
    #expect(nba.freeThrowLineY == 142.5 && nba.paintHalfWidth == 80 && nba.restrictedAreaRadius == 40)
    let fiba = CourtGeometry.fiba()
    #expect(fiba.threePointRadius == 675 && fiba.cornerThreeX == 660 && fiba.halfWidth == 750)
    #expect(abs(fiba.cornerThreeTopY - 141.51) < 0.01)
    var broken = CourtGeometry.nba()
    broken.cornerThreeX = 300
    #expect(throws: PlottingError.self) { try GnuplotScript.make(Chart(.shotChart(ShotChart(court: broken, x: [], y: [], made: []))), name: "x") }
    broken.cornerThreeX = .nan
    #expect(throws: PlottingError.self) { try broken.validate() }
    let metres = CourtGeometry.fiba(unitsPerMetre: 1)
    #expect(metres.threePointRadius == 6.75)
  }

  @Test func hexbinsCountShotsAndRates() throws {
    let chart = ShotChart(x: [0, 1, -1, 200, .nan], y: [0, 1, 0, 200, 0], made: [true, false, true, false, true], style: .hexbin(size: 15))
    let bins = try chart.hexbins()
    #expect(bins.count == 2)
    let centre = try #require(bins.first { $0.centerX == 0 && $0.centerY == 0 })
    #expect(centre.attempts == 3 && centre.makes == 2)
    #expect(try ShotChart(x: [0, 0], y: [0, 0], made: [true, false], style: .hexbin(size: 10, minimumAttempts: 3)).hexbins().isEmpty)
    #expect(throws: PlottingError.self) { try ShotChart(x: [0], y: [], made: [true], style: .hexbin(size: 10)).hexbins() }
  }

  @Test func invalidChartsThrow() {
    #expect(throws: PlottingError.self) { try GnuplotScript.make(Chart(.bar(categories: ["a"], series: [Series("s", [1, 2])])), name: "x") }
    #expect(throws: PlottingError.self) { try GnuplotScript.make(Chart(.line(series: [XYSeries("s", x: [1], y: [])])), name: "x") }
    #expect(throws: PlottingError.self) { try GnuplotScript.make(Chart(.heatmap(Heatmap(rowLabels: ["a"], columnLabels: ["a"], values: [[1, 2]]))), name: "x") }
    #expect(throws: PlottingError.self) { try GnuplotScript.make(Chart(.scatter(series: [])), name: "x") }
    #expect(throws: PlottingError.self) { try GnuplotScript.make(Chart(.scatter(series: [XYSeries("s", x: [1], y: [1])]), width: 0), name: "x") }
  }
}
