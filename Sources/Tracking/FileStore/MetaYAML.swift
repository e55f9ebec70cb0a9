import Foundation
import Yams

/// A value in an MLflow `meta.yaml`: the file store only uses strings, integers, null and one level of maps.
enum YAMLValue: Sendable, Equatable {
  case string(String)
  case int(Int64)
  case null
  case map([String: YAMLValue])

  var stringValue: String? {
    switch self {
    case .string(let s): s
    case .int(let i): String(i)
    default: nil
    }
  }
  var intValue: Int64? {
    switch self {
    case .int(let i): i
    case .string(let s): Int64(s)
    default: nil
    }
  }
}

/// Reads and writes MLflow's `meta.yaml` files with Yams (libyaml).
///
/// Written: keys sorted, strings double-quoted (so `"3"`, `"yes"` or `"null"` stay strings for PyYAML), integers and
/// `null` bare, nested maps as indented blocks (`{}` when empty), no line folding; UTF-8 is written as is except
/// characters outside the Basic Multilingual Plane, which libyaml writes as one `\U0001F3C0` escape (never a
/// surrogate pair), read back by PyYAML and Yams alike.
/// Read: any YAML (or JSON) mapping; integers become `.int`, null `.null`, other scalars `.string`, sequences `.null`.
enum MetaYAML {
  static func render(_ fields: [String: YAMLValue]) -> String {
    do {
      return try Yams.serialize(node: node(.map(fields)), width: -1, allowUnicode: true, sortKeys: true)
    } catch {
      // Only strings, integers, null and maps are emitted: libyaml has nothing to refuse.
      preconditionFailure("meta.yaml could not be serialised: \(error)")
    }
  }

  private static func node(_ value: YAMLValue) -> Node {
    switch value {
    case .string(let s): return .scalar(.init(s, Tag(.str), .doubleQuoted))
    case .int(let i): return .scalar(.init(String(i), Tag(.int), .plain))
    case .null: return .scalar(.init("null", Tag(.null), .plain))
    case .map(let m):
      let pairs = m.keys.sorted().map { key in (Node.scalar(.init(key, Tag(.str), .any)), node(m[key] ?? .null)) }
      return .mapping(.init(pairs, Tag(.map), pairs.isEmpty ? .flow : .block))
    }
  }

  /// Double-quoted YAML scalar as `render` writes it.
  static func quote(_ s: String) -> String {
    let line = render(["k": .string(s)])
    return String(line.dropFirst(3).dropLast())
  }

  /// Parses a `meta.yaml` (or a JSON object, which is YAML too). Throws `storeCorrupt` on anything but a mapping.
  static func parse(_ text: String, path: String) throws -> [String: YAMLValue] {
    if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      throw TrackingError.storeCorrupt(path: path, reason: "empty meta.yaml")
    }
    let root: Node?
    do { root = try Yams.compose(yaml: text) } catch {
      throw TrackingError.storeCorrupt(path: path, reason: "not YAML: \(error)")
    }
    guard let root, case .map(let fields) = value(root) else {
      throw TrackingError.storeCorrupt(path: path, reason: "not a YAML mapping")
    }
    return fields
  }

  private static func value(_ node: Node) -> YAMLValue {
    switch node {
    case .scalar(let scalar):
      // `node.tag` is the resolved tag (a quoted "3" stays a string, a plain 3 is an integer).
      if node.tag == Tag(.null) { return .null }
      if node.tag == Tag(.int), let i = Int64(scalar.string) { return .int(i) }
      return .string(scalar.string)
    case .mapping(let mapping):
      var out: [String: YAMLValue] = [:]
      for (key, item) in mapping { out[key.string ?? String(describing: key)] = value(item) }
      return .map(out)
    case .sequence, .alias: return .null
    }
  }
}

extension FileTrackingStore {
  /// Names of the active experiments of the file store at `root`, by ascending id (read from each `<id>/meta.yaml`
  /// without opening the store, so nothing is created); unreadable folders are left out.
  public static func activeExperimentNames(root: String) -> [String] {
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return folders.compactMap { id in Int(id).map { ($0, id) } }.sorted { $0.0 < $1.0 }.compactMap { _, id in
      guard let text = try? String(contentsOfFile: "\(root)/\(id)/meta.yaml", encoding: .utf8),
        let meta = try? MetaYAML.parse(text, path: id), meta["lifecycle_stage"]?.stringValue ?? "active" == "active"
      else { return nil }
      return meta["name"]?.stringValue
    }
  }
}
