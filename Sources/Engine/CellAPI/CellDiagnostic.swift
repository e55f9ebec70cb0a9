import Frame
import ProcessRunner
import WorkbookModel

/// Why a cell failed, as run.json records it (`cells[].error`): a stable code, the message, the cell, where in the
/// workbook when known, and what to do.
public struct CellDiagnostic: Sendable, Equatable {
  public var code: ErrorCode
  public var message: String
  public var cell: String
  public var location: SourceLocation?
  public var hint: String?

  public init(code: ErrorCode, message: String, cell: String, location: SourceLocation? = nil, hint: String? = nil) {
    self.code = code
    self.message = message
    self.cell = cell
    self.location = location
    self.hint = hint
  }

  /// `{code, message, cell, file, line, column, hint}`; absent parts are null.
  public var json: JSONValue {
    .object([
      "code": .string(code.rawValue), "message": .string(Redaction.redact(message)), "cell": .string(cell),
      "file": location.map { .string($0.file) } ?? .null, "line": location.map { .int($0.line) } ?? .null,
      "column": location.map { .int($0.column) } ?? .null, "hint": hint.map { .string(Redaction.redact($0)) } ?? .null,
    ])
  }

  /// Reads what ``json`` wrote (nil when it is not a diagnostic).
  public init?(json: JSONValue) {
    guard let code = json["code"]?.stringValue, let message = json["message"]?.stringValue,
          let cell = json["cell"]?.stringValue else { return nil }
    self.code = ErrorCode(rawValue: code)
    self.message = message
    self.cell = cell
    if let file = json["file"]?.stringValue, let line = json["line"]?.intValue {
      location = SourceLocation(file: file, line: line, column: json["column"]?.intValue ?? 1)
    }
    hint = json["hint"]?.stringValue
  }

  /// The diagnostic for an error a cell (or the engine preparing it) threw: a ``CellError`` keeps its code; the
  /// errors of the libraries the engine knows (Frame, WorkbookModel, ProcessRunner) and those the registry's mappings know
  /// (``KindRegistry/registerErrorCodes(_:)``) get theirs; anything else is `internal.unexpected`.
  public static func from(_ error: any Error, cell: String, registry: KindRegistry) -> CellDiagnostic {
    let explained = CellError.explaining(error, registry: registry)
    return CellDiagnostic(code: explained.code, message: explained.message, cell: cell, location: explained.location,
                          hint: explained.hint)
  }
}

extension CellError {
  /// `error` as a ``CellError`` with a code (see ``CellDiagnostic/from(_:cell:registry:)``).
  public static func explaining(_ error: any Error, registry: KindRegistry) -> CellError {
    switch error {
    case let e as CellError: return e
    case is CancellationError: return CellError("interrupted (the run was cancelled)", code: .interrupted, cause: error)
    case let d as Diagnostics:
      let first = d.errors.first ?? d.items.first
      return CellError(d.items.map(\.message).joined(separator: "; "), code: .optionInvalid, at: first?.location,
                       hint: first?.hint, cause: error)
    case let e as ConditionError: return CellError(e.description, code: .referenceInvalid, cause: error)
    case let e as ReadError: return CellError(e.description, code: .dataUnreadable, cause: error)
    case let e as JSONParseError: return CellError(e.description, code: .dataUnreadable, cause: error)
    case let e as ExpressionError: return CellError(e.description, code: .dataInvalid, cause: error)
    case let e as TableOperationError: return CellError(e.description, code: .dataInvalid, cause: error)
    case let e as FrameError: return CellError(e.description, code: .dataInvalid, cause: error)
    case let e as ChildProcessError: return CellError(e.description, code: .toolFailed, cause: error)
    case let e as CacheCorruption: return CellError(e.description, code: .upstreamMissing, cause: error)
    default:
      for explain in registry.errorExplanations { if let e = explain(error) { return e } }
      return CellError(String(describing: error), code: .unexpected, cause: error)
    }
  }
}
