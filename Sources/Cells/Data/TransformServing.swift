import Engine
import Foundation
import Frame
import WorkbookModel

/// A request's rows refused by a transform step at serving time (a `filter` or inner `join` drops a row, a `cast`
/// refuses a value…): the message names the row, the cell, the step and its line.
public struct TransformRefusal: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

/// A `transform` cell prepared for serving (`workbench serve`, raw input): its steps run on request rows with the same
/// step code as a run, except where a step is a training-set operation (docs/serving.md, "Raw rows"):
///
/// * row-wise steps (select, drop, rename, cast, derive, map, bin, filter, if_columns) apply as in the run;
/// * `impute` fills with the value fitted on the training run (replayed on the cell's cached input), never with a
///   statistic of the request batch;
/// * `join` uses the other cell's table as the training run cached it;
/// * `dedupe`, `sample` and `sort` are skipped: they choose or order the training rows, not compute features;
/// * `group_by` makes the cell unservable (a row's features would depend on the other rows of the request).
///
/// Every request row yields exactly one output row, in order, or the request is refused naming the row.
public struct ServingTransform: @unchecked Sendable {  // immutable after init; the parsed steps are plain values
  public let cell: String
  /// Steps not applied to requests, with the reason (for the start-up log and `/version`).
  public let skipped: [String]
  let steps: [TransformStep]
  /// Fitted fill value per impute step path and column (nil: the training column was entirely null).
  let fills: [String: [String: Value?]]
  /// The column's type after the training run's impute step, per step path and column.
  let filledTypes: [String: [String: DataType]]
  /// Tables that `join` steps read, as the training run cached them.
  let joinTables: [String: Frame]

  /// Prepares cell `cell` from its options (after `${}` substitution), replaying its steps on `trainingInput` (the
  /// cell's input as the training run cached it) to fit the impute values; `table` loads a cached table by reference.
  /// Throws a ``CellError`` naming the step when a step cannot be served.
  public init(cell: String, options: CellOptions, trainingInput: Frame, table: (String) throws -> Frame) throws {
    self.cell = cell
    steps = try TransformCell.parseSteps(options)
    var skipped: [String] = []
    var joinTables: [String: Frame] = [:]
    try Self.check(steps, prefix: "", skipped: &skipped, joins: &joinTables, table: table)
    self.skipped = skipped
    self.joinTables = joinTables
    var fills: [String: [String: Value?]] = [:]
    var types: [String: [String: DataType]] = [:]
    _ = try Self.fit(steps, prefix: "", frame: trainingInput, joins: joinTables, fills: &fills, types: &types)
    self.fills = fills
    self.filledTypes = types
  }

  static func path(_ prefix: String, _ i: Int) -> String { prefix + String(i + 1) }

  /// Refuses unservable steps, lists skipped ones and loads join tables.
  static func check(_ steps: [TransformStep], prefix: String, skipped: inout [String], joins: inout [String: Frame],
                    table: (String) throws -> Frame) throws {
    for (i, step) in steps.enumerated() {
      let where_ = "step \(path(prefix, i)) (\(step.kind)) at \(step.location)"
      switch step.action {
      case .groupBy:
        throw CellError("\(where_): group_by aggregates rows, so a request row's features would depend on the other rows sent with it",
                        at: step.location, hint: "serve from a cell below this one (--raw-input), or move the aggregation to a joined table")
      case .dedupe: skipped.append("\(where_): dedupe chooses training rows (each request row is scored)")
      case .sample: skipped.append("\(where_): sample chooses training rows (each request row is scored)")
      case .sort: skipped.append("\(where_): sort orders training rows (predictions keep the request's row order)")
      case .join(let with, _, _):
        if joins[with] == nil { joins[with] = try table(with) }
      case .ifColumns(_, let then, let otherwise):
        try check(then, prefix: path(prefix, i) + ".then.", skipped: &skipped, joins: &joins, table: table)
        try check(otherwise, prefix: path(prefix, i) + ".else.", skipped: &skipped, joins: &joins, table: table)
      default: break
      }
    }
  }

  /// Replays the steps on the training input as the run did, recording each impute step's fill values.
  static func fit(_ steps: [TransformStep], prefix: String, frame: Frame, joins: [String: Frame],
                  fills: inout [String: [String: Value?]], types: inout [String: [String: DataType]]) throws -> Frame {
    var table = frame
    for (i, step) in steps.enumerated() {
      let here = path(prefix, i)
      switch step.action {
      case .impute(let methods):
        var fitted: [String: Value?] = [:]
        for (name, method) in methods {
          guard let column = table.column(named: name) else { continue }  // the step itself names the missing column below
          fitted[name] = try fittedValue(column, method: method, step: step)
        }
        fills[here] = fitted
      case .ifColumns(let present, let then, let otherwise):
        // Only the branch the training run took has fitted values; a request taking the other one is refused
        // at its impute steps (nothing was fitted there).
        let taken = present.allSatisfy { table.column(named: $0) != nil }
        table = try fit(taken ? then : otherwise, prefix: here + (taken ? ".then." : ".else."), frame: table, joins: joins,
                        fills: &fills, types: &types)
        continue
      default: break
      }
      table = try apply(step, to: table, joins: joins)
      if case .impute(let methods) = step.action {
        types[here] = Dictionary(uniqueKeysWithValues: methods.compactMap { m in table.column(named: m.column).map { (m.column, $0.type) } })
      }
    }
    return table
  }

  /// The value `impute` fills `column` with, computed by the step's own implementation on the training values.
  static func fittedValue(_ column: Column, method: TableOperations.ImputeMethod, step: TransformStep) throws -> Value? {
    if case .constant(let v) = method { return v == .null ? nil : v }
    // One null row appended makes the statistic be computed even when the training column has no nulls; nulls
    // do not take part in it, so it is the training column's statistic.
    guard column.count > 0 else { return nil }
    var padded = column.gathering(Array(0..<column.count) + [0])
    padded.validity = (column.validity ?? [Bool](repeating: true, count: column.count)) + [false]
    do {
      let (_, outcomes) = try TableOperations.impute(try Frame(columns: [padded]), [(column.name, method)])
      return outcomes.first?.value
    } catch let e as TableOperationError {
      throw step.cellError(e)
    }
  }

  static func apply(_ step: TransformStep, to frame: Frame, joins: [String: Frame]) throws -> Frame {
    var extra: [String: JSONValue] = [:]
    var note = ""
    var warnings: [String] = []
    do {
      return try step.apply(to: frame, tables: { s, with in
        guard let t = joins[with] else { throw CellError("join table `\(with)` is not available", at: s.location) }
        return t
      }, extra: &extra, note: &note, warnings: &warnings)
    } catch let error as TableOperationError {
      throw step.cellError(error)
    }
  }

  /// The request rows transformed: exactly one output row per input row, in order.
  public func apply(_ frame: Frame) throws(TransformRefusal) -> Frame {
    do {
      return try serve(steps, prefix: "", frame: frame)
    } catch let refusal as TransformRefusal {
      throw refusal
    } catch let error as CellError {
      throw TransformRefusal(message: "cell `\(cell)`: \(error.message)" + (error.location.map { " (\($0))" } ?? "") + (error.hint.map { "; \($0)" } ?? ""))
    } catch {
      throw TransformRefusal(message: "cell `\(cell)`: \(error)")
    }
  }

  /// Name of the temporary column that follows request rows through row-dropping steps.
  static let rowColumn = "\u{1}workbench_request_row"

  func serve(_ steps: [TransformStep], prefix: String, frame: Frame) throws -> Frame {
    var table = frame
    for (i, step) in steps.enumerated() {
      let here = Self.path(prefix, i)
      let where_ = "cell `\(cell)`, step \(here) (\(step.kind)) at \(step.location)"
      switch step.action {
      case .dedupe, .sample, .sort: continue
      case .groupBy: throw TransformRefusal(message: "\(where_): group_by cannot be applied to request rows")
      case .impute(let methods):
        guard let fitted = fills[here] else {
          throw TransformRefusal(message: "\(where_): the training run did not take this branch, so there are no fitted fill values for it; send rows in the layout the model was trained on")
        }
        var constants: [(column: String, method: TableOperations.ImputeMethod)] = []
        for (name, _) in methods {
          guard let c = table.column(named: name) else { constants.append((name, .constant(.null))); continue }
          // The column's type as the training run left it (an int column filled with a fractional median is float).
          if let trained = filledTypes[here]?[name], trained != c.type, trained == .float, c.type == .int {
            table = try Self.castOrRefuse(table, name, to: .float, step: step, where_: where_)
          }
          constants.append((name, .constant((fitted[name] ?? nil) ?? .null)))
        }
        do { table = try TableOperations.impute(table, constants).frame } catch { throw step.cellError(error) }
      case .ifColumns(let present, let then, let otherwise):
        let taken = present.allSatisfy { table.column(named: $0) != nil }
        table = try serve(taken ? then : otherwise, prefix: here + (taken ? ".then." : ".else."), frame: table)
      case .filter, .join:
        let n = table.rowCount
        let tagged = try table.setting(Column(name: Self.rowColumn, ints: (0..<n).map(Int64.init)))
        let out = try Self.apply(step, to: tagged, joins: joinTables)
        guard case .int(let rows)? = out.column(named: Self.rowColumn)?.storage else {
          throw TransformRefusal(message: "\(where_): the request rows cannot be followed through this step")
        }
        if rows.count != n || rows.enumerated().contains(where: { $0.offset != Int($0.element) }) {
          let present = Set(rows)
          if let dropped = (0..<Int64(n)).first(where: { !present.contains($0) }) {
            throw TransformRefusal(message: "row \(dropped) is dropped by \(where_)" + (step.kind == "filter" ? ": \(step.summary)" : "")
                                   + "; the model was trained only on rows that pass it, so it is not scored (fix or remove that row)")
          }
          var seen = Set<Int64>()
          let repeated = rows.first { !seen.insert($0).inserted } ?? 0
          throw TransformRefusal(message: "row \(repeated) matches several rows of the joined table in \(where_); one prediction per row is returned, so it is not scored")
        }
        table = try TableOperations.drop(out, [Self.rowColumn])
      default:
        table = try Self.apply(step, to: table, joins: joinTables)
      }
    }
    return table
  }

  static func castOrRefuse(_ frame: Frame, _ name: String, to type: DataType, step: TransformStep, where_: String) throws -> Frame {
    do { return try TableOperations.cast(frame, [(name, type)], onError: .fail).frame } catch { throw step.cellError(error) }
  }
}
