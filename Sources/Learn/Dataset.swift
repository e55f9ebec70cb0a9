/// A numeric design matrix for learning: column-major features (NaN = missing) plus an optional target.
///
/// Categorical features hold small non-negative integer codes (0, 1, 2…) stored as Doubles and are flagged
/// in `isCategorical`; models that support native categorical splits use the flag, others treat codes as
/// numbers. Conversion from a workbook table happens in the Cells layer; this type knows nothing of frames.
public struct Dataset: Sendable, Equatable {
  public var featureNames: [String]
  /// `features[j][i]` is feature `j` of row `i`.
  public var features: [[Double]]
  public var isCategorical: [Bool]
  /// Binary targets are 0/1; regression targets any finite value. Empty when unlabeled.
  public var target: [Double]
  /// Optional group label per row (e.g. game id) for group k-fold. Empty when absent.
  public var groups: [Int]

  public init(featureNames: [String], features: [[Double]], isCategorical: [Bool]? = nil,
              target: [Double] = [], groups: [Int] = []) {
    precondition(featureNames.count == features.count, "one name per feature column")
    self.featureNames = featureNames
    self.features = features
    self.isCategorical = isCategorical ?? Array(repeating: false, count: features.count)
    self.target = target
    self.groups = groups
  }

  public var rowCount: Int { features.first?.count ?? target.count }
  public var featureCount: Int { features.count }

  /// The rows at `indices`, in that order.
  public func subset(_ indices: [Int]) -> Dataset {
    Dataset(
      featureNames: featureNames,
      features: features.map { col in indices.map { col[$0] } },
      isCategorical: isCategorical,
      target: target.isEmpty ? [] : indices.map { target[$0] },
      groups: groups.isEmpty ? [] : indices.map { groups[$0] })
  }
}
