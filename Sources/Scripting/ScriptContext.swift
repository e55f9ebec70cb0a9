import Foundation
import WorkbenchCore

/// A value handed to a script (params, metrics): JSON's types, kept typed across languages.
public indirect enum ScriptValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([ScriptValue])
  case object([(String, ScriptValue)])

  public static func == (a: ScriptValue, b: ScriptValue) -> Bool { a.json == b.json }

  /// Compact JSON (object keys in the given order; non-finite numbers as NaN/Infinity, which Python reads).
  public var json: String {
    switch self {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .int(let i): String(i)
    case .double(let d): d.isNaN ? "NaN" : d.isInfinite ? (d > 0 ? "Infinity" : "-Infinity") : "\(d)"
    case .string(let s): Self.quoted(s)
    case .array(let a): "[" + a.map(\.json).joined(separator: ", ") + "]"
    case .object(let o): "{" + o.map { Self.quoted($0.0) + ": " + $0.1.json }.joined(separator: ", ") + "}"
    }
  }

  /// A JSON string literal (WorkbenchCore's escaping; R reads the same `\uXXXX` escapes).
  static func quoted(_ s: String) -> String {
    var out = ""
    JSONValue.writeString(s, into: &out)
    return out
  }

  /// The value as an R literal (`list(a = 1L)`, `TRUE`, `NULL`), as papermill's R translator writes them.
  public var rLiteral: String {
    switch self {
    case .null: "NULL"
    case .bool(let b): b ? "TRUE" : "FALSE"
    case .int(let i): abs(i) < Int(Int32.max) ? "\(i)L" : "\(Double(i))"
    case .double(let d): d.isNaN ? "NaN" : d.isInfinite ? (d > 0 ? "Inf" : "-Inf") : "\(d)"
    case .string(let s): Self.quoted(s)
    case .array(let a): "list(" + a.map(\.rLiteral).joined(separator: ", ") + ")"
    case .object(let o): "list(" + o.map { "`\($0.0.replacingOccurrences(of: "`", with: "\\`"))` = " + $0.1.rLiteral }.joined(separator: ", ") + ")"
    }
  }

  /// The value as shell variable text: scalars as written, lists and mappings as JSON.
  public var shellText: String {
    switch self {
    case .null: ""
    case .bool(let b): b ? "true" : "false"
    case .int(let i): String(i)
    case .double(let d): "\(d)"
    case .string(let s): s
    case .array, .object: json
    }
  }
}

/// What one execution of a scripted cell sees: written as the JSON context file (path in `WB_CONTEXT`), and for
/// R and shell also turned into literals and variables.
public struct ScriptContext: Sendable {
  public struct Input: Sendable {
    public enum Kind: String, Sendable { case table, file }
    public var name: String
    public var kind: Kind
    public var path: String
    public var format: TableFormat?
    public var columns: [(name: String, type: String)]
    public var rows: Int?

    public init(name: String, kind: Kind, path: String, format: TableFormat? = nil, columns: [(name: String, type: String)] = [],
                rows: Int? = nil) {
      self.name = name
      self.kind = kind
      self.path = path
      self.format = format
      self.columns = columns
      self.rows = rows
    }
  }

  public var cell: String
  public var workbook: String
  public var seed: Int
  public var params: [(String, ScriptValue)]
  public var inputs: [Input]
  /// Declared outputs.
  public var tables: [String]
  public var figures: [String]
  public var files: [String]
  public var metrics: [String]
  public var tableFormat: TableFormat
  /// The code to run, its name in tracebacks (`<cell>` for inline code, else the file path) and import paths.
  public var codePath: String
  public var codeDisplayName: String
  public var searchPath: [String]
  /// The execution folder (working directory) and its output folder.
  public var directory: URL
  public var outputDirectory: URL { directory.appendingPathComponent("out") }
  public var metricsPath: String { directory.appendingPathComponent("wb_metrics.json").path }
  public var errorPath: String { directory.appendingPathComponent("wb_error.json").path }
  public var contextPath: String { directory.appendingPathComponent("wb_context.json").path }

  public init(cell: String, workbook: String, seed: Int, params: [(String, ScriptValue)], inputs: [Input], tables: [String],
              figures: [String], files: [String], metrics: [String], tableFormat: TableFormat, codePath: String,
              codeDisplayName: String, searchPath: [String], directory: URL) {
    self.cell = cell
    self.workbook = workbook
    self.seed = seed
    self.params = params
    self.inputs = inputs
    self.tables = tables
    self.figures = figures
    self.files = files
    self.metrics = metrics
    self.tableFormat = tableFormat
    self.codePath = codePath
    self.codeDisplayName = codeDisplayName
    self.searchPath = searchPath
    self.directory = directory
  }

  /// Where a declared table is saved.
  public func tablePath(_ name: String) -> String {
    outputDirectory.appendingPathComponent("\(name).\(tableFormat.fileExtension)").path
  }

  public func outputPath(_ name: String) -> String { outputDirectory.appendingPathComponent(name).path }

  var value: ScriptValue {
    .object([
      ("cell", .string(cell)), ("workbook", .string(workbook)), ("seed", .int(seed)), ("params", .object(params)),
      ("inputs", .object(inputs.map { i in
        var o: [(String, ScriptValue)] = [("kind", .string(i.kind.rawValue)), ("path", .string(i.path))]
        if let f = i.format { o.append(("format", .string(f.rawValue))) }
        if i.kind == .table {
          o.append(("columns", .array(i.columns.map { .object([("name", .string($0.name)), ("type", .string($0.type))]) })))
          if let r = i.rows { o.append(("rows", .int(r))) }
        }
        return (i.name, .object(o))
      })),
      ("outputs", .object([
        ("tables", .object(tables.map { ($0, .object([("path", .string(tablePath($0))), ("format", .string(tableFormat.rawValue))])) })),
        ("figures", .object(figures.map { ($0, .object([("path", .string(outputPath($0)))])) })),
        ("files", .object(files.map { ($0, .object([("path", .string(outputPath($0)))])) })),
        ("metrics", .array(metrics.map(ScriptValue.string))),
      ])),
      ("table_format", .string(tableFormat.rawValue)),
      ("metrics_path", .string(metricsPath)), ("error_path", .string(errorPath)),
      ("code", .object([("path", .string(codePath)), ("display", .string(codeDisplayName)),
                        ("search_path", .array(searchPath.map(ScriptValue.string)))])),
    ])
  }

  /// The JSON context file's text.
  public var json: String { value.json + "\n" }

  /// `WB_INPUT_<NAME>`, `WB_OUTPUT_<NAME>` and `WB_PARAM_<NAME>` (names upper-cased, other characters `_`).
  public var shellVariables: [String: String] {
    var out: [String: String] = [:]
    for i in inputs { out["WB_INPUT_" + Self.variableName(i.name)] = i.path }
    for t in tables { out["WB_OUTPUT_" + Self.variableName(t)] = tablePath(t) }
    for f in figures + files { out["WB_OUTPUT_" + Self.variableName(f)] = outputPath(f) }
    for m in metrics { out["WB_OUTPUT_" + Self.variableName(m)] = directory.appendingPathComponent("wb_metric_\(m)").path }
    for (k, v) in params { out["WB_PARAM_" + Self.variableName(k)] = v.shellText }
    return out
  }

  public static func variableName(_ name: String) -> String {
    String(name.uppercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "_" })
  }
}
