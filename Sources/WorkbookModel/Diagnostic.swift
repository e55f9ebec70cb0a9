/// A position in a workbook file (1-based line and column, as editors show them).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int
  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }
  public var description: String { "\(file):\(line):\(column)" }
}

/// A problem found in a workbook or during a run, with where it is and what to do.
///
/// Rendered like compilers do — `file:line:col: error: message` — so editors and CI annotate the line.
/// Modelled on swift-openapi-generator's `Diagnostic`.
public struct Diagnostic: Error, Sendable, Hashable, Codable, CustomStringConvertible {
  public enum Severity: String, Sendable, Codable, Comparable {
    case note, warning, error
    public static func < (a: Severity, b: Severity) -> Bool {
      let order: [Severity] = [.note, .warning, .error]
      return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
  }

  public var severity: Severity
  public var message: String
  public var location: SourceLocation?
  /// The cell the problem belongs to, when there is one.
  public var cell: String?
  /// What the user can do about it ("did you mean `seed`?", "run `workbench schema`…").
  public var hint: String?

  public init(_ severity: Severity, _ message: String, at location: SourceLocation? = nil,
              cell: String? = nil, hint: String? = nil) {
    self.severity = severity
    self.message = message
    self.location = location
    self.cell = cell
    self.hint = hint
  }

  public static func error(_ message: String, at location: SourceLocation? = nil, cell: String? = nil,
                           hint: String? = nil) -> Diagnostic {
    Diagnostic(.error, message, at: location, cell: cell, hint: hint)
  }
  public static func warning(_ message: String, at location: SourceLocation? = nil, cell: String? = nil,
                             hint: String? = nil) -> Diagnostic {
    Diagnostic(.warning, message, at: location, cell: cell, hint: hint)
  }

  public var description: String {
    var s = location.map { "\($0): " } ?? ""
    s += "\(severity.rawValue): "
    if let cell { s += "cell '\(cell)': " }
    s += message
    if let hint { s += " (\(hint))" }
    return s
  }
}

/// A collection of diagnostics; thrown as a whole when it holds an error.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
  public private(set) var items: [Diagnostic] = []
  public init(_ items: [Diagnostic] = []) { self.items = items }

  public mutating func append(_ d: Diagnostic) { items.append(d) }
  public mutating func append(contentsOf other: Diagnostics) { items.append(contentsOf: other.items) }
  public mutating func error(_ message: String, at location: SourceLocation?, cell: String? = nil, hint: String? = nil) {
    items.append(.error(message, at: location, cell: cell, hint: hint))
  }
  public mutating func warning(_ message: String, at location: SourceLocation?, cell: String? = nil, hint: String? = nil) {
    items.append(.warning(message, at: location, cell: cell, hint: hint))
  }

  public var hasErrors: Bool { items.contains { $0.severity == .error } }
  public var errors: [Diagnostic] { items.filter { $0.severity == .error } }
  public var warnings: [Diagnostic] { items.filter { $0.severity == .warning } }

  /// Throws `self` when any item is an error.
  public func throwIfErrors() throws(Diagnostics) { if hasErrors { throw self } }

  public var description: String { items.map(\.description).joined(separator: "\n") }
}
