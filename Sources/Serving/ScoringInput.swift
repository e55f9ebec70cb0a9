import Cells
import Foundation
import Frame
import WorkbenchCore

/// A request the scoring protocol refuses: the HTTP status and MLflow's `error_code`, with a message that says what
/// was wrong (naming the column and row) and what to send instead.
public struct ScoringError: Error, Sendable, CustomStringConvertible {
  public var status: Int
  public var code: String
  public var message: String
  public init(status: Int = 400, code: String = "BAD_REQUEST", _ message: String) {
    self.status = status
    self.code = code
    self.message = message
  }
  public var description: String { message }

  /// MLflow's error body: `{"error_code": …, "message": …}`.
  public var body: JSONValue { .object(["error_code": .string(code), "message": .string(message)]) }
}

/// The body formats of MLflow's `POST /invocations`, decoded into a table of the model's feature columns.
///
/// JSON (`application/json`): an object with exactly one of `dataframe_split` (`{columns, data, index?}`),
/// `dataframe_records` (a list of row objects), `instances` or `inputs` (a list of row objects, a list of rows in the
/// model's feature order, or an object of column → list), and optionally `params`. CSV (`text/csv`,
/// `application/csv`): a header line and rows. Every column must be one of the model's features and every feature
/// must be present; a numeric feature takes numbers or null (missing). Rows are counted from 0, as pandas does.
public enum ScoringInput {
  /// The body formats a content type selects.
  public enum Format: Sendable { case json, csv }

  /// The format named by a `Content-Type` header; 415 for anything else, a charset other than UTF-8 or another parameter.
  public static func format(contentType: String?) throws(ScoringError) -> Format {
    let supported = "send Content-Type: application/json (dataframe_split, dataframe_records, instances or inputs) or text/csv"
    guard let contentType, !contentType.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw ScoringError(status: 415, "the request has no Content-Type; \(supported)")
    }
    let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
    let mime = parts[0].lowercased()
    for parameter in parts.dropFirst() where !parameter.isEmpty {
      let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      let key = pair[0].lowercased()
      let value = pair.count > 1 ? pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased() : ""
      if key == "charset" {
        guard value == "utf-8" || value == "utf8" else {
          throw ScoringError(status: 415, "charset \(value) is not supported: the scoring server reads UTF-8 only (charset=utf-8)")
        }
      } else {
        throw ScoringError(
          status: 415,
          "unrecognized content type parameter `\(parameter)`: the scoring protocol changed in MLflow 2.0 (no `format=`); "
            + "put the format in the JSON body (dataframe_split, dataframe_records, instances or inputs)")
      }
    }
    switch mime {
    case "application/json": return .json
    case "text/csv", "application/csv": return .csv
    default: throw ScoringError(status: 415, "content type \(mime) is not supported; \(supported)")
    }
  }

  /// Decodes a body into a table holding exactly the model's features (in its order).
  public static func table(_ body: [UInt8], format: Format, model: ServableModel) throws(ScoringError) -> Frame {
    try table(body, format: format, features: model.features, categorical: model.categorical)
  }

  /// Decodes a body into a table of `features` (in that order); `categorical[j]` allows text in feature `j`.
  public static func table(_ body: [UInt8], format: Format, features: [String], categorical: [Bool]) throws(ScoringError) -> Frame {
    let decoded = try decode(body, format: format) { _ in features }
    if decoded.requested == .raw { throw ScoringError("raw rows are not accepted here (`params.input: raw`); send the model's features") }
    return try frame(decoded.columns, rowCount: decoded.rowCount, features: features, categorical: categorical)
  }

  /// What a request carries: the model's features, or raw rows that the workbook's transform cells turn into them.
  public enum InputPath: String, Sendable { case features, raw }

  /// Decodes a body into the model's feature table, from features or from raw rows (``RawInput``). The path is
  /// `params.input` when given; otherwise features when the columns are exactly the model's features, raw rows when
  /// they are raw columns including every required one; else 400 naming what is missing relative to both.
  public static func table(_ body: [UInt8], format: Format, served: LoadedModel) throws(ScoringError) -> (features: Frame, path: InputPath) {
    let model = served.model
    let raw = served.rawInput.raw
    let decoded = try decode(body, format: format) { $0 == .raw ? raw?.columnNames ?? model.features : model.features }
    let names = Set(decoded.columns.keys)
    func rawTable() throws(ScoringError) -> (features: Frame, path: InputPath) {
      guard let raw else {
        let why: String = if case .unavailable(let reason) = served.rawInput { reason } else { "" }
        throw ScoringError("raw rows are not accepted by this server: \(why); send the model's features (\(model.features.joined(separator: ", ")))")
      }
      return (try raw.features(decoded.columns, rowCount: decoded.rowCount, model: model), .raw)
    }
    switch decoded.requested {
    case .raw: return try rawTable()
    case .features: break
    case nil:
      if names != Set(model.features), let raw, raw.accepts(names) { return try rawTable() }
      if names != Set(model.features), let raw {
        do throws(ScoringError) {
          return (try frame(decoded.columns, rowCount: decoded.rowCount, features: model.features, categorical: model.categorical), .features)
        } catch {
          throw ScoringError("\(error.message); or, as raw rows of cell `\(raw.entryCell)` (turned into features by cell(s) "
                             + "\(raw.transforms.map(\.cell).joined(separator: ", "))): \(raw.mismatch(names))")
        }
      }
    }
    return (try frame(decoded.columns, rowCount: decoded.rowCount, features: model.features, categorical: model.categorical), .features)
  }

  /// A body's columns and row count, and the input path `params.input` names (nil when not given).
  struct Decoded {
    var columns: [String: [JSONValue]]
    var rowCount: Int
    var requested: InputPath?
  }

  /// Decodes a body; `positional(path)` names the columns of rows sent as lists of values.
  static func decode(_ body: [UInt8], format: Format, positional: (InputPath?) -> [String]) throws(ScoringError) -> Decoded {
    switch format {
    case .json: return try jsonColumns(body, positional: positional)
    case .csv:
      let (columns, rowCount) = try csvColumns(body)
      return Decoded(columns: columns, rowCount: rowCount, requested: nil)
    }
  }

  // MARK: JSON

  static let inputKeys = ["dataframe_split", "dataframe_records", "instances", "inputs"]

  static func jsonColumns(_ body: [UInt8], positional: (InputPath?) -> [String]) throws(ScoringError) -> Decoded {
    let document: JSONValue
    do { document = try JSONValue.parse(body) } catch {
      throw ScoringError("the body is not valid JSON: \(error)")
    }
    guard case .object(let fields) = document else {
      throw ScoringError("the JSON body must be an object with one of the keys \(inputKeys.joined(separator: ", ")) (and optionally params), got \(kindName(document))")
    }
    let present = inputKeys.filter { fields[$0] != nil }
    let unknown = fields.keys.filter { !inputKeys.contains($0) && $0 != "params" }.sorted()
    if !unknown.isEmpty {
      throw ScoringError("unknown key(s) \(unknown.map { "`\($0)`" }.joined(separator: ", ")) in the JSON body; expected one of \(inputKeys.joined(separator: ", ")) and optionally params")
    }
    guard present.count == 1, let key = present.first, let input = fields[key] else {
      throw ScoringError(present.isEmpty
        ? "the JSON body has none of the keys \(inputKeys.joined(separator: ", ")); send e.g. {\"dataframe_split\": {\"columns\": [...], \"data\": [[...]]}}"
        : "the JSON body has several input keys (\(present.joined(separator: ", "))); send exactly one")
    }
    var requested: InputPath?
    if let params = fields["params"] {
      guard case .object(let p) = params else { throw ScoringError("`params` must be an object, got \(kindName(params))") }
      if let name = p.keys.sorted().first(where: { $0 != "input" }) {
        throw ScoringError("unknown param `\(name)`: the only inference param is `input` (\"features\" or \"raw\"; remove the others)")
      }
      if let value = p["input"] {
        guard case .string(let text) = value, let path = InputPath(rawValue: text) else {
          throw ScoringError("`params.input` must be \"features\" (the model's features) or \"raw\" (raw rows the workbook's transform cells turn into features), got \(kindName(value))")
        }
        requested = path
      }
    }
    let columns: ([String: [JSONValue]], Int)
    switch key {
    case "dataframe_split": columns = try split(input)
    case "dataframe_records": columns = try records(input, key: key)
    default: columns = try tensorInput(input, key: key, features: positional(requested))
    }
    return Decoded(columns: columns.0, rowCount: columns.1, requested: requested)
  }

  /// pandas' split orient: `{"columns": [...], "data": [[...], ...], "index": [...]}`.
  static func split(_ input: JSONValue) throws(ScoringError) -> ([String: [JSONValue]], Int) {
    guard case .object(let o) = input else { throw ScoringError("`dataframe_split` must be an object {columns, data}, got \(kindName(input))") }
    if let extra = o.keys.filter({ !["columns", "data", "index"].contains($0) }).sorted().first {
      throw ScoringError("unknown key `\(extra)` in `dataframe_split` (expected columns, data and optionally index)")
    }
    guard case .array(let names)? = o["columns"] else { throw ScoringError("`dataframe_split.columns` must be a list of column names") }
    var columnNames: [String] = []
    for (i, n) in names.enumerated() {
      guard case .string(let s) = n else { throw ScoringError("`dataframe_split.columns[\(i)]` must be a string, got \(kindName(n))") }
      guard !columnNames.contains(s) else { throw ScoringError("column `\(s)` appears twice in `dataframe_split.columns`") }
      columnNames.append(s)
    }
    guard case .array(let rows)? = o["data"] else { throw ScoringError("`dataframe_split.data` must be a list of rows (lists of values)") }
    if let index = o["index"] {
      guard case .array(let labels) = index, labels.count == rows.count else {
        throw ScoringError("`dataframe_split.index` must be a list with one label per row (\(rows.count))")
      }
    }
    var columns = [String: [JSONValue]](uniqueKeysWithValues: columnNames.map { ($0, [JSONValue]()) })
    for (r, row) in rows.enumerated() {
      guard case .array(let values) = row else { throw ScoringError("row \(r) of `dataframe_split.data` must be a list, got \(kindName(row))") }
      guard values.count == columnNames.count else {
        throw ScoringError("row \(r) of `dataframe_split.data` has \(values.count) values but there are \(columnNames.count) columns")
      }
      for (c, v) in values.enumerated() { columns[columnNames[c]]!.append(v) }
    }
    return (columns, rows.count)
  }

  /// A list of row objects (`dataframe_records`, or `instances`/`inputs` in that form).
  static func records(_ input: JSONValue, key: String) throws(ScoringError) -> ([String: [JSONValue]], Int) {
    guard case .array(let rows) = input else { throw ScoringError("`\(key)` must be a list of row objects, got \(kindName(input))") }
    var names: [String] = []
    for (r, row) in rows.enumerated() {
      guard case .object(let o) = row else { throw ScoringError("row \(r) of `\(key)` must be an object, got \(kindName(row))") }
      for k in o.keys.sorted() where !names.contains(k) { names.append(k) }
    }
    var columns: [String: [JSONValue]] = [:]
    for name in names {
      var values: [JSONValue] = []
      values.reserveCapacity(rows.count)
      for (r, row) in rows.enumerated() {
        guard let v = row[name] else { throw ScoringError("row \(r) of `\(key)` lacks column `\(name)` (other rows have it); send null for a missing value") }
        values.append(v)
      }
      columns[name] = values
    }
    return (columns, rows.count)
  }

  /// TF-serving style `instances`/`inputs`: row objects, rows in the model's feature order, or columns.
  static func tensorInput(_ input: JSONValue, key: String, features: [String]) throws(ScoringError) -> ([String: [JSONValue]], Int) {
    switch input {
    case .object(let o):
      var count: Int?
      var columns: [String: [JSONValue]] = [:]
      for (name, value) in o.sorted(by: { $0.key < $1.key }) {
        guard case .array(let values) = value else { throw ScoringError("`\(key).\(name)` must be a list of values (one per row), got \(kindName(value))") }
        if let count, count != values.count {
          throw ScoringError("the columns of `\(key)` differ in length (`\(name)` has \(values.count) values, others \(count))")
        }
        count = values.count
        columns[name] = values
      }
      return (columns, count ?? 0)
    case .array(let rows):
      if rows.allSatisfy({ if case .object = $0 { true } else { false } }) { return try records(input, key: key) }
      var columns = [String: [JSONValue]](uniqueKeysWithValues: features.map { ($0, [JSONValue]()) })
      for (r, row) in rows.enumerated() {
        let values: [JSONValue]
        switch row {
        case .array(let a): values = a
        case .object: throw ScoringError("row \(r) of `\(key)` is an object but other rows are not; use one form for every row")
        default:
          guard features.count == 1 else {
            throw ScoringError("row \(r) of `\(key)` is a single value but the model takes \(features.count) features (\(features.joined(separator: ", "))); send a list per row or row objects")
          }
          values = [row]
        }
        guard values.count == features.count else {
          throw ScoringError("row \(r) of `\(key)` has \(values.count) values but the model takes \(features.count) features, in this order: \(features.joined(separator: ", "))")
        }
        for (c, v) in values.enumerated() { columns[features[c]]!.append(v) }
      }
      return (columns, rows.count)
    default:
      throw ScoringError("`\(key)` must be a list of rows or an object of columns, got \(kindName(input))")
    }
  }

  // MARK: CSV

  static func csvColumns(_ body: [UInt8]) throws(ScoringError) -> ([String: [JSONValue]], Int) {
    let result: CSVReadResult
    do { result = try CSVReader.read(bytes: body, source: "request body", options: CSVOptions(threads: 1)) } catch {
      throw ScoringError("the CSV body cannot be read: \(error)")
    }
    var columns: [String: [JSONValue]] = [:]
    for c in result.frame.columns {
      var values: [JSONValue] = []
      values.reserveCapacity(c.count)
      for i in 0..<c.count {
        switch c.value(at: i) {
        case .null: values.append(.null)
        case .int(let v): values.append(.int(Int(v)))
        case .float(let v): values.append(.double(v))
        case .bool(let v): values.append(.bool(v))
        case .string(let v): values.append(.string(v))
        }
      }
      columns[c.name] = values
    }
    return (columns, result.frame.rowCount)
  }

  // MARK: Schema check

  /// Checks the columns against the model's features (missing, extra, mistyped: the message names column and row)
  /// and builds the table the model scores.
  static func frame(_ columns: [String: [JSONValue]], rowCount: Int, features: [String], categorical: [Bool]) throws(ScoringError) -> Frame {
    let missing = features.filter { columns[$0] == nil }
    if !missing.isEmpty {
      throw ScoringError("missing column(s) \(missing.map { "`\($0)`" }.joined(separator: ", ")); the model takes: \(features.joined(separator: ", "))")
    }
    let extra = columns.keys.filter { !features.contains($0) }.sorted()
    if !extra.isEmpty {
      throw ScoringError("column(s) \(extra.map { "`\($0)`" }.joined(separator: ", ")) are not features of the model; it takes: \(features.joined(separator: ", "))")
    }
    var out: [Column] = []
    for (j, name) in features.enumerated() {
      let values = columns[name]!
      if categorical[j], values.contains(where: { if case .string = $0 { true } else { false } }) {
        var text: [String?] = []
        text.reserveCapacity(rowCount)
        for (r, v) in values.enumerated() {
          switch v {
          case .null: text.append(nil)
          case .string(let s): text.append(s)
          case .int(let i): text.append(String(i))
          case .double(let d): text.append(formatFloat(d, integralWithoutPoint: true))
          default: throw mistyped(name, row: r, value: v, expected: "a category (text or number) or null")
          }
        }
        out.append(Column(name: name, strings: text))
        continue
      }
      var numbers = [Double](repeating: 0, count: rowCount)
      var validity = [Bool](repeating: true, count: rowCount)
      var hasNull = false
      for (r, v) in values.enumerated() {
        switch v {
        case .int(let i): numbers[r] = Double(i)
        case .double(let d): numbers[r] = d
        case .null: validity[r] = false; hasNull = true
        default: throw mistyped(name, row: r, value: v, expected: "a number or null")
        }
      }
      out.append(Column(name: name, floats: numbers, validity: hasNull ? validity : nil))
    }
    do { return try Frame(columns: out) } catch { throw ScoringError("the request cannot be turned into a table: \(error)") }
  }

  static func mistyped(_ column: String, row: Int, value: JSONValue, expected: String) -> ScoringError {
    let shown: String
    switch value {
    case .string(let s): shown = "\"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
    default: shown = kindName(value)
    }
    return ScoringError("column `\(column)`, row \(row): expected \(expected), got \(shown)")
  }

  static func kindName(_ v: JSONValue) -> String {
    switch v {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .int, .double: "a number"
    case .string: "a string"
    case .array: "a list"
    case .object: "an object"
    }
  }
}
