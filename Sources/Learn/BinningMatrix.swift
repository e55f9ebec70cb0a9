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

  /// Bin of feature `f` at row `i`.
  public subscript(row i: Int, feature f: Int) -> UInt8 { bins[f * rowCount + i] }
}
