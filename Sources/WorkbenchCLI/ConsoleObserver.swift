import Engine
import Foundation

/// Draws run progress on standard error: one line per finished cell; a live progress bar on a terminal.
final class ConsoleObserver: RunObserver, @unchecked Sendable {
  let terminal = Terminal.standardError
  let quiet: Bool
  private let lock = NSLock()
  private var barVisible = false
  private var started: [String: ContinuousClock.Instant] = [:]

  init(quiet: Bool) { self.quiet = quiet }

  func waitingForLock(workbook: String, holder: Int32?) {
    emit("waiting: another run of workbook `\(workbook)` is in progress\(holder.map { " (pid \($0))" } ?? ""); it will continue when that run ends")
  }

  func cellStarted(_ id: String, kind: String) {
    lock.lock(); started[id] = .now; lock.unlock()
    if terminal.interactive && !quiet { drawBar(id, 0, "running") }
  }

  func cellFinished(_ record: CellRecord) {
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
    if let reason = record.reason { line += record.status == .failed ? "\n        " + terminal.red(reason) : terminal.dim(" — \(reason)") }
    emit(line)
    for w in record.warnings { emit("        " + terminal.yellow("warning: ") + w) }
  }

  func progress(cell: String, fraction: Double, detail: String) {
    guard terminal.interactive && !quiet else { return }
    drawBar(cell, fraction, detail)
  }

  func warning(_ message: String) { emit(terminal.yellow("warning: ") + message) }

  private func drawBar(_ cell: String, _ fraction: Double, _ detail: String) {
    lock.lock(); defer { lock.unlock() }
    let width = 24
    let filled = max(0, min(width, Int(fraction * Double(width))))
    var eta = ""
    if let s = started[cell], fraction > 0.02, fraction < 1 {
      let elapsed = Double((ContinuousClock.now - s).components.seconds)
      eta = " ETA \(Int(elapsed / fraction * (1 - fraction)))s"
    }
    let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    FileHandle.standardError.write(Data("\r\u{1B}[2K\(cell) \(bar) \(Int(fraction * 100))%\(eta) \(detail.prefix(40))".utf8))
    barVisible = true
  }

  private func emit(_ line: String) {
    lock.lock(); defer { lock.unlock() }
    if barVisible { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)); barVisible = false }
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
