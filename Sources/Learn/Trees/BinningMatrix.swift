/// Binned features as one contiguous column-major `UInt8` array: bin of feature `f`, row `i` is
/// `bins[f * rowCount + i]`. Produced by ``FeatureBinner/transform(_:threads:)``.
public struct BinnedMatrix: Sendable, Equatable {
  public let rowCount: Int
  public let featureCount: Int
  public let bins: [UInt8]

  public init(rowCount: Int, featureCount: Int, bins: [UInt8]) {
    self.rowCount = rowCount
    self.featureCount = featureCount
    self.bins = bins
  }

  /// The same bins row by row (`out[i * featureCount + f]`): histogram building reads every examined feature
  /// of a row, and in this layout they share one cache line instead of one line per feature.
  public func rowMajor(threads: Int = 1) -> [UInt8] {
    let n = rowCount, k = featureCount
    var out = [UInt8](repeating: 0, count: max(n * k, 1))  // never empty, so its base address exists
    let blockSize = 65_536
    let blocks = (n + blockSize - 1) / blockSize
    bins.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { target in
        let box = UncheckedBox((source, target))
        TreeParallel.forEach(blocks, threads: threads) { b in
          let (source, target) = box.value
          for i in (b * blockSize)..<min(n, (b + 1) * blockSize) {
            for f in 0..<k { target[i * k + f] = source[f * n + i] }
          }
        }
      }
    }
    return out
  }

  /// Bin of feature `f` at row `i`.
  public subscript(row i: Int, feature f: Int) -> UInt8 { bins[f * rowCount + i] }
}
