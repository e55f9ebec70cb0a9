import Foundation
import WorkbookModel

/// Running one cell: the cache lookup, the kind's body in a scratch folder, and its record.
extension ExecutionContext {
  func runCell(_ cell: PlannedCell, upstream: [String: CellRecord]) async -> CellRecord {
    let kind = cell.kind.name
    var warnings: [String] = []
    let prepared: Prepared
    do {
      guard let p = try prepare(cell, upstream: upstream) else {
        return CellRecord(id: cell.id, kind: kind, status: .skipped, reason: "condition `when` is false")
      }
      prepared = p
    } catch {
      return failed(cell, error)
    }

    if !force {
      do {
        if let manifest = try store.manifest(prepared.key) {
          if let problem = store.verify(manifest) {
            warnings.append(problem.description)
            observer.warning("\(cell.id): \(problem.description)")
            store.removeManifest(prepared.key)
          } else {
            if !verification { state.setState(workbook: workbook.workbook.name, cell: cell.id, key: manifest.key, outputDigest: manifest.outputDigest) }
            return CellRecord(id: cell.id, kind: kind, status: .cached, key: manifest.key, outputDigest: manifest.outputDigest,
                              durationMs: 0, warnings: manifest.warnings, manifest: manifest)
          }
        }
      } catch {
        warnings.append(error.description)
        observer.warning("\(cell.id): \(error.description)")
        store.removeManifest(prepared.key)
      }
    }

    observer.cellStarted(cell.id, kind: kind)
    guard let implementation = engine.registry.implementations[kind] else {
      return failed(cell, CellError("no implementation for kind `\(kind)`", code: .unexpected, at: cell.spec.location))
    }
    let scratch = engine.layout.stateDirectory.appendingPathComponent("tmp/\(cell.id)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { FileSystem.removeItem(scratch.path) }
    let context = cellContext(cell, prepared: prepared, upstream: upstream, scratch: scratch)

    let clock = ContinuousClock()
    let start = clock.now
    let output: CellOutput
    do {
      output = try await implementation.run(context)
    } catch {
      let ms = Self.milliseconds(clock.now - start)
      return failed(cell, Task.isCancelled ? CancellationError() : error, key: prepared.key, durationMs: ms, warnings: warnings)
    }
    let ms = Self.milliseconds(clock.now - start)
    do {
      let manifest = try store(output, cell: cell, prepared: prepared, durationMs: ms)
      if let failure = output.failure {  // outputs shown, but the cell failed: not recorded as its last good state
        var record = CellRecord(id: cell.id, kind: kind, status: .failed, key: manifest.key, outputDigest: manifest.outputDigest,
                                durationMs: ms, reason: failure, warnings: warnings + output.warnings, manifest: manifest)
        record.error = CellDiagnostic(code: .checkFailed, message: failure, cell: cell.id, location: cell.spec.location)
        return record
      }
      if !verification {
        state.setState(workbook: workbook.workbook.name, cell: cell.id, key: manifest.key, outputDigest: manifest.outputDigest)
      }
      return CellRecord(id: cell.id, kind: kind, status: .executed, key: manifest.key, outputDigest: manifest.outputDigest,
                        durationMs: ms, warnings: warnings + output.warnings, manifest: manifest)
    } catch {
      let explained = CellError.explaining(error, registry: engine.registry)
      let unstorable = CellError("could not store outputs: \(explained.message)", code: .outputInvalid, at: explained.location,
                                 hint: explained.hint, cause: error)
      return failed(cell, unstorable, key: prepared.key, durationMs: ms, warnings: warnings)
    }
  }

  /// The record of a failed cell: the error as the terminal shows it (`reason`) and as a coded diagnostic.
  func failed(_ cell: PlannedCell, _ error: any Error, key: String? = nil, durationMs: Int = 0, warnings: [String] = []) -> CellRecord {
    let diagnostic = CellDiagnostic.from(error, cell: cell.id, registry: engine.registry)
    let reason = error is CancellationError ? diagnostic.message : Self.describe(error)
    var record = CellRecord(id: cell.id, kind: cell.kind.name, status: .failed, key: key, durationMs: durationMs, reason: reason,
                            warnings: warnings)
    record.error = diagnostic
    return record
  }

  static func milliseconds(_ d: Duration) -> Int {
    Int(d.components.seconds) * 1000 + Int(d.components.attoseconds / 1_000_000_000_000_000)
  }

  static func describe(_ error: any Error) -> String {
    if let d = error as? Diagnostics { return d.items.map(\.description).joined(separator: "; ") }
    return String(describing: error)
  }
}
