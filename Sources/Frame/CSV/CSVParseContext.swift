/// Immutable inputs shared by the chunk workers.
final class CSVParseContext: @unchecked Sendable {
  let base: UnsafePointer<UInt8>
  let count: Int
  let delimiter: UInt8
  let columnCount: Int
  /// Explicit type per column, or nil when inferred.
  let fixed: [DataType?]
  let names: [String]
  let policy: BadRowPolicy
  let nullTokens: [[UInt8]]
  /// Bit `b` set when some null token starts with byte `b` (fast rejection).
  let nullFirstBytes: [Bool]
  let maxNullLength: Int
  let emptyIsNull: Bool
  /// Column processing order: explicitly typed non-string columns first (so a schema failure rolls back cheaply).
  let order: [Int]

  init(
    base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8, names: [String], fixed: [DataType?],
    policy: BadRowPolicy, nullTokens: [String]
  ) {
    self.base = base
    self.count = count
    self.delimiter = delimiter
    self.columnCount = names.count
    self.names = names
    self.fixed = fixed
    self.policy = policy
    let tokens = nullTokens.map { Array($0.utf8) }.filter { !$0.isEmpty }
    self.nullTokens = tokens
    var first = [Bool](repeating: false, count: 256)
    for t in tokens { first[Int(t[0])] = true }
    self.nullFirstBytes = first
    self.maxNullLength = tokens.map(\.count).max() ?? 0
    self.emptyIsNull = nullTokens.contains("")
    let typedFirst = fixed.indices.filter { fixed[$0] != nil && fixed[$0] != .string }
    self.order = typedFirst + fixed.indices.filter { !(fixed[$0] != nil && fixed[$0] != .string) }
  }

  @inline(__always)
  func isNull(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    if n == 0 { return emptyIsNull }
    if n > maxNullLength || !nullFirstBytes[Int(p[0])] { return false }
    for t in nullTokens where t.count == n {
      var same = true
      for k in 0..<n where t[k] != p[k] { same = false; break }
      if same { return true }
    }
    return false
  }
}

