import Foundation

/// Evaluates a ``TypedExpression`` over a frame one column at a time (no per-row tree walking).
///
/// Null semantics (see docs/expressions.md): arithmetic, comparisons and functions give null when an input is
/// null (except `coalesce`, `is null`, `concat`… as documented); `and`/`or`/`not` use three-valued (Kleene) logic;
/// division or modulo by zero gives null; integer overflow gives null.
struct ExpressionEvaluator {
  let frame: Frame
  var rows: Int { frame.rowCount }

  func evaluate(_ e: TypedExpression) -> ExpressionVector {
    switch e.node {
    case .literal(let v):
      return .constant(v, as: e.type, count: rows)
    case .column(let index):
      let c = frame.columns[index]
      return ExpressionVector(storage: c.storage, validity: c.validity)
    case .negate(let x):
      let v = evaluate(x)
      switch v.storage {
      case .int(let a):
        var valid = v.validity
        var out = [Int64](repeating: 0, count: a.count)
        for i in 0..<a.count {
          let (r, o) = Int64(0).subtractingReportingOverflow(a[i])
          if o { if valid == nil { valid = .init(repeating: true, count: a.count) }; valid![i] = false } else { out[i] = r }
        }
        return .init(storage: .int(out), validity: valid)
      case .float(let a): return .init(storage: .float(a.map { -$0 }), validity: v.validity)
      default: return .nulls(e.type, count: rows)
      }
    case .not(let x):
      let v = evaluate(x)
      return .init(storage: .bool(v.bools.map { !$0 }), validity: v.validity)
    case .arithmetic(let op, let l, let r):
      return arithmetic(op, evaluate(l), evaluate(r), type: e.type)
    case .comparison(let op, let l, let r):
      let u = ExpressionType.unify(l.type, r.type) ?? .float
      return compare(op, evaluate(l).converted(to: u), evaluate(r).converted(to: u), type: u)
    case .logical(let op, let l, let r):
      return logical(op, evaluate(l), evaluate(r))
    case .isNull(let x, let negated):
      let v = evaluate(x)
      guard let validity = v.validity else { return .init(storage: .bool(.init(repeating: negated, count: rows))) }
      return .init(storage: .bool(negated ? validity : validity.map { !$0 }))
    case .inList(let x, let items, let negated):
      let v = evaluate(x)
      var acc: ExpressionVector?
      for item in items {
        let u = ExpressionType.unify(x.type, item.type) ?? .float
        let eq = compare(.equal, v.converted(to: u), evaluate(item).converted(to: u), type: u)
        acc = acc.map { logical(.or, $0, eq) } ?? eq
      }
      guard let result = acc else { return .nulls(.bool, count: rows) }
      return negated ? .init(storage: .bool(result.bools.map { !$0 }), validity: result.validity) : result
    case .caseWhen(let branches, let otherwise):
      return caseWhen(branches, otherwise: otherwise, type: e.type)
    case .call(let f, let args):
      return call(f, args, type: e.type)
    }
  }

  // MARK: Arithmetic

  func arithmetic(_ op: ExpressionNode.BinaryOperator, _ a: ExpressionVector, _ b: ExpressionVector, type: ExpressionType) -> ExpressionVector {
    let n = rows
    var valid = ExpressionVector.both(a.validity, b.validity)
    func invalidate(_ i: Int) {
      if valid == nil { valid = .init(repeating: true, count: n) }
      valid![i] = false
    }
    if type == .int, case .int(let x) = a.storage, case .int(let y) = b.storage {
      var out = [Int64](repeating: 0, count: n)
      var bad: [Int] = []
      x.withUnsafeBufferPointer { x in
        y.withUnsafeBufferPointer { y in
          out.withUnsafeMutableBufferPointer { o in
            switch op {
            case .add: for i in 0..<n { let (r, f) = x[i].addingReportingOverflow(y[i]); o[i] = r; if f { bad.append(i) } }
            case .subtract: for i in 0..<n { let (r, f) = x[i].subtractingReportingOverflow(y[i]); o[i] = r; if f { bad.append(i) } }
            case .multiply: for i in 0..<n { let (r, f) = x[i].multipliedReportingOverflow(by: y[i]); o[i] = r; if f { bad.append(i) } }
            default:  // modulo, floored like Python: the result has the sign of the divisor.
              for i in 0..<n {
                let d = y[i]
                if d == 0 || (d == -1 && x[i] == .min) { o[i] = 0; if d == 0 { bad.append(i) }; continue }
                var r = x[i] % d
                if r != 0 && ((r < 0) != (d < 0)) { r += d }
                o[i] = r
              }
            }
          }
        }
      }
      for i in bad { invalidate(i) }
      return .init(storage: .int(out), validity: valid)
    }
    if type == .null { return .nulls(.null, count: n) }
    let x = a.doubles, y = b.doubles
    var out = [Double](repeating: 0, count: n)
    var bad: [Int] = []
    x.withUnsafeBufferPointer { x in
      y.withUnsafeBufferPointer { y in
        out.withUnsafeMutableBufferPointer { o in
          switch op {
          case .add: for i in 0..<n { o[i] = x[i] + y[i] }
          case .subtract: for i in 0..<n { o[i] = x[i] - y[i] }
          case .multiply: for i in 0..<n { o[i] = x[i] * y[i] }
          case .divide: for i in 0..<n { if y[i] == 0 { bad.append(i) } else { o[i] = x[i] / y[i] } }
          default:
            for i in 0..<n {
              let d = y[i]
              if d == 0 { bad.append(i); continue }
              var r = fmod(x[i], d)
              if r != 0 && ((r < 0) != (d < 0)) { r += d }
              o[i] = r
            }
          }
        }
      }
    }
    for i in bad { invalidate(i) }
    return .init(storage: .float(out), validity: valid)
  }

  // MARK: Comparisons and logic

  func compare(_ op: ExpressionNode.BinaryOperator, _ a: ExpressionVector, _ b: ExpressionVector, type: ExpressionType) -> ExpressionVector {
    let n = rows
    let valid = ExpressionVector.both(a.validity, b.validity)
    var out = [Bool](repeating: false, count: n)
    @inline(__always) func apply<T: Comparable>(_ x: UnsafeBufferPointer<T>, _ y: UnsafeBufferPointer<T>, _ o: UnsafeMutableBufferPointer<Bool>) {
      switch op {
      case .equal: for i in 0..<n { o[i] = x[i] == y[i] }
      case .notEqual: for i in 0..<n { o[i] = x[i] != y[i] }
      case .less: for i in 0..<n { o[i] = x[i] < y[i] }
      case .lessOrEqual: for i in 0..<n { o[i] = x[i] <= y[i] }
      case .greater: for i in 0..<n { o[i] = x[i] > y[i] }
      default: for i in 0..<n { o[i] = x[i] >= y[i] }
      }
    }
    switch (a.storage, b.storage) {
    case (.int(let x), .int(let y)):
      x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in out.withUnsafeMutableBufferPointer { apply(x, y, $0) } } }
    case (.bool(let x), .bool(let y)):
      let xi = x.map { $0 ? 1 : 0 }, yi = y.map { $0 ? 1 : 0 }
      xi.withUnsafeBufferPointer { x in yi.withUnsafeBufferPointer { y in out.withUnsafeMutableBufferPointer { apply(x, y, $0) } } }
    case (.string(let xc, let xd), .string(let yc, let yd)):
      func test(_ l: String, _ r: String) -> Bool {
        switch op {
        case .equal: l == r
        case .notEqual: l != r
        case .less: l < r
        case .lessOrEqual: l <= r
        case .greater: l > r
        default: l >= r
        }
      }
      if yd.count == 1 {
        // Column against one value: compare each dictionary entry once.
        let perEntry = xd.map { test($0, yd[0]) }
        for i in 0..<n { out[i] = perEntry[Int(xc[i])] }
      } else if xd.count == 1 {
        let perEntry = yd.map { test(xd[0], $0) }
        for i in 0..<n { out[i] = perEntry[Int(yc[i])] }
      } else {
        for i in 0..<n where valid?[i] ?? true { out[i] = test(xd[Int(xc[i])], yd[Int(yc[i])]) }
      }
    default:
      let x = a.doubles, y = b.doubles
      x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in out.withUnsafeMutableBufferPointer { apply(x, y, $0) } } }
    }
    return .init(storage: .bool(out), validity: valid)
  }

  /// Kleene logic: false and null = false, true or null = true, otherwise null wins.
  func logical(_ op: ExpressionNode.BinaryOperator, _ a: ExpressionVector, _ b: ExpressionVector) -> ExpressionVector {
    let n = rows
    let x = a.bools, y = b.bools
    var out = [Bool](repeating: false, count: n)
    if a.validity == nil && b.validity == nil {
      if op == .and { for i in 0..<n { out[i] = x[i] && y[i] } } else { for i in 0..<n { out[i] = x[i] || y[i] } }
      return .init(storage: .bool(out))
    }
    var valid = [Bool](repeating: true, count: n)
    for i in 0..<n {
      let va = a.isValid(i), vb = b.isValid(i)
      if op == .and {
        if (va && !x[i]) || (vb && !y[i]) { out[i] = false } else if va && vb { out[i] = true } else { valid[i] = false }
      } else {
        if (va && x[i]) || (vb && y[i]) { out[i] = true } else if va && vb { out[i] = false } else { valid[i] = false }
      }
    }
    return .init(storage: .bool(out), validity: valid)
  }

  // MARK: case when / coalesce

  /// Rows where `take[i]` get their value from `source` (already of the result type).
  private func assign(_ source: ExpressionVector, into out: inout ExpressionVector, where take: [Bool], dictionaryOffset: inout [String]) {
    let n = rows
    var valid = out.validity ?? [Bool](repeating: true, count: n)
    for i in 0..<n where take[i] { valid[i] = source.isValid(i) }
    switch (out.storage, source.storage) {
    case (.int(var o), .int(let s)):
      out.storage = .int([]); for i in 0..<n where take[i] { o[i] = s[i] }; out.storage = .int(o)
    case (.float(var o), .float(let s)):
      out.storage = .float([]); for i in 0..<n where take[i] { o[i] = s[i] }; out.storage = .float(o)
    case (.bool(var o), .bool(let s)):
      out.storage = .bool([]); for i in 0..<n where take[i] { o[i] = s[i] }; out.storage = .bool(o)
    case (.string(var o, _), .string(let s, let d)):
      let offset = UInt32(dictionaryOffset.count)
      dictionaryOffset += d
      out.storage = .int([])
      for i in 0..<n where take[i] { o[i] = s[i] &+ offset }
      out.storage = .string(codes: o, dictionary: dictionaryOffset)
    default: break
    }
    out.validity = valid
  }

  /// Rebuilds a string vector whose dictionary may hold repeats (after merging branches).
  private func compacted(_ v: ExpressionVector) -> ExpressionVector {
    guard case .string(let codes, let dictionary) = v.storage else { return v }
    var builder = StringVectorBuilder(capacity: 0)
    let remap = dictionary.map { builder.code(for: $0) }
    let newDictionary: [String]
    if case .string(_, let d) = builder.build().storage { newDictionary = d } else { newDictionary = [""] }
    var out = ExpressionVector(storage: .string(codes: codes.map { remap.isEmpty ? 0 : remap[Int($0)] }, dictionary: newDictionary),
                               validity: v.validity)
    if let validity = v.validity, case .string(var c, let d) = out.storage {
      for i in 0..<c.count where !validity[i] { c[i] = 0 }
      out.storage = .string(codes: c, dictionary: d)
    }
    return out
  }

  func caseWhen(_ branches: [(TypedExpression, TypedExpression)], otherwise: TypedExpression?, type: ExpressionType) -> ExpressionVector {
    let n = rows
    var out = ExpressionVector.nulls(type, count: n)
    var dictionary: [String] = []
    if type == .string { out.storage = .string(codes: .init(repeating: 0, count: n), dictionary: [""]); dictionary = [""] }
    var done = [Bool](repeating: false, count: n)
    for (condition, value) in branches {
      let c = evaluate(condition)
      let flags = c.bools
      var take = [Bool](repeating: false, count: n)
      var any = false
      for i in 0..<n where !done[i] && c.isValid(i) && flags[i] { take[i] = true; done[i] = true; any = true }
      if any { assign(evaluate(value).converted(to: type), into: &out, where: take, dictionaryOffset: &dictionary) }
    }
    if let otherwise, done.contains(false) {
      assign(evaluate(otherwise).converted(to: type), into: &out, where: done.map { !$0 }, dictionaryOffset: &dictionary)
    }
    return type == .string ? compacted(out) : out
  }

  // MARK: Functions

  func call(_ f: ExpressionFunction, _ args: [TypedExpression], type: ExpressionType) -> ExpressionVector {
    let n = rows
    switch f {
    case .coalesce:
      var out = ExpressionVector.nulls(type, count: n)
      var dictionary: [String] = []
      if type == .string { out.storage = .string(codes: .init(repeating: 0, count: n), dictionary: [""]); dictionary = [""] }
      var missing = [Bool](repeating: true, count: n)
      for a in args {
        let v = evaluate(a).converted(to: type)
        var take = [Bool](repeating: false, count: n)
        var any = false
        for i in 0..<n where missing[i] && v.isValid(i) { take[i] = true; missing[i] = false; any = true }
        if any { assign(v, into: &out, where: take, dictionaryOffset: &dictionary) }
        if !any && !missing.contains(true) { break }
      }
      return type == .string ? compacted(out) : out

    case .abs, .floor, .ceil, .round:
      let v = evaluate(args[0])
      if case .int(let x) = v.storage, args.count == 1 {
        if f == .abs {
          var valid = v.validity
          let out = x.enumerated().map { i, e -> Int64 in
            if e == .min { if valid == nil { valid = .init(repeating: true, count: n) }; valid![i] = false; return 0 }
            return Swift.abs(e)
          }
          return .init(storage: .int(out), validity: valid)
        }
        return v
      }
      let x = v.doubles
      var valid = v.validity
      let out: [Double]
      switch f {
      case .abs: out = x.map { Swift.abs($0) }
      case .floor: out = x.map { $0.rounded(.down) }
      case .ceil: out = x.map { $0.rounded(.up) }
      default:
        if args.count == 2 {
          let d = evaluate(args[1])
          valid = ExpressionVector.both(valid, d.validity)
          let digits = d.ints
          out = (0..<n).map { i in
            let p = pow(10.0, Double(Swift.max(-300, Swift.min(300, digits[i]))))
            let r = (x[i] * p).rounded(.toNearestOrAwayFromZero) / p
            return r.isFinite ? r : x[i]
          }
        } else {
          out = x.map { $0.rounded(.toNearestOrAwayFromZero) }
        }
      }
      return .init(storage: .float(out), validity: valid)

    case .sqrt, .log, .exp:
      let v = evaluate(args[0])
      let x = v.doubles
      var valid = v.validity ?? [Bool](repeating: true, count: n)
      var out = [Double](repeating: 0, count: n)
      for i in 0..<n {
        switch f {
        case .sqrt: if x[i] < 0 { valid[i] = false } else { out[i] = Foundation.sqrt(x[i]) }
        case .log: if x[i] <= 0 { valid[i] = false } else { out[i] = Foundation.log(x[i]) }
        default: out[i] = Foundation.exp(x[i])
        }
      }
      return .init(storage: .float(out), validity: valid)

    case .min, .max:
      let values = args.map { evaluate($0).converted(to: type) }
      if type == .string {
        var builder = StringVectorBuilder(capacity: n)
        for i in 0..<n {
          var best: String?
          for v in values { if let s = v.text(at: i) { if best == nil || (f == .min ? s < best! : s > best!) { best = s } } }
          builder.append(best)
        }
        return builder.build()
      }
      var valid = [Bool](repeating: false, count: n)
      if type == .int {
        var out = [Int64](repeating: 0, count: n)
        for v in values {
          let x = v.ints
          for i in 0..<n where v.isValid(i) {
            if !valid[i] || (f == .min ? x[i] < out[i] : x[i] > out[i]) { out[i] = x[i]; valid[i] = true }
          }
        }
        return .init(storage: .int(out), validity: valid)
      }
      var out = [Double](repeating: 0, count: n)
      for v in values {
        let x = v.doubles
        for i in 0..<n where v.isValid(i) {
          if !valid[i] || (f == .min ? x[i] < out[i] : x[i] > out[i]) { out[i] = x[i]; valid[i] = true }
        }
      }
      return .init(storage: .float(out), validity: valid)

    case .lower, .upper, .trim:
      return mapText(evaluate(args[0])) { s in
        switch f {
        case .lower: s.lowercased()
        case .upper: s.uppercased()
        default: s.trimmingCharacters(in: .whitespacesAndNewlines)
        }
      }

    case .length:
      let v = evaluate(args[0])
      guard case .string(let codes, let dictionary) = v.storage else { return .nulls(.int, count: n) }
      let lengths = dictionary.map { Int64($0.count) }
      return .init(storage: .int(codes.map { lengths[Int($0)] }), validity: v.validity)

    case .substr:
      let v = evaluate(args[0])
      let start = evaluate(args[1])
      let length = args.count == 3 ? evaluate(args[2]) : nil
      func cut(_ s: String, _ from: Int64, _ count: Int64?) -> String {
        // 1-based start like SQL; a start ≤ 0 counts from 1; a negative length gives "".
        // Clamped before any arithmetic, so extreme starts and lengths (Int64.min/max) cannot overflow.
        let chars = Array(s)
        let size = Int64(chars.count)
        let begin = Int(from <= 1 ? 0 : Swift.min(size, from - 1))
        var end = chars.count
        if let count { end = begin + Int(Swift.min(Swift.max(0, count), size - Int64(begin))) }
        return String(chars[begin..<end])
      }
      let starts = start.ints, lengths = length?.ints
      if let s0 = Self.sameValue(start), length.map({ Self.sameValue($0) != nil }) ?? true {
        let l0 = length.flatMap { Self.sameValue($0) }
        return mapText(v) { cut($0, s0, l0) }
      }
      var builder = StringVectorBuilder(capacity: n)
      for i in 0..<n {
        guard let s = v.text(at: i), start.isValid(i), length?.isValid(i) ?? true else { builder.append(nil); continue }
        builder.append(cut(s, starts[i], lengths?[i]))
      }
      return builder.build()

    case .contains, .starts_with, .ends_with:
      let v = evaluate(args[0]), part = evaluate(args[1])
      func test(_ s: String, _ p: String) -> Bool {
        switch f {
        case .contains: p.isEmpty || s.contains(p)
        case .starts_with: s.hasPrefix(p)
        default: s.hasSuffix(p)
        }
      }
      if case .string(let codes, let dictionary) = v.storage, case .string(_, let pd) = part.storage, pd.count == 1 {
        let perEntry = dictionary.map { test($0, pd[0]) }
        return .init(storage: .bool(codes.map { perEntry[Int($0)] }), validity: ExpressionVector.both(v.validity, part.validity))
      }
      var out = [Bool](repeating: false, count: n)
      var valid = [Bool](repeating: true, count: n)
      for i in 0..<n {
        guard let s = v.text(at: i), let p = part.text(at: i) else { valid[i] = false; continue }
        out[i] = test(s, p)
      }
      return .init(storage: .bool(out), validity: valid)

    case .replace:
      let v = evaluate(args[0]), from = evaluate(args[1]), to = evaluate(args[2])
      func rep(_ s: String, _ a: String, _ b: String) -> String { a.isEmpty ? s : s.replacingOccurrences(of: a, with: b) }
      if case .string(_, let fd) = from.storage, fd.count == 1, case .string(_, let td) = to.storage, td.count == 1,
         from.validity == nil, to.validity == nil
      {
        return mapText(v) { rep($0, fd[0], td[0]) }
      }
      var builder = StringVectorBuilder(capacity: n)
      for i in 0..<n {
        guard let s = v.text(at: i), let a = from.text(at: i), let b = to.text(at: i) else { builder.append(nil); continue }
        builder.append(rep(s, a, b))
      }
      return builder.build()

    case .concat:
      let values = args.map { evaluate($0) }
      var builder = StringVectorBuilder(capacity: n)
      for i in 0..<n {
        var s = ""
        var null = false
        for v in values {
          guard let t = v.text(at: i) else { null = true; break }
          s += t
        }
        builder.append(null ? nil : s)
      }
      return builder.build()

    case .to_int:
      let v = evaluate(args[0])
      switch v.storage {
      case .int: return v
      case .bool(let b): return .init(storage: .int(b.map { $0 ? 1 : 0 }), validity: v.validity)
      case .float(let x):
        var valid = v.validity ?? [Bool](repeating: true, count: n)
        var out = [Int64](repeating: 0, count: n)
        for i in 0..<n {
          let t = x[i].rounded(.towardZero)
          if t.isFinite && t >= -9.223372036854775e18 && t <= 9.223372036854775e18 { out[i] = Int64(t) } else { valid[i] = false }
        }
        return .init(storage: .int(out), validity: valid)
      case .string(let codes, let dictionary):
        let parsed = dictionary.map(Self.parseInt)
        var valid = v.validity ?? [Bool](repeating: true, count: n)
        var out = [Int64](repeating: 0, count: n)
        for i in 0..<n { if let p = parsed[Int(codes[i])] { out[i] = p } else { valid[i] = false } }
        return .init(storage: .int(out), validity: valid)
      }

    case .to_float:
      let v = evaluate(args[0])
      switch v.storage {
      case .float: return v
      case .int, .bool: return .init(storage: .float(v.doubles), validity: v.validity)
      case .string(let codes, let dictionary):
        let parsed = dictionary.map(Self.parseDouble)
        var valid = v.validity ?? [Bool](repeating: true, count: n)
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n { if let p = parsed[Int(codes[i])] { out[i] = p } else { valid[i] = false } }
        return .init(storage: .float(out), validity: valid)
      }

    case .to_string:
      let v = evaluate(args[0])
      if case .string = v.storage { return v }
      var builder = StringVectorBuilder(capacity: n)
      for i in 0..<n { builder.append(v.text(at: i)) }
      return builder.build()
    }
  }

  /// Applies `transform` to each distinct text once (dictionary-level), keeping codes.
  private func mapText(_ v: ExpressionVector, _ transform: (String) -> String) -> ExpressionVector {
    guard case .string(let codes, let dictionary) = v.storage else { return .nulls(.string, count: rows) }
    var builder = StringVectorBuilder(capacity: 0)
    let remap = dictionary.map { builder.code(for: transform($0)) }
    guard case .string(_, let newDictionary) = builder.build().storage else { return v }
    return .init(storage: .string(codes: codes.map { remap[Int($0)] }, dictionary: newDictionary), validity: v.validity)
  }

  /// The single value of an int vector with no nulls whose rows are all equal (e.g. a literal), else nil.
  static func sameValue(_ v: ExpressionVector) -> Int64? {
    guard v.validity == nil, case .int(let x) = v.storage else { return nil }
    guard let first = x.first else { return 0 }
    return x.allSatisfy { $0 == first } ? first : nil
  }

  /// Integer text (surrounding spaces allowed); integral decimal text such as "12.0" is accepted, "12.5" is not.
  static func parseInt(_ s: String) -> Int64? {
    let t = s.trimmingCharacters(in: .whitespaces)
    if let v = Int64(t) { return v }
    if let d = Double(t), d.isFinite, d == d.rounded(), Swift.abs(d) < 9.2e18 { return Int64(d) }
    return nil
  }

  /// Decimal text (surrounding spaces allowed); "nan"/"inf" spellings are rejected (null).
  static func parseDouble(_ s: String) -> Double? {
    let t = s.trimmingCharacters(in: .whitespaces)
    guard let d = Double(t), d.isFinite else { return nil }
    return d
  }
}
