import WorkbookModel

/// A cell's options after `${…}` substitution, with typed accessors whose errors name the option and its line.
public struct CellOptions: Sendable {
  public let values: [String: JSONValue]
  public let locations: [String: SourceLocation]
  /// The options as written (before `${…}` substitution): mapping key order and nested locations, for kinds
  /// whose semantics depend on order (transform steps) or that report errors inside nested values.
  public let nodes: [String: SpecNode]
  /// Where the cell starts; for the keys of a mapping option (``mapping(_:)``), where that option is.
  public let cellLocation: SourceLocation
  /// The mapping option these are the keys of (`performance`), named in messages (`performance.tolerated_drop`);
  /// nil for the cell's own options.
  public let path: String?
  let defaults: [String: JSONValue]
  /// The declared options (for the keys a mapping option declares).
  let specs: [OptionSpec]

  public init(values: [String: JSONValue], locations: [String: SourceLocation], cellLocation: SourceLocation,
              defaults: [String: JSONValue], nodes: [String: SpecNode] = [:], specs: [OptionSpec] = [],
              path: String? = nil) {
    self.values = values
    self.locations = locations
    self.nodes = nodes
    self.cellLocation = cellLocation
    self.defaults = defaults
    self.specs = specs
    self.path = path
  }

  public func location(of name: String) -> SourceLocation { locations[name] ?? cellLocation }

  /// The option's name as messages show it: `performance.tolerated_drop` for a key of a mapping option.
  public func qualified(_ name: String) -> String { path.map { "\($0).\(name)" } ?? name }

  /// The keys of the mapping option `name` (declared `.object([...])`), read like options: each key's value as
  /// written (after `${…}` substitution) or the default its spec declares, errors naming `name.key` at the key's
  /// line. Nil when the option is absent (or null) and declares no default.
  public func mapping(_ name: String) throws -> CellOptions? {
    guard let value = self[name], value != .null else { return nil }
    guard let fields = value.objectValue else {
      throw CellError("option `\(qualified(name))` must be a mapping, got `\(value.displayText.prefix(60))`",
                      code: .optionInvalid, at: location(of: name))
    }
    let specs = specs.first { $0.name == name }?.fields ?? []
    let node = nodes[name]
    var locations: [String: SourceLocation] = [:]
    var nodes: [String: SpecNode] = [:]
    for key in fields.keys {
      guard let entry = node?.entry(key) else { continue }
      locations[key] = entry.value.location
      nodes[key] = entry.value
    }
    var defaults: [String: JSONValue] = [:]
    for spec in specs { if let d = spec.defaultValue { defaults[spec.name] = d } }
    return CellOptions(values: fields, locations: locations, cellLocation: location(of: name), defaults: defaults,
                       nodes: nodes, specs: specs, path: qualified(name))
  }

  /// The option's value, or its declared default, or nil.
  public subscript(name: String) -> JSONValue? { values[name] ?? defaults[name] }

  public func has(_ name: String) -> Bool { values[name] != nil }

  public func string(_ name: String) throws -> String? {
    guard let v = self[name], v != .null else { return nil }
    switch v {
    case .string(let s): return s
    case .int, .double, .bool: return v.displayText
    default: throw CellError("option `\(qualified(name))` must be text", code: .optionInvalid, at: location(of: name))
    }
  }

  public func requiredString(_ name: String) throws -> String {
    guard let s = try string(name) else {
      throw CellError("missing option `\(qualified(name))`", code: .optionInvalid, at: cellLocation)
    }
    return s
  }

  public func int(_ name: String) throws -> Int? {
    guard let v = self[name], v != .null else { return nil }
    if let i = v.intValue { return i }
    if let s = v.stringValue, let i = Int(s) { return i }
    throw CellError("option `\(qualified(name))` must be an integer, got `\(v.displayText)`", code: .optionInvalid, at: location(of: name))
  }

  public func double(_ name: String) throws -> Double? {
    guard let v = self[name], v != .null else { return nil }
    if let d = v.doubleValue { return d }
    if let s = v.stringValue, let d = Double(s) { return d }
    throw CellError("option `\(qualified(name))` must be a number, got `\(v.displayText)`", code: .optionInvalid, at: location(of: name))
  }

  public func bool(_ name: String) throws -> Bool? {
    guard let v = self[name], v != .null else { return nil }
    if let b = v.boolValue { return b }
    if let s = v.stringValue { if s == "true" { return true }; if s == "false" { return false } }
    throw CellError("option `\(qualified(name))` must be true or false, got `\(v.displayText)`", code: .optionInvalid, at: location(of: name))
  }

  /// A list of strings; a single string is a one-element list.
  public func strings(_ name: String) throws -> [String]? {
    guard let v = self[name], v != .null else { return nil }
    switch v {
    case .string(let s): return [s]
    case .array(let a):
      return try a.map {
        guard let s = $0.stringValue ?? ($0.intValue.map(String.init)) else {
          throw CellError("option `\(qualified(name))` must be a list of text", code: .optionInvalid, at: location(of: name))
        }
        return s
      }
    default: throw CellError("option `\(qualified(name))` must be a list of text", code: .optionInvalid, at: location(of: name))
    }
  }
}
