/// What a reader does with a malformed row (wrong field count, or a value that does not fit an explicit schema type).
public enum BadRowPolicy: String, Sendable, Codable, CaseIterable {
  /// Throw a ``ReadError`` naming the file, the physical line and the problem.
  case fail
  /// Drop the row from the table; it is returned in ``CSVReadResult/badRows`` (counted as skipped).
  case skip
  /// Drop the row from the table; it is returned in ``CSVReadResult/badRows`` (counted as quarantined, for the
  /// caller to write out beside the table).
  case quarantine
}

/// Options of ``CSVReader``.
public struct CSVOptions: Sendable, Equatable {
  /// Field separator byte; `nil` picks tab for `.tsv`/`.tab` files or a header with tabs and no commas, else comma.
  public var delimiter: UInt8?
  /// When false, columns are named `column_1`, `column_2`, … and the first line is data.
  public var hasHeader: Bool
  /// Explicit types by column name; these columns are not inferred and a non-conforming value makes a bad row.
  public var schema: [String: DataType]
  public var badRows: BadRowPolicy
  /// Field texts read as null (compared after unquoting). See ``defaultNullTokens``.
  public var nullTokens: [String]
  /// Worker threads (the result is identical for any value).
  public var threads: Int
  /// Target bytes per parse chunk (tuning and tests; the result is identical for any value).
  public var chunkBytes: Int

  /// `""`, `NA`, `NaN`, `nan`, `null`, `NULL`, `N/A`.
  public static let defaultNullTokens = ["", "NA", "NaN", "nan", "null", "NULL", "N/A"]

  public init(
    delimiter: UInt8? = nil, hasHeader: Bool = true, schema: [String: DataType] = [:],
    badRows: BadRowPolicy = .fail, nullTokens: [String] = CSVOptions.defaultNullTokens, threads: Int = 2,
    chunkBytes: Int = 1 << 18
  ) {
    self.delimiter = delimiter
    self.hasHeader = hasHeader
    self.schema = schema
    self.badRows = badRows
    self.nullTokens = nullTokens
    self.threads = threads
    self.chunkBytes = max(chunkBytes, 1)
  }
}

/// A row a reader dropped, with its 1-based physical line (the header is line 1), its raw text and why.
public struct BadRow: Sendable, Equatable {
  public var line: Int
  public var text: String
  public var reason: String
  public init(line: Int, text: String, reason: String) {
    self.line = line
    self.text = text
    self.reason = reason
  }
}

/// A header name the reader had to change to keep names unique and non-empty.
public struct ColumnRename: Sendable, Equatable {
  /// 1-based position of the column.
  public var position: Int
  public var original: String
  public var name: String
  public init(position: Int, original: String, name: String) {
    self.position = position
    self.original = original
    self.name = name
  }
}

/// What ``CSVReader`` returns: the table plus everything it did not put in the table.
public struct CSVReadResult: Sendable {
  public var frame: Frame
  public var policy: BadRowPolicy
  /// Rows dropped under `skip` or `quarantine`, in file order.
  public var badRows: [BadRow]
  /// Data rows seen (good + bad; blank lines excluded).
  public var rowsRead: Int
  /// Blank lines ignored (they count for line numbers).
  public var blankLines: Int
  public var renamedColumns: [ColumnRename]
  public var delimiter: UInt8

  public var skippedCount: Int { policy == .skip ? badRows.count : 0 }
  public var quarantinedCount: Int { policy == .quarantine ? badRows.count : 0 }

  /// The bad rows as a table with columns `line` (int), `text` (string), `reason` (string).
  public var badRowTable: Frame {
    (try? Frame(columns: [
      Column(name: "line", ints: badRows.map { Int64($0.line) }),
      Column(name: "text", strings: badRows.map(\.text)),
      Column(name: "reason", strings: badRows.map(\.reason)),
    ])) ?? .empty
  }
}
