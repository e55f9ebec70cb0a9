import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an SVG written by gnuplot and collects what the tests check: the text strings, the plot groups
/// (`<g id="gnuplot_plot_N">` with their `<title>`), and the point markers (`<use xlink:href="#gpPtK">`) per group.
final class SVGInspector: NSObject, XMLParserDelegate {
  private(set) var texts: [String] = []
  /// Plot group key titles in order (the first text inside each `gnuplot_plot_N` group; "" when untitled).
  private(set) var plotTitles: [String] = []
  /// Point markers per plot group.
  private(set) var pointsPerPlot: [Int] = []
  private(set) var polygons = 0
  private(set) var images = 0
  private var textBuffer: String?
  private var groupDepth: [Bool] = []
  private var inPlot = false

  static func parse(_ url: URL) throws -> SVGInspector {
    let inspector = SVGInspector()
    let parser = XMLParser(data: try Data(contentsOf: url))
    parser.delegate = inspector
    guard parser.parse() else {
      throw MissingSVG(description: "SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "unknown error")")
    }
    return inspector
  }

  struct MissingSVG: Error, CustomStringConvertible { var description: String }

  func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
    switch name {
    case "g":
      let isPlot = attributes["id"]?.hasPrefix("gnuplot_plot_") ?? false
      groupDepth.append(isPlot)
      if isPlot { inPlot = true; pointsPerPlot.append(0); plotTitles.append("") }
    case "text": textBuffer = ""
    case "use":
      if inPlot, let href = attributes["xlink:href"] ?? attributes["href"], href.hasPrefix("#gpPt"), !pointsPerPlot.isEmpty {
        pointsPerPlot[pointsPerPlot.count - 1] += 1
      }
    case "polygon": polygons += 1
    case "image": images += 1
    default: break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if let buffer = textBuffer { textBuffer = buffer + string }
  }

  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    switch name {
    case "g":
      if groupDepth.popLast() == true { inPlot = false }
    case "text":
      if let t = textBuffer {
        texts.append(t)
        if inPlot, !plotTitles.isEmpty, plotTitles[plotTitles.count - 1].isEmpty { plotTitles[plotTitles.count - 1] = t }
      }
      textBuffer = nil
    default: break
    }
  }
}
