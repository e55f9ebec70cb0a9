import Frame
import WorkbookModel

/// What a running cell sees of its finished upstream cells (loaded lazily, verified, decoded once).
extension ExecutionContext {
  func upstreamAccessors(_ upstream: [String: CellRecord]) -> [String: UpstreamOutput] {
    var out: [String: UpstreamOutput] = [:]
    let store = self.store
    let memo = tableMemo
    for (id, record) in upstream {
      guard let m = record.manifest else { continue }
      let result = (try? store.blob(m.artifact("result.json")?.digest ?? "")).flatMap { try? JSONValue.parse($0) } ?? .object([:])
      out[id] = UpstreamOutput(
        result: result,
        tableNames: m.tables.map { String($0.name.dropLast(OutputNames.tableSuffix.count)) },
        fileNames: m.files.map(\.name),
        loadTable: { name in
          guard let a = m.artifact(name + OutputNames.tableSuffix) else { throw CellError("cell `\(id)` has no table `\(name)`", code: .upstreamMissing) }
          if let frame = memo.get(a.digest) { return frame }
          let bytes = try store.blob(a.digest)
          do {
            let frame = try FrameCodec.decode(bytes)
            memo.put(a.digest, frame)
            return frame
          } catch {
            throw CellError("table `\(name)` of cell `\(id)` cannot be decoded: \(error)", code: .upstreamMissing, hint: "run `workbench clean` and rerun")
          }
        },
        loadFile: { name in
          guard let a = m.artifact(name), a.role == .file else { throw CellError("cell `\(id)` has no output file `\(name)`", code: .upstreamMissing) }
          return try store.blob(a.digest)
        })
    }
    return out
  }
}
