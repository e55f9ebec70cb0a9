import Engine
import Foundation
import Frame
import Learn
import WorkbookModel

/// Classification (0/1 target) or regression (any finite number).
enum LearningTask: String, Sendable, Equatable {
  case classification, regression
  var treeTask: TreeTask { self == .classification ? .classification : .regression }
  var targetKind: TargetKind { self == .classification ? .binaryClassification : .regression }
}

/// What a trained model expects of a table: feature columns (in order), which are categorical and their levels
/// (code = position in `levels`), the target, the task and the missing-value policy (with training medians).
///
/// Written next to every model as `model.json` so `evaluate` and `predict` encode a new table exactly as the
/// training table was encoded.
struct FeatureSchema: Sendable, Equatable {
  var features: [String]
  var categorical: [Bool]
  /// Per feature: its category levels (empty for numeric features).
  var levels: [[String]]
  var target: String
  var task: LearningTask
  /// `error` or `impute`.
  var missing: String
  /// Training medians per feature (policy `impute`), applied to any table the model scores.
  var medians: [Double]?
  /// The model family and its parameters (for display and tracking).
  var model: String = ""
  var params: JSONValue = .object([:])
  var threshold: Double = 0.5

  var json: JSONValue {
    var levelMap: [String: JSONValue] = [:]
    for (j, l) in levels.enumerated() where categorical[j] { levelMap[features[j]] = .array(l.map { .string($0) }) }
    return .object([
      "format": 1, "model": .string(model), "params": params, "task": .string(task.rawValue), "target": .string(target),
      "features": .array(features.map { .string($0) }),
      "categorical": .array(features.indices.filter { categorical[$0] }.map { .string(features[$0]) }),
      "levels": .object(levelMap), "missing": .string(missing),
      "medians": medians.map { .array($0.map { TableOps.json($0) }) } ?? .null,
      "threshold": .double(threshold),
    ])
  }

  init(features: [String], categorical: [Bool], levels: [[String]], target: String, task: LearningTask, missing: String,
       medians: [Double]? = nil) {
    self.features = features; self.categorical = categorical; self.levels = levels
    self.target = target; self.task = task; self.missing = missing; self.medians = medians
  }

  /// Reads `model.json`; nil fields → a clear error.
  init(json: JSONValue, source: String) throws {
    guard let features = json["features"]?.arrayValue?.compactMap(\.stringValue),
          let target = json["target"]?.stringValue,
          let task = json["task"]?.stringValue.flatMap(LearningTask.init(rawValue:))
    else { throw CellError("\(source): model.json is missing `features`, `target` or `task`", hint: "re-run the training cell") }
    let categoricalNames = Set(json["categorical"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    let levelMap = json["levels"]?.objectValue ?? [:]
    self.features = features
    self.categorical = features.map { categoricalNames.contains($0) }
    self.levels = features.map { f in levelMap[f]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    self.target = target
    self.task = task
    self.missing = json["missing"]?.stringValue ?? "error"
    self.medians = json["medians"]?.arrayValue?.map { $0.doubleValue ?? .nan }
    self.model = json["model"]?.stringValue ?? ""
    self.params = json["params"] ?? .object([:])
    self.threshold = json["threshold"]?.doubleValue ?? 0.5
  }
}

/// Frame → `Learn.Dataset` with declared features, categorical encoding, target and groups, and errors that
/// name the column and say what to do. Every check here runs before any training.
enum LearningData {
  /// The column `name` of `table`, or an error with a did-you-mean.
  static func column(_ name: String, in table: Frame, role: String, at location: SourceLocation?) throws -> Column {
    guard let c = table.column(named: name) else {
      throw CellError("\(role) column `\(name)` is not in the table", at: location,
                      hint: Suggest.hint(for: name, in: table.columnNames) ?? "columns: \(table.columnNames.joined(separator: ", "))")
    }
    return c
  }

  /// Target values as Doubles (bool → 0/1, null → NaN). Text targets are refused with a hint.
  static func targetValues(_ table: Frame, name: String, at location: SourceLocation?) throws -> [Double] {
    let c = try column(name, in: table, role: "target", at: location)
    guard let values = c.doubles() else {
      throw CellError("target column `\(name)` holds text; a target must be numeric (0/1 for classification)", at: location,
                      hint: "recode it first, e.g. a transform `made = Shot_Result == \"Made\"`")
    }
    if c.nullCount == c.count {
      throw CellError("target column `\(name)` is entirely missing", at: location, hint: "choose the column to predict")
    }
    return values.map { $0 ?? .nan }
  }

  /// Classification when every finite target value is 0 or 1, regression otherwise.
  static func inferTask(_ target: [Double]) -> LearningTask {
    target.allSatisfy { !$0.isFinite || $0 == 0 || $0 == 1 } ? .classification : .regression
  }

  /// Checks the target for the task (missing values, 0/1 labels, both classes, not constant).
  static func checkTarget(_ target: [Double], name: String, task: LearningTask, part: String, at location: SourceLocation?) throws {
    do {
      try Validation.validateTarget(target, name: name, kind: task.targetKind)
    } catch {
      throw CellError("\(part): \(error)", at: location)
    }
  }

  /// Builds the feature schema from the training table: every feature exists, is not entirely missing, text
  /// features are declared categorical, categorical levels come from the training rows (sorted).
  static func schema(train: Frame, features: [String], categorical: [String], target: String, task: LearningTask,
                     missing: String, options: CellOptions) throws -> FeatureSchema {
    let featureLocation = options.location(of: "features")
    guard !features.isEmpty else { throw CellError("no features given", at: featureLocation, hint: "list the feature columns in `features`") }
    if let dup = Dictionary(grouping: features, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
      throw CellError("feature `\(dup)` is listed twice", at: featureLocation)
    }
    if features.contains(target) {
      throw CellError("the target `\(target)` is also listed as a feature (that would leak the answer)", at: featureLocation,
                      hint: "remove it from `features`")
    }
    for c in categorical where !features.contains(c) {
      throw CellError("categorical column `\(c)` is not one of the features", at: options.location(of: "categorical"),
                      hint: Suggest.hint(for: c, in: features) ?? "list it in `features` too")
    }
    var flags: [Bool] = [], levels: [[String]] = []
    for name in features {
      let c = try column(name, in: train, role: "feature", at: featureLocation)
      if c.count > 0, c.nullCount == c.count {
        throw CellError("feature `\(name)` is entirely missing (all \(c.count) values are null)", at: featureLocation,
                        hint: "drop it from `features`")
      }
      let isCategorical = categorical.contains(name)
      if c.type == .string, !isCategorical {
        throw CellError("feature `\(name)` holds text but is not declared categorical", at: featureLocation,
                        hint: "add it to `categorical: [\(name)]`, or convert it to numbers first")
      }
      flags.append(isCategorical)
      if isCategorical {
        let l = distinctLevels(c)
        guard l.count <= FeatureBinner.maximumBins else {
          throw CellError("categorical feature `\(name)` has \(l.count) distinct values; at most \(FeatureBinner.maximumBins) are supported",
                          at: options.location(of: "categorical"), hint: "treat it as numeric, or group rare values first")
        }
        levels.append(l)
      } else {
        levels.append([])
      }
    }
    return FeatureSchema(features: features, categorical: flags, levels: levels, target: target, task: task, missing: missing)
  }

  /// Distinct non-null values of a column as text, sorted (numerically for numbers).
  static func distinctLevels(_ c: Column) -> [String] {
    switch c.storage {
    case .string(let codes, let dictionary):
      var used = [Bool](repeating: false, count: dictionary.count)
      for (i, code) in codes.enumerated() where !c.isNull(i) { used[Int(code)] = true }
      return dictionary.indices.filter { used[$0] }.map { dictionary[$0] }.sorted()
    default:
      let values = Set((c.doubles() ?? []).compactMap { $0 })
      return values.sorted().map { levelText($0) }
    }
  }

  static func levelText(_ v: Double) -> String { formatFloat(v, integralWithoutPoint: true) }

  /// Encodes `table` with `schema`: numeric features as Doubles (null → NaN), categorical features as codes of
  /// the schema's levels (unseen or null → NaN, i.e. missing). With `withTarget`, the target column too.
  static func dataset(_ table: Frame, schema: FeatureSchema, withTarget: Bool, groups: String? = nil,
                      part: String, options: CellOptions) throws -> Dataset {
    var columns: [[Double]] = []
    for (j, name) in schema.features.enumerated() {
      guard let c = table.column(named: name) else {
        throw CellError("\(part): feature column `\(name)` is missing", at: options.location(of: "features"),
                        hint: Suggest.hint(for: name, in: table.columnNames).map { "\($0) The model was trained on: \(schema.features.joined(separator: ", "))" }
                          ?? "the model was trained on: \(schema.features.joined(separator: ", "))")
      }
      if schema.categorical[j] {
        var lookup: [String: Double] = [:]
        for (k, l) in schema.levels[j].enumerated() { lookup[l] = Double(k) }
        var out = [Double](repeating: .nan, count: c.count)
        switch c.storage {
        case .string(let codes, let dictionary):
          let mapped = dictionary.map { lookup[$0] ?? .nan }
          for i in 0..<c.count where !c.isNull(i) { out[i] = mapped[Int(codes[i])] }
        default:
          let values = c.doubles() ?? []
          for i in 0..<c.count { if let v = values[i] { out[i] = lookup[levelText(v)] ?? .nan } }
        }
        columns.append(out)
      } else {
        guard let values = c.doubles() else {
          throw CellError("\(part): feature `\(name)` holds text but the model expects numbers", at: options.location(of: "features"),
                          hint: "declare it categorical when training, or convert it to numbers")
        }
        columns.append(values.map { $0 ?? .nan })
      }
    }
    var target: [Double] = []
    if withTarget {
      target = try targetValues(table, name: schema.target, at: options.location(of: "target"))
    }
    var groupCodes: [Int] = []
    if let groups {
      let g = try column(groups, in: table, role: "groups", at: options.location(of: "groups"))
      groupCodes = groupCodesOf(g)
    }
    return Dataset(featureNames: schema.features, features: columns, isCategorical: schema.categorical,
                   target: target, groups: groupCodes)
  }

  /// Integer group codes (by sorted value text; null is its own group).
  static func groupCodesOf(_ c: Column) -> [Int] {
    var text = [String](repeating: "", count: c.count)
    for i in 0..<c.count { text[i] = c.isNull(i) ? "\u{0}null" : c.value(at: i).description }
    let codes = Dictionary(uniqueKeysWithValues: Set(text).sorted().enumerated().map { ($1, $0) })
    return text.map { codes[$0] ?? 0 }
  }

  /// Applies the missing-value policy: `error` refuses NaN/±∞ (naming column and row), `impute` replaces them
  /// with the training medians. Returns the prepared dataset.
  static func applyPolicy(_ data: Dataset, schema: FeatureSchema, part: String, at location: SourceLocation?) throws -> Dataset {
    if schema.missing == "impute", let medians = schema.medians {
      var out = data
      for j in 0..<out.featureCount where j < medians.count {
        let m = medians[j]
        out.features[j] = out.features[j].map { $0.isFinite ? $0 : m }
      }
      return out
    }
    do {
      return try Validation.validateFeatures(data, policy: .error)
    } catch {
      throw CellError("\(part): \(error)", at: location, hint: schema.missing == "error" ? "or set `missing: impute`" : nil)
    }
  }

  /// Training medians of every feature (finite values only); a column with no finite value is an error.
  static func medians(of data: Dataset, at location: SourceLocation?) throws -> [Double] {
    do {
      return try MedianImputer.fit(data).medians
    } catch {
      throw CellError("\(error)", at: location)
    }
  }

  /// Canonical bytes of a dataset (names, flags, values as bit patterns, target, groups) for cache keys.
  static func digest(_ data: Dataset) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity((data.featureCount + 2) * data.rowCount * 8 + 256)
    func put(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    func put(_ s: String) { put(UInt64(s.utf8.count)); bytes.append(contentsOf: s.utf8) }
    put(UInt64(data.featureCount)); put(UInt64(data.rowCount))
    for (j, name) in data.featureNames.enumerated() {
      put(name); put(data.isCategorical[j] ? 1 : 0)
      for v in data.features[j] { put(v.bitPattern) }
    }
    put(UInt64(data.target.count)); for v in data.target { put(v.bitPattern) }
    put(UInt64(data.groups.count)); for g in data.groups { put(UInt64(bitPattern: Int64(g))) }
    return Digest.sha256(bytes)
  }
}
