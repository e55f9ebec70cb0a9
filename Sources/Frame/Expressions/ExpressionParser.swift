/// Recursive-descent parser for the expression grammar (see docs/expressions.md).
///
/// Precedence, lowest first: `or`, `and`, `not`, comparisons / `in` / `is null`, `+ -`, `* / %`, unary `-`.
/// Nesting deeper than ``maximumDepth`` is an error rather than a stack overflow, and so is a syntax tree taller than
/// that (a chain of 50,000 `+` or `and` terms): the type checker and evaluator recurse over the tree.
struct ExpressionParser {
  /// A node and the height of its tree (a leaf is 1), tracked while parsing so no later walk can overflow the stack.
  private struct Parsed {
    var node: ExpressionNode
    var height: Int
  }

  static let maximumDepth = 200
  static let keywords: Set<String> = ["and", "or", "not", "case", "when", "then", "else", "end", "in", "is", "null", "true", "false"]

  private let tokens: [ExpressionToken]
  private var position = 0
  private var depth = 0

  init(tokens: [ExpressionToken]) { self.tokens = tokens }

  static func parse(_ text: String) throws(ExpressionError) -> ExpressionNode {
    var parser = ExpressionParser(tokens: try ExpressionLexer.tokenize(text))
    if case .end = parser.current.kind { throw ExpressionError("the expression is empty", offset: 0) }
    let node = try parser.parseOr().node
    guard case .end = parser.current.kind else {
      let t = parser.current
      throw ExpressionError("unexpected \(describe(t)) after a complete expression", offset: t.offset, length: t.length,
                            hint: "check for a missing operator or an extra parenthesis")
    }
    return node
  }

  private var current: ExpressionToken { tokens[min(position, tokens.count - 1)] }

  private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

  private func isKeyword(_ word: String, _ token: ExpressionToken? = nil) -> Bool {
    if case .word(let w) = (token ?? current).kind { return w.lowercased() == word }
    return false
  }

  private func isSymbol(_ s: String) -> Bool {
    if case .symbol(let x) = current.kind { return x == s }
    return false
  }

  private mutating func expectSymbol(_ s: String, context: String) throws(ExpressionError) {
    guard isSymbol(s) else {
      throw ExpressionError("expected `\(s)` \(context), found \(Self.describe(current))", offset: current.offset, length: current.length)
    }
    advance()
  }

  private mutating func expectKeyword(_ k: String, context: String) throws(ExpressionError) {
    guard isKeyword(k) else {
      throw ExpressionError("expected `\(k)` \(context), found \(Self.describe(current))", offset: current.offset, length: current.length)
    }
    advance()
  }

  static func describe(_ t: ExpressionToken) -> String {
    switch t.kind {
    case .integer(let v): "number `\(v)`"
    case .float(let v): "number `\(v)`"
    case .string(let s): "text '\(s)'"
    case .word(let w): keywords.contains(w.lowercased()) ? "keyword `\(w)`" : "`\(w)`"
    case .quotedName(let n): "column `\(n)`"
    case .symbol(let s): "`\(s)`"
    case .end: "the end of the expression"
    }
  }

  private mutating func enter() throws(ExpressionError) {
    depth += 1
    if depth > Self.maximumDepth {
      throw ExpressionError("the expression is nested too deeply (more than \(Self.maximumDepth) levels)", offset: current.offset)
    }
  }

  /// Wraps `node` whose tallest child has height `childHeight`; a tree taller than ``maximumDepth`` is an error.
  private func built(_ node: ExpressionNode, over childHeight: Int) throws(ExpressionError) -> Parsed {
    let height = childHeight + 1
    if height > Self.maximumDepth {
      throw ExpressionError("the expression is too long or nested too deeply (more than \(Self.maximumDepth) operators deep)",
                            offset: node.span.offset, length: node.span.length,
                            hint: "split it into several `derive` steps, or use `in (…)` instead of a long chain of `or`")
    }
    return Parsed(node: node, height: height)
  }

  private mutating func parseOr() throws(ExpressionError) -> Parsed {
    try enter(); defer { depth -= 1 }
    var lhs = try parseAnd()
    while isKeyword("or") {
      advance()
      let rhs = try parseAnd()
      lhs = try built(.binary(.or, lhs.node, rhs.node, lhs.node.span.through(rhs.node.span)), over: max(lhs.height, rhs.height))
    }
    return lhs
  }

  private mutating func parseAnd() throws(ExpressionError) -> Parsed {
    var lhs = try parseNot()
    while isKeyword("and") {
      advance()
      let rhs = try parseNot()
      lhs = try built(.binary(.and, lhs.node, rhs.node, lhs.node.span.through(rhs.node.span)), over: max(lhs.height, rhs.height))
    }
    return lhs
  }

  private mutating func parseNot() throws(ExpressionError) -> Parsed {
    if isKeyword("not") {
      let start = current
      advance()
      try enter(); defer { depth -= 1 }
      let operand = try parseNot()
      return try built(.unary(.not, operand.node, ExpressionNode.Span(offset: start.offset, length: start.length).through(operand.node.span)),
                       over: operand.height)
    }
    return try parseComparison()
  }

  private mutating func parseComparison() throws(ExpressionError) -> Parsed {
    let lhs = try parseAdditive()
    if case .symbol(let s) = current.kind, let op = Self.comparison(s) {
      advance()
      let rhs = try parseAdditive()
      let node = try built(.binary(op, lhs.node, rhs.node, lhs.node.span.through(rhs.node.span)), over: max(lhs.height, rhs.height))
      if case .symbol(let s2) = current.kind, Self.comparison(s2) != nil {
        throw ExpressionError("comparisons cannot be chained", offset: current.offset, length: current.length,
                              hint: "write `a < b and b < c`")
      }
      return node
    }
    if isKeyword("is") {
      advance()
      var negated = false
      if isKeyword("not") { negated = true; advance() }
      let end = current
      try expectKeyword("null", context: "after `is\(negated ? " not" : "")`")
      return try built(.isNull(lhs.node, negated: negated, lhs.node.span.through(.init(offset: end.offset, length: end.length))), over: lhs.height)
    }
    var negated = false
    if isKeyword("not"), position + 1 < tokens.count, isKeyword("in", tokens[position + 1]) {
      negated = true
      advance()
    }
    if isKeyword("in") {
      advance()
      try expectSymbol("(", context: "after `in`")
      var items: [ExpressionNode] = []
      var tallest = lhs.height
      if !isSymbol(")") {
        while true {
          let item = try parseOr()
          items.append(item.node)
          tallest = max(tallest, item.height)
          if isSymbol(",") { advance(); continue }
          break
        }
      }
      let end = current
      try expectSymbol(")", context: "to close the `in (…)` list")
      if items.isEmpty { throw ExpressionError("`in ()` needs at least one value", offset: end.offset) }
      return try built(.inList(lhs.node, items, negated: negated, lhs.node.span.through(.init(offset: end.offset, length: 1))), over: tallest)
    }
    return lhs
  }

  private static func comparison(_ s: String) -> ExpressionNode.BinaryOperator? {
    switch s {
    case "=", "==": .equal
    case "!=", "<>": .notEqual
    case "<": .less
    case "<=": .lessOrEqual
    case ">": .greater
    case ">=": .greaterOrEqual
    default: nil
    }
  }

  private mutating func parseAdditive() throws(ExpressionError) -> Parsed {
    var lhs = try parseMultiplicative()
    while case .symbol(let s) = current.kind, s == "+" || s == "-" {
      advance()
      let rhs = try parseMultiplicative()
      lhs = try built(.binary(s == "+" ? .add : .subtract, lhs.node, rhs.node, lhs.node.span.through(rhs.node.span)),
                      over: max(lhs.height, rhs.height))
    }
    return lhs
  }

  private mutating func parseMultiplicative() throws(ExpressionError) -> Parsed {
    var lhs = try parseUnary()
    while case .symbol(let s) = current.kind, s == "*" || s == "/" || s == "%" {
      advance()
      let rhs = try parseUnary()
      let op: ExpressionNode.BinaryOperator = s == "*" ? .multiply : (s == "/" ? .divide : .modulo)
      lhs = try built(.binary(op, lhs.node, rhs.node, lhs.node.span.through(rhs.node.span)), over: max(lhs.height, rhs.height))
    }
    return lhs
  }

  private mutating func parseUnary() throws(ExpressionError) -> Parsed {
    if isSymbol("-") {
      let start = current
      advance()
      try enter(); defer { depth -= 1 }
      // Fold a minus in front of a number literal so `-9223372036854775808` and `in (-1, -2)` are literals.
      if case .integer(let v) = current.kind {
        let t = current
        advance()
        return Parsed(node: .literal(.int(0 &- v), .init(offset: start.offset, length: t.offset + t.length - start.offset)), height: 1)
      }
      if case .float(let v) = current.kind {
        let t = current
        advance()
        return Parsed(node: .literal(.float(-v), .init(offset: start.offset, length: t.offset + t.length - start.offset)), height: 1)
      }
      let operand = try parseUnary()
      return try built(.unary(.negate, operand.node, ExpressionNode.Span(offset: start.offset, length: 1).through(operand.node.span)),
                       over: operand.height)
    }
    if isSymbol("+") {
      advance()
      try enter(); defer { depth -= 1 }
      return try parseUnary()
    }
    return try parsePrimary()
  }

  private mutating func parsePrimary() throws(ExpressionError) -> Parsed {
    let t = current
    let span = ExpressionNode.Span(offset: t.offset, length: t.length)
    switch t.kind {
    case .integer(let v): advance(); return Parsed(node: .literal(.int(v), span), height: 1)
    case .float(let v): advance(); return Parsed(node: .literal(.float(v), span), height: 1)
    case .string(let s): advance(); return Parsed(node: .literal(.string(s), span), height: 1)
    case .quotedName(let n): advance(); return Parsed(node: .column(n, span), height: 1)
    case .symbol("("):
      advance()
      try enter(); defer { depth -= 1 }
      let inner = try parseOr()
      try expectSymbol(")", context: "to close the parenthesis opened at character \(t.offset + 1)")
      return inner
    case .word(let w):
      switch w.lowercased() {
      case "true": advance(); return Parsed(node: .literal(.bool(true), span), height: 1)
      case "false": advance(); return Parsed(node: .literal(.bool(false), span), height: 1)
      case "null": advance(); return Parsed(node: .literal(.null, span), height: 1)
      case "case": return try parseCase()
      default: break
      }
      if Self.keywords.contains(w.lowercased()) {
        throw ExpressionError("unexpected keyword `\(w)`", offset: t.offset, length: t.length,
                              hint: "a column with this name must be written in backquotes: `\(w)`")
      }
      advance()
      if isSymbol("(") {
        advance()
        try enter(); defer { depth -= 1 }
        var args: [ExpressionNode] = []
        var tallest = 0
        if !isSymbol(")") {
          while true {
            let arg = try parseOr()
            args.append(arg.node)
            tallest = max(tallest, arg.height)
            if isSymbol(",") { advance(); continue }
            break
          }
        }
        let end = current
        try expectSymbol(")", context: "to close the arguments of `\(w)`")
        return try built(.call(w.lowercased(), args, span.through(.init(offset: end.offset, length: 1))), over: tallest)
      }
      return Parsed(node: .column(w, span), height: 1)
    case .end:
      throw ExpressionError("the expression ends too early", offset: t.offset, hint: "a value, column or `(` is missing")
    default:
      throw ExpressionError("unexpected \(Self.describe(t))", offset: t.offset, length: t.length)
    }
  }

  private mutating func parseCase() throws(ExpressionError) -> Parsed {
    let start = current
    advance()
    try enter(); defer { depth -= 1 }
    var branches: [ExpressionNode.Branch] = []
    var tallest = 0
    while isKeyword("when") {
      advance()
      let condition = try parseOr()
      try expectKeyword("then", context: "after the `when` condition")
      let value = try parseOr()
      branches.append(.init(condition: condition.node, value: value.node))
      tallest = max(tallest, condition.height, value.height)
    }
    if branches.isEmpty {
      throw ExpressionError("expected `when` after `case`, found \(Self.describe(current))", offset: current.offset, length: current.length,
                            hint: "case when <condition> then <value> [else <value>] end")
    }
    var otherwise: ExpressionNode?
    if isKeyword("else") {
      advance()
      let parsed = try parseOr()
      otherwise = parsed.node
      tallest = max(tallest, parsed.height)
    }
    let end = current
    try expectKeyword("end", context: "to close `case`")
    return try built(.caseWhen(branches, otherwise: otherwise, ExpressionNode.Span(offset: start.offset, length: start.length)
      .through(.init(offset: end.offset, length: end.length))), over: tallest)
  }
}
