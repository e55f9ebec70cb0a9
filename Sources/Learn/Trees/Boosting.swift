#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import WorkbenchCore

/// Hyper-parameters of ``GradientBoostingModel`` with their LightGBM / XGBoost names.
///
/// Defaults follow XGBoost's `tree_method="hist"` (depth-wise, depth 6, λ = 1, min child weight 1);
/// ``lightGBM(leaves:)`` gives LightGBM's defaults (leaf-wise, 31 leaves, λ = 0, min_data_in_leaf 20).
public struct GradientBoostingParameters: Sendable, Equatable {
  /// Boosting rounds = trees (`n_estimators` / `num_boost_round`).
  public var rounds: Int = 100
  /// Shrinkage applied to every leaf (`learning_rate` / `eta`).
  public var learningRate: Double = 0.1
  /// Maximum depth (root = 0); nil = unlimited (LightGBM `max_depth=-1`).
  public var maxDepth: Int? = 6
  /// Maximum leaves per tree; set → leaf-wise (best-first) growth (LightGBM `num_leaves`), nil → depth-wise.
  public var maxLeaves: Int? = nil
  /// L2 regularisation on leaf values (`reg_lambda` / `lambda_l2`).
  public var lambda: Double = 1
  /// Minimum hessian sum in a child (`min_child_weight` / `min_sum_hessian_in_leaf`).
  public var minChildWeight: Double = 1
  /// Minimum rows in a child (LightGBM `min_data_in_leaf`).
  public var minSamplesLeaf: Int = 1
  /// Minimum gain `G_L²/(H_L+λ)+G_R²/(H_R+λ)−G²/(H+λ)` to split (LightGBM `min_gain_to_split`; XGBoost `gamma` = minGain/2).
  public var minGain: Double = 0
  /// Fraction of rows drawn (without replacement, Bernoulli) each round (`subsample` / `bagging_fraction`).
  public var subsample: Double = 1
  /// Fraction of features drawn for each tree (`colsample_bytree` / `feature_fraction`).
  public var columnSample: Double = 1
  /// Histogram bins per feature (≤ 255; `max_bin`).
  public var maxBins: Int = 255
  /// Stop when the validation loss has not improved for this many rounds; the best round's model is kept.
  public var earlyStoppingRounds: Int? = nil
  /// Categorical splits: smoothing added to the hessian when ordering categories by G/(H+smooth) (`cat_smooth`).
  public var categorySmoothing: Double = 10
  /// Categorical splits: categories with fewer rows in the node are not ordered and go right (`min_data_per_group`).
  public var minDataPerCategory: Int = 1
  public var seed: UInt64 = 42

  public init(rounds: Int = 100, learningRate: Double = 0.1, maxDepth: Int? = 6, maxLeaves: Int? = nil,
              lambda: Double = 1, minChildWeight: Double = 1, minSamplesLeaf: Int = 1, minGain: Double = 0,
              subsample: Double = 1, columnSample: Double = 1, maxBins: Int = 255, earlyStoppingRounds: Int? = nil,
              categorySmoothing: Double = 10, minDataPerCategory: Int = 1, seed: UInt64 = 42) {
    self.rounds = rounds; self.learningRate = learningRate; self.maxDepth = maxDepth; self.maxLeaves = maxLeaves
    self.lambda = lambda; self.minChildWeight = minChildWeight; self.minSamplesLeaf = minSamplesLeaf
    self.minGain = minGain; self.subsample = subsample; self.columnSample = columnSample; self.maxBins = maxBins
    self.earlyStoppingRounds = earlyStoppingRounds; self.categorySmoothing = categorySmoothing
    self.minDataPerCategory = minDataPerCategory; self.seed = seed
  }

  /// LightGBM's defaults: leaf-wise with `leaves` leaves, no depth limit, λ = 0, min_sum_hessian 1e-3, min_data_in_leaf 20.
  public static func lightGBM(rounds: Int = 100, learningRate: Double = 0.1, leaves: Int = 31) -> GradientBoostingParameters {
    GradientBoostingParameters(rounds: rounds, learningRate: learningRate, maxDepth: nil, maxLeaves: leaves,
                               lambda: 0, minChildWeight: 1e-3, minSamplesLeaf: 20)
  }

  func validate() throws(TreeModelError) {
    guard rounds >= 1 else { throw TreeModelError("gradient boosting: rounds is \(rounds); it must be at least 1") }
    guard learningRate > 0, learningRate.isFinite else { throw TreeModelError("gradient boosting: learning rate \(learningRate) must be > 0") }
    if let d = maxDepth, d < 1 { throw TreeModelError("gradient boosting: max_depth is \(d); it must be at least 1 (or unset)") }
    if let l = maxLeaves, l < 2 { throw TreeModelError("gradient boosting: max leaves is \(l); it must be at least 2 (or unset)") }
    guard lambda >= 0, lambda.isFinite else { throw TreeModelError("gradient boosting: lambda \(lambda) must be ≥ 0") }
    guard minChildWeight >= 0 else { throw TreeModelError("gradient boosting: min child weight \(minChildWeight) must be ≥ 0") }
    guard minSamplesLeaf >= 1 else { throw TreeModelError("gradient boosting: min samples per leaf \(minSamplesLeaf) must be ≥ 1") }
    guard minGain >= 0 else { throw TreeModelError("gradient boosting: min gain \(minGain) must be ≥ 0") }
    guard subsample > 0, subsample <= 1 else { throw TreeModelError("gradient boosting: subsample \(subsample) must be in (0, 1]") }
    guard columnSample > 0, columnSample <= 1 else { throw TreeModelError("gradient boosting: column sample \(columnSample) must be in (0, 1]") }
    if let e = earlyStoppingRounds, e < 1 { throw TreeModelError("gradient boosting: early stopping rounds \(e) must be ≥ 1") }
    guard categorySmoothing >= 0 else { throw TreeModelError("gradient boosting: category smoothing must be ≥ 0") }
  }
}

/// Gradient boosted trees in the LightGBM / XGBoost family (second-order boosting on histogram bins).
///
/// Starting from a constant base score (log-odds of the mean target for log-loss, the mean for squared
/// error), each round fits a tree to the gradients `g` and hessians `h` of the loss at the current scores
/// (log-loss: `g = p − y`, `h = p(1−p)`; squared error: `g = F − y`, `h = 1`), with leaf values
/// `−η·G/(H+λ)`. Prediction = base + Σ tree outputs; probability = sigmoid of that for classification.
public struct GradientBoostingModel: PersistableModel, ProbabilisticClassifier, Regressor, Equatable {
  public static let kind = "gradient_boosting"
  public let task: TreeTask
  public let featureCount: Int
  public let baseScore: Double
  /// Kept trees (the best round's prefix when early stopping was used); leaf values include the learning rate.
  public let trees: [DecisionTree]
  /// Total split gain per feature over the kept trees (LightGBM `importance_type="gain"`).
  public let featureImportance: [Double]
  /// Mean training loss after each round (log-loss or squared error), every round that ran.
  public let trainingLoss: [Double]
  /// Mean validation loss after each round (empty without a validation set).
  public let validationLoss: [Double]
  /// Number of trees kept (1-based best round with early stopping, else all rounds).
  public var bestIteration: Int { trees.count }

  public init(task: TreeTask, featureCount: Int, baseScore: Double, trees: [DecisionTree], featureImportance: [Double],
              trainingLoss: [Double], validationLoss: [Double]) {
    self.task = task; self.featureCount = featureCount; self.baseScore = baseScore; self.trees = trees
    self.featureImportance = featureImportance; self.trainingLoss = trainingLoss; self.validationLoss = validationLoss
  }

  /// Trains on `data`; `validation` (same features) feeds the loss history and early stopping.
  /// `threads` only changes speed, never the result.
  public static func fit(_ data: Dataset, validation: Dataset? = nil, task: TreeTask,
                         parameters: GradientBoostingParameters = .init(), threads: Int = 1) throws(TreeModelError) -> GradientBoostingModel {
    try TreeInputCheck.validate(data, task: task, context: "gradient boosting")
    try parameters.validate()
    if let validation {
      try TreeInputCheck.validate(validation, task: task, context: "gradient boosting validation set")
      guard validation.featureCount == data.featureCount else {
        throw TreeModelError("gradient boosting: the validation set has \(validation.featureCount) features, the training set \(data.featureCount)")
      }
    }
    guard parameters.earlyStoppingRounds == nil || validation != nil else {
      throw TreeModelError("gradient boosting: early stopping needs a validation set")
    }
    let n = data.rowCount, featureCount = data.featureCount
    let binner = try FeatureBinner.fit(features: data.features, isCategorical: data.isCategorical,
                                       maxBins: parameters.maxBins, seed: parameters.seed, threads: threads)
    let binned = try binner.transform(data.features, threads: threads)
    let rowMajor = binned.rowMajor(threads: threads)
    let binnedValidation = try validation.map { v throws(TreeModelError) in try binner.transform(v.features, threads: threads) }
    let y = data.target
    let yValidation = validation?.target ?? []
    let mean = y.reduce(0, +) / Double(n)
    let base: Double
    if task == .classification {
      let p = min(max(mean, 1e-15), 1 - 1e-15)
      base = log(p / (1 - p))
    } else {
      base = mean
    }
    var settings = GrowerSettings()
    settings.maxDepth = parameters.maxDepth ?? Int.max
    settings.maxLeaves = parameters.maxLeaves ?? Int.max
    settings.minSamplesLeaf = parameters.minSamplesLeaf
    settings.minChildWeight = parameters.minChildWeight
    settings.lambda = parameters.lambda
    settings.minGain = parameters.minGain
    settings.catSmooth = parameters.categorySmoothing
    settings.minDataPerCategory = parameters.minDataPerCategory
    settings.histogramThreads = threads
    // Spinning helpers for the many short parallel loops of the fit (see SpinPool); stopped when the fit ends.
    let pool = threads > 1 ? SpinPool(workers: threads) : nil
    defer { pool?.shutdown() }
    settings.pool = pool
    let missingBins = (0..<featureCount).map { binner.missingBin($0) }
    let rowRoot = SeededGenerator(seed: parameters.seed)
    let columnRoot = SeededGenerator(seed: parameters.seed ^ 0x5DEE_CE66_D1CE_4E5B)
    let columnsPerTree = max(1, min(featureCount, Int((Double(featureCount) * parameters.columnSample).rounded())))

    var scores = [Double](repeating: base, count: n)
    var validationScores = [Double](repeating: base, count: validation?.rowCount ?? 0)
    var gradientsAndHessians = [Double](repeating: 0, count: 2 * n)  // g, h of each row, interleaved
    let allRows = (0..<n).map { Int32($0) }
    var trees: [DecisionTree] = []
    var trainingLoss: [Double] = [], validationLoss: [Double] = []
    var bestLoss = Double.infinity, bestRound = 0
    let classification = task == .classification

    _ = LossKernel.evaluate(scores: scores, targets: y, classification: classification, threads: threads,
                            pool: pool, gradientsAndHessians: &gradientsAndHessians)
    for round in 0..<parameters.rounds {
      // Rows and features for this tree.
      var sampledRows: [Int32] = []
      let sampled = parameters.subsample < 1
      if sampled {
        var generator = rowRoot.stream(round)
        for i in 0..<n where generator.nextDouble() < parameters.subsample { sampledRows.append(Int32(i)) }
        if sampledRows.isEmpty { sampledRows = [0] }
      }
      var allowed = Array(0..<featureCount)
      var featureGenerator = columnRoot.stream(round)
      if columnsPerTree < featureCount {
        for i in 0..<columnsPerTree { allowed.swapAt(i, i + featureGenerator.nextInt(below: featureCount - i)) }
        allowed = Array(allowed[0..<columnsPerTree]).sorted()
      }
      // Grow the tree and update the training scores while the binned matrices are pinned: sampled rows through
      // their leaf ranges, the others (row subsampling) by walking the tree on their bins.
      let learningRate = parameters.learningRate
      let tree: DecisionTree = withPinned(binned.bins, rowMajor, sampled ? sampledRows : allRows, gradientsAndHessians) {
        b, rb, rows, gh in
        let grower = TreeGrower(bins: b, rowBins: rb, rowCount: n, binner: binner, settings: settings,
                                sampleRows: rows, gradientsAndHessians: gh)
        let grown = grower.grow(allowed: allowed, generator: &featureGenerator)
        var tree = grown.tree
        for k in 0..<tree.value.count { tree.value[k] *= learningRate }
        if sampled {
          missingBins.withUnsafeBufferPointer { mb in
            for i in 0..<n { scores[i] += tree.value[tree.leaf(bins: b, rowCount: n, missingBins: mb, row: i)] }
          }
        } else {
          for leaf in grown.leaves {
            let v = tree.value[leaf.node]
            for i in leaf.begin..<leaf.end { scores[Int(grower.rows[i])] += v }
          }
        }
        return tree
      }
      if let bv = binnedValidation {
        bv.bins.withUnsafeBufferPointer { b in
          missingBins.withUnsafeBufferPointer { mb in
            for i in 0..<bv.rowCount {
              validationScores[i] += tree.value[tree.leaf(bins: b.baseAddress!, rowCount: bv.rowCount, missingBins: mb, row: i)]
            }
          }
        }
      }
      trees.append(tree)
      trainingLoss.append(LossKernel.evaluate(scores: scores, targets: y, classification: classification, threads: threads,
                                              pool: pool, gradientsAndHessians: &gradientsAndHessians))
      if validation != nil {
        let loss = LossKernel.loss(scores: validationScores, targets: yValidation, classification: classification)
        validationLoss.append(loss)
        if loss < bestLoss { bestLoss = loss; bestRound = round }
        if let patience = parameters.earlyStoppingRounds, round - bestRound >= patience { break }
      }
    }
    if parameters.earlyStoppingRounds != nil { trees = Array(trees[0...bestRound]) }
    var importance = [Double](repeating: 0, count: featureCount)
    for t in trees { t.addGain(into: &importance) }
    return GradientBoostingModel(task: task, featureCount: featureCount, baseScore: base, trees: trees,
                                 featureImportance: importance, trainingLoss: trainingLoss, validationLoss: validationLoss)
  }

  /// Raw scores (log-odds for classification). Feature columns beyond those present read as missing.
  public func predictRaw(_ data: Dataset, threads: Int = 1) -> [Double] {
    TreeEnsemblePrediction.sum(trees: trees, features: data.features, rowCount: data.rowCount, base: baseScore,
                               scale: 1, threads: threads)
  }

  /// P(class 1) = sigmoid(raw score) for classification; the raw prediction for regression.
  public func predictProbability(_ data: Dataset) -> [Double] {
    let raw = predictRaw(data)
    return task == .classification ? raw.map(LossKernel.sigmoid) : raw
  }

  public func predict(_ data: Dataset) -> [Double] { predictProbability(data) }

  public func encode(into w: inout ByteWriter) {
    task.encode(into: &w)
    w.write(featureCount)
    w.write(baseScore)
    w.write(featureImportance)
    w.write(trainingLoss)
    w.write(validationLoss)
    w.write(UInt64(trees.count))
    for t in trees { t.encode(into: &w) }
  }

  public init(from r: inout ByteReader) throws {
    let task = try TreeTask(from: &r)
    let featureCount = try r.readInt()
    let base = try r.readDouble()
    let importance = try r.readDoubles()
    let trainingLoss = try r.readDoubles()
    let validationLoss = try r.readDoubles()
    let count = try r.readCount(elementSize: 16)
    var trees: [DecisionTree] = []
    for _ in 0..<count { trees.append(try DecisionTree(from: &r)) }
    self.init(task: task, featureCount: featureCount, baseScore: base, trees: trees, featureImportance: importance,
              trainingLoss: trainingLoss, validationLoss: validationLoss)
  }
}

/// Runs `body` with the base addresses of the binned matrices, the sample rows and the interleaved gradients
/// (all non-empty: the data has at least one row).
private func withPinned<T>(_ bins: [UInt8], _ rowBins: [UInt8], _ rows: [Int32], _ gh: [Double],
                           _ body: (UnsafePointer<UInt8>, UnsafePointer<UInt8>, UnsafeBufferPointer<Int32>, UnsafePointer<Double>) -> T) -> T {
  bins.withUnsafeBufferPointer { b in
    rowBins.withUnsafeBufferPointer { rb in
      rows.withUnsafeBufferPointer { r in
        gh.withUnsafeBufferPointer { g in body(b.baseAddress!, rb.baseAddress!, r, g.baseAddress!) }
      }
    }
  }
}
