import Cells
import Engine
import Foundation
import Frame
import WorkbenchCore
import WorkbookModel

/// Raw (bronze) rows a request may carry instead of the model's features: the output of `entryCell`, turned into
/// the training table by the workbook's own `transform` cells (``ServingTransform``), so that the features served
/// are computed as in training (docs/serving.md, "Raw rows").
public struct RawInput: Sendable {
  /// One column of the raw schema.
  public struct RawColumn: Sendable {
    public var name: String
    public var type: DataType
    /// False for the training target: unknown at serving time, supplied as missing when absent.
    public var required: Bool
  }

  /// The cell whose output rows a raw request carries (the first cell upstream that is not a transform).
  public let entryCell: String
  public let columns: [RawColumn]
  /// The transform cells from the entry cell down to the training table, in run order.
  public let transforms: [ServingTransform]
  /// `expect` cells on the way (their checks are not applied to requests).
  public let contracts: [String]

  public init(entryCell: String, columns: [RawColumn], transforms: [ServingTransform], contracts: [String] = []) {
    self.entryCell = entryCell
    self.columns = columns
    self.transforms = transforms
    self.contracts = contracts
  }

  public var columnNames: [String] { columns.map(\.name) }

  /// True when `names` are raw columns and include every required one.
  func accepts(_ names: Set<String>) -> Bool {
    columns.allSatisfy { !$0.required || names.contains($0.name) } && names.isSubset(of: Set(columnNames))
  }

  /// What `names` lack or have too many, relative to the raw schema.
  func mismatch(_ names: Set<String>) -> String {
    let missing = columns.filter { $0.required && !names.contains($0.name) }.map { "`\($0.name)`" }
    let unknown = names.subtracting(columnNames).sorted().map { "`\($0)`" }
    var parts: [String] = []
    if !missing.isEmpty { parts.append("missing raw column(s) \(missing.joined(separator: ", "))") }
    if !unknown.isEmpty { parts.append("column(s) \(unknown.joined(separator: ", ")) are not columns of cell `\(entryCell)`") }
    return parts.joined(separator: "; ")
  }

  /// The model's feature table computed from raw request columns: typed as the entry cell's output, run through the
  /// transform cells, then the model's features selected. Every refusal names the column or row and the step.
  func features(_ request: [String: [JSONValue]], rowCount: Int, model: ServableModel) throws(ScoringError) -> Frame {
    let names = Set(request.keys)
    guard accepts(names) else {
      throw ScoringError("\(mismatch(names)); raw rows of cell `\(entryCell)` have the columns: \(columnNames.joined(separator: ", "))")
    }
    var built: [Column] = []
    for column in columns {
      let values = request[column.name] ?? [JSONValue](repeating: .null, count: rowCount)
      built.append(try Self.column(column, values))
    }
    var table: Frame
    do { table = try Frame(columns: built) } catch { throw ScoringError("the request cannot be turned into a table: \(error)") }
    for transform in transforms {
      do { table = try transform.apply(table) } catch { throw ScoringError(error.message) }
    }
    let absent = model.features.filter { table.column(named: $0) == nil }
    guard absent.isEmpty else {
      throw ScoringError("the transform cells turned these raw rows into a table without the feature(s) \(absent.map { "`\($0)`" }.joined(separator: ", ")) (it has: \(table.columnNames.joined(separator: ", "))); send rows in the layout the model was trained on")
    }
    do { return try table.selecting(model.features) } catch { throw ScoringError("\(error)") }
  }

  /// A request column typed as the raw schema says (the message names column and row of a mistyped value).
  static func column(_ spec: RawColumn, _ values: [JSONValue]) throws(ScoringError) -> Column {
    let n = values.count
    var validity = [Bool](repeating: true, count: n)
    switch spec.type {
    case .int:
      var out = [Int64](repeating: 0, count: n)
      for (r, v) in values.enumerated() {
        switch v {
        case .int(let i): out[r] = Int64(i)
        case .double(let d) where d == d.rounded() && abs(d) < 9e18: out[r] = Int64(d)
        case .null: validity[r] = false
        default: throw ScoringInput.mistyped(spec.name, row: r, value: v, expected: "a whole number or null")
        }
      }
      return Column(name: spec.name, ints: out, validity: validity)
    case .float:
      var out = [Double](repeating: 0, count: n)
      for (r, v) in values.enumerated() {
        switch v {
        case .int(let i): out[r] = Double(i)
        case .double(let d): out[r] = d
        case .null: validity[r] = false
        default: throw ScoringInput.mistyped(spec.name, row: r, value: v, expected: "a number or null")
        }
      }
      return Column(name: spec.name, floats: out, validity: validity)
    case .bool:
      var out = [Bool](repeating: false, count: n)
      for (r, v) in values.enumerated() {
        switch v {
        case .bool(let b): out[r] = b
        case .null: validity[r] = false
        default: throw ScoringInput.mistyped(spec.name, row: r, value: v, expected: "true, false or null")
        }
      }
      return Column(name: spec.name, bools: out, validity: validity)
    case .string:
      var out: [String?] = []
      out.reserveCapacity(n)
      for (r, v) in values.enumerated() {
        switch v {
        case .string(let s): out.append(s)
        case .int(let i): out.append(String(i))
        case .double(let d): out.append(formatFloat(d, integralWithoutPoint: true))
        case .null: out.append(nil)
        default: throw ScoringInput.mistyped(spec.name, row: r, value: v, expected: "text or null")
        }
      }
      return Column(name: spec.name, strings: out)
    }
  }

  /// The `raw_input` field of `/version`.
  var document: JSONValue {
    .object([
      "cell": .string(entryCell),
      "columns": .array(columns.map { .object(["name": .string($0.name), "type": .string($0.type.rawValue), "required": .bool($0.required)]) }),
      "transforms": .array(transforms.map { .string($0.cell) }),
      "skipped_steps": .array(transforms.flatMap { t in t.skipped.map { .string("cell `\(t.cell)`, \($0)") } }),
      "contracts_not_checked": .array(contracts.map { .string($0) }),
    ])
  }
}

/// Whether the model in service accepts raw rows, and if not, why (logged at start and on a swap, in `/version`,
/// and in the 400 a raw request gets).
public enum RawInputStatus: Sendable {
  case available(RawInput)
  case unavailable(String)

  public var raw: RawInput? { if case .available(let r) = self { r } else { nil } }

  /// One line for the server's log.
  public var logLine: String {
    switch self {
    case .available(let r):
      "raw rows accepted: columns of cell `\(r.entryCell)` (\(r.columns.count); required: \(r.columns.filter(\.required).count)) → "
        + "transform cell(s) \(r.transforms.map(\.cell).joined(separator: " → ")) → features"
        + (r.transforms.flatMap(\.skipped).isEmpty ? "" : "; skipped: " + r.transforms.flatMap { t in t.skipped.map { "\(t.cell) \($0)" } }.joined(separator: "; "))
    case .unavailable(let why): "raw rows not accepted (features only): \(why)"
    }
  }

  var document: JSONValue {
    switch self {
    case .available(let r): r.document
    case .unavailable(let why): .object(["accepted": .bool(false), "reason": .string(why)])
    }
  }
}

extension RawInput {
  /// Finds the raw input of a model trained by `trainingCell`: from that cell's table input, through a `split` and
  /// any `transform` (and `expect`) cells, to the first other cell (or to `entry` when given). The transform cells'
  /// options are the plan's (after `${}` substitution with the server's params); their fitted values and join tables
  /// come from the training run's cache entries, so the workbook must have been run with these params.
  public static func resolve(engine: Engine, workbook: ValidatedWorkbook, trainingCell: String?, entry: String?) -> RawInputStatus {
    guard let trainingCell else { return .unavailable("the model's run does not record the cell that trained it (tag workbench.upstream_cell)") }
    guard workbook.cell(trainingCell) != nil else {
      return .unavailable("the model was trained by cell `\(trainingCell)`, which is not in workbook \(workbook.workbook.name)")
    }
    if let entry, workbook.cell(entry) == nil { return .unavailable("--raw-input \(entry): no such cell in workbook \(workbook.workbook.name)") }
    let plan = engine.plan(workbook)
    func input(of id: String) -> String? {
      guard let ref = plan.cell(id)?.options?["input"]?.stringValue ?? workbook.cell(id)?.spec.option("input")?.string else { return nil }
      return String(ref.split(separator: ".", maxSplits: 1).first ?? "")
    }
    func cachedTable(_ reference: String) throws -> Frame {
      let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
      guard let manifest = plan.cell(parts[0])?.manifest else {
        throw ScoringError("cell `\(parts[0])` has no cache entry for these params: run the workbook with them first (workbench run \(workbook.workbook.file))")
      }
      let name = parts.count > 1 ? parts[1] : manifest.tables.first.map { String($0.name.dropLast(OutputNames.tableSuffix.count)) } ?? "table"
      return try engine.cachedTable(name, of: manifest)
    }

    var chain: [String] = []
    var contracts: [String] = []
    var target: String?
    var current = input(of: trainingCell)
    if target == nil { target = plan.cell(trainingCell)?.options?["target"]?.stringValue }
    var visited = Set<String>()
    while let id = current, let cell = workbook.cell(id), visited.insert(id).inserted {
      if id == entry { break }
      switch cell.kind.name {
      case "split":
        target = plan.cell(id)?.options?["target"]?.stringValue ?? target
      case "transform": chain.insert(id, at: 0)
      case "expect": contracts.insert(id, at: 0)
      default:
        if let entry {
          return .unavailable("--raw-input \(entry) is not upstream of cell `\(trainingCell)` through transform cells (the walk stops at `\(id)`, a \(cell.kind.name) cell)")
        }
      }
      if ["split", "transform", "expect"].contains(cell.kind.name) { current = input(of: id) } else { break }
    }
    guard let entryCell = current else { return .unavailable("cell `\(trainingCell)` has no table input to walk upstream from") }
    guard !chain.isEmpty else {
      return .unavailable("no transform cell lies between cell `\(entryCell)` and the training table of `\(trainingCell)`: its rows are the features")
    }
    do {
      let rawTable = try cachedTable(entryCell)
      let columns = rawTable.columns.map { RawColumn(name: $0.name, type: $0.type, required: $0.name != target) }
      var transforms: [ServingTransform] = []
      for id in chain {
        guard let cell = workbook.cell(id), let values = plan.cell(id)?.options, let inputReference = values["input"]?.stringValue else {
          return .unavailable("cell `\(id)` has no cache entry for these params: run the workbook with them first")
        }
        let options = CellOptions(values: values, locations: [:], cellLocation: cell.spec.location, defaults: [:],
                                  nodes: Dictionary(cell.spec.options.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }))
        do {
          transforms.append(try ServingTransform(cell: id, options: options, trainingInput: try cachedTable(inputReference), table: cachedTable))
        } catch let e as CellError {
          return .unavailable("cell `\(id)`: \(e.message)" + (e.location.map { " (\($0))" } ?? "") + (e.hint.map { "; \($0)" } ?? ""))
        }
      }
      return .available(RawInput(entryCell: entryCell, columns: columns, transforms: transforms, contracts: contracts))
    } catch let e as ScoringError {
      return .unavailable(e.message)
    } catch {
      return .unavailable("\(error)")
    }
  }
}
