import WorkbookModel

/// Reads that always yield a value: the option as written (after `${…}` substitution), else the default declared
/// in the kind's descriptor, so call sites never repeat a default. Named after `OptionType` (`integer`, `number`,
/// `boolean`, …); an option with neither a value nor a declared default is an error naming it (use the optional
/// reads, `int(_:)` etc., for options whose absence means something).
extension CellOptions {
  public func integer(_ name: String) throws -> Int { try declared(name, try int(name)) }
  public func number(_ name: String) throws -> Double { try declared(name, try double(name)) }
  public func boolean(_ name: String) throws -> Bool { try declared(name, try bool(name)) }
  public func text(_ name: String) throws -> String { try declared(name, try string(name)) }
  /// A list of text (a single value is a one-element list).
  public func texts(_ name: String) throws -> [String] { try declared(name, try strings(name)) }

  /// A list of numbers (a single number is a one-element list).
  public func numbers(_ name: String) throws -> [Double] {
    let value = try declared(name, self[name])
    let items = value.arrayValue ?? [value]
    return try items.map { item in
      guard let x = item.doubleValue ?? item.stringValue.flatMap(Double.init) else {
        throw CellError("option `\(qualified(name))` must be a list of numbers, got `\(item.displayText)`", at: location(of: name))
      }
      return x
    }
  }

  /// A `.choice` option as the enum whose raw values are the choices.
  public func choice<Choice: RawRepresentable>(_ name: String, as: Choice.Type) throws -> Choice where Choice.RawValue == String {
    let raw = try text(name)
    guard let value = Choice(rawValue: raw) else {
      throw CellError("`\(raw)` is not a valid value for `\(qualified(name))`", at: location(of: name))
    }
    return value
  }

  /// A number of seconds, as a `Duration`.
  public func duration(_ name: String) throws -> Duration {
    let seconds = try number(name)
    guard seconds.isFinite, seconds >= 0 else {
      throw CellError("`\(qualified(name))` must be a number of seconds ≥ 0, got \(seconds)", at: location(of: name))
    }
    return .milliseconds(Int64((seconds * 1000).rounded()))
  }

  func declared<Value>(_ name: String, _ value: Value?) throws -> Value {
    guard let value else {
      throw CellError("missing option `\(qualified(name))`", at: cellLocation,
                      hint: path.map { "set `\(name):` in `\($0)`" } ?? "set `\(name):` in the cell")
    }
    return value
  }
}
