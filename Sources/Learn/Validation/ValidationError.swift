/// Bad learning input found before any training. `column` names the offending column (nil for row-level problems);
/// the description says what is wrong and what to do.
public struct ValidationError: Error, Sendable, CustomStringConvertible, Equatable {
  public var column: String?
  public var description: String
  public init(column: String?, _ description: String) {
    self.column = column
    self.description = description
  }
}
