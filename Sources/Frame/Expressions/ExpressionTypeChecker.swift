import WorkbenchCore

/// The static type of an expression node. `null` is the type of the literal `null` (it fits anywhere).
enum ExpressionType: String, Sendable, Equatable {
  case int, float, string, bool, null

  init(_ t: DataType) {
    switch t {
    case .int: self = .int
    case .float: self = .float
    case .string: self = .string
    case .bool: self = .bool
    }
  }

  var isNumeric: Bool { self == .int || self == .float || self == .null }

  /// The column type a value of this type is stored as (a bare `null` becomes a float column of nulls).
  var dataType: DataType {
    switch self {
    case .int: .int
    case .float, .null: .float
    case .string: .string
    case .bool: .bool
    }
  }

  /// The common type of two branches or arguments (int + float → float, null + x → x), or nil.
  static func unify(_ a: ExpressionType, _ b: ExpressionType) -> ExpressionType? {
    if a == b { return a }
    if a == .null { return b }
    if b == .null { return a }
    if (a == .int && b == .float) || (a == .float && b == .int) { return .float }
    return nil
  }
}

/// A type-checked expression tree: every node knows its result type and columns are resolved to indices.
struct TypedExpression: Sendable {
  indirect enum Node: Sendable {
    case literal(Value)
    case column(Int)
    case negate(TypedExpression)
    case not(TypedExpression)
    case arithmetic(ExpressionNode.BinaryOperator, TypedExpression, TypedExpression)
    case comparison(ExpressionNode.BinaryOperator, TypedExpression, TypedExpression)
    case logical(ExpressionNode.BinaryOperator, TypedExpression, TypedExpression)
    case isNull(TypedExpression, negated: Bool)
    case inList(TypedExpression, [TypedExpression], negated: Bool)
    case caseWhen([(TypedExpression, TypedExpression)], otherwise: TypedExpression?)
    case call(ExpressionFunction, [TypedExpression])
  }
  var type: ExpressionType
  var node: Node
}

/// The functions expressions may call.
enum ExpressionFunction: String, Sendable, CaseIterable {
  case coalesce, abs, round, floor, ceil, sqrt, log, exp, min, max
  case lower, upper, trim, length, substr, contains, starts_with, ends_with, replace, concat
  case to_int, to_float, to_string
}

/// Resolves column names against a schema and checks operand types, with located errors and suggestions.
struct ExpressionTypeChecker {
  let schema: [(name: String, type: DataType)]

  func check(_ node: ExpressionNode) throws(ExpressionError) -> TypedExpression {
    switch node {
    case .literal(let v, _):
      let t: ExpressionType
      switch v {
      case .null: t = .null
      case .int: t = .int
      case .float: t = .float
      case .string: t = .string
      case .bool: t = .bool
      }
      return TypedExpression(type: t, node: .literal(v))

    case .column(let name, let span):
      guard let index = schema.firstIndex(where: { $0.name == name }) else {
        let names = schema.map(\.name)
        var hint = Suggest.hint(for: name, in: names)
        if hint == nil, let ci = names.first(where: { $0.lowercased() == name.lowercased() }) { hint = "did you mean `\(ci)`?" }
        if hint == nil, name.contains(" ") == false, names.contains(where: { $0.hasPrefix(name + " ") }) {
          hint = "column names with spaces must be written in backquotes, e.g. `\(names.first { $0.hasPrefix(name + " ") }!)`"
        }
        throw ExpressionError("unknown column `\(name)`", offset: span.offset, length: span.length,
                              hint: hint ?? "columns: \(names.prefix(30).joined(separator: ", "))")
      }
      return TypedExpression(type: ExpressionType(schema[index].type), node: .column(index))

    case .unary(let op, let operand, let span):
      let x = try check(operand)
      switch op {
      case .negate:
        guard x.type.isNumeric else {
          throw ExpressionError("`-` needs a number, found \(x.type.rawValue)", offset: span.offset, length: span.length)
        }
        return TypedExpression(type: x.type == .null ? .null : x.type, node: .negate(x))
      case .not:
        guard x.type == .bool || x.type == .null else {
          throw ExpressionError("`not` needs a true/false value, found \(x.type.rawValue)", offset: span.offset, length: span.length)
        }
        return TypedExpression(type: .bool, node: .not(x))
      }

    case .binary(let op, let l, let r, let span):
      let a = try check(l), b = try check(r)
      if op == .and || op == .or {
        for (x, n) in [(a, l), (b, r)] where x.type != .bool && x.type != .null {
          throw ExpressionError("`\(op.rawValue)` needs true/false values, found \(x.type.rawValue)", offset: n.span.offset, length: n.span.length,
                                hint: "compare the value, e.g. `x > 0`")
        }
        return TypedExpression(type: .bool, node: .logical(op, a, b))
      }
      if op.isArithmetic {
        for (x, n) in [(a, l), (b, r)] where !x.type.isNumeric {
          throw ExpressionError("`\(op.rawValue)` needs numbers, found \(x.type.rawValue)", offset: n.span.offset, length: n.span.length,
                                hint: x.type == .string ? (op == .add ? "use concat(a, b) to join text, or to_float(x) to read a number" : "use to_float(x) to read a number from text")
                                  : "use to_int(x) to turn true/false into 1/0")
        }
        var t = ExpressionType.unify(a.type, b.type) ?? .float
        if op == .divide { t = .float }
        if a.type == .null && b.type == .null { t = .null }
        return TypedExpression(type: t, node: .arithmetic(op, a, b))
      }
      // Comparison.
      guard ExpressionType.unify(a.type, b.type) != nil else {
        throw ExpressionError("cannot compare \(a.type.rawValue) with \(b.type.rawValue)", offset: span.offset, length: span.length,
                              hint: "convert one side with to_int, to_float or to_string")
      }
      return TypedExpression(type: .bool, node: .comparison(op, a, b))

    case .isNull(let operand, let negated, _):
      return TypedExpression(type: .bool, node: .isNull(try check(operand), negated: negated))

    case .inList(let operand, let items, let negated, _):
      let x = try check(operand)
      var typed: [TypedExpression] = []
      for item in items {
        let t = try check(item)
        guard ExpressionType.unify(x.type, t.type) != nil else {
          throw ExpressionError("`in` list value is \(t.type.rawValue) but the tested value is \(x.type.rawValue)",
                                offset: item.span.offset, length: item.span.length)
        }
        typed.append(t)
      }
      return TypedExpression(type: .bool, node: .inList(x, typed, negated: negated))

    case .caseWhen(let branches, let otherwise, _):
      var typed: [(TypedExpression, TypedExpression)] = []
      var result = ExpressionType.null
      for b in branches {
        let c = try check(b.condition)
        guard c.type == .bool || c.type == .null else {
          throw ExpressionError("a `when` condition must be true/false, found \(c.type.rawValue)",
                                offset: b.condition.span.offset, length: b.condition.span.length)
        }
        let v = try check(b.value)
        guard let u = ExpressionType.unify(result, v.type) else {
          throw ExpressionError("this branch gives \(v.type.rawValue) but an earlier one gives \(result.rawValue)",
                                offset: b.value.span.offset, length: b.value.span.length, hint: "every branch must give the same type")
        }
        result = u
        typed.append((c, v))
      }
      var other: TypedExpression?
      if let otherwise {
        let v = try check(otherwise)
        guard let u = ExpressionType.unify(result, v.type) else {
          throw ExpressionError("`else` gives \(v.type.rawValue) but the branches give \(result.rawValue)",
                                offset: otherwise.span.offset, length: otherwise.span.length, hint: "every branch must give the same type")
        }
        result = u
        other = v
      }
      return TypedExpression(type: result, node: .caseWhen(typed, otherwise: other))

    case .call(let name, let args, let span):
      guard let f = ExpressionFunction(rawValue: name) else {
        throw ExpressionError("unknown function `\(name)`", offset: span.offset, length: name.count,
                              hint: Suggest.hint(for: name, in: ExpressionFunction.allCases.map(\.rawValue))
                                ?? "functions: \(ExpressionFunction.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      let typed = try args.map { (a) throws(ExpressionError) -> TypedExpression in try check(a) }
      return TypedExpression(type: try Self.signature(f, typed, args, span), node: .call(f, typed))
    }
  }

  /// Checks argument count and types; returns the result type.
  static func signature(_ f: ExpressionFunction, _ args: [TypedExpression], _ nodes: [ExpressionNode],
                        _ span: ExpressionNode.Span) throws(ExpressionError) -> ExpressionType {
    func arity(_ range: ClosedRange<Int>, _ usage: String) throws(ExpressionError) {
      guard range.contains(args.count) else {
        throw ExpressionError("`\(f.rawValue)` takes \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : range.upperBound == Int.max ? "at least \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)") argument(s), got \(args.count)",
                              offset: span.offset, length: span.length, hint: "usage: \(usage)")
      }
    }
    func want(_ i: Int, _ ok: (ExpressionType) -> Bool, _ what: String) throws(ExpressionError) {
      let t = args[i].type
      guard t == .null || ok(t) else {
        throw ExpressionError("argument \(i + 1) of `\(f.rawValue)` must be \(what), found \(t.rawValue)",
                              offset: nodes[i].span.offset, length: nodes[i].span.length)
      }
    }
    let numeric: (ExpressionType) -> Bool = { $0 == .int || $0 == .float }
    let text: (ExpressionType) -> Bool = { $0 == .string }
    let integer: (ExpressionType) -> Bool = { $0 == .int }
    func unified(from start: Int) throws(ExpressionError) -> ExpressionType {
      var t = ExpressionType.null
      for i in start..<args.count {
        guard let u = ExpressionType.unify(t, args[i].type) else {
          throw ExpressionError("argument \(i + 1) of `\(f.rawValue)` is \(args[i].type.rawValue) but an earlier one is \(t.rawValue)",
                                offset: nodes[i].span.offset, length: nodes[i].span.length)
        }
        t = u
      }
      return t
    }
    switch f {
    case .coalesce:
      try arity(1...Int.max, "coalesce(a, b, …)")
      return try unified(from: 0)
    case .abs, .floor, .ceil:
      try arity(1...1, "\(f.rawValue)(number)")
      try want(0, numeric, "a number")
      return args[0].type == .null ? .float : args[0].type
    case .round:
      try arity(1...2, "round(number[, digits])")
      try want(0, numeric, "a number")
      if args.count == 2 { try want(1, integer, "an integer"); return .float }
      return args[0].type == .null ? .float : args[0].type
    case .sqrt, .log, .exp:
      try arity(1...1, "\(f.rawValue)(number)")
      try want(0, numeric, "a number")
      return .float
    case .min, .max:
      try arity(2...Int.max, "\(f.rawValue)(a, b, …)")
      let t = try unified(from: 0)
      guard t != .bool else {
        throw ExpressionError("`\(f.rawValue)` needs numbers or text", offset: span.offset, length: span.length)
      }
      return t == .null ? .float : t
    case .lower, .upper, .trim:
      try arity(1...1, "\(f.rawValue)(text)")
      try want(0, text, "text")
      return .string
    case .length:
      try arity(1...1, "length(text)")
      try want(0, text, "text")
      return .int
    case .substr:
      try arity(2...3, "substr(text, start[, length]) with start counted from 1")
      try want(0, text, "text")
      try want(1, integer, "an integer")
      if args.count == 3 { try want(2, integer, "an integer") }
      return .string
    case .contains, .starts_with, .ends_with:
      try arity(2...2, "\(f.rawValue)(text, part)")
      try want(0, text, "text")
      try want(1, text, "text")
      return .bool
    case .replace:
      try arity(3...3, "replace(text, from, to)")
      for i in 0..<3 { try want(i, text, "text") }
      return .string
    case .concat:
      try arity(1...Int.max, "concat(a, b, …)")
      return .string
    case .to_int:
      try arity(1...1, "to_int(x)")
      return .int
    case .to_float:
      try arity(1...1, "to_float(x)")
      return .float
    case .to_string:
      try arity(1...1, "to_string(x)")
      return .string
    }
  }
}
