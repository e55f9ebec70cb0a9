/// The type of a workbook param, taken from its default value.
public enum ParamType: String, Sendable, Codable {
  case string, integer, number, boolean, list

  /// Whether a param of this type can stand where an option of `type` is expected.
  public func fits(_ type: OptionType) -> Bool {
    switch (self, type) {
    case (_, .any): true
    case (.string, .string), (.string, .choice), (.string, .table), (.string, .modelReference), (.string, .runReference),
         (.string, .inputPath): true
    case (.integer, .integer), (.integer, .number), (.number, .number): true
    case (.boolean, .boolean): true
    case (.list, .list): true
    case (_, .oneOf(let ts)): ts.contains { fits($0) }
    case (_, .list(let element)) where self != .list: fits(element)
    default: false
    }
  }

  static func of(_ node: SpecNode) -> ParamType? {
    switch node.value {
    case .string: .string
    case .int: .integer
    case .float: .number
    case .bool: .boolean
    case .list: .list
    default: nil
    }
  }
}

/// A workbook param: a named value with a default, overridable with `--param name=value`.
public struct ParamSpec: Sendable {
  public var name: String
  public var type: ParamType
  public var defaultValue: JSONValue
  public var doc: String?
  public var location: SourceLocation
}

/// One cell as written in the workbook.
public struct CellSpec: Sendable {
  public var id: String
  public var kind: String
  /// Display-only: never part of the cache key.
  public var title: String?
  /// Display-only: never part of the cache key.
  public var description: String?
  /// A condition (`${drift.dataset_drift}`, `${a.x} > 0.5 and not ${b.y}`) deciding whether the cell runs.
  public var when: SpecNode?
  /// `publish: true` also writes the cell's main table into `outputs/<workbook>/warehouse.sqlite`.
  public var publish: Bool
  /// Kind-specific options, in file order.
  public var options: [(key: String, keyLocation: SourceLocation, value: SpecNode)]
  public var location: SourceLocation
  public var kindLocation: SourceLocation

  public func option(_ name: String) -> SpecNode? { options.first { $0.key == name }?.value }
}

/// A parsed (not yet validated) workbook.
public struct Workbook: Sendable {
  public var name: String
  public var title: String?
  public var description: String?
  public var file: String
  public var params: [ParamSpec]
  public var cells: [CellSpec]
  /// Tracking settings (`uri`, `experiment`), kept raw for the tracking layer.
  public var tracking: SpecNode?
  /// How an orchestrator runs the workbook (`orchestration:` — schedule, retries, cache), kept raw for the
  /// Orchestration layer (`workbench export airflow`, `--executor slurm`), which checks its keys.
  public var orchestration: SpecNode?
  /// What the report leads with and its language (`report:`; see ReportSettings).
  public var report = ReportSettings()

  public func cell(_ id: String) -> CellSpec? { cells.first { $0.id == id } }
  public func param(_ name: String) -> ParamSpec? { params.first { $0.name == name } }

  static let topLevelKeys = ["workbook", "title", "description", "params", "cells", "tracking", "report", "scripting", "orchestration", "cache"]
  /// Kinds of scripted cells, the keys of `scripting:` (each names the interpreter its cells run by default).
  public static let scriptingKinds = ["python", "r", "shell"]
  /// Keys every cell accepts besides its kind's options.
  public static let commonCellKeys = ["id", "kind", "title", "description", "when", "publish"]

  /// Parses workbook text. Structural problems (missing `cells`, a cell without `id`…) are diagnostics.
  public static func parse(_ text: String, file: String) throws(Diagnostics) -> Workbook {
    let root = try YAMLReader.parse(text, file: file)
    var d = Diagnostics()
    let top = SourceLocation(file: file, line: 1, column: 1)
    guard let entries = root.entries else {
      throw Diagnostics([.error("a workbook must be a mapping with `workbook:` and `cells:`", at: root.location)])
    }
    for e in entries where !topLevelKeys.contains(e.key) {
      d.error("unknown top-level key `\(e.key)`", at: e.keyLocation,
              hint: Suggest.hint(for: e.key, in: topLevelKeys) ?? "allowed: \(topLevelKeys.joined(separator: ", "))")
    }
    var name = ""
    if let n = root["workbook"] {
      if let s = n.string, isValidName(s) { name = s } else {
        d.error("`workbook` must be a name of letters, digits, `_` or `-` (it names the outputs folder)", at: n.location)
      }
    } else {
      d.error("missing `workbook:` (the workbook's name, used for outputs/<name>/)", at: top)
    }
    let title = root["title"]?.string
    let description = root["description"]?.string

    var params: [ParamSpec] = []
    if let p = root["params"] {
      if let pe = p.entries {
        for e in pe {
          guard Template.isIdentifier(e.key), !e.key.contains(".") else {
            d.error("param name `\(e.key)` must use letters, digits, `_` or `-`", at: e.keyLocation)
            continue
          }
          var valueNode = e.value
          var doc: String?
          // Long form: `name: {default: 42, doc: "…"}`.
          if let m = e.value.entries, m.contains(where: { $0.key == "default" }) {
            for k in m where k.key != "default" && k.key != "doc" {
              d.error("unknown key `\(k.key)` in param `\(e.key)`", at: k.keyLocation, hint: "a param takes `default` and `doc`")
            }
            valueNode = e.value["default"]!
            doc = e.value["doc"]?.string
          }
          guard let type = ParamType.of(valueNode) else {
            d.error("param `\(e.key)` needs a default value (string, number, boolean or list)", at: valueNode.location)
            continue
          }
          params.append(ParamSpec(name: e.key, type: type, defaultValue: valueNode.json, doc: doc, location: e.keyLocation))
        }
      } else if !p.isNull {
        d.error("`params` must be a mapping of name: default", at: p.location)
      }
    }

    var cells: [CellSpec] = []
    if let c = root["cells"] {
      if let list = c.list {
        for item in list {
          guard let ce = item.entries else {
            d.error("each cell must be a mapping with `id` and `kind`", at: item.location)
            continue
          }
          guard let idNode = item["id"] else {
            d.error("cell without `id`", at: item.location, hint: "give every cell a unique `id:`")
            continue
          }
          guard let id = idNode.string ?? idNode.int.map(String.init), isValidName(id) else {
            d.error("cell id `\(idNode.displayText)` must use letters, digits, `_` or `-`", at: idNode.location)
            continue
          }
          guard let kindNode = item["kind"], let kind = kindNode.string else {
            d.error("missing `kind`", at: item.location, cell: id, hint: "run `workbench schema` to list the kinds")
            continue
          }
          let options = ce.filter { !commonCellKeys.contains($0.key) }
          var publish = false
          if let p = item["publish"] {
            if let b = p.bool { publish = b } else { d.error("`publish` must be true or false", at: p.location, cell: id) }
          }
          for key in ["title", "description"] {
            if let n = item[key], n.string == nil { d.error("`\(key)` must be text", at: n.location, cell: id) }
          }
          cells.append(CellSpec(
            id: id, kind: kind, title: item["title"]?.string, description: item["description"]?.string,
            when: item["when"], publish: publish, options: options, location: item.location, kindLocation: kindNode.location))
        }
      } else {
        d.error("`cells` must be a list", at: c.location)
      }
    } else {
      d.error("missing `cells:` (the list of cells)", at: top)
    }
    if let scripting = root["scripting"] { applyScripting(scripting, to: &cells, into: &d) }
    if let cache = root["cache"], cache.string?.allSatisfy(\.isWhitespace) != false {
      d.error("`cache` must be a folder path (relative to the project root)", at: cache.location,
              hint: "e.g. `cache: /shared/workbench-cache`, or remove it to use .workbench/cache")
    }
    let report = root["report"].map { ReportSettings.parse($0, cellIds: cells.map(\.id), into: &d) } ?? ReportSettings()
    try d.throwIfErrors()
    var workbook = Workbook(name: name, title: title, description: description, file: file, params: params, cells: cells,
                            tracking: root["tracking"], report: report)
    workbook.orchestration = root["orchestration"]
    try checkOrchestrationSections(root["orchestration"])
    return workbook
  }

  /// The blocks `orchestration:` may hold; each is read (and its keys checked) by the Orchestration layer when used.
  public static let orchestrationSections = ["airflow", "slurm"]

  /// `orchestration:` must be a mapping of known blocks, so a misspelt block is an error at load, not silently unused.
  static func checkOrchestrationSections(_ node: SpecNode?) throws(Diagnostics) {
    guard let node, !node.isNull else { return }
    guard let entries = node.entries else {
      throw Diagnostics([.error("`orchestration` must be a mapping with `airflow:` and/or `slurm:`", at: node.location)])
    }
    var d = Diagnostics()
    for e in entries where !orchestrationSections.contains(e.key) {
      d.error("unknown block `\(e.key)` in `orchestration`", at: e.keyLocation,
              hint: Suggest.hint(for: e.key, in: orchestrationSections) ?? "allowed: airflow (workbench export airflow), slurm (--executor slurm)")
    }
    try d.throwIfErrors()
  }

  /// `scripting: {python: .venv/bin/python, r: Rscript, shell: bash}`: the interpreter of every cell of that kind that
  /// does not set its own `interpreter:`. It becomes that cell's option (pointing at this line), so the cache key is
  /// the same as if the cell had written it.
  static func applyScripting(_ node: SpecNode, to cells: inout [CellSpec], into d: inout Diagnostics) {
    guard let entries = node.entries else {
      d.error("`scripting` must be a mapping of kind: interpreter (e.g. `python: .venv/bin/python`)", at: node.location)
      return
    }
    for e in entries {
      guard scriptingKinds.contains(e.key) else {
        d.error("unknown key `\(e.key)` in `scripting`", at: e.keyLocation,
                hint: Suggest.hint(for: e.key, in: scriptingKinds) ?? "allowed: \(scriptingKinds.joined(separator: ", "))")
        continue
      }
      guard let text = e.value.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
        d.error("`scripting.\(e.key)` must be an interpreter: a path (relative to the project root) or a command on PATH",
                at: e.value.location, hint: "e.g. `\(e.key): \(e.key == "python" ? ".venv/bin/python" : e.key == "r" ? "Rscript" : "bash")`")
        continue
      }
      for i in cells.indices where cells[i].kind == e.key && cells[i].option("interpreter") == nil {
        cells[i].options.append((key: "interpreter", keyLocation: e.keyLocation, value: e.value))
      }
    }
  }

  public static func isValidName(_ s: String) -> Bool {
    !s.isEmpty && s.count <= 100 && s.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" }
      && s.first != "-"
  }
}
