/// The type of a cell option, used to validate workbooks, build the JSON Schema and fill defaults.
public indirect enum OptionType: Sendable, Hashable {
  case string
  case integer
  case number
  case boolean
  /// One of a fixed set of strings (typos get a "did you mean").
  case choice([String])
  case list(OptionType)
  /// A mapping with free keys, each value of the given type.
  case dictionary(OptionType)
  /// A mapping with known keys (unknown keys are errors).
  case object([OptionSpec])
  /// A reference to an upstream cell's table: `cell` (its main table) or `cell.table`.
  case table
  /// A path to an input file, folder or glob; its content digest enters the cache key.
  case inputPath
  /// Any of the listed types (first that fits).
  case oneOf([OptionType])
  /// Anything; the cell kind validates it itself.
  case any

  public var description: String {
    switch self {
    case .string: "a string"
    case .integer: "an integer"
    case .number: "a number"
    case .boolean: "true or false"
    case .choice(let c): "one of " + c.map { "`\($0)`" }.joined(separator: ", ")
    case .list(let t): "a list of \(t.plainDescription)"
    case .dictionary(let t): "a mapping to \(t.plainDescription)"
    case .object: "a mapping"
    case .table: "a table reference (`cell` or `cell.table`)"
    case .inputPath: "a file path"
    case .oneOf(let ts): ts.map(\.description).joined(separator: " or ")
    case .any: "a value"
    }
  }

  var plainDescription: String {
    let d = description
    for article in ["a ", "an "] where d.hasPrefix(article) { return String(d.dropFirst(article.count)) + "s" }
    return d
  }
}

/// One option a cell kind accepts.
public struct OptionSpec: Sendable, Hashable {
  public var name: String
  public var type: OptionType
  public var required: Bool
  /// The value used when the option is absent. Options equal to their default are left out of the cache
  /// key, so adding a new option with a default never invalidates existing caches.
  public var defaultValue: JSONValue?
  public var doc: String

  public init(_ name: String, _ type: OptionType, required: Bool = false, default defaultValue: JSONValue? = nil,
              doc: String) {
    self.name = name
    self.type = type
    self.required = required
    self.defaultValue = defaultValue
    self.doc = doc
  }
}

/// What the workbook layer knows about a cell kind: its name, implementation version, options and extra checks.
public struct KindDescriptor: Sendable {
  public var name: String
  /// Bumped when the implementation changes its outputs; part of every cache key of this kind.
  public var version: Int
  public var summary: String
  public var options: [OptionSpec]
  /// External tools whose version enters the cache key (e.g. `gnuplot`).
  public var tools: [String]
  /// True for kinds whose outputs record an external side effect (MLflow run ids, registry versions, webhook
  /// posts) and so cannot be byte-identical on re-execution: `verify` re-executes them against scratch
  /// destinations but does not compare their outputs.
  public var externalEffects: Bool
  /// True for kinds that log the workbook's params with what they record (`track`): every param is then part of
  /// their cache key and visible in `CellContext.params`.
  public var logsWorkbookParams = false
  /// Kind-specific validation beyond option types (runs before anything executes).
  public var validate: @Sendable (_ cell: CellSpec, _ diagnostics: inout Diagnostics) -> Void
  /// References the kind finds in its own syntax (e.g. `{{ cell.field }}` in notes), beyond `${…}`.
  public var references: @Sendable (_ cell: CellSpec) -> [TemplateReference]

  public init(name: String, version: Int, summary: String, options: [OptionSpec], tools: [String] = [],
              externalEffects: Bool = false,
              validate: @escaping @Sendable (_ cell: CellSpec, _ diagnostics: inout Diagnostics) -> Void = { _, _ in },
              references: @escaping @Sendable (_ cell: CellSpec) -> [TemplateReference] = { _ in [] }) {
    self.references = references
    self.name = name
    self.version = version
    self.summary = summary
    self.options = options
    self.tools = tools
    self.externalEffects = externalEffects
    self.validate = validate
  }

  public func option(named name: String) -> OptionSpec? { options.first { $0.name == name } }
}

/// Checks a located value against an option type, collecting diagnostics; records the table references and
/// input paths it meets.
public struct OptionChecker {
  public var diagnostics = Diagnostics()
  public var tableReferences: [(text: String, location: SourceLocation)] = []
  public var inputPaths: [SpecNode] = []
  let cell: String
  let paramTypes: [String: ParamType]

  public init(cell: String, paramTypes: [String: ParamType]) {
    self.cell = cell
    self.paramTypes = paramTypes
  }

  public mutating func check(_ node: SpecNode, against type: OptionType, name: String) {
    // A string that is exactly `${…}` takes its type from the param (checked) or the upstream value (at run time).
    if case .string(let s) = node.value, s.contains("${"),
       let template = try? Template.parse(s, at: node.location, quoted: node.quoted)
    {
      if let ref = template.soleReference {
        if ref.path.isEmpty, let p = paramTypes[ref.root] {
          if !p.fits(type) {
            diagnostics.error("option `\(name)` expects \(type.description), but param `\(ref.root)` is \(p.rawValue)",
                              at: node.location, cell: cell)
          }
          if case .inputPath = type { inputPaths.append(node) }
        }
        return
      }
      switch type {
      case .string, .choice, .inputPath, .any, .oneOf: if case .inputPath = type { inputPaths.append(node) }
        return
      default:
        diagnostics.error("option `\(name)` expects \(type.description), found text with references", at: node.location, cell: cell)
        return
      }
    }
    switch (type, node.value) {
    case (.any, _): return
    case (.string, .string): return
    case (.integer, .int): return
    case (.number, .int), (.number, .float): return
    case (.boolean, .bool): return
    case (.choice(let values), .string(let s)):
      if !values.contains(s) {
        diagnostics.error("`\(s)` is not a valid value for `\(name)`; expected \(type.description)", at: node.location,
                          cell: cell, hint: Suggest.hint(for: s, in: values))
      }
    case (.table, .string(let s)):
      tableReferences.append((s, node.location))
    case (.inputPath, .string):
      inputPaths.append(node)
    case (.list(let element), .list(let items)):
      for (i, item) in items.enumerated() { check(item, against: element, name: "\(name)[\(i)]") }
    case (.list(let element), _) where element == .table || element == .string || element == .inputPath:
      // A single value where a list is expected is accepted as a one-element list.
      check(node, against: element, name: name)
    case (.dictionary(let valueType), .map(let entries)):
      for e in entries { check(e.value, against: valueType, name: "\(name).\(e.key)") }
    case (.object(let specs), .map(let entries)):
      checkObject(entries, specs: specs, at: node.location, path: name)
    case (.oneOf(let types), _):
      var best: OptionChecker?
      for t in types {
        var trial = OptionChecker(cell: cell, paramTypes: paramTypes)
        trial.check(node, against: t, name: name)
        if !trial.diagnostics.hasErrors {
          tableReferences += trial.tableReferences
          inputPaths += trial.inputPaths
          return
        }
        if best == nil { best = trial }
      }
      diagnostics.error("option `\(name)` expects \(type.description), found \(node.typeName)", at: node.location, cell: cell)
    default:
      diagnostics.error("option `\(name)` expects \(type.description), found \(node.typeName) `\(node.displayText.prefix(60))`",
                        at: node.location, cell: cell)
    }
  }

  /// Checks a mapping against known option specs: unknown keys (with suggestions), missing required keys, types.
  public mutating func checkObject(_ entries: [(key: String, keyLocation: SourceLocation, value: SpecNode)],
                                   specs: [OptionSpec], at location: SourceLocation, path: String?) {
    let names = specs.map(\.name)
    for e in entries {
      guard let spec = specs.first(where: { $0.name == e.key }) else {
        let where_ = path.map { " in `\($0)`" } ?? ""
        diagnostics.error("unknown option `\(e.key)`\(where_)", at: e.keyLocation, cell: cell,
                          hint: Suggest.hint(for: e.key, in: names) ?? "known options: \(names.joined(separator: ", "))")
        continue
      }
      check(e.value, against: spec.type, name: path.map { "\($0).\(e.key)" } ?? e.key)
    }
    for spec in specs where spec.required && !entries.contains(where: { $0.key == spec.name }) {
      let where_ = path.map { " in `\($0)`" } ?? ""
      diagnostics.error("missing required option `\(spec.name)`\(where_)", at: location, cell: cell, hint: spec.doc)
    }
  }
}
