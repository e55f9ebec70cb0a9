/// An error from a reader or decoder, with where it happened and what to do about it.
///
/// `description` reads `source:line:column: message (hint)`, omitting the parts that are unknown.
public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file (or a label such as `<memory>`).
  public var source: String
  /// 1-based physical line, when known.
  public var line: Int?
  /// 1-based column (byte offset in the line), when known.
  public var column: Int?
  /// JSON path such as `$[12].stats`, when relevant.
  public var jsonPath: String?
  public var message: String
  public var hint: String?

  public init(
    source: String, line: Int? = nil, column: Int? = nil, jsonPath: String? = nil, message: String,
    hint: String? = nil
  ) {
    self.source = source
    self.line = line
    self.column = column
    self.jsonPath = jsonPath
    self.message = message
    self.hint = hint
  }

  public var description: String {
    var s = source
    if let line { s += ":\(line)" }
    if let column { s += ":\(column)" }
    s += ": "
    if let jsonPath { s += "\(jsonPath): " }
    s += message
    if let hint { s += " (\(hint))" }
    return s
  }
}
