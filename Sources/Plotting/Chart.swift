/// A declarative chart: what to draw (``ChartKind``) plus titles, axis labels and size.
///
/// Every string here is user text: it is quoted by ``GnuplotText`` before it reaches the script, so any
/// content (quotes, backquotes, `system("…")`, markup) prints literally and executes nothing.
public struct Chart: Sendable, Equatable {
  public var kind: ChartKind
  public var title: String
  public var xLabel: String
  public var yLabel: String
  /// Figure size in pixels (SVG user units / PNG pixels).
  public var width: Int
  public var height: Int
  /// Fixed font for deterministic output.
  public var font: String
  public var fontSize: Int
  /// Optional axis ranges; nil lets gnuplot autoscale (deterministically).
  public var xRange: ClosedRange<Double>?
  public var yRange: ClosedRange<Double>?
  public var legend: LegendPosition

  public init(
    _ kind: ChartKind, title: String = "", xLabel: String = "", yLabel: String = "",
    width: Int = 800, height: Int = 600, font: String = "Sans", fontSize: Int = 11,
    xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil, legend: LegendPosition = .topRight
  ) {
    self.kind = kind; self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
    self.width = width; self.height = height; self.font = font; self.fontSize = fontSize
    self.xRange = xRange; self.yRange = yRange; self.legend = legend
  }
}

/// Where the key (legend) goes.
public enum LegendPosition: String, Sendable, Equatable, CaseIterable {
  case topRight, topLeft, bottomRight, bottomLeft, outside, above, hidden

  var gnuplot: String {
    switch self {
    case .topRight: return "set key top right"
    case .topLeft: return "set key top left"
    case .bottomRight: return "set key bottom right"
    case .bottomLeft: return "set key bottom left"
    case .outside: return "set key outside right top"
    case .above: return "set key outside top center horizontal"  // one row above the plot: clear of the axis labels
    case .hidden: return "unset key"
    }
  }
}

/// The chart kinds and their data (plain arrays).
public enum ChartKind: Sendable, Equatable {
  /// Bars per category; several series give grouped bars. `horizontal` draws bars from the y axis, first
  /// category on top (feature importance with long names).
  case bar(categories: [String], series: [Series], horizontal: Bool = false)
  /// Polylines (ROC, PR, calibration, learning curves); `diagonal` adds the y = x reference line. A NaN
  /// y value breaks the line (a missing season is a gap, not a segment joining its neighbours).
  case line(series: [XYSeries], diagonal: Bool = false)
  /// Points.
  case scatter(series: [XYSeries])
  /// Counts of raw `values` in declared bins (see ``HistogramBins``).
  case histogram(series: [Series], bins: HistogramBins)
  /// Gaussian kernel density estimate of each series' raw values (see ``KernelDensity``).
  case density(series: [Series], bandwidth: Bandwidth = .scott, points: Int = 200)
  /// Box-and-whisker plot per group (quartiles and 1.5 IQR whiskers computed in Swift, see ``BoxSummary``).
  case box(groups: [Series])
  /// A matrix drawn as coloured cells with each value printed (correlations…).
  case heatmap(Heatmap)
  /// Basketball half court with shots (see ``ShotChart``).
  case shotChart(ShotChart)
}

/// A named list of values (a bar series, a histogram/density sample, a box group).
public struct Series: Sendable, Equatable {
  public var name: String
  public var values: [Double]
  /// Bar charts: the half-length of an error bar per value (e.g. a standard deviation); nil draws none.
  public var errors: [Double]?
  public init(_ name: String, _ values: [Double], errors: [Double]? = nil) {
    self.name = name; self.values = values; self.errors = errors
  }
}

/// A named list of points.
public struct XYSeries: Sendable, Equatable {
  public var name: String
  public var x: [Double]
  public var y: [Double]
  public init(_ name: String, x: [Double], y: [Double]) { self.name = name; self.x = x; self.y = y }
}

/// A matrix with labelled rows and columns; `values[row][column]`.
public struct Heatmap: Sendable, Equatable {
  public var rowLabels: [String]
  public var columnLabels: [String]
  public var values: [[Double]]
  /// Colour scale range (e.g. -1...1 for correlations); nil uses the data range.
  public var colorRange: ClosedRange<Double>?
  /// Digits printed in each cell.
  public var decimals: Int
  public init(rowLabels: [String], columnLabels: [String], values: [[Double]], colorRange: ClosedRange<Double>? = nil, decimals: Int = 2) {
    self.rowLabels = rowLabels; self.columnLabels = columnLabels; self.values = values
    self.colorRange = colorRange; self.decimals = decimals
  }
}
