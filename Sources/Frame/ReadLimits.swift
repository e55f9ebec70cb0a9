/// Bounds on what one reader call may produce, so a gzip bomb or a runaway file fails with a clear error instead of
/// exhausting memory. The defaults leave real data far below them (a season of NBA shots is 37 MB and 190k rows;
/// a 1M-row shots CSV is about 200 MB).
public struct ReadLimits: Sendable, Equatable {
  /// Bytes of data one file may hold after decompression (1 GiB by default).
  public var maximumBytes: Int
  /// Data rows one file may hold (50 million by default).
  public var maximumRows: Int

  public static let defaultMaximumBytes = 1 << 30
  public static let defaultMaximumRows = 50_000_000

  /// How the errors tell the user to raise each bound (e.g. a workbook's load option), or nil for library callers.
  public var raiseBytesWith: String?
  public var raiseRowsWith: String?

  public init(maximumBytes: Int = ReadLimits.defaultMaximumBytes, maximumRows: Int = ReadLimits.defaultMaximumRows,
              raiseBytesWith: String? = nil, raiseRowsWith: String? = nil) {
    self.maximumBytes = max(1, maximumBytes)
    self.maximumRows = max(0, maximumRows)
    self.raiseBytesWith = raiseBytesWith
    self.raiseRowsWith = raiseRowsWith
  }

  /// The error for data larger than ``maximumBytes`` (`what` says which data, e.g. "decompresses to").
  func tooManyBytes(_ source: String, _ what: String) -> ReadError {
    ReadError(source: source, message: "\(what) more than \(Self.describe(bytes: maximumBytes)), the size limit",
              hint: "if the file is genuine, raise the limit with \(raiseBytesWith ?? "ReadLimits.maximumBytes")")
  }

  /// Throws when `rows` exceeds ``maximumRows``.
  func check(rows: Int, source: String) throws(ReadError) {
    guard rows > maximumRows else { return }
    throw ReadError(source: source, message: "has more than \(maximumRows) rows, the row limit",
                    hint: "if the file is genuine, raise the limit with \(raiseRowsWith ?? "ReadLimits.maximumRows")")
  }

  static func describe(bytes: Int) -> String {
    bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
  }
}
