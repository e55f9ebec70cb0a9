import Foundation
import Frame
import WorkbookModel

/// Writing a cell's outputs as one cache entry: blobs first, the manifest last.
extension ExecutionContext {
  /// Stores every output as a blob and writes the manifest last.
  func store(_ output: CellOutput, cell: PlannedCell, prepared: Prepared, durationMs: Int) throws -> Manifest {
    var artifacts: [ArtifactRecord] = []
    var names = Set<String>()
    func claim(_ name: String) throws {
      guard OutputNames.isSafe(name) else {
        throw CellError("cell produced an output with an unsafe name `\(name)`", code: .outputInvalid,
                        hint: "output names are plain file names (letters, digits, `.`, `_`, `-`) inside the cell's folder")
      }
      guard names.insert(name).inserted else { throw CellError("cell produced two outputs named `\(name)`", code: .outputInvalid) }
    }
    func add(_ name: String, _ role: ArtifactRecord.Role, _ bytes: [UInt8]) throws {
      try claim(name)
      let digest = try store.putBlob(bytes)
      artifacts.append(ArtifactRecord(name: name, role: role, digest: digest, size: bytes.count, rows: nil))
    }
    try add("result.json", .result, output.result.serializedBytes())
    try add("report.json", .report, try JSONValue(encoding: output.report).serializedBytes(pretty: false))
    for t in output.tables {
      let name = t.name + OutputNames.tableSuffix
      try claim(name)
      // Streamed: hashed and written piece by piece, never encoded whole in memory.
      let (digest, size) = try store.putBlob { sink in FrameCodec.encode(t.frame, to: sink) }
      artifacts.append(ArtifactRecord(name: name, role: .table, digest: digest, size: size, rows: t.frame.rowCount))
      tableMemo.put(digest, t.frame)
    }
    for f in output.files { try add(f.name, .file, f.bytes) }
    var manifest = Manifest(key: prepared.key, cell: cell.id, workbook: workbook.workbook.name,
                            components: prepared.components, artifacts: artifacts,
                            outputDigest: Manifest.outputDigest(of: artifacts), warnings: output.warnings,
                            durationMs: durationMs)
    manifest.notes = output.notes
    manifest.cacheFiles = output.cacheFiles
    if !output.provisional && output.failure == nil { try store.putManifest(manifest) }  // neither is reused
    return manifest
  }
}
