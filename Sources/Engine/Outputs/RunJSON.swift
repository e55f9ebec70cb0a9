import WorkbookModel

/// `run.json`: the machine-readable record of a run (DESIGN §4).
extension OutputWriter {
  func runJSON(_ summary: RunSummary, folders: [String: Folder] = [:]) -> JSONValue {
    let wb = summary.workbook
    var tools: [String: JSONValue] = [:]
    for r in summary.records { for (k, v) in r.manifest?.components.tools ?? [:] { tools[k] = .string(v) } }
    let counts = Dictionary(grouping: summary.records, by: \.status).mapValues { JSONValue.int($0.count) }
    return .object([
      "format": .int(1),
      "workbook": .string(wb.workbook.name),
      "title": wb.workbook.title.map(JSONValue.string) ?? .null,
      "file": .string(wb.workbook.file),
      "status": .string(summary.status),
      "exit_code": .int(Int(summary.exitCode)),
      "workbench_version": .string(workbenchVersion),
      "cache_scheme": .int(cacheSchemeVersion),
      "params": Redaction.redact(.object(wb.params)),
      "gates": .array(summary.gates.map(\.json)),
      "tools": .object(tools),
      "counts": .object(Dictionary(uniqueKeysWithValues: [CellStatus.executed, .cached, .failed, .skipped].map {
        ($0.rawValue, counts[$0] ?? .int(0))
      })),
      "warnings": .array(summary.warnings.map { .string(Redaction.redact($0)) }),
      "cells": .array(summary.records.map { r in
        var o: [String: JSONValue] = [
          "id": .string(r.id), "kind": .string(r.kind), "status": .string(r.status.rawValue),
          "key": r.key.map(JSONValue.string) ?? .null, "output_digest": r.outputDigest.map(JSONValue.string) ?? .null,
          "duration_ms": .int(r.durationMs), "reason": r.reason.map { .string(Redaction.redact($0)) } ?? .null,
          "warnings": .array(r.warnings.map { .string(Redaction.redact($0)) }),
          "notes": .array((r.manifest?.notes ?? []).map(JSONValue.string)),
          "folder": .string((folders[r.id] ?? .absent).rawValue),
          "error": r.error?.json ?? .null,
        ]
        if let m = r.manifest {
          o["outputs"] = .object(Dictionary(uniqueKeysWithValues: m.artifacts.filter { $0.role != .report }.map {
            ($0.name, JSONValue.string($0.digest))
          }))
        } else {
          o["outputs"] = .object([:])
        }
        return .object(o)
      }),
    ])
  }
}

/// The version printed by `workbench --version` and recorded in run.json.
public let workbenchVersion = "0.1.0"
