/// WorkbenchCore (JSON value, seeded generator, number formatting, ...) is re-exported so every module that imports
/// WorkbookModel sees the shared vocabulary without a second import.
@_exported import WorkbenchCore

extension SpecNode {
  /// The node as JSON (locations dropped; map keys sorted on serialisation).
  public var json: JSONValue {
    switch value {
    case .null: .null
    case .bool(let b): .bool(b)
    case .int(let i): .int(i)
    case .float(let d): .double(d)
    case .string(let s): .string(s)
    case .list(let l): .array(l.map(\.json))
    case .map(let m): .object(Dictionary(m.map { ($0.key, $0.value.json) }, uniquingKeysWith: { a, _ in a }))
    }
  }
}
