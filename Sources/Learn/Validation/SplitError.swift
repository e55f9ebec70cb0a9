/// A split or cross-validation request that cannot be satisfied; the message names the problem and the fix.
public struct SplitError: Error, Sendable, CustomStringConvertible, Equatable {
  public var description: String
  public init(_ description: String) { self.description = description }
}
