/// A metric that cannot be computed from the given values (mismatched lengths, no rows, labels not 0/1,
/// probabilities outside [0, 1]); the description says which input and what to do.
public struct MetricError: Error, Sendable, CustomStringConvertible, Equatable {
  public var description: String
  public init(_ description: String) { self.description = description }
}
