/// A problem with the input or the hyper-parameters of a tree model (binning, decision tree, random forest,
/// gradient boosting). The description says what was wrong, where (feature, row, parameter) and what to do.
public struct TreeModelError: Error, Sendable, CustomStringConvertible, Equatable {
  public var description: String
  public init(_ description: String) { self.description = description }
}
