/// A cell after validation: its kind, what it depends on and which params it reads.
public struct PlannedCell: Sendable {
  public var spec: CellSpec
  public var kind: KindDescriptor
  /// Upstream cell ids (from table references, `${cell.field}` references and `when:`), sorted.
  public var dependencies: [String]
  /// Params this cell reads, sorted.
  public var paramsUsed: [String]
  public var condition: Condition?
  /// Option nodes that name input files (digested into the cache key).
  public var inputPaths: [SpecNode]
  public var id: String { spec.id }
}

/// A workbook that passed validation, with param values fixed and a run order.
public struct ValidatedWorkbook: Sendable {
  public var workbook: Workbook
  /// Every param's value after `--param` overrides.
  public var params: [String: JSONValue]
  /// Cells in file (display) order.
  public var cells: [PlannedCell] { didSet { positions = Self.index(cells) } }
  /// Cell ids in a dependency-respecting order (file order where free).
  public var order: [String]
  public var warnings: [Diagnostic]
  /// Cell id → index in `cells` (the first, should ids repeat), so `cell(_:)` is O(1) on large workbooks.
  private var positions: [String: Int]

  public init(workbook: Workbook, params: [String: JSONValue], cells: [PlannedCell], order: [String], warnings: [Diagnostic]) {
    self.workbook = workbook
    self.params = params
    self.cells = cells
    self.order = order
    self.warnings = warnings
    positions = Self.index(cells)
  }

  static func index(_ cells: [PlannedCell]) -> [String: Int] {
    var out: [String: Int] = [:]
    out.reserveCapacity(cells.count)
    for (i, c) in cells.enumerated() where out[c.id] == nil { out[c.id] = i }
    return out
  }

  public func cell(_ id: String) -> PlannedCell? { positions[id].map { cells[$0] } }

  /// The cells that (transitively) depend on `id`.
  public func dependents(of id: String) -> Set<String> {
    var direct: [String: [String]] = [:]
    for c in cells { for d in c.dependencies { direct[d, default: []].append(c.id) } }
    var out = Set<String>(), frontier = [id]
    while let x = frontier.popLast() {
      for c in direct[x] ?? [] where out.insert(c).inserted { frontier.append(c) }
    }
    return out
  }

  /// `id` and everything it (transitively) depends on.
  public func closure(of ids: [String]) -> Set<String> {
    var out = Set<String>(), frontier = ids
    while let x = frontier.popLast() {
      guard out.insert(x).inserted, let c = cell(x) else { continue }
      frontier += c.dependencies
    }
    return out
  }
}

/// A `--param name=value` given on the command line.
public struct ParamOverride: Sendable {
  public var name: String
  public var rawValue: String
  public init(name: String, rawValue: String) {
    self.name = name
    self.rawValue = rawValue
  }
  /// Parses `name=value`; nil when there is no `=`.
  public init?(argument: String) {
    guard let eq = argument.firstIndex(of: "=") else { return nil }
    name = String(argument[..<eq]).trimmingCharacters(in: .whitespaces)
    rawValue = String(argument[argument.index(after: eq)...])
  }
}

public enum WorkbookValidator {
  /// Validates everything that can be checked before running: kinds, options, references, cycles, params.
  public static func validate(_ workbook: Workbook, kinds: [String: KindDescriptor],
                              overrides: [ParamOverride] = []) throws(Diagnostics) -> ValidatedWorkbook {
    var d = Diagnostics()
    let cellIds = workbook.cells.map(\.id)
    let knownCells = Set(cellIds)
    let paramNames = workbook.params.map(\.name)
    let paramTypes = Dictionary(workbook.params.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
    let kindOfCell = Dictionary(workbook.cells.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })

    // Duplicate ids.
    var firstSeen: [String: SourceLocation] = [:]
    for c in workbook.cells {
      if let first = firstSeen[c.id] {
        d.error("duplicate cell id `\(c.id)` (first defined at line \(first.line))", at: c.location, cell: c.id,
                hint: "cell ids must be unique; rename one")
      } else {
        firstSeen[c.id] = c.location
      }
    }
    for p in workbook.params where knownCells.contains(p.name) {
      d.warning("param `\(p.name)` has the same name as a cell; `${\(p.name)}` means the param", at: p.location)
    }

    var planned: [PlannedCell] = []
    var usedParams = Set<String>()
    for cell in workbook.cells {
      guard let kind = kinds[cell.kind] else {
        d.error("unknown cell kind `\(cell.kind)`", at: cell.kindLocation, cell: cell.id,
                hint: Suggest.hint(for: cell.kind, in: kinds.keys) ?? "known kinds: \(kinds.keys.sorted().joined(separator: ", "))")
        continue
      }
      var checker = OptionChecker(cell: cell.id, paramTypes: paramTypes)
      checker.checkObject(cell.options, specs: kind.options, at: cell.location, path: nil)
      d.append(contentsOf: checker.diagnostics)
      kind.validate(cell, &d)

      var deps = Set<String>()
      var params = Set<String>()
      // References to other cells: tables (`cell` or `cell.table`), models and runs (`cell`).
      for (text, location, product) in checker.cellReferences {
        if text.contains("${") { continue }
        let reference: CellReference
        do {
          reference = try CellReference.parse(text, at: location, maximumPath: product == nil ? .max : 0)
        } catch {
          d.append(contentsOf: Diagnostics(error.items.map { var x = $0; x.cell = cell.id; return x }))
          continue
        }
        let root = reference.cell
        guard knownCells.contains(root) else {
          let what = product.map { "\($0.rawValue) reference" } ?? "table reference"
          d.error("unknown cell `\(root)` in \(what) `\(text)`", at: location, cell: cell.id,
                  hint: Suggest.hint(for: root, in: cellIds) ?? "reference an earlier cell by its id")
          continue
        }
        deps.insert(root)
        if let product, let target = kindOfCell[root], let targetKind = kinds[target], !targetKind.produces.contains(product) {
          let producers = kinds.values.filter { $0.produces.contains(product) }.map { "`\($0.name)`" }.sorted()
          d.error("`\(root)` is a `\(target)` cell, which produces no \(product.rawValue)", at: location, cell: cell.id,
                  hint: producers.isEmpty ? "no kind produces one" : "name a cell of kind \(producers.joined(separator: " or "))")
        }
      }
      // `${…}` references anywhere in the options, and in `when:`.
      var references: [TemplateReference] = []
      for o in cell.options { collectReferences(o.value, into: &references, diagnostics: &d, cell: cell.id) }
      references += kind.references(cell)
      var condition: Condition?
      if let when = cell.when {
        do {
          let c = try Condition.parse(when)
          condition = c
          references += c.references
        } catch { d.append(contentsOf: error) }
      }
      for r in references {
        if r.path.isEmpty {
          if paramTypes[r.root] != nil {
            params.insert(r.root)
          } else if knownCells.contains(r.root) {
            d.error("`${\(r.root)}` names cell `\(r.root)` but no field", at: r.location, cell: cell.id,
                    hint: "write `${\(r.root).field}`, a field of its result.json")
          } else {
            d.error("undefined param `${\(r.root)}`", at: r.location, cell: cell.id,
                    hint: Suggest.hint(for: r.root, in: paramNames + cellIds) ?? "declare it under `params:`")
          }
        } else if knownCells.contains(r.root) {
          deps.insert(r.root)
        } else if paramTypes[r.root] != nil {
          d.error("param `\(r.root)` has no fields: `${\(r.text)}`", at: r.location, cell: cell.id, hint: "write `${\(r.root)}`")
        } else {
          d.error("unknown cell `\(r.root)` in `${\(r.text)}`", at: r.location, cell: cell.id,
                  hint: Suggest.hint(for: r.root, in: cellIds + paramNames) ?? "reference a cell by its id")
        }
      }
      if deps.contains(cell.id) {
        d.error("cell `\(cell.id)` refers to itself", at: cell.location, cell: cell.id)
        deps.remove(cell.id)
      }
      usedParams.formUnion(params)
      // Kinds that record the run's params (track) see, and are keyed by, every workbook param.
      if kind.logsWorkbookParams { params.formUnion(paramTypes.keys) }
      planned.append(PlannedCell(spec: cell, kind: kind, dependencies: deps.sorted(), paramsUsed: params.sorted(),
                                 condition: condition, inputPaths: checker.inputPaths))
    }

    // Params referenced from the tracking block count as used.
    if let tracking = workbook.tracking {
      var refs: [TemplateReference] = []
      collectReferences(tracking, into: &refs, diagnostics: &d, cell: nil)
      for r in refs where r.path.isEmpty {
        if paramTypes[r.root] != nil { usedParams.insert(r.root) } else {
          d.error("undefined param `${\(r.root)}`", at: r.location, hint: Suggest.hint(for: r.root, in: paramNames))
        }
      }
    }

    // `report.language: ${param}` reads a param too.
    if case .param(let name) = workbook.report.language, paramTypes[name] != nil { usedParams.insert(name) }
    // Overrides: known, used, well-typed.
    var values = Dictionary(workbook.params.map { ($0.name, $0.defaultValue) }, uniquingKeysWith: { a, _ in a })
    let cli = SourceLocation(file: "<command line>", line: 1, column: 1)
    for o in overrides {
      guard let p = workbook.param(o.name) else {
        d.error("--param \(o.name): the workbook has no param `\(o.name)`", at: cli,
                hint: Suggest.hint(for: o.name, in: paramNames) ?? "params: \(paramNames.joined(separator: ", "))")
        continue
      }
      guard usedParams.contains(o.name) else {
        d.error("--param \(o.name): no cell uses param `\(o.name)`, so overriding it would change nothing", at: cli,
                hint: "reference it as `${\(o.name)}` in a cell, or drop the override")
        continue
      }
      switch parseValue(o.rawValue, as: p.type) {
      case .success(let v): values[o.name] = v
      case .failure(let message):
        d.error("--param \(o.name)=\(o.rawValue): \(message)", at: cli, hint: "the default is \(p.defaultValue.displayText)")
      }
    }
    if let reportParam = workbook.report.check(params: values, into: &d) { usedParams.insert(reportParam) }
    for p in workbook.params where !usedParams.contains(p.name) {
      d.warning("param `\(p.name)` is not used by any cell", at: p.location)
    }

    try d.throwIfErrors()
    let order = try topologicalOrder(planned)
    return ValidatedWorkbook(workbook: workbook, params: values, cells: planned, order: order, warnings: d.warnings)
  }

  /// Typed parsing of a `--param` value.
  public static func parseValue(_ raw: String, as type: ParamType) -> Result<JSONValue, ParamValueError> {
    switch type {
    case .string: return .success(.string(raw))
    case .integer:
      if let i = Int(raw.trimmingCharacters(in: .whitespaces)) { return .success(.int(i)) }
      return .failure(ParamValueError("expects an integer, got `\(raw)`"))
    case .number:
      if let d = Double(raw.trimmingCharacters(in: .whitespaces)), d.isFinite { return .success(.double(d)) }
      return .failure(ParamValueError("expects a number, got `\(raw)`"))
    case .boolean:
      switch raw.lowercased() {
      case "true": return .success(.bool(true))
      case "false": return .success(.bool(false))
      default: return .failure(ParamValueError("expects true or false, got `\(raw)`"))
      }
    case .list:
      let items = raw.split(separator: ",").map { YAMLReader.resolvePlain(String($0).trimmingCharacters(in: .whitespaces)) }
      return .success(.array(items.map { SpecNode($0, at: SourceLocation(file: "", line: 0, column: 0)).json }))
    }
  }

  static func collectReferences(_ node: SpecNode, into refs: inout [TemplateReference], diagnostics: inout Diagnostics,
                                cell: String?) {
    switch node.value {
    case .string(let s) where s.contains("${"):
      do { refs += try Template.parse(s, at: node.location, quoted: node.quoted).references } catch {
        diagnostics.append(contentsOf: Diagnostics(error.items.map { var x = $0; x.cell = cell; return x }))
      }
    case .list(let l): for x in l { collectReferences(x, into: &refs, diagnostics: &diagnostics, cell: cell) }
    case .map(let m): for e in m { collectReferences(e.value, into: &refs, diagnostics: &diagnostics, cell: cell) }
    default: break
    }
  }

  /// Kahn's algorithm, choosing the earliest cell in file order among the ready ones (a heap of file positions:
  /// O((cells + edges) · log cells)); cycles are errors.
  static func topologicalOrder(_ cells: [PlannedCell]) throws(Diagnostics) -> [String] {
    var position: [String: Int] = [:]
    for (i, c) in cells.enumerated() where position[c.id] == nil { position[c.id] = i }
    var waitingOn = [Int](repeating: 0, count: cells.count)
    var dependents = [[Int]](repeating: [], count: cells.count)
    for (i, c) in cells.enumerated() {
      for d in c.dependencies {
        guard let p = position[d] else { continue }
        waitingOn[i] += 1
        dependents[p].append(i)
      }
    }
    var ready = MinHeap()
    for i in cells.indices where waitingOn[i] == 0 { ready.push(i) }
    var order: [String] = []
    order.reserveCapacity(cells.count)
    while let i = ready.pop() {
      order.append(cells[i].id)
      for j in dependents[i] {
        waitingOn[j] -= 1
        if waitingOn[j] == 0 { ready.push(j) }
      }
    }
    guard order.count == cells.count else {
      let remaining = cells.indices.filter { waitingOn[$0] > 0 }.map { cells[$0] }
      let cycle = findCycle(remaining)
      let first = remaining.first { $0.id == cycle.first }!
      throw Diagnostics([.error("dependency cycle: \(cycle.joined(separator: " → "))", at: first.spec.location,
                                cell: first.id, hint: "a cell can only use cells that do not depend on it")])
    }
    return order
  }

  /// A cycle among `cells` (each of which waits on another of them), found by walking first dependencies with one
  /// visit per cell: O(cells + edges).
  static func findCycle(_ cells: [PlannedCell]) -> [String] {
    let byId = Dictionary(cells.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    var finished = Set<String>()
    for start in cells where !finished.contains(start.id) {
      var path: [String] = [], onPath: [String: Int] = [:]
      var current = start.id
      while !finished.contains(current) {
        if let at = onPath[current] {
          // Dependencies point upstream; the cycle reads in execution order when reversed.
          return (Array(path[at...]) + [current]).reversed()
        }
        onPath[current] = path.count
        path.append(current)
        guard let next = byId[current]?.dependencies.first(where: { byId[$0] != nil }) else { break }
        current = next
      }
      finished.formUnion(path)
    }
    return cells.map(\.id)
  }
}

public struct ParamValueError: Error, Sendable, CustomStringConvertible {
  public var description: String
  init(_ d: String) { description = d }
}

import Foundation
