/// An immutable-by-value columnar table: named, typed, nullable columns of equal length.
public struct Frame: Sendable, Equatable {
  public private(set) var columns: [Column]
  public let rowCount: Int

  /// Creates a frame; throws when columns differ in length or names repeat.
  public init(columns: [Column]) throws(FrameError) {
    let count = columns.first?.count ?? 0
    var seen = Set<String>()
    for c in columns {
      guard c.count == count else {
        throw FrameError("column `\(c.name)` has \(c.count) rows, expected \(count)")
      }
      guard seen.insert(c.name).inserted else { throw FrameError("duplicate column name `\(c.name)`") }
    }
    self.columns = columns
    self.rowCount = count
  }

  /// An empty frame with no columns and no rows.
  public static let empty = try! Frame(columns: [])

  public var columnNames: [String] { columns.map(\.name) }

  public func column(named name: String) -> Column? { columns.first { $0.name == name } }

  public func columnIndex(named name: String) -> Int? { columns.firstIndex { $0.name == name } }

  /// The rows at `indices` (in that order) of every column.
  public func gathering(_ indices: [Int]) -> Frame {
    try! Frame(columns: columns.map { $0.gathering(indices) })
  }

  /// A frame with only the named columns, in the order given. Throws on an unknown name.
  public func selecting(_ names: [String]) throws(FrameError) -> Frame {
    var out: [Column] = []
    for n in names {
      guard let c = column(named: n) else { throw FrameError("unknown column `\(n)`") }
      out.append(c)
    }
    return try Frame(columns: out)
  }

  /// Replaces or appends a column (same length required).
  public func setting(_ column: Column) throws(FrameError) -> Frame {
    var cols = columns
    if let i = columnIndex(named: column.name) { cols[i] = column } else { cols.append(column) }
    return try Frame(columns: cols)
  }
}

/// An error about a frame's shape or contents.
public struct FrameError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
