import Dispatch
import Engine
import Foundation
import WorkbookModel

/// Reports a run on standard error: one line per finished cell, always (CI logs get exactly that); on a terminal,
/// also a live status line for cells running more than a second (see ``ProgressDisplay``), redrawn by the
/// cells' progress reports and by a ticker for cells that report none.
final class ConsoleObserver: RunObserver, @unchecked Sendable {
  let terminal = Terminal.standardError
  let quiet: Bool
  /// Draw the status line of long cells (on a terminal only).
  let showsProgress: Bool
  private let lock = NSLock()
  private var display = ProgressDisplay()
  private var lineVisible = false
  private let origin = ContinuousClock.now
  private var ticker: (any DispatchSourceTimer)?

  /// `progress` defaults to `!quiet`; `verify` keeps it while printing no per-cell lines.
  init(quiet: Bool, progress: Bool? = nil) {
    self.quiet = quiet
    showsProgress = terminal.interactive && (progress ?? !quiet)
    guard showsProgress else { return }
    let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "workbench.progress"))
    timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
    timer.setEventHandler { [weak self] in self?.redraw(nil) }
    timer.resume()
    ticker = timer
  }

  deinit { ticker?.cancel() }

  private var now: Double {
    let d = ContinuousClock.now - origin
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }

  func waitingForLock(workbook: String, holder: Int32?) {
    emit("waiting: another run of workbook `\(workbook)` is in progress\(holder.map { " (pid \($0))" } ?? ""); it will continue when that run ends")
  }

  func cellStarted(_ id: String, kind: String) {
    guard showsProgress else { return }
    lock.lock(); display.started(id, kind: kind, at: now); lock.unlock()
  }

  func cellFinished(_ record: CellRecord) {
    if showsProgress { lock.lock(); display.finished(record.id); lock.unlock() }
    guard !quiet || record.status == .failed else { return }
    let mark: String
    switch record.status {
    case .executed: mark = terminal.green("ran    ")
    case .cached: mark = terminal.blue("cached ")
    case .failed: mark = terminal.red("FAILED ")
    case .skipped: mark = terminal.dim("skipped")
    }
    var line = "\(mark) \(record.id) \(terminal.dim("(\(record.kind))"))"
    if record.status == .executed { line += terminal.dim(" \(record.durationMs) ms") }
    if let reason = record.reason.map(Redaction.redact) { line += record.status == .failed ? "\n        " + terminal.red(reason) : terminal.dim(" — \(reason)") }
    emit(line)
    for w in record.warnings { emit("        " + terminal.yellow("warning: ") + Redaction.redact(w)) }
  }

  func progress(cell: String, fraction: Double, detail: String) {
    guard showsProgress else { return }
    redraw((cell, fraction, detail))
  }

  func warning(_ message: String) { emit(terminal.yellow("warning: ") + message) }

  /// Stops the ticker and clears the status line (before printing results elsewhere).
  func finish() {
    ticker?.cancel()
    lock.lock(); defer { lock.unlock() }
    if lineVisible { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    lineVisible = false
  }

  /// Draws the status line if one is due (after a progress report, or on a tick).
  private func redraw(_ report: (cell: String, fraction: Double, detail: String)?) {
    lock.lock(); defer { lock.unlock() }
    let t = now
    let line = report.map { display.progress($0.cell, fraction: $0.fraction, detail: $0.detail, at: t) } ?? display.tick(at: t)
    guard let line else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    lineVisible = true
  }

  private func emit(_ line: String) {
    lock.lock(); defer { lock.unlock() }
    if lineVisible {
      FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
      lineVisible = false
      display.cleared()
    }
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
