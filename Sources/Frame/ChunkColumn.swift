#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The inferred type of a column inside one chunk, ordered so that the join of two kinds is computable.
enum InferredKind: UInt8, Sendable {
  case empty, bool, int, float, string

  /// The least kind holding both: bool with a number gives string, int with float gives float.
  func join(_ other: InferredKind) -> InferredKind {
    if self == other { return self }
    if self == .empty { return other }
    if other == .empty { return self }
    if self == .string || other == .string || self == .bool || other == .bool { return .string }
    return .float
  }

  init(_ type: DataType) {
    switch type {
    case .bool: self = .bool
    case .int: self = .int
    case .float: self = .float
    case .string: self = .string
    }
  }
}

/// One column's values for the rows of one chunk.
struct ChunkColumn: @unchecked Sendable {
  var kind: InferredKind = .empty
  var ints = RawVector<Int64>()
  var floats = RawVector<Double>()
  var bools = RawVector<Bool>()
  var codes = RawVector<UInt32>()
  var dictionary = ByteDictionary()
  /// Rows stored so far.
  var rowCount = 0
  /// The first integer text too large for Int64 that was stored as a float (local row and text), for a warning.
  var integerOverflow: (row: Int, text: String)? = nil
  /// Local indices of the null rows, ascending (no per-row validity writes when a column has no nulls).
  var nullRows: [Int] = []
  /// The previous string field when it pointed into the input (repeated values skip the hash lookup).
  var lastPointer: UnsafePointer<UInt8>? = nil
  var lastLength = 0
  var lastCode: UInt32 = 0

  @inline(__always)
  mutating func stringCode(_ p: UnsafePointer<UInt8>, _ n: Int, stable: Bool) -> UInt32 {
    if n == lastLength, let last = lastPointer, bytesEqual(last, p, n) { return lastCode }
    let code = dictionary.code(p, n)
    if stable {
      lastPointer = p
      lastLength = n
      lastCode = code
    } else {
      lastPointer = nil
    }
    return code
  }

  mutating func removeLastRow() {
    rowCount -= 1
    if nullRows.last == rowCount { nullRows.removeLast() }
    switch kind {
    case .empty: break
    case .bool: bools.removeLast()
    case .int: ints.removeLast()
    case .float: floats.removeLast()
    case .string: codes.removeLast()
    }
  }
}

/// A bad row found in a chunk; `localLine` counts newlines from the chunk start.
struct ChunkBadRow {
  var localLine: Int
  var start: Int
  var end: Int
  var reason: String
  /// The row has a different number of fields than the header (not a bad value).
  var wrongFieldCount = false
}

/// The parse of the rows starting in `[start, limit)`; `end` is where the last row (possibly past `limit`) ended.
struct ChunkResult {
  var start: Int
  var end: Int
  var newlines = 0
  var rows = 0
  var rowsSeen = 0
  var blankLines = 0
  var columns: [ChunkColumn]
  var badRows: [ChunkBadRow] = []
  /// Ordinals (among non-blank rows of the chunk) of the bad rows, ascending.
  var badOrdinals: [Int] = []
  /// Local line where an unterminated quote opened.
  var unterminatedQuoteLine: Int? = nil
}

