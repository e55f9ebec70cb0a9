/// Replaces NaN and ±infinity in each feature with that feature's median over its finite training values
/// (numpy's median: the mean of the two middle values for an even count). Fit on training rows, apply to any rows.
public struct MedianImputer: Sendable, Equatable {
  public var featureNames: [String]
  public var medians: [Double]

  public init(featureNames: [String], medians: [Double]) {
    self.featureNames = featureNames
    self.medians = medians
  }

  public static func fit(_ data: Dataset) throws(ValidationError) -> MedianImputer {
    var medians: [Double] = []
    for (j, column) in data.features.enumerated() {
      let finite = column.filter(\.isFinite).sorted()
      guard !finite.isEmpty else {
        throw ValidationError(column: data.featureNames[j], "feature \"\(data.featureNames[j])\" has no finite value to impute from; drop it")
      }
      let mid = finite.count / 2
      medians.append(finite.count % 2 == 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2)
    }
    return MedianImputer(featureNames: data.featureNames, medians: medians)
  }

  public func transform(_ data: Dataset) throws(ValidationError) -> Dataset {
    guard data.featureNames == featureNames else {
      throw ValidationError(column: nil, "imputer was fitted on features \(featureNames), got \(data.featureNames)")
    }
    var out = data
    for j in out.features.indices where out.features[j].contains(where: { !$0.isFinite }) {
      let m = medians[j]
      out.features[j] = out.features[j].map { $0.isFinite ? $0 : m }
    }
    return out
  }
}
