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
  /// Bounds on the decompressed size and the rows of one file.
  public var limits = ReadLimits()

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
  /// Bytes that were not UTF-8 (replaced with U+FFFD), for a warning; nil when the text is valid UTF-8.
  public var invalidUTF8: InvalidUTF8? = nil
  /// Inferred float columns that hold integer text too large for Int64, for a warning (precision was lost).
  public var integerOverflows: [IntegerOverflow] = []
  /// True when the file had old Mac CR-only line ends (read as line ends).
  public var crLineEnds = false

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

/// An inferred float column whose integer text did not fit Int64 (so it was read as a float, losing precision).
public struct IntegerOverflow: Sendable, Equatable, CustomStringConvertible {
  public var column: String
  /// 1-based data row (the table row) of the first such value, and its text.
  public var row: Int
  public var text: String

  public var description: String {
    "column `\(column)`: integer `\(text)` (row \(row)) does not fit 64 bits, so the column was read as float "
      + "and loses precision; give it `schema: {\(column): string}` to keep the digits"
  }
}
