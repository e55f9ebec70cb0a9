import WorkbenchCore

/// Hyper-parameters of ``RandomForestModel`` (names follow scikit-learn's `RandomForestClassifier`).
public struct RandomForestParameters: Sendable, Equatable {
  /// Number of trees (`n_estimators`).
  public var treeCount: Int = 100
  /// Maximum depth (root = depth 0); nil grows until leaves are pure or too small (`max_depth=None`).
  public var maxDepth: Int? = nil
  /// Minimum number of distinct training rows in a leaf (`min_samples_leaf`).
  public var minSamplesLeaf: Int = 1
  /// Features drawn at each split; nil = sklearn's default (√F for classification, all for regression).
  public var maxFeatures: MaxFeatures? = nil
  /// Draw a bootstrap sample (n rows with replacement) for each tree (`bootstrap=True`).
  public var bootstrap: Bool = true
  /// Minimum weighted squared-error reduction for a split (for 0/1 targets: half the Gini decrease, unnormalised).
  public var minGain: Double = 0
  /// Histogram bins per feature (≤ 255).
  public var maxBins: Int = 255
  public var seed: UInt64 = 42

  public init(treeCount: Int = 100, maxDepth: Int? = nil, minSamplesLeaf: Int = 1, maxFeatures: MaxFeatures? = nil,
              bootstrap: Bool = true, minGain: Double = 0, maxBins: Int = 255, seed: UInt64 = 42) {
    self.treeCount = treeCount; self.maxDepth = maxDepth; self.minSamplesLeaf = minSamplesLeaf
    self.maxFeatures = maxFeatures; self.bootstrap = bootstrap; self.minGain = minGain
    self.maxBins = maxBins; self.seed = seed
  }

  func validate() throws(TreeModelError) {
    guard treeCount >= 1 else { throw TreeModelError("random forest: tree count is \(treeCount); it must be at least 1") }
    if let d = maxDepth, d < 1 { throw TreeModelError("random forest: max_depth is \(d); it must be at least 1 (or unset)") }
    guard minSamplesLeaf >= 1 else { throw TreeModelError("random forest: min_samples_leaf is \(minSamplesLeaf); it must be at least 1") }
    guard minGain >= 0, minGain.isFinite else { throw TreeModelError("random forest: min gain is \(minGain); it must be ≥ 0") }
  }
}

/// A random forest of histogram CART trees (classification on 0/1 targets or regression).
///
/// Each tree is grown on a bootstrap sample drawn with its own generator `SeededGenerator(seed).stream(t)`,
/// examining `maxFeatures` randomly chosen features at every split; trees are built in parallel and the result
/// is identical for any thread count. A classification tree's leaf holds the fraction of class-1 rows (Gini
/// splits), a regression leaf the mean (squared-error splits); the forest averages the trees' leaf values.
public struct RandomForestModel: PersistableModel, ProbabilisticClassifier, Regressor, Equatable {
  public static let kind = "random_forest"
  public let task: TreeTask
  public let featureCount: Int
  public let trees: [DecisionTree]
  /// Mean decrease in impurity per feature, normalised like sklearn's `feature_importances_` (sums to 1).
  public let featureImportance: [Double]

  public init(task: TreeTask, featureCount: Int, trees: [DecisionTree], featureImportance: [Double]) {
    self.task = task; self.featureCount = featureCount; self.trees = trees; self.featureImportance = featureImportance
  }

  /// Trains on `data` (features, target; NaN features are missing values with a learned direction).
  /// `threads` only changes speed, never the result.
  public static func fit(_ data: Dataset, task: TreeTask, parameters: RandomForestParameters = .init(),
                         threads: Int = 1) throws(TreeModelError) -> RandomForestModel {
    try TreeInputCheck.validate(data, task: task, context: "random forest")
    try parameters.validate()
    let featuresPerSplit = try (parameters.maxFeatures ?? (task == .classification ? .sqrt : .all))
      .resolve(featureCount: data.featureCount)
    let binner = try FeatureBinner.fit(features: data.features, isCategorical: data.isCategorical,
                                       maxBins: parameters.maxBins, seed: parameters.seed, threads: threads)
    let binned = try binner.transform(data.features, threads: threads)
    var settings = GrowerSettings()
    settings.maxDepth = parameters.maxDepth ?? Int.max
    settings.minSamplesLeaf = parameters.minSamplesLeaf
    settings.minGain = parameters.minGain
    settings.featuresPerSplit = featuresPerSplit
    settings.stopWhenPure = task == .classification
    let root = SeededGenerator(seed: parameters.seed)
    let n = data.rowCount
    let target = data.target
    let allowed = Array(0..<data.featureCount)
    let rowMajor = binned.rowMajor(threads: threads)
    let trees: [DecisionTree] = binned.bins.withUnsafeBufferPointer { binsBuffer in
      rowMajor.withUnsafeBufferPointer { rowBuffer in
        let bins = UncheckedBox((binsBuffer.baseAddress!, rowBuffer.baseAddress!))
        return TreeParallel.map(parameters.treeCount, threads: threads) { t in
          var generator = root.stream(t)
          var rows: [Int32] = []
          var gh = [Double](repeating: 0, count: 2 * n)  // g, h of each row, interleaved
          if parameters.bootstrap {
            var counts = [Int32](repeating: 0, count: n)
            for _ in 0..<n { counts[generator.nextInt(below: n)] += 1 }
            rows.reserveCapacity(n * 2 / 3)
            for i in 0..<n where counts[i] > 0 {
              let w = Double(counts[i])
              rows.append(Int32(i)); gh[2 * i] = -w * target[i]; gh[2 * i + 1] = w
            }
          } else {
            rows = (0..<n).map { Int32($0) }
            for i in 0..<n { gh[2 * i] = -target[i]; gh[2 * i + 1] = 1 }
          }
          return rows.withUnsafeBufferPointer { sampleRows in
            gh.withUnsafeBufferPointer { gh in
              let grower = TreeGrower(bins: bins.value.0, rowBins: bins.value.1, rowCount: n, binner: binner, settings: settings,
                                      sampleRows: sampleRows, gradientsAndHessians: gh.baseAddress!)
              return grower.grow(allowed: allowed, generator: &generator).tree
            }
          }
        }
      }
    }
    var importance = [Double](repeating: 0, count: data.featureCount)
    for tree in trees {
      var gains = [Double](repeating: 0, count: data.featureCount)
      tree.addGain(into: &gains)
      let total = gains.reduce(0, +)
      if total > 0 { for j in 0..<gains.count { importance[j] += gains[j] / total } }
    }
    let sum = importance.reduce(0, +)
    if sum > 0 { importance = importance.map { $0 / sum } }
    return RandomForestModel(task: task, featureCount: data.featureCount, trees: trees, featureImportance: importance)
  }

  /// Mean of the trees' leaf values per row: P(class 1) for classification, the prediction for regression.
  /// Feature columns beyond those present read as missing.
  public func predict(_ data: Dataset, threads: Int) -> [Double] {
    TreeEnsemblePrediction.sum(trees: trees, features: data.features, rowCount: data.rowCount, base: 0,
                               scale: 1 / Double(max(trees.count, 1)), threads: threads)
  }

  public func predict(_ data: Dataset) -> [Double] { predict(data, threads: 1) }
  public func predictProbability(_ data: Dataset) -> [Double] { predict(data, threads: 1) }

  public func encode(into w: inout ByteWriter) {
    task.encode(into: &w)
    w.write(featureCount)
    w.write(featureImportance)
    w.write(UInt64(trees.count))
    for t in trees { t.encode(into: &w) }
  }

  public init(from r: inout ByteReader) throws {
    let task = try TreeTask(from: &r)
    let featureCount = try r.readInt()
    let importance = try r.readDoubles()
    let count = try r.readCount(elementSize: 16)
    var trees: [DecisionTree] = []
    for _ in 0..<count { trees.append(try DecisionTree(from: &r)) }
    self.init(task: task, featureCount: featureCount, trees: trees, featureImportance: importance)
  }
}
