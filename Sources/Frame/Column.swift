import WorkbenchCore

/// The logical type of a column.
public enum DataType: String, Sendable, Codable, CaseIterable {
  case int, float, string, bool
}

/// One typed, nullable column of a ``Frame``.
///
/// Values live in a contiguous typed array; strings are dictionary-encoded (`codes` index into `dictionary`).
/// `validity` is `nil` when the column has no nulls, otherwise `validity[i] == false` marks row `i` as null
/// (the stored value at a null row is unspecified but always a valid element: 0, 0.0, false or code 0).
public struct Column: Sendable, Equatable {
  public enum Storage: Sendable, Equatable {
    case int([Int64])
    case float([Double])
    /// Dictionary-encoded strings: `dictionary[Int(codes[i])]` is row `i`'s value.
    case string(codes: [UInt32], dictionary: [String])
    case bool([Bool])
  }

  public var name: String
  public var storage: Storage
  public var validity: [Bool]?

  public init(name: String, storage: Storage, validity: [Bool]? = nil) {
    self.name = name
    self.storage = storage
    self.validity = validity.flatMap { $0.allSatisfy { $0 } ? nil : $0 }
  }

  public init(name: String, ints: [Int64], validity: [Bool]? = nil) {
    self.init(name: name, storage: .int(ints), validity: validity)
  }
  public init(name: String, floats: [Double], validity: [Bool]? = nil) {
    self.init(name: name, storage: .float(floats), validity: validity)
  }
  public init(name: String, bools: [Bool], validity: [Bool]? = nil) {
    self.init(name: name, storage: .bool(bools), validity: validity)
  }
  /// Builds a dictionary-encoded string column; `nil` entries are nulls. Dictionary order is first appearance.
  public init(name: String, strings: [String?]) {
    var dictionary: [String] = []
    var lookup: [String: UInt32] = [:]
    var codes = [UInt32](repeating: 0, count: strings.count)
    var validity = [Bool](repeating: true, count: strings.count)
    for (i, s) in strings.enumerated() {
      guard let s else { validity[i] = false; continue }
      if let code = lookup[s] { codes[i] = code } else {
        let code = UInt32(dictionary.count)
        dictionary.append(s)
        lookup[s] = code
        codes[i] = code
      }
    }
    self.init(name: name, storage: .string(codes: codes, dictionary: dictionary), validity: validity)
  }

  public var type: DataType {
    switch storage {
    case .int: .int
    case .float: .float
    case .string: .string
    case .bool: .bool
    }
  }

  public var count: Int {
    switch storage {
    case .int(let v): v.count
    case .float(let v): v.count
    case .string(let c, _): c.count
    case .bool(let v): v.count
    }
  }

  @inlinable public func isNull(_ row: Int) -> Bool { validity.map { !$0[row] } ?? false }

  public var nullCount: Int { validity.map { $0.reduce(0) { $0 + ($1 ? 0 : 1) } } ?? 0 }

  /// Row `row` as a dynamically typed value (slow path: for display, tests and small tables).
  public func value(at row: Int) -> Value {
    if isNull(row) { return .null }
    switch storage {
    case .int(let v): return .int(v[row])
    case .float(let v): return .float(v[row])
    case .string(let c, let d): return .string(d[Int(c[row])])
    case .bool(let v): return .bool(v[row])
    }
  }

  /// Numeric view: ints and bools widened to Double, nulls as `nil`. Strings yield nil.
  public func doubles() -> [Double?]? {
    switch storage {
    case .int(let v): return v.indices.map { isNull($0) ? nil : Double(v[$0]) }
    case .float(let v): return v.indices.map { isNull($0) ? nil : v[$0] }
    case .bool(let v): return v.indices.map { isNull($0) ? nil : (v[$0] ? 1 : 0) }
    case .string: return nil
    }
  }

  /// The rows at `indices`, in that order (used by filter, sort, sample, split).
  public func gathering(_ indices: [Int]) -> Column {
    let newValidity = validity.map { v in indices.map { v[$0] } }
    switch storage {
    case .int(let v): return Column(name: name, storage: .int(indices.map { v[$0] }), validity: newValidity)
    case .float(let v): return Column(name: name, storage: .float(indices.map { v[$0] }), validity: newValidity)
    case .bool(let v): return Column(name: name, storage: .bool(indices.map { v[$0] }), validity: newValidity)
    case .string(let c, let d):
      return Column(name: name, storage: .string(codes: indices.map { c[$0] }, dictionary: d), validity: newValidity)
    }
  }
}

/// A single dynamically typed cell value.
public enum Value: Sendable, Hashable, CustomStringConvertible {
  case null
  case int(Int64)
  case float(Double)
  case string(String)
  case bool(Bool)

  public var description: String {
    switch self {
    case .null: ""
    case .int(let v): String(v)
    case .float(let v): formatFloat(v)
    case .string(let v): v
    case .bool(let v): v ? "true" : "false"
    }
  }

  public var doubleValue: Double? {
    switch self {
    case .int(let v): Double(v)
    case .float(let v): v
    case .bool(let v): v ? 1 : 0
    default: nil
    }
  }
}
