import Foundation
import Testing
import TestSupport
@testable import Plotting

/// A fresh temporary folder per test.
func temporaryFolder(_ label: String) throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("workbench-plotting-\(label)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The gnuplot renderer, or nil (test skipped with a note) when gnuplot is not installed.
/// With `WORKBENCH_REQUIRE_ORACLES=1` (CI) a missing gnuplot makes the tests fail instead.
func gnuplotOrSkip() -> GnuplotRenderer? {
  let renderer = GnuplotRenderer()
  do { _ = try renderer.resolvedExecutable() } catch {
    if Oracles.required { return renderer }
    print("skipped: \(error)")
    return nil
  }
  return renderer
}

/// Renders `chart` to SVG in a temporary folder and parses it.
/// Returns the parsed SVG and the script text.
func renderAndInspect(_ chart: Chart, _ name: String) async throws -> (SVGInspector, String)? {
  guard let gnuplot = gnuplotOrSkip() else { return nil }
  let folder = try temporaryFolder(name)
  defer { try? FileManager.default.removeItem(at: folder) }
  let figure = try await gnuplot.render(chart, name: name, in: folder)
  let svg = try #require(figure.svg)
  let script = try String(contentsOf: figure.script, encoding: .utf8)
  #expect(script == (try GnuplotScript.make(chart, name: name)))
  return (try SVGInspector.parse(svg), script)
}

@Suite struct RenderTests {
  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func groupedBarChart() async throws {
    let chart = Chart(
      .bar(categories: ["Restricted Area", "Mid-Range", "Above the Break 3"], series: [Series("made", [610, 400, 350]), Series("missed", [390, 600, 650])]),
      title: "Shots by zone", xLabel: "zone", yLabel: "shots")
    let rendered = try await renderAndInspect(chart, "bar")
    let (svg, _) = try #require(rendered)
    #expect(svg.plotTitles.filter { !$0.isEmpty } == ["made", "missed"])  // the opaque key adds untitled groups
    for text in ["Shots by zone", "zone", "shots", "Restricted Area", "Mid-Range", "Above the Break 3"] { #expect(svg.texts.contains(text)) }
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func horizontalBarsForFeatureImportance() async throws {
    let features = ["Shot Distance", "X Location", "Y Location", "Period"]
    let chart = Chart(
      .bar(categories: features, series: [Series("gain", [0.5, 0.2, 0.25, 0.05]), Series("permutation", [0.3, 0.1, 0.15, -0.01])], horizontal: true),
      title: "Feature importance", xLabel: "importance")
    let rendered = try await renderAndInspect(chart, "importance")
    let (svg, script) = try #require(rendered)
    #expect(svg.plotTitles.filter { !$0.isEmpty } == ["gain", "permutation"])
    for feature in features { #expect(svg.texts.contains(feature)) }
    #expect(script.contains("with boxxyerror"))
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func lineChartWithDiagonal() async throws {
    let chart = Chart(
      .line(series: [XYSeries("LightGBM", x: [0, 0.1, 0.4, 1], y: [0, 0.5, 0.8, 1]), XYSeries("logistic", x: [0, 0.2, 1], y: [0, 0.4, 1])], diagonal: true),
      title: "ROC", xLabel: "false positive rate", yLabel: "true positive rate", legend: .bottomRight)
    let rendered = try await renderAndInspect(chart, "roc")
    let (svg, figure) = try #require(rendered)
    #expect(svg.plotTitles == ["LightGBM", "logistic", "y = x"])
    let script = figure
    #expect(script.contains("$diagonal << EOD\n0 0\n1 1\nEOD"))
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func scatterPointCount() async throws {
    let xs = (0..<37).map { Double($0) }
    let chart = Chart(.scatter(series: [XYSeries("a", x: xs, y: xs.map { $0 * $0 }), XYSeries("b", x: [1, 2], y: [5, 6])]))
    let rendered = try await renderAndInspect(chart, "scatter")
    let (svg, _) = try #require(rendered)
    #expect(svg.plotTitles == ["a", "b"])
    #expect(svg.pointsPerPlot == [37 + 1, 2 + 1])  // data points + the key sample
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func histogramAndDensity() async throws {
    let values = (0..<200).map { Double(($0 * 37) % 101) / 10 }
    let histogram = Chart(.histogram(series: [Series("distance", values), Series("other", values.map { $0 + 1 })], bins: .width(1)))
    let hRendered = try await renderAndInspect(histogram, "histogram")
    let (h, figure) = try #require(hRendered)
    #expect(h.plotTitles == ["distance", "other"])
    let script = figure
    #expect(script.contains("$h0 << EOD") && script.contains("with boxes"))
    let density = Chart(.density(series: [Series("distance", values)], bandwidth: .silverman, points: 50))
    let dRendered = try await renderAndInspect(density, "density")
    let (d, _) = try #require(dRendered)
    #expect(d.plotTitles == ["distance"])
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func boxPlotWithOutliers() async throws {
    let chart = Chart(.box(groups: [Series("made", [1, 2, 3, 4, 100]), Series("missed", [2, 3, 4, 5, 6])]), title: "distance")
    let rendered = try await renderAndInspect(chart, "box")
    let (svg, _) = try #require(rendered)
    #expect(svg.plotTitles.count == 3)
    #expect(svg.pointsPerPlot.last == 1 + 1)  // one outlier + key sample
    #expect(svg.texts.contains("made") && svg.texts.contains("missed"))
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func heatmapPrintsValues() async throws {
    let chart = Chart(
      .heatmap(Heatmap(rowLabels: ["distance", "made"], columnLabels: ["distance", "made"], values: [[1, -0.3049], [-0.3049, 1]], colorRange: -1...1)),
      title: "Pearson")
    let rendered = try await renderAndInspect(chart, "heatmap")
    let (svg, _) = try #require(rendered)
    #expect(svg.texts.filter { $0 == "-0.30" }.count == 2)
    #expect(svg.texts.filter { $0 == "1.00" }.count == 2)
    #expect(svg.texts.filter { $0 == "distance" }.count == 2)  // x and y tick labels
    #expect(svg.images == 0, "cells are vector rectangles, not an upscaled bitmap")
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func shotChartPointsAndHexbin() async throws {
    let x: [Double] = [0, 5, -220, 220, 0, 100, -150]
    let y: [Double] = [0, 10, 0, 30, 250, 100, 200]
    let made = [true, true, false, true, false, false, true]
    let pointsRendered = try await renderAndInspect(Chart(.shotChart(ShotChart(x: x, y: y, made: made)), width: 600, height: 600), "shots")
    let (points, _) = try #require(pointsRendered)
    #expect(points.plotTitles == ["", "Missed", "Made"])
    #expect(points.pointsPerPlot == [0, 3 + 1, 4 + 1])
    let hex = ShotChart(x: x, y: y, made: made, style: .hexbin(size: 15))
    #expect(try hex.hexbins().map(\.attempts).reduce(0, +) == 7)
    let binsRendered = try await renderAndInspect(Chart(.shotChart(hex), width: 600, height: 600), "hexbin")
    let (bins, _) = try #require(binsRendered)
    #expect(bins.texts.contains("success rate"))
    let fiba = ShotChart(court: .fiba(), x: [0, 600, -660], y: [0, 300, 0], made: [true, false, true])
    let fRendered = try await renderAndInspect(Chart(.shotChart(fiba), title: "FIBA"), "fiba")
    let (f, _) = try #require(fRendered)
    #expect(f.pointsPerPlot == [0, 1 + 1, 2 + 1])
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func rendersAreByteIdenticalAndPNGWorks() async throws {
    let gnuplot = try #require(gnuplotOrSkip())
    let chart = Chart(.scatter(series: [XYSeries("a", x: [1, 2, 3], y: [0.1, 0.25, 1e-7])]), title: "same bytes")
    let first = try temporaryFolder("det1"), second = try temporaryFolder("det2")
    defer { try? FileManager.default.removeItem(at: first); try? FileManager.default.removeItem(at: second) }
    let a = try await gnuplot.render(chart, name: "fig", in: first, formats: [.svg, .png])
    let b = try await gnuplot.render(chart, name: "fig", in: second, formats: [.png, .svg])
    for (u, v) in [(a.svg, b.svg), (a.png, b.png), (a.script, b.script)] {
      let du = try Data(contentsOf: try #require(u)), dv = try Data(contentsOf: try #require(v))
      #expect(du == dv)
      #expect(!du.isEmpty)
    }
    let png = try Data(contentsOf: try #require(a.png))
    #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
  }

  @Test func missingGnuplotNamesThePackage() async throws {
    let renderer = GnuplotRenderer(executable: "/nonexistent/bin/gnuplot")
    let folder = try temporaryFolder("missing")
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
      _ = try await renderer.render(Chart(.scatter(series: [XYSeries("a", x: [1], y: [1])])), name: "x", in: folder)
      Issue.record("expected an error")
    } catch {
      guard case .gnuplotNotFound = error else { Issue.record("wrong error \(error)"); return }
      #expect(error.description.contains("apt-get install gnuplot-nox"))
      #expect(error.description.contains("/nonexistent/bin/gnuplot"))
    }
  }

  @Test func failingGnuplotReportsStderrAndScript() async throws {
    let folder = try temporaryFolder("failing")
    defer { try? FileManager.default.removeItem(at: folder) }
    let fake = folder.appendingPathComponent("fake-gnuplot")
    try """
      #!/bin/sh
      if [ "$1" = "--version" ]; then echo "gnuplot 0.0 fake"; exit 0; fi
      if [ "$1" = "-e" ]; then echo "svg"; exit 0; fi
      echo "line 3: undefined variable: boom" >&2
      exit 1
      """.write(to: fake, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
    let renderer = GnuplotRenderer(executable: fake.path)
    #expect(try await renderer.fingerprint().version == "gnuplot 0.0 fake")
    do {
      _ = try await renderer.render(Chart(.scatter(series: [XYSeries("a", x: [1], y: [1])])), name: "fig", in: folder)
      Issue.record("expected an error")
    } catch {
      guard case .gnuplotFailed(_, let stderr, let script) = error else { Issue.record("wrong error \(error)"); return }
      #expect(stderr.contains("undefined variable: boom"))
      #expect(script.hasSuffix("fig.gp"))
    }
    do {
      _ = try await renderer.render(Chart(.scatter(series: [XYSeries("a", x: [1], y: [1])])), name: "fig", in: folder, formats: [.png])
      Issue.record("expected an error")
    } catch {
      guard case .pngUnavailable = error else { Issue.record("wrong error \(error)"); return }
    }
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func realGnuplotFingerprintIsMemoised() async throws {
    let gnuplot = try #require(gnuplotOrSkip())
    let first = try await gnuplot.fingerprint()
    #expect(first.version.hasPrefix("gnuplot "))
    #expect(try await gnuplot.fingerprint() == first)
  }
}
