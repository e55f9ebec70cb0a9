import Foundation
import WorkbenchCore

/// A column of intermediate values during evaluation: typed storage plus validity (nil = no nulls).
struct ExpressionVector {
  var storage: Column.Storage
  var validity: [Bool]?

  var count: Int {
    switch storage {
    case .int(let v): v.count
    case .float(let v): v.count
    case .bool(let v): v.count
    case .string(let c, _): c.count
    }
  }

  @inline(__always) func isValid(_ i: Int) -> Bool { validity?[i] ?? true }

  /// A vector of `count` nulls stored as `type`.
  static func nulls(_ type: ExpressionType, count: Int) -> ExpressionVector {
    let validity = [Bool](repeating: false, count: count)
    switch type {
    case .int: return .init(storage: .int(.init(repeating: 0, count: count)), validity: validity)
    case .float, .null: return .init(storage: .float(.init(repeating: 0, count: count)), validity: validity)
    case .bool: return .init(storage: .bool(.init(repeating: false, count: count)), validity: validity)
    case .string: return .init(storage: .string(codes: .init(repeating: 0, count: count), dictionary: [""]), validity: validity)
    }
  }

  /// A literal repeated `count` times, stored as `type` (a literal int in a float context becomes a float).
  static func constant(_ value: Value, as type: ExpressionType, count: Int) -> ExpressionVector {
    switch (value, type) {
    case (.null, _): return nulls(type, count: count)
    case (.int(let v), .int): return .init(storage: .int(.init(repeating: v, count: count)))
    case (.int(let v), _): return .init(storage: .float(.init(repeating: Double(v), count: count)))
    case (.float(let v), _): return .init(storage: .float(.init(repeating: v, count: count)))
    case (.bool(let v), _): return .init(storage: .bool(.init(repeating: v, count: count)))
    case (.string(let s), _): return .init(storage: .string(codes: .init(repeating: 0, count: count), dictionary: [s]))
    }
  }

  /// Values widened to Double (ints, bools as 1/0); strings give zeros (never reached after type checking).
  var doubles: [Double] {
    switch storage {
    case .float(let v): return v
    case .int(let v):
      return [Double](unsafeUninitializedCapacity: v.count) { out, n in
        v.withUnsafeBufferPointer { src in for i in 0..<src.count { out[i] = Double(src[i]) } }
        n = v.count
      }
    case .bool(let v): return v.map { $0 ? 1 : 0 }
    case .string(let c, _): return [Double](repeating: 0, count: c.count)
    }
  }

  var ints: [Int64] {
    switch storage {
    case .int(let v): return v
    case .float(let v): return v.map { $0.isFinite && abs($0) < 9.2e18 ? Int64($0) : 0 }
    case .bool(let v): return v.map { $0 ? 1 : 0 }
    case .string(let c, _): return [Int64](repeating: 0, count: c.count)
    }
  }

  var bools: [Bool] {
    switch storage {
    case .bool(let v): return v
    case .int(let v): return v.map { $0 != 0 }
    case .float(let v): return v.map { $0 != 0 }
    case .string(let c, _): return [Bool](repeating: false, count: c.count)
    }
  }

  /// The same values stored as `type` (int → float widening; a null-typed vector becomes typed nulls).
  func converted(to type: ExpressionType) -> ExpressionVector {
    switch (storage, type) {
    case (.int, .int), (.float, .float), (.bool, .bool), (.string, .string), (_, .null): return self
    case (_, .float): return .init(storage: .float(doubles), validity: validity)
    case (_, .int): return .init(storage: .int(ints), validity: validity)
    case (_, .bool): return .init(storage: .bool(bools), validity: validity)
    case (_, .string): return ExpressionVector.nulls(.string, count: count)
    }
  }

  /// Both operands valid (nil when neither has nulls).
  static func both(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
    guard let a else { return b }
    guard let b else { return a }
    return [Bool](unsafeUninitializedCapacity: a.count) { out, n in
      a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in for i in 0..<x.count { out[i] = x[i] && y[i] } } }
      n = a.count
    }
  }

  /// The text of valid rows (nil for nulls), for per-row string work.
  func text(at i: Int) -> String? {
    guard isValid(i) else { return nil }
    switch storage {
    case .string(let c, let d): return d[Int(c[i])]
    case .int(let v): return String(v[i])
    case .float(let v): return formatFloat(v[i])
    case .bool(let v): return v[i] ? "true" : "false"
    }
  }

  func column(named name: String) -> Column { Column(name: name, storage: storage, validity: validity) }
}

/// Builds a dictionary-encoded string vector row by row, deduplicating values.
struct StringVectorBuilder {
  private var dictionary: [String] = []
  private var lookup: [String: UInt32] = [:]
  private var codes: [UInt32] = []
  private var validity: [Bool] = []
  private var hasNull = false

  init(capacity: Int) {
    codes.reserveCapacity(capacity)
    validity.reserveCapacity(capacity)
  }

  mutating func code(for s: String) -> UInt32 {
    if let c = lookup[s] { return c }
    let c = UInt32(dictionary.count)
    dictionary.append(s)
    lookup[s] = c
    return c
  }

  mutating func append(_ s: String?) {
    guard let s else { codes.append(0); validity.append(false); hasNull = true; return }
    codes.append(code(for: s))
    validity.append(true)
  }

  /// Appends an already-coded value (from ``code(for:)``).
  mutating func append(code: UInt32) {
    codes.append(code)
    validity.append(true)
  }

  func build() -> ExpressionVector {
    ExpressionVector(storage: .string(codes: codes, dictionary: dictionary.isEmpty ? [""] : dictionary), validity: hasNull ? validity : nil)
  }
}
