/// A reference to another cell written as a plain value: `cell`, `cell.table` (a table option), `cell.path.to.field`
/// (`--fail-on`). The path syntax is that of `${…}` and `{{ … }}` (names with punctuation in brackets or
/// backquotes: `profile.columns["Shot Made Flag"]`), read by the same parser.
public struct CellReference: Sendable, Hashable, CustomStringConvertible {
  public var cell: String
  /// The components after the cell id (empty for a bare `cell`).
  public var path: [String]

  public init(cell: String, path: [String] = []) {
    self.cell = cell
    self.path = path
  }

  /// The output named by a table reference (`cell.table`, or a file such as `cell.model.json`: the names after the
  /// cell id joined by dots); nil means the cell's main table.
  public var table: String? { path.isEmpty ? nil : path.joined(separator: ".") }

  /// The reference written back in the canonical syntax.
  public var description: String { ValueReference.spell([cell] + path) }

  /// Parses `text`; `maximumPath` bounds the components after the cell id (0: a bare cell id). A malformed
  /// reference is one error, at the character when `location` is known, saying what a reference looks like.
  public static func parse(_ text: String, at location: SourceLocation? = nil, quoted: Bool = false,
                           maximumPath: Int = .max) throws(Diagnostics) -> CellReference {
    let example = maximumPath == 0 ? "`cell`" : "`cell` or `cell.field`"
    func malformed(_ detail: String, at where_: SourceLocation?) -> Diagnostics {
      Diagnostics([.error("malformed reference `\(text)`: \(detail)", at: where_,
                          hint: "write \(example): a cell id, then names separated by dots")])
    }
    let chars = Array(text)
    guard chars.contains(where: { !($0 == " " || $0 == "\t") }) else { throw malformed("it is empty", at: location) }
    let positions = ScalarPositions(text: text, location: location ?? SourceLocation(file: "", line: 0, column: 0), quoted: quoted)
    var parser = ValuePathParser(chars: chars, start: 0, end: chars.count, positions: positions, allowsFormat: false)
    parser.bare = true
    let path: [String]
    do {
      path = try parser.parse().path
    } catch {
      let first = error.items.first
      throw malformed(first?.message ?? "not a reference", at: location == nil ? nil : first?.location)
    }
    guard path.count - 1 <= maximumPath else {
      throw malformed("\(path.count - 1) names after the cell id, at most \(maximumPath) expected", at: location)
    }
    return CellReference(cell: path[0], path: Array(path.dropFirst()))
  }

  /// A table reference: `cell` (its main table), `cell.table` or an output file `cell.model.json` (see `table`).
  public static func table(_ text: String, at location: SourceLocation? = nil) throws(Diagnostics) -> CellReference {
    try parse(text, at: location)
  }
}
