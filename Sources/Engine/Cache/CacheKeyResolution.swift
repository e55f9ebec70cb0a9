import Foundation
import WorkbookModel

/// Resolving a cell's options (`${…}` substitution, `when:`) and computing its cache key.
extension ExecutionContext {
  struct Prepared {
    var options: CellOptions
    var components: KeyComponents
    var key: String
  }

  /// Resolves options and computes the cache key; nil when the `when:` condition is false.
  func prepare(_ cell: PlannedCell, upstream: [String: CellRecord]) throws -> Prepared? {
    var results: [String: JSONValue] = [:]
    func lookup(_ ref: TemplateReference) throws -> JSONValue {
      if ref.path.isEmpty {
        guard let v = workbook.params[ref.root] else { throw CellError("undefined param `\(ref.root)`", code: .referenceInvalid, at: ref.location) }
        return v
      }
      if results[ref.root] == nil {
        guard let m = upstream[ref.root]?.manifest, let a = m.artifact("result.json") else {
          throw CellError("cell `\(ref.root)` has no result", code: .referenceInvalid, at: ref.location)
        }
        results[ref.root] = try JSONValue.parse(try store.blob(a.digest))
      }
      let root = results[ref.root]!
      guard let v = root.value(atPath: ref.path) else {
        // Suggest the keys available at the deepest level that exists.
        var node = root
        var i = 0
        while i < ref.path.count, let next = node.value(atPath: [ref.path[i]]) { node = next; i += 1 }
        let keys = node.objectValue.map { Array($0.keys) } ?? []
        throw CellError("`${\(ref.text)}`: the result of cell `\(ref.root)` has no field `\(ref.path[min(i, ref.path.count - 1)])`",
                        code: .referenceInvalid, at: ref.location,
                        hint: Suggest.hint(for: ref.path[min(i, ref.path.count - 1)], in: keys)
                          ?? (keys.isEmpty ? nil : "fields: \(keys.sorted().prefix(12).joined(separator: ", "))"))
      }
      return v
    }

    if let condition = cell.condition {
      var failure: (any Error)?
      let ok: Bool
      do {
        ok = try condition.evaluate { ref in
          do { return try lookup(ref) } catch { failure = error; return nil }
        }
      } catch {
        if let failure { throw failure }
        throw CellError("`when`: \(error.message)", code: .referenceInvalid, at: cell.spec.when?.location)
      }
      if !ok { return nil }
    }

    var values: [String: JSONValue] = [:]
    var locations: [String: SourceLocation] = [:]
    for o in cell.spec.options {
      values[o.key] = try resolve(o.value, lookup: lookup)
      locations[o.key] = o.value.location
    }
    // Values that came through `${…}` meet the declared constraints, as written values did at validation.
    let nodes = Dictionary(cell.spec.options.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    try cell.kind.checkResolved(values, locations: locations, nodes: nodes, cell: cell.id)
    var defaults: [String: JSONValue] = [:]
    for spec in cell.kind.options { if let d = spec.defaultValue { defaults[spec.name] = d } }

    // Input files.
    var files: [String: String] = [:]
    for node in cell.inputPaths {
      let resolved = try resolve(node, lookup: lookup)
      let paths: [String] = resolved.arrayValue?.compactMap(\.stringValue) ?? resolved.stringValue.map { [$0] } ?? []
      // An empty path (`--param shots=`) is an error here, so `status` reports it as `run` does.
      for p in paths where !p.contains("://") {
        for file in try InputFiles.expand(p, root: engine.layout.root, location: node.location) {
          files[Engine.displayPath(file, root: engine.layout.root)] = try state.digest(ofFile: file)
          // A SQLite database in WAL mode keeps its latest commits in `<file>-wal` until a checkpoint: the file alone
          // would not change with them (the serve request log appends this way).
          let wal = file + "-wal"
          if FileSystem.exists(wal) { files[Engine.displayPath(wal, root: engine.layout.root)] = try state.digest(ofFile: wal) }
        }
      }
    }

    let spec = Plan.canonicalSpec(of: cell)

    let options = CellOptions(values: values, locations: locations, cellLocation: cell.spec.location, defaults: defaults,
                              nodes: nodes, specs: cell.kind.options)
    var tools = Dictionary(uniqueKeysWithValues: cell.kind.tools.map { ($0, engine.tools.version(of: $0)) })
    if let environment = engine.registry.implementations[cell.kind.name]?.environment {
      tools.merge(try environment(options, FingerprintMemo(state: state, projectRoot: engine.layout.root))) { _, new in new }
    }
    let components = KeyComponents(
      scheme: cacheSchemeVersion, kind: cell.kind.name, kindVersion: cell.kind.version, spec: spec,
      // Credentials redacted: manifests are stored in the cache and shown by `explain` (see Redaction).
      params: Dictionary(uniqueKeysWithValues: cell.paramsUsed.map { ($0, Redaction.redact(workbook.params[$0] ?? .null)) }),
      upstream: Dictionary(uniqueKeysWithValues: cell.dependencies.compactMap { d in upstream[d]?.outputDigest.map { (d, $0) } }),
      files: files,
      tools: tools)
    return Prepared(options: options, components: components, key: components.key)
  }

  /// An option value for the cache key. Top-level option order is cosmetic (the options object is sorted), but
  /// inside a value a mapping's key order can carry meaning (`derive: {a: …, b: "a * 2"}`), so nested mappings
  /// are encoded as ordered `[key, value]` pairs. Scalars and lists are as written.
  static func orderPreserving(_ node: SpecNode) -> JSONValue {
    switch node.value {
    case .list(let l): return .array(l.map(orderPreserving))
    case .map(let m): return .object(["ordered": .array(m.map { .array([.string($0.key), orderPreserving($0.value)]) })])
    default: return node.json
    }
  }

  /// Substitutes `${…}` references: a string that is exactly one reference takes the referenced value's type.
  func resolve(_ node: SpecNode, lookup: (TemplateReference) throws -> JSONValue) throws -> JSONValue {
    switch node.value {
    case .string(let s) where s.contains("$"):
      let template = try Template.parse(s, at: node.location, quoted: node.quoted)
      if let ref = template.soleReference { return try lookup(ref) }
      var out = ""
      for part in template.parts {
        switch part {
        case .literal(let l): out += l
        case .reference(let r): out += try lookup(r).displayText
        }
      }
      return .string(out)
    case .list(let l): return .array(try l.map { try resolve($0, lookup: lookup) })
    case .map(let m):
      var o: [String: JSONValue] = [:]
      for e in m { o[e.key] = try resolve(e.value, lookup: lookup) }
      return .object(o)
    default: return node.json
    }
  }
}
