#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WorkbookModel

/// Version of the cache layout and key derivation. Bump to invalidate every cache entry.
public let cacheSchemeVersion = 2

/// Everything a cell's cache key is computed from, kept in clear so `status`/`explain` can say why a key changed.
public struct KeyComponents: Sendable, Codable, Equatable {
  public var scheme: Int
  public var kind: String
  public var kindVersion: Int
  /// Canonical spec: options as written (references unexpanded), defaults omitted, plus `when`.
  public var spec: JSONValue
  /// Values of the params the cell uses.
  public var params: [String: JSONValue]
  /// Upstream cell id → digest of its outputs (early cutoff: same bytes, same key).
  public var upstream: [String: String]
  /// Input path (as resolved) → content digest.
  public var files: [String: String]
  /// Tool → version text.
  public var tools: [String: String]

  public init(scheme: Int, kind: String, kindVersion: Int, spec: JSONValue, params: [String: JSONValue],
              upstream: [String: String], files: [String: String], tools: [String: String]) {
    self.scheme = scheme
    self.kind = kind
    self.kindVersion = kindVersion
    self.spec = spec
    self.params = params
    self.upstream = upstream
    self.files = files
    self.tools = tools
  }

  public var json: JSONValue {
    .object([
      "scheme": .int(scheme), "kind": .string(kind), "kind_version": .int(kindVersion), "spec": spec,
      "params": .object(params), "upstream": .object(upstream.mapValues(JSONValue.string)),
      "files": .object(files.mapValues(JSONValue.string)), "tools": .object(tools.mapValues(JSONValue.string)),
    ])
  }

  /// SHA-256 of the compact canonical JSON of the components.
  public var key: String { Digest.sha256(json.serialized(pretty: false)) }

  /// An environment fingerprint's change: a package list (`name version` lines) names each package that changed
  /// ("python environment: pandas 2.2.3 → 2.3.1"); other values are shown whole.
  static func environmentChange(_ tool: String, _ old: String?, _ new: String?) -> String {
    guard let old, let new, old.contains(" ") || new.contains(" "), !tool.contains(":") else {
      return "\(tool) \(old ?? "absent") → \(new ?? "absent")"
    }
    func parse(_ s: String) -> [String: String] {
      Dictionary(s.split(separator: "\n").map { line in
        let parts = line.split(separator: " ", maxSplits: 1)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
      }, uniquingKeysWith: { a, _ in a })
    }
    let a = parse(old), b = parse(new)
    let changes = Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }.map { name in
      a[name] == nil ? "\(name) \(b[name]!) added" : b[name] == nil ? "\(name) \(a[name]!) removed" : "\(name) \(a[name]!) → \(b[name]!)"
    }
    return "\(tool): " + (changes.count > 8 ? changes.prefix(8).joined(separator: ", ") + " and \(changes.count - 8) more" : changes.joined(separator: ", "))
  }

  /// Whether `path` is one the cell lists in `track:` (a path or glob of files its code reads).
  static func isTracked(_ path: String, spec: JSONValue) -> Bool {
    guard let track = spec["options"]?.objectValue?["track"] else { return false }
    let patterns = track.arrayValue?.compactMap(\.stringValue) ?? track.stringValue.map { [$0] } ?? []
    return patterns.contains { fnmatch($0, path, FNM_PATHNAME) == 0 }
  }

  /// Human-readable differences from an earlier set of components ("param seed 42→7").
  public func differences(from old: KeyComponents) -> [String] {
    var out: [String] = []
    if old.scheme != scheme { out.append("cache scheme \(old.scheme)→\(scheme)") }
    if old.kind != kind || old.kindVersion != kindVersion {
      out.append("cell kind \(old.kind) v\(old.kindVersion)→\(kind) v\(kindVersion)")
    }
    if old.spec != spec {
      let a = old.spec["options"]?.objectValue ?? [:], b = spec["options"]?.objectValue ?? [:]
      let changed = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
      if changed.isEmpty { out.append("condition `when` changed") } else {
        out.append("option" + (changed.count > 1 ? "s " : " ") + changed.map { "`\($0)`" }.joined(separator: ", ") + " changed")
      }
      if old.spec["when"] != spec["when"], !changed.isEmpty { out.append("condition `when` changed") }
    }
    for name in Set(old.params.keys).union(params.keys).sorted() where old.params[name] != params[name] {
      out.append("param \(name) \(old.params[name]?.displayText ?? "unset")→\(params[name]?.displayText ?? "unset")")
    }
    for cell in Set(old.upstream.keys).union(upstream.keys).sorted() where old.upstream[cell] != upstream[cell] {
      if old.upstream[cell] == nil { out.append("new input cell \(cell)") } else if upstream[cell] == nil {
        out.append("no longer uses cell \(cell)")
      } else {
        out.append("upstream cell \(cell) output changed")
      }
    }
    for path in Set(old.files.keys).union(files.keys).sorted() where old.files[path] != files[path] {
      if old.files[path] == nil { out.append("new input \(path)") } else if files[path] == nil {
        out.append("input \(path) no longer used")
      } else {
        out.append(Self.isTracked(path, spec: spec) ? "tracked file \(path) changed" : "input \(path) changed")
      }
    }
    for tool in Set(old.tools.keys).union(tools.keys).sorted() where old.tools[tool] != tools[tool] {
      if tool.contains(" environment") {  // per-cell fingerprints (see CellImplementation.environment)
        out.append(Self.environmentChange(tool, old.tools[tool], tools[tool]))
      } else {
        out.append("tool \(tool) version changed")
      }
    }
    return out
  }
}

/// One stored output of a cell.
public struct ArtifactRecord: Sendable, Codable, Equatable {
  public enum Role: String, Sendable, Codable { case result, report, table, file }
  public var name: String
  public var role: Role
  public var digest: String
  public var size: Int
  /// Row count for tables.
  public var rows: Int?
}

/// The record of one successful cell execution, stored as `manifests/<key>.json` (written last, atomically).
public struct Manifest: Sendable, Codable, Equatable {
  public var key: String
  public var cell: String
  public var workbook: String
  public var components: KeyComponents
  public var artifacts: [ArtifactRecord]
  /// Digest over the artifact names and digests: what dependents and `verify` compare.
  public var outputDigest: String
  public var warnings: [String]
  /// Facts about this execution that are not outputs (not digested, not compared by `verify`).
  public var notes: [String] = []
  /// Auxiliary cache files (relative to the cache root) this entry relies on; see `CellOutput.cacheFiles`.
  public var cacheFiles: [String] = []
  public var durationMs: Int

  /// Digest of the machine outputs (result, tables, files). The report blocks are presentation and are left
  /// out, so they may mention how the result was obtained (e.g. trials reused from a cache).
  public static func outputDigest(of artifacts: [ArtifactRecord]) -> String {
    Digest.sha256(artifacts.filter { $0.role != .report }.sorted { $0.name < $1.name }
      .map { "\($0.name)\t\($0.digest)\n" }.joined())
  }

  public func artifact(_ name: String) -> ArtifactRecord? { artifacts.first { $0.name == name } }
  public var tables: [ArtifactRecord] { artifacts.filter { $0.role == .table } }
  public var files: [ArtifactRecord] { artifacts.filter { $0.role == .file } }
}

extension KeyComponents {
  init(json: JSONValue) throws {
    func strings(_ v: JSONValue?) -> [String: String] { (v?.objectValue ?? [:]).compactMapValues(\.stringValue) }
    guard let scheme = json["scheme"]?.intValue, let kind = json["kind"]?.stringValue,
          let kv = json["kind_version"]?.intValue else { throw EngineError("malformed manifest components") }
    self.init(scheme: scheme, kind: kind, kindVersion: kv, spec: json["spec"] ?? .null,
              params: json["params"]?.objectValue ?? [:], upstream: strings(json["upstream"]),
              files: strings(json["files"]), tools: strings(json["tools"]))
  }
}

extension Manifest {
  var json: JSONValue {
    .object([
      "key": .string(key), "cell": .string(cell), "workbook": .string(workbook), "components": components.json,
      "artifacts": .array(artifacts.map { a in
        var o: [String: JSONValue] = ["name": .string(a.name), "role": .string(a.role.rawValue), "digest": .string(a.digest),
                                      "size": .int(a.size)]
        if let r = a.rows { o["rows"] = .int(r) }
        return .object(o)
      }),
      "output_digest": .string(outputDigest), "warnings": .array(warnings.map(JSONValue.string)),
      "notes": .array(notes.map(JSONValue.string)),
      "cache_files": .array(cacheFiles.map(JSONValue.string)),
      "duration_ms": .int(durationMs),
    ])
  }

  init(json: JSONValue) throws {
    guard let key = json["key"]?.stringValue, let cell = json["cell"]?.stringValue,
          let workbook = json["workbook"]?.stringValue, let components = json["components"],
          let artifacts = json["artifacts"]?.arrayValue, let outputDigest = json["output_digest"]?.stringValue
    else { throw EngineError("malformed manifest") }
    self.key = key
    self.cell = cell
    self.workbook = workbook
    self.components = try KeyComponents(json: components)
    self.artifacts = try artifacts.map { a in
      guard let name = a["name"]?.stringValue, let role = a["role"]?.stringValue.flatMap(ArtifactRecord.Role.init(rawValue:)),
            let digest = a["digest"]?.stringValue, Digest.isValid(digest), let size = a["size"]?.intValue
      else { throw EngineError("malformed artifact record in manifest") }
      return ArtifactRecord(name: name, role: role, digest: digest, size: size, rows: a["rows"]?.intValue)
    }
    self.outputDigest = outputDigest
    self.warnings = (json["warnings"]?.arrayValue ?? []).compactMap(\.stringValue)
    self.notes = (json["notes"]?.arrayValue ?? []).compactMap(\.stringValue)
    self.cacheFiles = (json["cache_files"]?.arrayValue ?? []).compactMap(\.stringValue)
    self.durationMs = json["duration_ms"]?.intValue ?? 0
  }
}
