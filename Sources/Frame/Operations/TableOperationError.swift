import WorkbenchCore

/// A table operation that cannot be applied (unknown column, wrong type, a failed cast under `fail`…).
public struct TableOperationError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public var hint: String?
  /// Set when the problem is inside an expression (its character offset is in `expressionError`).
  public var expressionError: ExpressionError?

  public init(_ message: String, hint: String? = nil, expressionError: ExpressionError? = nil) {
    self.message = message
    self.hint = hint
    self.expressionError = expressionError
  }

  public var description: String { hint.map { "\(message) (\($0))" } ?? message }

  static func unknownColumn(_ name: String, in frame: Frame, role: String = "column") -> TableOperationError {
    TableOperationError("unknown \(role) `\(name)`",
                        hint: Suggest.hint(for: name, in: frame.columnNames)
                          ?? "columns: \(frame.columnNames.prefix(30).joined(separator: ", "))")
  }
}
