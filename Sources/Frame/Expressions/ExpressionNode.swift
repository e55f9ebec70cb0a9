/// The syntax tree of an expression, as written (before type checking).
indirect enum ExpressionNode: Sendable, Equatable {
  enum BinaryOperator: String, Sendable, Equatable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and, or

    var isArithmetic: Bool { [.add, .subtract, .multiply, .divide, .modulo].contains(self) }
    var isComparison: Bool { [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(self) }
  }
  enum UnaryOperator: String, Sendable, Equatable { case negate = "-", not }

  /// A literal value; `.null` for `null`.
  case literal(Value, Span)
  case column(String, Span)
  case unary(UnaryOperator, ExpressionNode, Span)
  case binary(BinaryOperator, ExpressionNode, ExpressionNode, Span)
  case isNull(ExpressionNode, negated: Bool, Span)
  case inList(ExpressionNode, [ExpressionNode], negated: Bool, Span)
  case caseWhen([Branch], otherwise: ExpressionNode?, Span)
  case call(String, [ExpressionNode], Span)

  struct Branch: Sendable, Equatable {
    var condition: ExpressionNode
    var value: ExpressionNode
  }

  /// Where a node is in the text (character offset and length).
  struct Span: Sendable, Equatable {
    var offset: Int
    var length: Int
    func through(_ other: Span) -> Span {
      Span(offset: offset, length: max(length, other.offset + other.length - offset))
    }
  }

  var span: Span {
    switch self {
    case .literal(_, let s), .column(_, let s), .unary(_, _, let s), .binary(_, _, _, let s), .isNull(_, _, let s),
         .inList(_, _, _, let s), .caseWhen(_, _, let s), .call(_, _, let s):
      s
    }
  }
}
