import WorkbookModel

/// A `--fail-on` condition, checked after a run's cells finished and before run.json is written, so run.json's
/// `exit_code` is the process's. When the condition holds the run fails (exit code 1).
///
/// * `drift`: a `drift` cell reports `dataset_drift: true`;
/// * `contracts`: an `expect` cell recorded warn-level failed checks (`warned` > 0 in its result.json);
/// * `cell.path.to.number OP number` with OP one of `<` `<=` `>` `>=` `==` `!=`: compares a number of the cell's
///   result.json (list elements by index: `sweep.trials.0.cv_mean`).
public enum RunGate: Sendable, Equatable, CustomStringConvertible {
  case drift
  case contracts
  case metric(cell: String, path: [String], comparison: Comparison, threshold: Double)

  public enum Comparison: String, Sendable, CaseIterable {
    // Two-character operators first, so `<=` is not read as `<`.
    case lessOrEqual = "<=", greaterOrEqual = ">=", equal = "==", notEqual = "!=", less = "<", greater = ">"

    func holds(_ a: Double, _ b: Double) -> Bool {
      switch self {
      case .less: a < b
      case .lessOrEqual: a <= b
      case .greater: a > b
      case .greaterOrEqual: a >= b
      case .equal: a == b
      case .notEqual: a != b
      }
    }
  }

  public var description: String {
    switch self {
    case .drift: "drift"
    case .contracts: "contracts"
    case .metric(let cell, let path, let comparison, let threshold):
      ([cell] + path).joined(separator: ".") + " \(comparison.rawValue) "
        + (threshold == threshold.rounded() && abs(threshold) < 1e15 ? String(Int(threshold)) : JSONValue.double(threshold).displayText)
    }
  }

  /// The cell a metric condition reads (nil for `drift` and `contracts`).
  public var cell: String? { if case .metric(let cell, _, _, _) = self { cell } else { nil } }

  /// Parses a `--fail-on` argument; the error says what is accepted.
  public static func parse(_ text: String) throws(EngineError) -> RunGate {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed == "drift" { return .drift }
    if trimmed == "contracts" { return .contracts }
    let usage = "accepted: `drift`, `contracts`, or `cell.path.to.number OP number` with OP one of < <= > >= == != (e.g. \"sweep.best.test.roc_auc < 0.62\")"
    guard let (comparison, range) = Comparison.allCases.lazy.compactMap({ c in trimmed.range(of: c.rawValue).map { (c, $0) } })
      .min(by: { $0.1.lowerBound < $1.1.lowerBound })
    else {
      throw EngineError("--fail-on \(text): unknown condition", hint: usage)
    }
    let left = trimmed[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
    let right = trimmed[range.upperBound...].trimmingCharacters(in: .whitespaces)
    guard let reference = try? CellReference.parse(left), !reference.path.isEmpty else {
      throw EngineError("--fail-on \(text): `\(left)` is not `cell.field` (a cell id, then the path of a number in its result.json)", hint: usage)
    }
    guard let threshold = Double(right), threshold.isFinite else {
      throw EngineError("--fail-on \(text): `\(right)` is not a number", hint: usage)
    }
    return .metric(cell: reference.cell, path: reference.path, comparison: comparison, threshold: threshold)
  }
}

/// The outcome of one `--fail-on` condition in a run (recorded in run.json `gates`).
public struct GateOutcome: Sendable {
  public enum Verdict: String, Sendable {
    /// The condition does not hold: the gate passes.
    case passed
    /// The condition holds (or cannot be checked because its cell has no result in this run): the run fails.
    case failed
    /// The condition names a field that does not exist or is not a number: a usage error (exit code 2).
    case invalid
  }
  public var condition: String
  public var verdict: Verdict
  public var detail: String

  var json: JSONValue {
    .object(["condition": .string(condition), "verdict": .string(verdict.rawValue), "detail": .string(detail)])
  }
}

extension RunGate {
  /// Checks the condition against the run's records; `result` gives the result.json of a record with outputs.
  func evaluate(_ records: [CellRecord], result: (CellRecord) -> JSONValue?) -> GateOutcome {
    let withResult = records.filter { $0.manifest != nil }
    switch self {
    case .drift:
      let drifted = withResult.filter { $0.kind == "drift" && result($0)?["dataset_drift"]?.boolValue == true }
      return drifted.isEmpty
        ? GateOutcome(condition: description, verdict: .passed, detail: "no drift cell reports dataset drift")
        : GateOutcome(condition: description, verdict: .failed,
                      detail: "dataset drift reported by " + drifted.map { "`\($0.id)`" }.joined(separator: ", "))
    case .contracts:
      let warned = withResult.compactMap { r -> String? in
        guard r.kind == "expect", let n = result(r)?["warned"]?.intValue, n > 0 else { return nil }
        return "`\(r.id)` (\(n) warn-level check(s) failed)"
      }
      return warned.isEmpty
        ? GateOutcome(condition: description, verdict: .passed, detail: "no expect cell recorded a failed warn-level check")
        : GateOutcome(condition: description, verdict: .failed, detail: "contracts not met: " + warned.joined(separator: ", "))
    case .metric(let cell, let path, let comparison, let threshold):
      let field = ([cell] + path).joined(separator: ".")
      guard let record = records.first(where: { $0.id == cell }) else {
        return GateOutcome(condition: description, verdict: .invalid, detail: "no cell `\(cell)` in the workbook")
      }
      guard record.manifest != nil, let root = result(record) else {
        let why = record.reason.map { " (\(record.status.rawValue): \($0))" } ?? " (\(record.status.rawValue))"
        return GateOutcome(condition: description, verdict: .failed,
                           detail: "cannot be checked: cell `\(cell)` has no result in this run\(why); the gate fails closed")
      }
      guard let value = root.value(atPath: path) else {
        // Name the fields available at the deepest level of the path that exists.
        var node = root
        var depth = 0
        while depth < path.count, let next = node.value(atPath: [path[depth]]) { node = next; depth += 1 }
        let available = node.objectValue.map { $0.keys.sorted() } ?? node.arrayValue.map { Array($0.indices).map(String.init) } ?? []
        let at = ([cell] + path.prefix(depth)).joined(separator: ".")
        return GateOutcome(condition: description, verdict: .invalid,
                           detail: "`\(field)`: the result.json of cell `\(cell)` has no field `\(path[depth])` at `\(at)`"
                             + (available.isEmpty ? "" : "; available: " + available.prefix(30).joined(separator: ", ")))
      }
      if value == .null {
        return GateOutcome(condition: description, verdict: .failed, detail: "`\(field)` is null (not a finite number); the gate fails closed")
      }
      guard let number = value.doubleValue else {
        return GateOutcome(condition: description, verdict: .invalid, detail: "`\(field)` is \(value.displayText.prefix(60)), not a number")
      }
      return GateOutcome(condition: description, verdict: comparison.holds(number, threshold) ? .failed : .passed,
                         detail: "\(field) = \(value.displayText)")
    }
  }
}
