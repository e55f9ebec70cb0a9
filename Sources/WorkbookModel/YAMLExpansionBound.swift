import CYaml

/// Refuses YAML whose anchors and aliases expand to an unreasonable size ("billion laughs"), or that nests too
/// deeply, by reading the parser's event stream before anything is composed into a tree.
///
/// Values written out in the file cost memory in proportion to the file, which is read whole anyway; the danger is
/// amplification. So aliases (`&name` / `*name`) are allowed, but together they may add at most ``maximumValues``
/// values and ``maximumTextBytes`` bytes of scalar text to the document (a 10,000-cell generated workbook without
/// aliases is fine), and the document may nest at most ``maximumDepth`` levels.
enum YAMLExpansionBound {
  static let maximumValues = 100_000
  static let maximumTextBytes = 16 << 20
  static let maximumDepth = 64

  /// Where and why the document is refused (a 1-based line and column).
  struct Violation: Error {
    var message: String
    var hint: String
    var line: Int
    var column: Int
  }

  /// Expanded size of a node: how many values and how many bytes of scalar text.
  private struct Size {
    var values = 0
    var bytes = 0
    mutating func add(_ other: Size) {
      values = values.addingReportingOverflow(other.values).overflow ? .max : values + other.values
      bytes = bytes.addingReportingOverflow(other.bytes).overflow ? .max : bytes + other.bytes
    }
  }

  /// Checks `text`; syntax errors are left for the YAML reader to report (it names them better).
  static func check(_ text: String) throws(Violation) {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else { return }
    defer { yaml_parser_delete(&parser) }
    var utf8 = Array(text.utf8)
    try utf8.withUnsafeMutableBufferPointer { (buffer) throws(Violation) in
      yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
      try scan(&parser)
    }
  }

  private static let aliasHint = "repeat small values with `*alias` only, or write them out"

  private static func scan(_ parser: inout yaml_parser_t) throws(Violation) {
    var anchors: [String: Size] = [:]
    // Open collections: their anchor (if any) and expanded size so far; the bottom entry is the whole stream.
    var open: [(anchor: String?, size: Size)] = [(nil, Size())]
    // What the aliases add to the document: each alias counts its anchor's whole expanded size.
    var addedByAliases = Size()
    while true {
      var event = yaml_event_t()
      guard yaml_parser_parse(&parser, &event) == 1 else { return }
      defer { yaml_event_delete(&event) }
      let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
      func fail(_ message: String, hint: String) -> Violation { Violation(message: message, hint: hint, line: line, column: column) }
      func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? { pointer.map { String(cString: $0) } }
      var leaf: Size?
      switch event.type {
      case YAML_STREAM_END_EVENT:
        return
      case YAML_SCALAR_EVENT:
        let size = Size(values: 1, bytes: Int(event.data.scalar.length))
        if let anchor = name(event.data.scalar.anchor) { anchors[anchor] = size }
        leaf = size
      case YAML_ALIAS_EVENT:
        // An undefined alias is the composer's error to report.
        guard let anchor = name(event.data.alias.anchor), let size = anchors[anchor] else { return }
        leaf = size
        addedByAliases.add(size)
        if addedByAliases.values > maximumValues {
          throw fail("YAML aliases expand the document by more than \(maximumValues) values", hint: aliasHint)
        }
        if addedByAliases.bytes > maximumTextBytes {
          throw fail("YAML aliases expand the document by more than \(maximumTextBytes >> 20) MiB of text", hint: aliasHint)
        }
      case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
        let anchor = event.type == YAML_SEQUENCE_START_EVENT
          ? name(event.data.sequence_start.anchor) : name(event.data.mapping_start.anchor)
        open.append((anchor, Size(values: 1, bytes: 0)))
        if open.count - 1 > maximumDepth {
          throw fail("the document nests deeper than \(maximumDepth) levels", hint: "a workbook needs only a few levels of lists and mappings")
        }
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        guard open.count > 1 else { return }
        let closed = open.removeLast()
        if let anchor = closed.anchor { anchors[anchor] = closed.size }
        leaf = closed.size
      default:
        break
      }
      guard let leaf else { continue }
      open[open.count - 1].size.add(leaf)
    }
  }
}
