/// Hyper-parameters of a single ``DecisionTreeModel`` (sklearn `DecisionTreeClassifier`/`Regressor` names).
public struct DecisionTreeParameters: Sendable, Equatable {
  public var maxDepth: Int? = nil
  public var minSamplesLeaf: Int = 1
  /// Minimum weighted squared-error reduction for a split (0/1 targets: half the Gini decrease).
  public var minGain: Double = 0
  /// Features examined per split (sampled with `seed`); `.all` gives the deterministic CART tree.
  public var maxFeatures: MaxFeatures = .all
  public var maxBins: Int = 255
  public var seed: UInt64 = 42

  public init(maxDepth: Int? = nil, minSamplesLeaf: Int = 1, minGain: Double = 0, maxFeatures: MaxFeatures = .all,
              maxBins: Int = 255, seed: UInt64 = 42) {
    self.maxDepth = maxDepth; self.minSamplesLeaf = minSamplesLeaf; self.minGain = minGain
    self.maxFeatures = maxFeatures; self.maxBins = maxBins; self.seed = seed
  }
}

/// One CART tree on histogram bins: Gini splits on 0/1 targets (leaves hold P(class 1)) or squared-error
/// splits for regression (leaves hold the mean). It is a one-tree forest without bootstrap.
public struct DecisionTreeModel: PersistableModel, ProbabilisticClassifier, Regressor, Equatable {
  public static let kind = "decision_tree"
  public let task: TreeTask
  public let featureCount: Int
  public let tree: DecisionTree
  /// Impurity decrease per feature, normalised to sum to 1.
  public let featureImportance: [Double]

  public init(task: TreeTask, featureCount: Int, tree: DecisionTree, featureImportance: [Double]) {
    self.task = task; self.featureCount = featureCount; self.tree = tree; self.featureImportance = featureImportance
  }

  public static func fit(_ data: Dataset, task: TreeTask, parameters: DecisionTreeParameters = .init(),
                         threads: Int = 1) throws(TreeModelError) -> DecisionTreeModel {
    let forest = try RandomForestModel.fit(
      data, task: task,
      parameters: RandomForestParameters(
        treeCount: 1, maxDepth: parameters.maxDepth, minSamplesLeaf: parameters.minSamplesLeaf,
        maxFeatures: parameters.maxFeatures, bootstrap: false, minGain: parameters.minGain,
        maxBins: parameters.maxBins, seed: parameters.seed),
      threads: threads)
    return DecisionTreeModel(task: task, featureCount: forest.featureCount, tree: forest.trees[0],
                             featureImportance: forest.featureImportance)
  }

  public func predict(_ data: Dataset) -> [Double] {
    TreeEnsemblePrediction.sum(trees: [tree], features: data.features, rowCount: data.rowCount, base: 0, scale: 1, threads: 1)
  }
  public func predictProbability(_ data: Dataset) -> [Double] { predict(data) }

  public func encode(into w: inout ByteWriter) {
    task.encode(into: &w)
    w.write(featureCount)
    w.write(featureImportance)
    tree.encode(into: &w)
  }

  public init(from r: inout ByteReader) throws {
    let task = try TreeTask(from: &r)
    let featureCount = try r.readInt()
    let importance = try r.readDoubles()
    let tree = try DecisionTree(from: &r)
    self.init(task: task, featureCount: featureCount, tree: tree, featureImportance: importance)
  }
}
