/// Recursive-descent parser for the expression grammar (see docs/expressions.md).
///
/// Precedence, lowest first: `or`, `and`, `not`, comparisons / `in` / `is null`, `+ -`, `* / %`, unary `-`.
/// Nesting deeper than ``maximumDepth`` is an error rather than a stack overflow.
struct ExpressionParser {
  static let maximumDepth = 200
  static let keywords: Set<String> = ["and", "or", "not", "case", "when", "then", "else", "end", "in", "is", "null", "true", "false"]

  private let tokens: [ExpressionToken]
  private var position = 0
  private var depth = 0

  init(tokens: [ExpressionToken]) { self.tokens = tokens }

  static func parse(_ text: String) throws(ExpressionError) -> ExpressionNode {
    var parser = ExpressionParser(tokens: try ExpressionLexer.tokenize(text))
    if case .end = parser.current.kind { throw ExpressionError("the expression is empty", offset: 0) }
    let node = try parser.parseOr()
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

  private mutating func parseOr() throws(ExpressionError) -> ExpressionNode {
    try enter(); defer { depth -= 1 }
    var lhs = try parseAnd()
    while isKeyword("or") {
      advance()
      let rhs = try parseAnd()
      lhs = .binary(.or, lhs, rhs, lhs.span.through(rhs.span))
    }
    return lhs
  }

  private mutating func parseAnd() throws(ExpressionError) -> ExpressionNode {
    var lhs = try parseNot()
    while isKeyword("and") {
      advance()
      let rhs = try parseNot()
      lhs = .binary(.and, lhs, rhs, lhs.span.through(rhs.span))
    }
    return lhs
  }

  private mutating func parseNot() throws(ExpressionError) -> ExpressionNode {
    if isKeyword("not") {
      let start = current
      advance()
      try enter(); defer { depth -= 1 }
      let operand = try parseNot()
      return .unary(.not, operand, ExpressionNode.Span(offset: start.offset, length: start.length).through(operand.span))
    }
    return try parseComparison()
  }

  private mutating func parseComparison() throws(ExpressionError) -> ExpressionNode {
    let lhs = try parseAdditive()
    if case .symbol(let s) = current.kind, let op = Self.comparison(s) {
      advance()
      let rhs = try parseAdditive()
      let node = ExpressionNode.binary(op, lhs, rhs, lhs.span.through(rhs.span))
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
      return .isNull(lhs, negated: negated, lhs.span.through(.init(offset: end.offset, length: end.length)))
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
      if !isSymbol(")") {
        while true {
          items.append(try parseOr())
          if isSymbol(",") { advance(); continue }
          break
        }
      }
      let end = current
      try expectSymbol(")", context: "to close the `in (…)` list")
      if items.isEmpty { throw ExpressionError("`in ()` needs at least one value", offset: end.offset) }
      return .inList(lhs, items, negated: negated, lhs.span.through(.init(offset: end.offset, length: 1)))
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

  private mutating func parseAdditive() throws(ExpressionError) -> ExpressionNode {
    var lhs = try parseMultiplicative()
    while case .symbol(let s) = current.kind, s == "+" || s == "-" {
      advance()
      let rhs = try parseMultiplicative()
      lhs = .binary(s == "+" ? .add : .subtract, lhs, rhs, lhs.span.through(rhs.span))
    }
    return lhs
  }

  private mutating func parseMultiplicative() throws(ExpressionError) -> ExpressionNode {
    var lhs = try parseUnary()
    while case .symbol(let s) = current.kind, s == "*" || s == "/" || s == "%" {
      advance()
      let rhs = try parseUnary()
      let op: ExpressionNode.BinaryOperator = s == "*" ? .multiply : (s == "/" ? .divide : .modulo)
      lhs = .binary(op, lhs, rhs, lhs.span.through(rhs.span))
    }
    return lhs
  }

  private mutating func parseUnary() throws(ExpressionError) -> ExpressionNode {
    if isSymbol("-") {
      let start = current
      advance()
      try enter(); defer { depth -= 1 }
      // Fold a minus in front of a number literal so `-9223372036854775808` and `in (-1, -2)` are literals.
      if case .integer(let v) = current.kind {
        let t = current
        advance()
        return .literal(.int(0 &- v), .init(offset: start.offset, length: t.offset + t.length - start.offset))
      }
      if case .float(let v) = current.kind {
        let t = current
        advance()
        return .literal(.float(-v), .init(offset: start.offset, length: t.offset + t.length - start.offset))
      }
      let operand = try parseUnary()
      return .unary(.negate, operand, ExpressionNode.Span(offset: start.offset, length: 1).through(operand.span))
    }
    if isSymbol("+") {
      advance()
      try enter(); defer { depth -= 1 }
      return try parseUnary()
    }
    return try parsePrimary()
  }

  private mutating func parsePrimary() throws(ExpressionError) -> ExpressionNode {
    let t = current
    let span = ExpressionNode.Span(offset: t.offset, length: t.length)
    switch t.kind {
    case .integer(let v): advance(); return .literal(.int(v), span)
    case .float(let v): advance(); return .literal(.float(v), span)
    case .string(let s): advance(); return .literal(.string(s), span)
    case .quotedName(let n): advance(); return .column(n, span)
    case .symbol("("):
      advance()
      try enter(); defer { depth -= 1 }
      let inner = try parseOr()
      try expectSymbol(")", context: "to close the parenthesis opened at character \(t.offset + 1)")
      return inner
    case .word(let w):
      switch w.lowercased() {
      case "true": advance(); return .literal(.bool(true), span)
      case "false": advance(); return .literal(.bool(false), span)
      case "null": advance(); return .literal(.null, span)
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
        if !isSymbol(")") {
          while true {
            args.append(try parseOr())
            if isSymbol(",") { advance(); continue }
            break
          }
        }
        let end = current
        try expectSymbol(")", context: "to close the arguments of `\(w)`")
        return .call(w.lowercased(), args, span.through(.init(offset: end.offset, length: 1)))
      }
      return .column(w, span)
    case .end:
      throw ExpressionError("the expression ends too early", offset: t.offset, hint: "a value, column or `(` is missing")
    default:
      throw ExpressionError("unexpected \(Self.describe(t))", offset: t.offset, length: t.length)
    }
  }

  private mutating func parseCase() throws(ExpressionError) -> ExpressionNode {
    let start = current
    advance()
    try enter(); defer { depth -= 1 }
    var branches: [ExpressionNode.Branch] = []
    while isKeyword("when") {
      advance()
      let condition = try parseOr()
      try expectKeyword("then", context: "after the `when` condition")
      let value = try parseOr()
      branches.append(.init(condition: condition, value: value))
    }
    if branches.isEmpty {
      throw ExpressionError("expected `when` after `case`, found \(Self.describe(current))", offset: current.offset, length: current.length,
                            hint: "case when <condition> then <value> [else <value>] end")
    }
    var otherwise: ExpressionNode?
    if isKeyword("else") {
      advance()
      otherwise = try parseOr()
    }
    let end = current
    try expectKeyword("end", context: "to close `case`")
    return .caseWhen(branches, otherwise: otherwise, ExpressionNode.Span(offset: start.offset, length: start.length)
      .through(.init(offset: end.offset, length: end.length)))
  }
}
