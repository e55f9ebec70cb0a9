import Frame

extension Engine {
  /// A table of a cache entry (its blob verified against its digest), e.g. a training table for `workbench serve`.
  public func cachedTable(_ name: String, of manifest: Manifest) throws -> Frame {
    guard let artifact = manifest.artifact(name + OutputNames.tableSuffix) else {
      throw EngineError("cell `\(manifest.cell)` has no table `\(name)` in its cache entry \(manifest.key)")
    }
    return try FrameCodec.decode(try store.blob(artifact.digest))
  }
}
