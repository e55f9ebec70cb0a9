import WorkbookModel

extension CellRecord {
  func log(to state: StateDatabase, run: Int64?) {
    guard let run else { return }
    state.recordExecution(run: run, cell: id, kind: kind, status: status.rawValue, key: key, outputDigest: outputDigest,
                          durationMs: durationMs, reason: reason.map(Redaction.redact))
  }
}
