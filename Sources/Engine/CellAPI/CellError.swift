import WorkbookModel

/// An error raised by a cell while running: a stable ``code``, what failed, where (the option or input involved),
/// what to do, and the underlying error when there is one.
public struct CellError: Error, Sendable, CustomStringConvertible {
  /// What kind of failure this is (documented in docs/errors.md; scripts and dashboards branch on it).
  public var code: ErrorCode
  public var message: String
  public var location: SourceLocation?
  public var hint: String?
  /// The library error this one explains (a CSV reader's, a tracking server's…), when there is one.
  public var cause: (any Error)?

  /// A cell's own check failed; give a more precise `code` where one of ``ErrorCode`` applies.
  public init(_ message: String, code: ErrorCode = .cellFailed, at location: SourceLocation? = nil, hint: String? = nil,
              cause: (any Error)? = nil) {
    self.code = code
    self.message = message
    self.location = location
    self.hint = hint
    self.cause = cause
  }

  public var description: String {
    var s = location.map { "\($0): " } ?? ""
    s += message
    if let hint { s += " (\(hint))" }
    return s
  }
}

/// A stable, documented name for a kind of run-time failure (`option.invalid`, `input.missing`…), recorded in
/// run.json's `cells[].error.code`. Every code is listed once in ``ErrorCode/all`` with its meaning.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }
  public var description: String { rawValue }

  /// An option's value is missing, has the wrong type or is out of range (often one arriving through `${param}`).
  public static let optionInvalid = ErrorCode(rawValue: "option.invalid")
  /// An input path names no file (missing file, empty folder, glob without match).
  public static let inputMissing = ErrorCode(rawValue: "input.missing")
  /// An input path names something that is not a regular file, or is empty.
  public static let inputInvalid = ErrorCode(rawValue: "input.invalid")
  /// A data file cannot be read as the declared format (CSV, JSON, Parquet…).
  public static let dataUnreadable = ErrorCode(rawValue: "data.unreadable")
  /// A table operation or expression does not fit the data (unknown column, wrong type…).
  public static let dataInvalid = ErrorCode(rawValue: "data.invalid")
  /// A `${param}` or `${cell.field}` reference, or a `when:` condition, cannot be resolved.
  public static let referenceInvalid = ErrorCode(rawValue: "reference.invalid")
  /// An upstream cell has no table, file or result by the name a cell asked for.
  public static let upstreamMissing = ErrorCode(rawValue: "upstream.missing")
  /// A scripted cell's code failed (non-zero exit, an exception, a signal, a timeout, undeclared outputs).
  public static let scriptFailed = ErrorCode(rawValue: "script.failed")
  /// A download failed (network error, HTTP error, offline without a local copy).
  public static let networkFailed = ErrorCode(rawValue: "network.failed")
  /// Downloaded bytes do not match the pinned `sha256`.
  public static let digestMismatch = ErrorCode(rawValue: "digest.mismatch")
  /// An external program the cell runs (gnuplot, an interpreter's package listing) could not start or failed.
  public static let toolFailed = ErrorCode(rawValue: "tool.failed")
  /// The tracking store cannot be opened, or its server cannot be reached or refused the request.
  public static let trackingFailed = ErrorCode(rawValue: "tracking.failed")
  /// The cell produced an output the engine cannot store (an unsafe or duplicate name, a full disk).
  public static let outputInvalid = ErrorCode(rawValue: "output.invalid")
  /// The cell ran but its verdict is a failure (an `expect` check that did not hold).
  public static let checkFailed = ErrorCode(rawValue: "check.failed")
  /// A remote executor (Slurm) reports the cell failed without the cell saying why: its job was killed, timed out,
  /// ran out of memory or could not start.
  public static let executorFailed = ErrorCode(rawValue: "executor.failed")
  /// The run was interrupted (SIGINT/SIGTERM) while the cell ran.
  public static let interrupted = ErrorCode(rawValue: "run.interrupted")
  /// A cell kind's own check failed; the message says which.
  public static let cellFailed = ErrorCode(rawValue: "cell.failed")
  /// An error nothing mapped to a code (a bug to report: the message is the error's own text).
  public static let unexpected = ErrorCode(rawValue: "internal.unexpected")

  /// Every code, in the order docs/errors.md lists them.
  public static let all: [ErrorCode] = [
    .optionInvalid, .inputMissing, .inputInvalid, .dataUnreadable, .dataInvalid, .referenceInvalid,
    .upstreamMissing, .scriptFailed, .networkFailed, .digestMismatch, .trackingFailed, .toolFailed, .outputInvalid,
    .checkFailed, .executorFailed, .interrupted, .cellFailed, .unexpected,
  ]
}
