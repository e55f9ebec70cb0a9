/// Errors from building or rendering a chart, each saying what went wrong and what to do.
public enum PlottingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// gnuplot could not be found or started.
  case gnuplotNotFound(String)
  /// gnuplot ran and failed: exit status, its standard error and the script path to re-run.
  case gnuplotFailed(status: String, stderr: String, script: String)
  /// The chart description is inconsistent (lengths differ, no data, bad bins…).
  case invalidChart(String)
  /// The figure name cannot be used as a file name.
  case invalidName(String)
  /// PNG was requested but this gnuplot has no PNG terminal.
  case pngUnavailable(String)
  /// Reading or writing a file failed.
  case io(String)

  public var description: String {
    switch self {
    case .gnuplotNotFound(let detail):
      return "gnuplot not found (\(detail)); install it, e.g. `apt-get install gnuplot-nox` (package gnuplot-nox) or `brew install gnuplot`"
    case .gnuplotFailed(let status, let stderr, let script):
      return "gnuplot failed (\(status)) on \(script): \(stderr.isEmpty ? "no error output" : stderr); re-run with `gnuplot \(script)` to inspect"
    case .invalidChart(let detail): return "invalid chart: \(detail)"
    case .invalidName(let detail): return "invalid figure name: \(detail)"
    case .pngUnavailable(let detail):
      return "PNG output unavailable: \(detail); install a gnuplot with the pngcairo or png terminal (`apt-get install gnuplot-nox`) or ask for SVG only"
    case .io(let detail): return "plot file error: \(detail)"
    }
  }
}
