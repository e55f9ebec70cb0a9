/// What a terminal shows while cells run: one status line for the running cells, drawn only once a cell has run
/// for ``delay`` seconds (short cells never flicker a bar) and redrawn at most every ``interval`` seconds.
/// Pure state: the caller supplies the time (seconds on a monotonic clock) and draws the returned line, so the
/// rules are testable without a terminal or a clock. Progress is display only: nothing of it enters run.json,
/// the cache or anything `verify` compares.
public struct ProgressDisplay: Sendable {
  /// A cell running for less than this shows nothing.
  public var delay = 1.0
  /// Minimum time between two redraws.
  public var interval = 0.1
  /// Longest line drawn (terminal width is not known).
  public var width = 100

  struct Running {
    var kind: String
    var started: Double
    var fraction: Double?
    var detail: String
    var updated: Double
  }
  private var running: [String: Running] = [:]
  private var lastDrawn: Double?
  private var lastLine: String?

  public init() {}

  public mutating func started(_ cell: String, kind: String, at time: Double) {
    running[cell] = Running(kind: kind, started: time, fraction: nil, detail: "", updated: time)
  }

  public mutating func finished(_ cell: String) { running[cell] = nil }

  /// Records a cell's progress; returns the line to draw now, if any. A non-finite fraction (`.nan`) updates the
  /// detail only (e.g. a fold finished inside one of several trials running at once).
  public mutating func progress(_ cell: String, fraction: Double, detail: String, at time: Double) -> String? {
    guard var r = running[cell] else { return nil }
    if fraction.isFinite { r.fraction = min(1, max(0, fraction)) }
    if !detail.isEmpty { r.detail = detail }
    r.updated = time
    running[cell] = r
    return tick(at: time)
  }

  /// The line to draw at `time` (for a periodic redraw of cells that report nothing), or nil when nothing is due
  /// or the line on screen is already this one.
  public mutating func tick(at time: Double) -> String? {
    guard let line = line(at: time), line != lastLine else { return nil }
    if let last = lastDrawn, time - last < interval { return nil }
    lastDrawn = time
    lastLine = line
    return line
  }

  /// Forgets that a line is on screen (the caller cleared it).
  public mutating func cleared() {
    lastDrawn = nil
    lastLine = nil
  }

  /// `cell (kind) [#####.....] 42% 12s trial 3/12 fold 2/5` for the most recently updated cell running long
  /// enough, with `+N` when others run too.
  func line(at time: Double) -> String? {
    let shown = running.filter { time - $0.value.started >= delay }
    guard let (id, r) = shown.max(by: { ($0.value.updated, $1.key) < ($1.value.updated, $0.key) }) else { return nil }
    var s = "\(id) (\(r.kind))"
    if let f = r.fraction {
      let cells = 20
      let filled = Int((f * Double(cells)).rounded(.down))
      s += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: cells - filled) + "] \(Int((f * 100).rounded(.down)))%"
    }
    s += " \(Int(time - r.started))s"
    if !r.detail.isEmpty { s += " " + r.detail }
    if shown.count > 1 { s += " (+\(shown.count - 1) running)" }
    return s.count > width ? String(s.prefix(width - 1)) + "…" : s
  }
}
