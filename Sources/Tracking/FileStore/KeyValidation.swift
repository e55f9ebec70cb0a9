import Foundation

/// MLflow's naming rules, checked before anything is written or sent (same rules in both backends).
public enum KeyValidation {
  public static let maxKeyLength = 250
  public static let maxParamValueLength = 6000
  public static let maxTagValueLength = 8000
  public static let maxAliasLength = 255

  /// Param / metric / tag key: `^[/\w.\- :]*$`, ≤ 250 characters, non-empty, not path-ambiguous.
  public static func validateKey(_ key: String, kind: String) throws {
    let rule = "keys may contain letters, digits, _ - . space : and /, at most 250 characters, "
      + "and must not start with / or contain empty, . or .. path segments"
    guard !key.isEmpty, key.count <= maxKeyLength else {
      throw TrackingError.invalidInput(what: "\(kind) key", value: key, rule: rule)
    }
    for ch in key.unicodeScalars {
      let ok = ch == "/" || ch == "." || ch == "-" || ch == " " || ch == ":" || ch == "_"
        || CharacterSet.alphanumerics.contains(ch)
      if !ok { throw TrackingError.invalidInput(what: "\(kind) key", value: key, rule: rule) }
    }
    let segments = key.split(separator: "/", omittingEmptySubsequences: false)
    if key.hasPrefix("/") || segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
      throw TrackingError.invalidInput(what: "\(kind) key", value: key, rule: rule)
    }
  }

  /// Registered-model name: non-empty, no `/`, `:` or `%`, not `.` / `..`, no control characters.
  public static func validateModelName(_ name: String) throws {
    let rule = "model names must be non-empty and must not contain / : % or control characters"
    if name.isEmpty || name == "." || name == ".." || name.count > 500
      || name.contains(where: { $0 == "/" || $0 == ":" || $0 == "%" || $0.asciiValue.map { $0 < 0x20 } == true })
    {
      throw TrackingError.invalidInput(what: "registered model name", value: name, rule: rule)
    }
  }

  /// Experiment name: non-empty, ≤ 500 characters.
  public static func validateExperimentName(_ name: String) throws {
    if name.isEmpty || name.count > 500 {
      throw TrackingError.invalidInput(
        what: "experiment name", value: name, rule: "experiment names must have 1 to 500 characters")
    }
  }

  /// Alias: `^[\w\-]+$`, ≤ 255, not `latest` (any case), not `v<digits>`.
  public static func validateAlias(_ alias: String) throws {
    let rule = "aliases may contain letters, digits, _ and -, at most 255 characters; 'latest' and v<number> are reserved"
    guard !alias.isEmpty, alias.count <= maxAliasLength,
      alias.unicodeScalars.allSatisfy({ $0 == "_" || $0 == "-" || CharacterSet.alphanumerics.contains($0) })
    else { throw TrackingError.invalidInput(what: "alias", value: alias, rule: rule) }
    let lower = alias.lowercased()
    if lower == "latest" || (lower.hasPrefix("v") && lower.count > 1 && lower.dropFirst().allSatisfy(\.isNumber)) {
      throw TrackingError.invalidInput(what: "alias", value: alias, rule: rule)
    }
  }

  /// Artifact sub-path: relative, no `..` or empty segments.
  public static func validateArtifactPath(_ path: String) throws {
    let segments = path.split(separator: "/", omittingEmptySubsequences: false)
    if path.isEmpty || path.hasPrefix("/") || segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
      throw TrackingError.invalidInput(
        what: "artifact path", value: path, rule: "use a relative path like model/ or plots/roc.png without . or .. segments")
    }
  }

  /// Param values longer than 6000 and tag values longer than 8000 characters: MLflow truncates silently; we refuse.
  public static func validateValue(_ value: String, key: String, limit: Int, kind: String) throws {
    if value.count > limit {
      throw TrackingError.invalidInput(
        what: "\(kind) value for \(key)", value: value,
        rule: "at most \(limit) characters (\(value.count) given); store long text as an artifact instead")
    }
  }

  /// Checks a whole batch (keys, value lengths, duplicate param keys with different values).
  static func validateBatch(params: [KeyValue], metrics: [MetricPoint], tags: [KeyValue]) throws {
    var seen: [String: String] = [:]
    for p in params {
      try validateKey(p.key, kind: "param")
      try validateValue(p.value, key: p.key, limit: maxParamValueLength, kind: "param")
      if let old = seen[p.key], old != p.value {
        throw TrackingError.invalidInput(
          what: "param batch", value: p.key, rule: "the same param key appears twice with different values")
      }
      seen[p.key] = p.value
    }
    for m in metrics {
      try validateKey(m.key, kind: "metric")
      if m.timestamp < 0 {
        throw TrackingError.invalidInput(
          what: "metric timestamp for \(m.key)", value: String(m.timestamp), rule: "must be >= 0 (milliseconds)")
      }
    }
    for t in tags {
      try validateKey(t.key, kind: "tag")
      try validateValue(t.value, key: t.key, limit: maxTagValueLength, kind: "tag")
    }
  }
}
