import Foundation
import Testing
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Shots with NBA coordinates (tenths of feet, hoop at 0,0), zones, periods and a few missing values.
func edaShotsCSV(rows: Int = 300, seed: UInt64 = 11, zoneNames: [String] = ["Restricted Area", "Mid-Range", "Above the Break 3"]) -> String {
  var s = "player,zone,type,period,seconds,x,y,distance,made\n"
  var state = seed
  func next() -> Double {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(state >> 11) * 0x1.0p-53
  }
  for i in 0..<rows {
    let zone = Int(next() * 3)
    let radius = [20.0, 140.0, 237.5][zone] + next() * 12  // inside the drawn half court
    let angle = next() * Double.pi
    let x = Int((radius * cos(angle)).rounded()), y = Int((radius * sin(angle)).rounded())
    let distance = ((radius / 10) * 0.3048 * 100).rounded() / 100
    let made = next() < [0.62, 0.41, 0.35][zone] ? 1 : 0
    let seconds = i % 17 == 0 ? "" : String(Int(next() * 720))
    let distanceText = i % 23 == 0 ? "" : String(distance)
    let type = zone == 2 ? "3PT Field Goal" : "2PT Field Goal"
    s += "P\(i % 5),\(csvField(zoneNames[zone])),\(type),\(1 + Int(next() * 4)),\(seconds),\(x),\(y),\(distanceText),\(made)\n"
  }
  return s
}

/// RFC 4180 quoting when needed.
func csvField(_ s: String) -> String {
  s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

/// True when gnuplot is on PATH; otherwise prints why figure tests are skipped (fails when oracles are required).
func edaGnuplotAvailable() -> Bool {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  if path.split(separator: ":").contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/gnuplot") }) { return true }
  if Oracles.required { Issue.record("gnuplot is required (WORKBENCH_REQUIRE_ORACLES=1) but not on PATH") }
  print("skipping: gnuplot not on PATH (apt-get install gnuplot-nox)")
  return false
}

/// The parts of a gnuplot SVG the tests check: texts, plot groups with their key titles, point markers.
final class EDASVG: NSObject, XMLParserDelegate {
  private(set) var texts: [String] = []
  private(set) var plotTitles: [String] = []
  private(set) var pointsPerPlot: [Int] = []
  private(set) var polygons = 0
  private(set) var paths = 0
  private var buffer: String?
  private var groupStack: [Bool] = []
  private var inPlot = false

  static func parse(_ data: Data) throws -> EDASVG {
    let svg = EDASVG()
    let parser = XMLParser(data: data)
    parser.delegate = svg
    guard parser.parse() else { throw MissingResource("SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "?")") }
    return svg
  }

  func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
    switch name {
    case "g":
      let isPlot = attributes["id"]?.hasPrefix("gnuplot_plot_") ?? false
      groupStack.append(isPlot)
      if isPlot { inPlot = true; pointsPerPlot.append(0); plotTitles.append("") }
    case "text": buffer = ""
    case "use":
      if inPlot, let href = attributes["xlink:href"] ?? attributes["href"], href.hasPrefix("#gpPt"), !pointsPerPlot.isEmpty {
        pointsPerPlot[pointsPerPlot.count - 1] += 1
      }
    case "polygon": polygons += 1
    case "path": paths += 1
    default: break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { if let b = buffer { buffer = b + string } }

  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    switch name {
    case "g": if groupStack.popLast() == true { inPlot = false }
    case "text":
      if let t = buffer {
        texts.append(t)
        if inPlot, !plotTitles.isEmpty, plotTitles[plotTitles.count - 1].isEmpty { plotTitles[plotTitles.count - 1] = t }
      }
      buffer = nil
    default: break
    }
  }
}

extension Project {
  func cellFile(_ workbook: String, _ cell: String, _ file: String) throws -> Data {
    try Data(contentsOf: root.appendingPathComponent("outputs/\(workbook)/cells/\(cell)/\(file)"))
  }

  func cellResult(_ workbook: String, _ cell: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: cellFile(workbook, cell, "result.json")) as? [String: Any])
  }
}

@Suite("EDA plot cell", .serialized)
struct EDAPlotTests {
  static let workbook = """
    workbook: eda
    cells:
      - id: shots
        kind: load
        source: shots.csv
      - id: bars
        kind: plot
        input: shots
        chart: bar
        x: zone
        y: made
        aggregate: mean
        group: period
      - id: counts
        kind: plot
        input: shots
        chart: bar
        x: zone
        horizontal: true
      - id: lines
        kind: plot
        input: shots
        chart: line
        x: seconds
        y: [distance, made]
      - id: scatter
        kind: plot
        input: shots
        chart: scatter
        x: x
        y: y
        color: zone
        sample: {rows: 120, seed: 4}
      - id: hist
        kind: plot
        input: shots
        chart: histogram
        x: distance
        group: type
        bins: 12
      - id: dens
        kind: plot
        input: shots
        chart: density
        x: [distance, seconds]
        bandwidth: silverman
        formats: [svg, png]
      - id: boxes
        kind: plot
        input: shots
        chart: box
        x: zone
        y: distance
      - id: heat
        kind: plot
        input: shots
        chart: heatmap
        x: period
        y: zone
        value: made
        chart_title: Success rate by zone and period
      - id: court
        kind: plot
        input: shots
        chart: shot_chart
        x: x
        y: y
        made: made
      - id: hexes
        kind: plot
        input: shots
        chart: shot_chart
        x: x
        y: y
        made: made
        style: hexbin
        hex_size: 30

    """

  static let zones = ["Above the Break 3", "Mid-Range", "Restricted Area"]

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func everyChartKindRenders() throws {
    try #require(edaGnuplotAvailable())
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", edaShotsCSV())
    try p.write("eda.yaml", Self.workbook)
    let out = try p.workbench(["run", "eda.yaml"])
    #expect(out.status == 0, "\(out.stderr)")
    func svg(_ cell: String) throws -> EDASVG { try EDASVG.parse(try p.cellFile("eda", cell, "\(cell).svg")) }

    // bar: one series per period, zones as tick labels in sorted order.
    let bars = try svg("bars")
    #expect(bars.plotTitles.filter { !$0.isEmpty } == ["1", "2", "3", "4"])
    for z in Self.zones { #expect(bars.texts.contains(z)) }
    let barResult = try p.cellResult("eda", "bars")
    #expect(barResult["categories"] as? [String] == Self.zones)
    #expect((barResult["series"] as? [[String: Any]])?.reduce(0) { $0 + ($1["points"] as? Int ?? 0) } == 300)
    #expect(try p.cellFile("eda", "bars", "bars.gp").count > 0)

    // horizontal count bars.
    let counts = try p.cellResult("eda", "counts")
    #expect((counts["series"] as? [[String: Any]])?.first?["name"] as? String == "count")
    _ = try svg("counts")

    // line: two series named after the columns; rows with a missing x or y dropped.
    let lines = try svg("lines")
    #expect(lines.plotTitles == ["distance", "made"])
    let lineSeries = try #require(try p.cellResult("eda", "lines")["series"] as? [[String: Any]])
    #expect(lineSeries.map { $0["points"] as? Int } == [300 - 18 - 14 + 1, 300 - 18])  // seconds missing every 17th, distance every 23rd (row 0 both)

    // scatter with a sample: 120 points split by zone, sampling declared.
    let scatter = try svg("scatter")
    #expect(scatter.plotTitles == Self.zones)
    #expect(scatter.pointsPerPlot.reduce(0, +) == 120 + 3)  // + one legend sample per series
    let scatterResult = try p.cellResult("eda", "scatter")
    let sampling = try #require(scatterResult["sampling"] as? [String: Any])
    #expect(sampling["rows"] as? Int == 120 && sampling["of"] as? Int == 300 && sampling["seed"] as? Int == 4)
    let report = try p.read("outputs/eda/report.md")
    #expect(report.contains("random sample of 120 of 300 rows (seed 4)"))

    #expect(try svg("hist").plotTitles == ["2PT Field Goal", "3PT Field Goal"])
    #expect(try svg("dens").plotTitles == ["distance", "seconds"])
    let png = try p.cellFile("eda", "dens", "dens.png")
    #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    let boxes = try svg("boxes")
    for z in Self.zones { #expect(boxes.texts.contains(z)) }

    // heatmap: values printed in the cells.
    let heat = try svg("heat")
    #expect(heat.texts.contains("Success rate by zone and period"))
    #expect(heat.texts.contains { $0.hasPrefix("0.") })

    // shot chart: made/missed point groups adding up to the shots; hexbin draws polygons.
    let court = try svg("court")
    #expect(court.texts.contains("Made") && court.texts.contains("Missed"))
    let courtSeries = try #require(try p.cellResult("eda", "court")["series"] as? [[String: Any]])
    #expect(courtSeries.reduce(0) { $0 + ($1["points"] as? Int ?? 0) } == 300)
    #expect(court.pointsPerPlot.reduce(0, +) == 300 + 2)  // + the Made/Missed legend samples
    #expect(try svg("hexes").polygons > 5)
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func figuresAreByteIdenticalAcrossRunsAndFolders() throws {
    try #require(edaGnuplotAvailable())
    var digests: [[String: Data]] = []
    for _ in 0..<2 {
      let p = try Project()
      defer { p.remove() }
      try p.write("shots.csv", edaShotsCSV())
      try p.write("eda.yaml", Self.workbook)
      let out = try p.workbench(["run", "eda.yaml"])
      #expect(out.status == 0, "\(out.stderr)")
      var files: [String: Data] = [:]
      for cell in ["bars", "counts", "lines", "scatter", "hist", "dens", "boxes", "heat", "court", "hexes"] {
        files["\(cell).svg"] = try p.cellFile("eda", cell, "\(cell).svg")
        files["\(cell).gp"] = try p.cellFile("eda", cell, "\(cell).gp")
        files["\(cell)/result.json"] = try p.cellFile("eda", cell, "result.json")
      }
      digests.append(files)
    }
    #expect(digests[0].keys.sorted() == digests[1].keys.sorted())
    for key in digests[0].keys.sorted() { #expect(digests[0][key] == digests[1][key], "\(key) differs between runs") }
  }

  /// Category labels and player names that try to run commands render as text and execute nothing.
  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func hostileLabelsRenderAsTextAndRunNothing() throws {
    try #require(edaGnuplotAvailable())
    let p = try Project()
    defer { p.remove() }
    let marker = p.root.appendingPathComponent("pwned").path
    let hostile = [
      "O'Neal \"Shaq\" `touch \(marker)`",
      "system(\"touch \(marker)\")",
      "'; system(\"touch \(marker)\"); '",
      "@MACRO $HOME ; touch \(marker)",
    ]
    // Three distinct zones per generated CSV; run twice to cover all four labels.
    for (i, zones) in [Array(hostile[0..<3]), [hostile[3], "x^2 a_b {c}", "back\\slash \\n"]].enumerated() {
      try p.write("shots.csv", edaShotsCSV(rows: 60, seed: UInt64(i + 1), zoneNames: zones))
      try p.write("evil.yaml", shotsWorkbook("evil", """
          - id: bars
            kind: plot
            input: shots
            chart: bar
            x: zone
            y: made
            chart_title: "`touch \(marker)` system(\\"touch \(marker)\\")"
          - id: byplayer
            kind: plot
            input: shots
            chart: box
            x: zone
            y: distance
          - id: rates
            kind: describe
            input: shots
            columns: [made]
            rates: {target: made, by: [zone]}

        """))
      let out = try p.workbench(["run", "evil.yaml"])
      #expect(out.status == 0, "\(out.stderr)")
      #expect(!FileManager.default.fileExists(atPath: marker), "a command ran")
      let texts = try EDASVG.parse(try p.cellFile("evil", "bars", "bars.svg")).texts
        + EDASVG.parse(try p.cellFile("evil", "byplayer", "byplayer.svg")).texts
        + EDASVG.parse(try p.cellFile("evil", "rates", "rate_1_zone.svg")).texts
      // Category labels past 32 characters are shortened on the axis ("…", see docs/plotting.md); literal either way.
      for z in zones {
        let onAxis = z.count > 32 ? String(z.prefix(31)).trimmingCharacters(in: .whitespaces) + "…" : z
        #expect(texts.contains(z) || texts.contains(onAxis), "missing literal label \(z)")
      }
      #expect(texts.contains("`touch \(marker)` system(\"touch \(marker)\")"))
    }
    #expect(!FileManager.default.fileExists(atPath: marker))
  }

  @Test func unknownColumnSuggestsTheClosestWithItsLine() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", edaShotsCSV(rows: 20))
    try p.write("typo.yaml", shotsWorkbook("typo", """
        - id: bars
          kind: plot
          input: shots
          chart: bar
          x: zone
          y: distnace

      """))
    let out = try p.workbench(["run", "typo.yaml"])
    #expect(out.status == 1)
    let text = out.stdout + out.stderr
    #expect(text.contains("unknown column `distnace` in `y`"), "\(text)")
    #expect(text.contains("did you mean `distance`?"))
    #expect(text.contains("typo.yaml:11"), "\(text)")
  }

  @Test func staticChecksNameTheMissingOption() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", edaShotsCSV(rows: 20))
    try p.write("bad.yaml", shotsWorkbook("bad", """
        - id: court
          kind: plot
          input: shots
          chart: shot_chart
          x: x
          y: y
          style: hexbins

      """))
    let out = try p.workbench(["run", "bad.yaml"])
    #expect(out.status == 2)
    let text = out.stdout + out.stderr
    #expect(text.contains("`shot_chart` charts need `made`"), "\(text)")
    #expect(text.contains("hexbin"), "\(text)")
  }

  @Test(.needsTool("gnuplot", package: "gnuplot-nox")) func tooManyPointsAskForASample() throws {
    try #require(edaGnuplotAvailable())
    let p = try Project()
    defer { p.remove() }
    var csv = "a,b\n"
    for i in 0..<20_001 { csv += "\(i),\(i % 97)\n" }
    try p.write("big.csv", csv)
    try p.write("big.yaml", """
      workbook: big
      cells:
        - id: t
          kind: load
          source: big.csv
        - id: s
          kind: plot
          input: t
          chart: scatter
          x: a
          y: b
        - id: ok
          kind: plot
          input: t
          chart: scatter
          x: a
          y: b
          sample: {rows: 500, seed: 1}

      """)
    let out = try p.workbench(["run", "big.yaml"])
    #expect(out.status == 1)
    #expect((out.stdout + out.stderr).contains("sample: {rows: 10000, seed: 1}"))
    #expect(try p.statuses("big")["ok"] == "executed")
    #expect(try EDASVG.parse(try p.cellFile("big", "ok", "ok.svg")).pointsPerPlot.reduce(0, +) == 500)
  }

  /// Without gnuplot on PATH the cell fails with the Plotting message naming the package; nothing crashes.
  @Test func missingGnuplotIsAClearError() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", edaShotsCSV(rows: 20))
    try p.write("nognuplot.yaml", shotsWorkbook("nognuplot", """
        - id: bars
          kind: plot
          input: shots
          chart: bar
          x: zone

      """))
    let empty = try makeTemporaryDirectory("empty-path")
    defer { try? FileManager.default.removeItem(at: empty) }
    let out = try p.workbench(["run", "nognuplot.yaml"], environment: ["PATH": empty.path])
    #expect(out.status == 1, "\(out.stdout)\(out.stderr)")
    let text = out.stdout + out.stderr
    #expect(text.contains("gnuplot-nox"), "\(text)")
    #expect(try p.statuses("nognuplot")["bars"] == "failed")
    #expect(try p.statuses("nognuplot")["shots"] == "executed")
  }
}

@Suite("EDA plot cell warnings")
struct EDAPlotWarningTests {
  @Test func optionsOfAnotherChartKindAreReported() throws {
    let p = try Project()
    defer { p.remove() }
    try p.write("shots.csv", edaShotsCSV(rows: 20))
    try p.write("warn.yaml", shotsWorkbook("warn", """
        - id: bars
          kind: plot
          input: shots
          chart: bar
          x: zone
          bins: 10
          plots: false

      """))
    let out = try p.workbench(["run", "warn.yaml"])
    #expect(out.status == 2)
    let text = out.stdout + out.stderr
    #expect(text.contains("option `bins` is ignored by `bar` charts"), "\(text)")
    #expect(text.contains("unknown option `plots`"), "\(text)")
  }
}
