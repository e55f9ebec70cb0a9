/// A parsed row expression such as `` `Minutes Remaining` * 60 + `Seconds Remaining` `` (grammar in docs/expressions.md).
///
/// Parse once with ``init(_:)``, then ``check(schema:)`` against a table's columns (unknown columns get a "did
/// you mean") and ``evaluate(on:name:)`` column at a time. Errors carry the character offset of the culprit.
public struct RowExpression: Sendable, CustomStringConvertible {
  public let text: String
  let root: ExpressionNode

  public init(_ text: String) throws(ExpressionError) {
    self.text = text
    root = try ExpressionParser.parse(text)
  }

  public var description: String { text }

  /// Column names the expression mentions, in order of first appearance.
  public var referencedColumns: [String] {
    var out: [String] = []
    func walk(_ n: ExpressionNode) {
      switch n {
      case .literal: break
      case .column(let name, _): if !out.contains(name) { out.append(name) }
      case .unary(_, let x, _): walk(x)
      case .binary(_, let a, let b, _): walk(a); walk(b)
      case .isNull(let x, _, _): walk(x)
      case .inList(let x, let items, _, _): walk(x); items.forEach(walk)
      case .caseWhen(let branches, let otherwise, _):
        for b in branches { walk(b.condition); walk(b.value) }
        if let otherwise { walk(otherwise) }
      case .call(_, let args, _): args.forEach(walk)
      }
    }
    walk(root)
    return out
  }

  /// Type-checks against `schema` and returns the column type the expression produces (a bare `null` → float).
  public func check(schema: [(name: String, type: DataType)]) throws(ExpressionError) -> DataType {
    try ExpressionTypeChecker(schema: schema).check(root).type.dataType
  }

  /// Type-checks against `frame` and computes one value per row, as a column called `name`.
  public func evaluate(on frame: Frame, name: String) throws(ExpressionError) -> Column {
    let typed = try ExpressionTypeChecker(schema: Self.schema(of: frame)).check(root)
    let v = ExpressionEvaluator(frame: frame).evaluate(typed).converted(to: typed.type == .null ? .float : typed.type)
    return v.column(named: name)
  }

  /// For filters: true where the (boolean) expression is true; false where it is false or null.
  public func mask(on frame: Frame) throws(ExpressionError) -> [Bool] {
    let typed = try ExpressionTypeChecker(schema: Self.schema(of: frame)).check(root)
    guard typed.type == .bool || typed.type == .null else {
      throw ExpressionError("a filter must be a true/false condition, but this expression gives \(typed.type.rawValue)",
                            offset: root.span.offset, length: root.span.length, hint: "compare it, e.g. `x > 0` or `x is not null`")
    }
    let v = ExpressionEvaluator(frame: frame).evaluate(typed)
    guard case .bool(let b) = v.storage else { return [Bool](repeating: false, count: frame.rowCount) }
    guard let validity = v.validity else { return b }
    return zip(b, validity).map { $0 && $1 }
  }

  static func schema(of frame: Frame) -> [(name: String, type: DataType)] { frame.columns.map { ($0.name, $0.type) } }
}
