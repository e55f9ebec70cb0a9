import Foundation

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
  /// The id of an upstream cell that produces a model (`train`, `sweep`).
  case modelReference
  /// The id of an upstream cell that records a tracked run (`track`).
  case runReference
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
    case .modelReference: "the id of a cell that produces a model"
    case .runReference: "the id of a cell that records a tracked run"
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

/// One option a cell kind accepts: its type, default and constraints, declared once and checked both when the
/// workbook is validated and at run time, after `${…}` substitution (`check(_:at:cell:)`).
public struct OptionSpec: Sendable, Hashable {
  public var name: String
  public var type: OptionType
  public var required: Bool
  /// The value used when the option is absent. Options equal to their default are left out of the cache
  /// key, so adding a new option with a default never invalidates existing caches.
  public var defaultValue: JSONValue?
  /// Bounds of a number (of each number, for a list of numbers).
  public var range: OptionRange?
  /// What a text value must look like.
  public var pattern: OptionPattern?
  /// How many items a list may have.
  public var count: ClosedRange<Int>?
  public var doc: String

  public init(_ name: String, _ type: OptionType, required: Bool = false, default defaultValue: JSONValue? = nil,
              range: OptionRange? = nil, pattern: OptionPattern? = nil, count: ClosedRange<Int>? = nil, doc: String) {
    self.name = name
    self.type = type
    self.required = required
    self.defaultValue = defaultValue
    self.range = range
    self.pattern = pattern
    self.count = count
    self.doc = doc
  }

  /// The diagnostic for a value (as written, or after `${…}` substitution) that breaks this option's choices or
  /// constraints; nil when it is acceptable. Values of the wrong type are left to the type check.
  public func check(_ value: JSONValue, at location: SourceLocation, cell: String?) -> Diagnostic? {
    violation(of: value, name: name).map { .error($0.message, at: location, cell: cell, hint: $0.hint) }
  }

  func violation(of value: JSONValue, name: String) -> (message: String, hint: String?)? {
    if case .null = value { return nil }
    if let count, let items = value.arrayValue ?? (isListType ? [value] : nil), !count.contains(items.count) {
      return ("`\(name)` must list \(Self.describe(count)), got \(items.count)", nil)
    }
    let scalars = value.arrayValue ?? [value]
    for scalar in scalars {
      if case .choice(let values) = elementType, let s = scalar.stringValue, !values.contains(s) {
        return ("`\(s)` is not a valid value for `\(name)`; expected \(elementType.description)", Suggest.hint(for: s, in: values))
      }
      if let range, let x = scalar.doubleValue ?? scalar.stringValue.flatMap(Double.init), !range.contains(x) {
        return ("`\(name)` must be \(range), got \(scalar.displayText)", nil)
      }
      if let pattern, let s = scalar.stringValue, !pattern.matches(s) {
        return ("`\(name)` must be \(pattern.meaning), got `\(s.prefix(60))`", nil)
      }
    }
    return nil
  }

  /// The keys of a mapping option (`.object`), each declared with its own type, default and constraints; empty
  /// for other types.
  public var fields: [OptionSpec] { if case .object(let fields) = type { fields } else { [] } }

  var isListType: Bool { if case .list = type { true } else { false } }
  /// The type each value has: the element type of a list.
  var elementType: OptionType { if case .list(let e) = type { e } else { type } }

  static func describe(_ count: ClosedRange<Int>) -> String {
    let items = { (n: Int) in n == 1 ? "1 item" : "\(n) items" }
    if count.upperBound == Int.max { return "at least \(items(count.lowerBound))" }
    if count.lowerBound == count.upperBound { return "exactly \(items(count.lowerBound))" }
    return "from \(count.lowerBound) to \(items(count.upperBound))"
  }
}

/// Bounds a number must respect; each side inclusive or exclusive, either side open.
public struct OptionRange: Sendable, Hashable, CustomStringConvertible {
  public var lower: Double?
  public var lowerInclusive: Bool
  public var upper: Double?
  public var upperInclusive: Bool

  public init(lower: Double?, lowerInclusive: Bool = true, upper: Double?, upperInclusive: Bool = true) {
    self.lower = lower
    self.lowerInclusive = lowerInclusive
    self.upper = upper
    self.upperInclusive = upperInclusive
  }

  /// `x ≥ minimum`.
  public static func atLeast(_ minimum: Double) -> OptionRange { OptionRange(lower: minimum, upper: nil) }
  /// `x > minimum`.
  public static func above(_ minimum: Double) -> OptionRange { OptionRange(lower: minimum, lowerInclusive: false, upper: nil) }
  /// `minimum ≤ x ≤ maximum`.
  public static func from(_ minimum: Double, to maximum: Double) -> OptionRange { OptionRange(lower: minimum, upper: maximum) }

  public func contains(_ x: Double) -> Bool {
    guard x.isFinite else { return false }
    if let lower, lowerInclusive ? x < lower : x <= lower { return false }
    if let upper, upperInclusive ? x > upper : x >= upper { return false }
    return true
  }

  /// "≥ 0", "> 0", "≤ 300", "between 0 and 1", "in (0, 1]".
  public var description: String {
    let lo = lower.map(Self.text), hi = upper.map(Self.text)
    switch (lo, hi) {
    case (let lo?, let hi?) where lowerInclusive && upperInclusive: return "between \(lo) and \(hi)"
    case (let lo?, let hi?): return "in \(lowerInclusive ? "[" : "(")\(lo), \(hi)\(upperInclusive ? "]" : ")")"
    case (let lo?, nil): return (lowerInclusive ? "≥ " : "> ") + lo
    case (nil, let hi?): return (upperInclusive ? "≤ " : "< ") + hi
    case (nil, nil): return "a finite number"
    }
  }

  static func text(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : JSONValue.double(x).displayText
  }
}

/// A regular expression a text value must match in full, with what it means in words for messages.
public struct OptionPattern: Sendable, Hashable {
  public var regex: String
  /// Completes "must be …": e.g. "64 hexadecimal digits".
  public var meaning: String

  public init(_ regex: String, meaning: String) {
    self.regex = regex
    self.meaning = meaning
  }

  public func matches(_ text: String) -> Bool {
    guard let expression = try? NSRegularExpression(pattern: "^(?:" + regex + ")$") else { return false }
    return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
  }
}

/// What a cell makes that another cell's option may name (beyond tables, which every kind may produce).
public enum CellProduct: String, Sendable, Hashable {
  /// A fitted model (`model.wbm`).
  case model
  /// A tracked run (MLflow run id in its result).
  case run
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
  /// What other cells may reference this one as (`.modelReference`, `.runReference` options).
  public var produces: Set<CellProduct>
  /// Kind-specific validation beyond option types (runs before anything executes).
  public var validate: @Sendable (_ cell: CellSpec, _ diagnostics: inout Diagnostics) -> Void
  /// References the kind finds in its own syntax (e.g. `{{ cell.field }}` in notes), beyond `${…}`.
  public var references: @Sendable (_ cell: CellSpec) -> [TemplateReference]

  public init(name: String, version: Int, summary: String, options: [OptionSpec], tools: [String] = [],
              externalEffects: Bool = false, produces: Set<CellProduct> = [],
              validate: @escaping @Sendable (_ cell: CellSpec, _ diagnostics: inout Diagnostics) -> Void = { _, _ in },
              references: @escaping @Sendable (_ cell: CellSpec) -> [TemplateReference] = { _ in [] }) {
    self.references = references
    self.name = name
    self.version = version
    self.summary = summary
    self.options = options
    self.tools = tools
    self.externalEffects = externalEffects
    self.produces = produces
    self.validate = validate
  }

  public func option(named name: String) -> OptionSpec? { options.first { $0.name == name } }

  /// Checks option values after `${…}` substitution against the declared choices and constraints (a value that
  /// arrived through a param or an upstream result was not seen by validation), with the same diagnostic as
  /// validation gives: the option's file:line, the cell and what is allowed.
  /// The keys of a mapping option (`.object`) are checked the same way, each at its own line when it was written
  /// out (`nodes`: the options as written), with a did-you-mean for an unknown key and the nested path in the
  /// message (`performance.tolerated_drop`): a whole mapping that arrived through `${…}` was not seen by validation.
  public func checkResolved(_ values: [String: JSONValue], locations: [String: SourceLocation],
                            nodes: [String: SpecNode] = [:], cell: String) throws(Diagnostics) {
    var found = Diagnostics()
    for spec in options {
      guard let value = values[spec.name], let location = locations[spec.name] else { continue }
      Self.check(value, against: spec, name: spec.name, at: location, node: nodes[spec.name], cell: cell, into: &found)
    }
    try found.throwIfErrors()
  }

  static func check(_ value: JSONValue, against spec: OptionSpec, name: String, at location: SourceLocation,
                    node: SpecNode?, cell: String, into found: inout Diagnostics) {
    if let problem = spec.violation(of: value, name: name) {
      found.error(problem.message, at: location, cell: cell, hint: problem.hint)
    }
    guard case .object(let nested) = spec.type, let fields = value.objectValue else { return }
    let known = nested.map(\.name)
    for key in fields.keys.sorted() where !known.contains(key) {
      found.error("unknown option `\(key)` in `\(name)`", at: node?.entry(key)?.keyLocation ?? location, cell: cell,
                  hint: Suggest.hint(for: key, in: known) ?? "known options: \(known.joined(separator: ", "))")
    }
    for field in nested {
      guard let v = fields[field.name], v != .null else {
        if field.required {
          found.error("missing required option `\(field.name)` in `\(name)`", at: location, cell: cell, hint: field.doc)
        }
        continue
      }
      let entry = node?.entry(field.name)
      check(v, against: field, name: "\(name).\(field.name)", at: entry?.value.location ?? location, node: entry?.value,
            cell: cell, into: &found)
    }
  }
}

/// Checks a located value against an option type, collecting diagnostics; records the table references and
/// input paths it meets.
public struct OptionChecker {
  public var diagnostics = Diagnostics()
  /// References to other cells: tables (`product` nil), models and runs.
  public var cellReferences: [(text: String, location: SourceLocation, product: CellProduct?)] = []
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
      cellReferences.append((s, node.location, nil))
    case (.modelReference, .string(let s)):
      cellReferences.append((s, node.location, .model))
    case (.runReference, .string(let s)):
      cellReferences.append((s, node.location, .run))
    case (.inputPath, .string):
      inputPaths.append(node)
    case (.list(let element), .list(let items)):
      for (i, item) in items.enumerated() { check(item, against: element, name: "\(name)[\(i)]") }
    case (.list(let element), _) where element == .table || element == .string || element == .inputPath
      || element == .modelReference:
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
          cellReferences += trial.cellReferences
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
      let name = path.map { "\($0).\(e.key)" } ?? e.key
      let errorsBefore = diagnostics.errors.count
      check(e.value, against: spec.type, name: name)
      // Constraints of a value written out; one with `${…}` is checked at run time, after substitution.
      if diagnostics.errors.count == errorsBefore, !e.value.containsReference,
         let problem = spec.violation(of: e.value.json, name: name) {
        diagnostics.error(problem.message, at: e.value.location, cell: cell, hint: problem.hint)
      }
    }
    for spec in specs where spec.required && !entries.contains(where: { $0.key == spec.name }) {
      let where_ = path.map { " in `\($0)`" } ?? ""
      diagnostics.error("missing required option `\(spec.name)`\(where_)", at: location, cell: cell, hint: spec.doc)
    }
  }
}

extension SpecNode {
  /// The entry `key` of a mapping node; nil for another key or node.
  public func entry(_ key: String) -> (key: String, keyLocation: SourceLocation, value: SpecNode)? {
    guard case .map(let entries) = value else { return nil }
    return entries.first { $0.key == key }
  }

  /// Whether a `${…}` appears in this value (or anywhere inside it).
  var containsReference: Bool {
    switch value {
    case .string(let s): s.contains("${")
    case .list(let l): l.contains { $0.containsReference }
    case .map(let m): m.contains { $0.value.containsReference }
    default: false
    }
  }
}
