import Foundation
import Frame
import WorkbookModel

/// A cell's folder under `outputs/<workbook>/cells/<id>/`: result, files, CSV exports, table index.
extension OutputWriter {
  /// Writes a cell's outputs into `dir` (a new folder); hard-links the previous publication's folder when it
  /// holds the same outputs.
  func materialize(_ manifest: Manifest, into dir: URL, previous: URL?, memo: TableMemo? = nil) throws {
    if let previous,
       let existing = try? String(contentsOfFile: previous.appendingPathComponent(Self.markerName).path, encoding: .utf8),
       existing == manifest.outputDigest
    {
      try Self.linkOrCopy(previous, to: dir)
      return
    }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var tableIndex: [JSONValue] = []
    for a in manifest.artifacts {
      if a.role == .report { continue }
      let memoFrame = a.role == .table ? memo?.get(a.digest) : nil
      let bytes = memoFrame == nil ? try engine.store.blob(a.digest) : []
      switch a.role {
      case .result: try FileSystem.writeAtomically(bytes, to: dir.appendingPathComponent("result.json").path)
      case .report: continue
      case .file: try FileSystem.writeAtomically(bytes, to: dir.appendingPathComponent(a.name).path)
      case .table:
        let name = String(a.name.dropLast(OutputNames.tableSuffix.count))
        let frame = try memoFrame ?? FrameCodec.decode(bytes)
        let complete = frame.rowCount <= Self.fullExportRows
        let fileName = complete ? "\(name).csv" : "\(name).preview.csv"
        let rows = complete ? frame : frame.gathering(Array(0..<min(Self.previewRows, frame.rowCount)))
        try FileSystem.writeAtomically(CSVWriter.write(rows), to: dir.appendingPathComponent(fileName).path)
        tableIndex.append(.object([
          "name": .string(name), "rows": .int(frame.rowCount), "file": .string(fileName), "complete": .bool(complete),
          "columns": .array(frame.columns.map { .object(["name": .string($0.name), "type": .string($0.type.rawValue),
                                                         "nulls": .int($0.nullCount)]) }),
        ]))
      }
    }
    if !tableIndex.isEmpty {
      try FileSystem.writeAtomically(JSONValue.array(tableIndex).serializedBytes(), to: dir.appendingPathComponent("tables.json").path)
    }
    try FileSystem.writeAtomically(manifest.outputDigest, to: dir.appendingPathComponent(Self.markerName).path)
  }
}
