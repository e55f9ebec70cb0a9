/// Builds the JSON Schema (draft-07, as yaml-language-server expects) of the workbook format from the kinds.
public enum WorkbookSchema {
  public static func jsonSchema(kinds: [String: KindDescriptor]) -> JSONValue {
    let reference: JSONValue = ["type": "string", "pattern": "\\$\\{[^}]+\\}"]
    func schema(_ t: OptionType) -> JSONValue {
      switch t {
      case .string, .inputPath: return ["type": "string"]
      case .table: return ["type": "string", "description": "`cell` or `cell.table`"]
      case .modelReference: return ["type": "string", "description": "the id of a `train` or `sweep` cell"]
      case .runReference: return ["type": "string", "description": "the id of a `track` cell"]
      case .integer: return ["anyOf": [["type": "integer"], reference]]
      case .number: return ["anyOf": [["type": "number"], reference]]
      case .boolean: return ["anyOf": [["type": "boolean"], reference]]
      case .choice(let values): return ["anyOf": [["enum": .array(values.map(JSONValue.string))], reference]]
      case .list(let e): return ["anyOf": [["type": "array", "items": schema(e)], schema(e)]]
      case .dictionary(let v): return ["type": "object", "additionalProperties": schema(v)]
      case .object(let specs): return object(specs, extra: [:], required: specs.filter(\.required).map(\.name))
      case .oneOf(let ts): return ["anyOf": .array(ts.map(schema))]
      case .any: return [:]
      }
    }
    func object(_ specs: [OptionSpec], extra: [String: JSONValue], required: [String]) -> JSONValue {
      var props = extra
      for s in specs {
        var p = schema(s.type)
        if case .object(let base) = p {
          var o = constrained(base, by: s)
          o["description"] = .string(s.doc)
          if let d = s.defaultValue { o["default"] = d }
          p = .object(o)
        }
        props[s.name] = p
      }
      return ["type": "object", "properties": .object(props), "required": .array(required.map(JSONValue.string)),
              "additionalProperties": false]
    }
    /// The declared constraints as JSON Schema keywords, on the literal form (a `${…}` is checked at run time).
    func constrained(_ schema: [String: JSONValue], by spec: OptionSpec) -> [String: JSONValue] {
      var literal: [String: JSONValue] = [:]
      if let r = spec.range {
        if let lo = r.lower { literal[r.lowerInclusive ? "minimum" : "exclusiveMinimum"] = .double(lo) }
        if let hi = r.upper { literal[r.upperInclusive ? "maximum" : "exclusiveMaximum"] = .double(hi) }
      }
      if let p = spec.pattern { literal["pattern"] = .string("^(?:" + p.regex + ")$") }
      if let c = spec.count {
        literal["minItems"] = .int(c.lowerBound)
        if c.upperBound != Int.max { literal["maxItems"] = .int(c.upperBound) }
      }
      guard !literal.isEmpty else { return schema }
      // Constraints apply to the value as written; the `${…}` alternative stays unconstrained.
      guard case .array(var alternatives)? = schema["anyOf"], case .object(var first)? = alternatives.first else {
        var constrained = schema
        constrained.merge(literal) { _, new in new }
        return ["anyOf": [.object(constrained), reference]]
      }
      let isList = first["type"] == "array"
      for (k, v) in literal where isList == (k == "minItems" || k == "maxItems") { first[k] = v }
      alternatives[0] = .object(first)
      var out = schema
      out["anyOf"] = .array(alternatives)
      return out
    }
    let common: [String: JSONValue] = [
      "id": ["type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_-]*$", "description": "Unique cell id."],
      "title": ["type": "string", "description": "Display title (not part of the cache key)."],
      "description": ["type": "string", "description": "Display text (not part of the cache key)."],
      "when": ["anyOf": [["type": "boolean"], ["type": "string"]], "description": "Run only when this condition holds."],
      "publish": ["type": "boolean", "description": "Also write the main table into outputs/<workbook>/warehouse.sqlite."],
    ]
    let cellSchemas: [JSONValue] = kinds.values.sorted { $0.name < $1.name }.map { k in
      var extra = common
      extra["kind"] = ["const": .string(k.name), "description": .string(k.summary)]
      return object(k.options, extra: extra, required: ["id", "kind"] + k.options.filter(\.required).map(\.name))
    }
    return [
      "$schema": "http://json-schema.org/draft-07/schema#",
      "title": "Workbench workbook",
      "type": "object",
      "required": ["workbook", "cells"],
      "additionalProperties": false,
      "properties": [
        "workbook": ["type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_-]*$", "description": "Name; outputs go to outputs/<name>/."],
        "title": ["type": "string"],
        "description": ["type": "string"],
        "params": ["type": "object", "description": "Params with defaults; override with --param name=value.",
                   "additionalProperties": ["anyOf": [
                     ["type": "string"], ["type": "number"], ["type": "boolean"], ["type": "array"],
                     ["type": "object", "properties": ["default": [:], "doc": ["type": "string"]], "required": ["default"],
                      "additionalProperties": false],
                   ]]],
        "tracking": ["type": "object", "description": "MLflow tracking settings (uri, experiment)."],
        "cache": ["type": "string", "minLength": 1,
                  "description": "The cache folder (relative to the project root), e.g. on a shared filesystem; --cache and WORKBENCH_CACHE_DIR take precedence."],
        "report": ["type": "object", "additionalProperties": false,
                   "description": "Report settings: language (en, fr or ${param}), lead (cell ids shown first; the rest folded), per-language titles.",
                   "properties": ["language": ["type": "string"], "lead": ["type": "array", "items": ["type": "string"]],
                                  "en": ["type": "object"], "fr": ["type": "object"]]],
        "cells": ["type": "array", "items": ["oneOf": .array(cellSchemas)]],
      ],
    ]
  }
}
