/// A problem in an expression: what is wrong, where (a character offset into the expression text) and what to do.
///
/// `offset` counts Characters from the start of the expression (0-based); the cell adds it to the column of the
/// YAML scalar that holds the expression to report `file:line:col`.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  /// Character offset of the offending token in the expression text.
  public var offset: Int
  /// Length in characters of the offending token (at least 1).
  public var length: Int
  /// What to do about it ("did you mean `Shot Distance`?"), if anything useful can be said.
  public var hint: String?

  public init(_ message: String, offset: Int, length: Int = 1, hint: String? = nil) {
    self.message = message
    self.offset = offset
    self.length = max(1, length)
    self.hint = hint
  }

  public var description: String {
    var s = "\(message) (at character \(offset + 1))"
    if let hint { s += "; \(hint)" }
    return s
  }
}
