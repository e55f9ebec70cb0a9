import Frame

extension Engine {
  /// A table of a cache entry (its blob verified against its digest), e.g. a training table for `workbench serve`.
  public func cachedTable(_ name: String, of manifest: Manifest) throws -> Frame {
    guard let artifact = manifest.artifact(name + OutputNames.tableSuffix) else {
      throw EngineError("cell `\(manifest.cell)` has no table `\(name)` in its cache entry \(manifest.key)")
    }
    return try FrameCodec.decode(try store.blob(artifact.digest))
  }

  /// The cache entry of a cell's last good execution in `workbook` (nil when it never ran or the entry is gone).
  public func lastGoodEntry(workbook: String, cell: String) -> Manifest? {
    recordedState(workbook: workbook)[cell].flatMap { manifest(forKey: $0.key) }
  }
}
