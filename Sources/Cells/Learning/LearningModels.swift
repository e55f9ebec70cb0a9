import Engine
import Foundation
import Learn
import WorkbookModel

/// One hyper-parameter a model family accepts in `params:` (train) or `models:` (sweep).
struct ModelParameter: Sendable {
  /// Integer kinds carry their allowed range: an upper bound keeps a typo such as `trees: 100000000000` (or one arriving
  /// through `${param}`) from exhausting memory or overflowing arithmetic (documented in docs/cells/learning.md).
  enum Kind: Sendable {
    case integer(ClosedRange<Int>), optionalInteger(ClosedRange<Int>), positiveNumber, nonNegativeNumber, fraction, bool, choice([String]), maxFeatures
  }
  /// Upper bounds of the integer parameters.
  static let maximumTrees = 10_000, maximumRounds = 100_000, maximumIterations = 1_000_000
  static let maximumDepth = 1_000, maximumLeaves = 1_000_000, maximumRowCount = 1_000_000_000
  var name: String
  var kind: Kind
  var doc: String

  /// Checks a value; returns an error message or nil.
  func problem(with value: JSONValue) -> String? {
    switch kind {
    case .integer(let range):
      guard let i = value.intValue, range.contains(i) else {
        return "`\(name)` must be an integer from \(range.lowerBound) to \(range.upperBound), got `\(value.displayText)`"
      }
    case .optionalInteger(let range):
      if value == .null || value.stringValue == "none" { return nil }
      guard let i = value.intValue, range.contains(i) else {
        return "`\(name)` must be an integer from \(range.lowerBound) to \(range.upperBound) or null, got `\(value.displayText)`"
      }
    case .positiveNumber:
      guard let d = value.doubleValue, d > 0, d.isFinite else { return "`\(name)` must be a number > 0, got `\(value.displayText)`" }
    case .nonNegativeNumber:
      guard let d = value.doubleValue, d >= 0, d.isFinite else { return "`\(name)` must be a number ≥ 0, got `\(value.displayText)`" }
    case .fraction:
      guard let d = value.doubleValue, d > 0, d <= 1 else { return "`\(name)` must be a number in (0, 1], got `\(value.displayText)`" }
    case .bool:
      guard value.boolValue != nil else { return "`\(name)` must be true or false, got `\(value.displayText)`" }
    case .choice(let values):
      guard let s = value.stringValue, values.contains(s) else {
        return "`\(name)` must be one of \(values.map { "`\($0)`" }.joined(separator: ", ")), got `\(value.displayText)`"
      }
    case .maxFeatures:
      if let s = value.stringValue, ["sqrt", "log2", "all"].contains(s) { return nil }
      if case .int(let i) = value, i >= 1, i <= Self.maximumRowCount { return nil }
      if case .double(let d) = value, d > 0, d <= 1 { return nil }
      return "`\(name)` must be `sqrt`, `log2`, `all`, a fraction in (0, 1] or a feature count from 1 to \(Self.maximumRowCount), got `\(value.displayText)`"
    }
    return nil
  }
}

/// The model families the learning cells train, with their parameters (names follow scikit-learn / LightGBM).
enum ModelFamily: String, Sendable, CaseIterable {
  case logisticRegression = "logistic_regression"
  case randomForest = "random_forest"
  case gradientBoosting = "gradient_boosting"

  static var names: [String] { allCases.map(\.rawValue) }

  var parameters: [ModelParameter] {
    switch self {
    case .logisticRegression:
      [.init(name: "C", kind: .positiveNumber, doc: "inverse regularisation strength (default 1)"),
       .init(name: "penalty", kind: .choice(["l2", "l1", "none"]), doc: "default l2"),
       .init(name: "class_weight", kind: .choice(["none", "balanced"]), doc: "default none"),
       .init(name: "standardize", kind: .bool, doc: "scale features before fitting (default true)"),
       .init(name: "max_iter", kind: .integer(1...ModelParameter.maximumIterations), doc: "default 100"),
       .init(name: "tol", kind: .positiveNumber, doc: "default 1e-8")]
    case .randomForest:
      [.init(name: "trees", kind: .integer(1...ModelParameter.maximumTrees), doc: "number of trees (default 100)"),
       .init(name: "max_depth", kind: .optionalInteger(1...ModelParameter.maximumDepth), doc: "default unlimited"),
       .init(name: "min_samples_leaf", kind: .integer(1...ModelParameter.maximumRowCount), doc: "default 1; at most the training rows"),
       .init(name: "max_features", kind: .maxFeatures, doc: "default sqrt (classification) / all (regression)"),
       .init(name: "bootstrap", kind: .bool, doc: "default true"),
       .init(name: "min_gain", kind: .nonNegativeNumber, doc: "default 0"),
       .init(name: "max_bins", kind: .integer(2...255), doc: "histogram bins, 2…255 (default 255)")]
    case .gradientBoosting:
      [.init(name: "rounds", kind: .integer(1...ModelParameter.maximumRounds), doc: "boosting rounds (default 100)"),
       .init(name: "learning_rate", kind: .positiveNumber, doc: "default 0.1"),
       .init(name: "max_depth", kind: .optionalInteger(1...ModelParameter.maximumDepth), doc: "default 6; null = unlimited"),
       .init(name: "max_leaves", kind: .optionalInteger(2...ModelParameter.maximumLeaves), doc: "set → leaf-wise growth (LightGBM num_leaves)"),
       .init(name: "lambda", kind: .nonNegativeNumber, doc: "L2 on leaf values (default 1)"),
       .init(name: "min_child_weight", kind: .nonNegativeNumber, doc: "default 1"),
       .init(name: "min_samples_leaf", kind: .integer(1...ModelParameter.maximumRowCount), doc: "default 1; at most the training rows"),
       .init(name: "min_gain", kind: .nonNegativeNumber, doc: "default 0"),
       .init(name: "subsample", kind: .fraction, doc: "row fraction per round (default 1)"),
       .init(name: "column_sample", kind: .fraction, doc: "feature fraction per tree (default 1)"),
       .init(name: "max_bins", kind: .integer(2...255), doc: "histogram bins, 2…255 (default 255)"),
       .init(name: "early_stopping_rounds", kind: .optionalInteger(1...ModelParameter.maximumRounds), doc: "stop on a validation part carved from the training rows"),
       .init(name: "validation_fraction", kind: .fraction, doc: "share of training rows held out for early stopping (default 0.1)")]
    }
  }

  /// Problems with a `params` mapping: unknown names (with did-you-mean) and bad values, each with its key;
  /// `unknownName` tells which (an unknown name is reported at the key, a bad value at the value).
  func problems(in params: [String: JSONValue]) -> [(key: String, message: String, hint: String?, unknownName: Bool)] {
    let known = parameters.map(\.name)
    var out: [(String, String, String?, Bool)] = []
    for (key, value) in params.sorted(by: { $0.key < $1.key }) {
      guard let p = parameters.first(where: { $0.name == key }) else {
        out.append((key, "unknown parameter `\(key)` for \(rawValue)",
                    Suggest.hint(for: key, in: known) ?? "known parameters: \(known.joined(separator: ", "))", true))
        continue
      }
      if let m = p.problem(with: value) { out.append((key, "\(rawValue): \(m)", nil, false)) }
    }
    return out
  }
}

/// A family plus validated parameter values: everything needed to fit one model.
struct ModelConfiguration: Sendable, Equatable {
  var family: ModelFamily
  var params: [String: JSONValue]

  /// Canonical JSON of the parameters (sorted keys) for result files and cache keys.
  var paramsJSON: JSONValue { .object(params) }
  var label: String {
    let p = params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.displayText)" }.joined(separator: ", ")
    return p.isEmpty ? family.rawValue : "\(family.rawValue)(\(p))"
  }

  /// Parses `model` + `params`, throwing a located error for an unknown family or parameter.
  static func parse(model: String, params: [String: JSONValue], at location: SourceLocation?, paramsLocation: SourceLocation?) throws -> ModelConfiguration {
    guard let family = ModelFamily(rawValue: model) else {
      throw CellError("unknown model `\(model)`", at: location,
                      hint: Suggest.hint(for: model, in: ModelFamily.names) ?? "models: \(ModelFamily.names.joined(separator: ", "))")
    }
    if let p = family.problems(in: params).first { throw CellError(p.message, code: .optionInvalid, at: paramsLocation, hint: p.hint) }
    return ModelConfiguration(family: family, params: params)
  }

  private func int(_ k: String) -> Int? { params[k]?.intValue }
  private func double(_ k: String) -> Double? { params[k]?.doubleValue }
  private func bool(_ k: String) -> Bool? { params[k]?.boolValue }
  private func string(_ k: String) -> String? { params[k]?.stringValue }
  private func optionalInt(_ k: String, default d: Int?) -> Int? {
    guard let v = params[k] else { return d }
    if v == .null || v.stringValue == "none" { return nil }
    return v.intValue
  }

  /// Fits the model. `validation` only records a per-round loss (boosting); it is never used for any choice.
  func fit(_ train: Dataset, task: LearningTask, seed: UInt64, threads: Int, monitor: Dataset? = nil) throws -> TrainedModel {
    if let leaf = int("min_samples_leaf"), leaf > train.rowCount {
      throw CellError("\(family.rawValue): `min_samples_leaf` is \(leaf) but the model trains on \(train.rowCount) rows",
                      hint: "a leaf cannot hold more rows than there are; use a value of at most \(train.rowCount)")
    }
    do {
      switch family {
      case .logisticRegression:
        guard task == .classification else {
          throw CellError("logistic_regression is a classifier; the target is numeric (regression)",
                          hint: "use random_forest or gradient_boosting for regression, or set `task: classification` with a 0/1 target")
        }
        var o = LogisticRegression.Options()
        o.C = double("C") ?? 1
        o.penalty = LogisticRegression.Penalty(rawValue: string("penalty") ?? "l2") ?? .l2
        o.classWeight = string("class_weight") == "balanced" ? .balanced : .none
        o.standardize = bool("standardize") ?? true
        o.maxIterations = int("max_iter") ?? 100
        o.tolerance = double("tol") ?? 1e-8
        return .logistic(try LogisticRegression.fit(train, options: o))
      case .randomForest:
        var p = RandomForestParameters()
        p.treeCount = int("trees") ?? 100
        p.maxDepth = optionalInt("max_depth", default: nil)
        p.minSamplesLeaf = int("min_samples_leaf") ?? 1
        if let v = params["max_features"] {
          if let s = v.stringValue { p.maxFeatures = s == "sqrt" ? .sqrt : s == "log2" ? .log2 : .all }
          else if case .int(let i) = v { p.maxFeatures = .count(i) }
          else if let d = v.doubleValue { p.maxFeatures = d == 1 ? .all : .fraction(d) }
        }
        p.bootstrap = bool("bootstrap") ?? true
        p.minGain = double("min_gain") ?? 0
        p.maxBins = int("max_bins") ?? 255
        p.seed = seed
        return .forest(try RandomForestModel.fit(train, task: task.treeTask, parameters: p, threads: threads))
      case .gradientBoosting:
        var p = GradientBoostingParameters()
        p.rounds = int("rounds") ?? 100
        p.learningRate = double("learning_rate") ?? 0.1
        p.maxDepth = optionalInt("max_depth", default: 6)
        p.maxLeaves = optionalInt("max_leaves", default: nil)
        p.lambda = double("lambda") ?? 1
        p.minChildWeight = double("min_child_weight") ?? 1
        p.minSamplesLeaf = int("min_samples_leaf") ?? 1
        p.minGain = double("min_gain") ?? 0
        p.subsample = double("subsample") ?? 1
        p.columnSample = double("column_sample") ?? 1
        p.maxBins = int("max_bins") ?? 255
        p.earlyStoppingRounds = optionalInt("early_stopping_rounds", default: nil)
        p.seed = seed
        var fitSet = train
        var validation = monitor
        if p.earlyStoppingRounds != nil {
          // Early stopping needs its own held-out rows, carved from the training rows (never the test part).
          let fraction = double("validation_fraction") ?? 0.1
          let split = try Split.trainTest(rowCount: train.rowCount, testFraction: fraction,
                                          stratifyBy: task == .classification ? train.target : nil, seed: seed)
          fitSet = train.subset(split.train)
          validation = train.subset(split.test)
        }
        return .boosting(try GradientBoostingModel.fit(fitSet, validation: validation, task: task.treeTask, parameters: p, threads: threads))
      }
    } catch let e as CellError {
      throw e
    } catch {
      throw CellError("\(family.rawValue) training failed: \(error)", hint: "check the parameters and the input columns")
    }
  }
}

/// A trained model of any family, with the operations the cells need.
enum TrainedModel: Sendable {
  case logistic(LogisticRegression)
  case forest(RandomForestModel)
  case boosting(GradientBoostingModel)

  var family: ModelFamily {
    switch self {
    case .logistic: .logisticRegression
    case .forest: .randomForest
    case .boosting: .gradientBoosting
    }
  }

  /// P(class 1) for classification, the predicted value for regression.
  func predict(_ data: Dataset) -> [Double] {
    switch self {
    case .logistic(let m): m.predictProbability(data)
    case .forest(let m): m.predict(data)
    case .boosting(let m): m.predict(data)
    }
  }

  /// The `ModelFile` bytes (deterministic: same model → same bytes).
  func fileBytes(_ schema: FeatureSchema) -> [UInt8] {
    switch self {
    case .logistic(let m): ModelFile(model: m, featureNames: schema.features, isCategorical: schema.categorical).encoded()
    case .forest(let m): ModelFile(model: m, featureNames: schema.features, isCategorical: schema.categorical).encoded()
    case .boosting(let m): ModelFile(model: m, featureNames: schema.features, isCategorical: schema.categorical).encoded()
    }
  }

  static func decode(_ bytes: [UInt8], source: String) throws -> (TrainedModel, ModelFile) {
    do {
      let file = try ModelFile(decoding: bytes)
      switch file.kind {
      case LogisticRegression.kind: return (.logistic(try file.model()), file)
      case RandomForestModel.kind: return (.forest(try file.model()), file)
      case GradientBoostingModel.kind: return (.boosting(try file.model()), file)
      default:
        throw CellError("\(source): model kind `\(file.kind)` is not supported by this cell", hint: "use a model from a train or sweep cell")
      }
    } catch let e as CellError {
      throw e
    } catch {
      throw CellError("\(source): \(error)")
    }
  }

  /// Gain importance normalised to sum 1 (tree models), nil for logistic regression.
  var gainImportance: [Double]? {
    let raw: [Double]
    switch self {
    case .logistic: return nil
    case .forest(let m): raw = m.featureImportance
    case .boosting(let m): raw = m.featureImportance
    }
    let total = raw.reduce(0, +)
    return total > 0 ? raw.map { $0 / total } : raw
  }
}
