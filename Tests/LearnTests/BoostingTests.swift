import Testing
@testable import Learn
import WorkbenchCore

@Test func boostingIsIdenticalWithOneAndTwoThreads() throws {
  let data = TreeTestData.synthetic(rows: 25_000, seed: 5)
  let parameters = GradientBoostingParameters(rounds: 8, maxDepth: 4, subsample: 0.8, columnSample: 0.7, seed: 3)
  let one = try GradientBoostingModel.fit(data, task: .classification, parameters: parameters, threads: 1)
  let two = try GradientBoostingModel.fit(data, task: .classification, parameters: parameters, threads: 2)
  #expect(one == two)
  #expect(one.predictRaw(data, threads: 1).map(\.bitPattern) == two.predictRaw(data, threads: 2).map(\.bitPattern))
  let leafWise = GradientBoostingParameters.lightGBM(rounds: 5, leaves: 15)
  let a = try GradientBoostingModel.fit(data, task: .classification, parameters: leafWise, threads: 1)
  let b = try GradientBoostingModel.fit(data, task: .classification, parameters: leafWise, threads: 2)
  #expect(a == b)
  #expect(a.trees.allSatisfy { $0.leafCount <= 15 })
  #expect(a.trees.contains { $0.leafCount == 15 })
}

@Test func boostingLearnsWithDecreasingTrainingLossAndRoundTrips() throws {
  let train = TreeTestData.synthetic(rows: 3_000, seed: 1)
  let test = TreeTestData.synthetic(rows: 1_000, seed: 2)
  let model = try GradientBoostingModel.fit(train, validation: test, task: .classification,
                                            parameters: .init(rounds: 30, maxDepth: 3))
  #expect(model.trainingLoss.count == 30 && model.validationLoss.count == 30)
  #expect(zip(model.trainingLoss, model.trainingLoss.dropFirst()).allSatisfy { $1 <= $0 })
  let mean = train.target.reduce(0, +) / Double(train.rowCount)
  #expect(abs(model.baseScore - _log(mean / (1 - mean))) < 1e-12)
  let p = model.predictProbability(test)
  #expect(TreeTestData.auc(p, test.target) > 0.8)
  let file = ModelFile(model: model, featureNames: train.featureNames, isCategorical: train.isCategorical)
  let reloaded: GradientBoostingModel = try ModelFile(decoding: file.encoded()).model()
  #expect(reloaded == model)
  #expect(reloaded.predictProbability(test).map(\.bitPattern) == p.map(\.bitPattern))
}

@Test func earlyStoppingStopsAndKeepsTheBestRound() throws {
  // Pure-noise target: the validation loss stops improving quickly.
  var g = SeededGenerator(seed: 8)
  func noise(_ n: Int) -> Dataset {
    let x = (0..<n).map { _ in g.nextGaussian() }
    let y = (0..<n).map { _ in g.nextDouble() < 0.4 ? 1.0 : 0.0 }
    return Dataset(featureNames: ["x"], features: [x], target: y)
  }
  let train = noise(2_000), validation = noise(2_000)
  let model = try GradientBoostingModel.fit(train, validation: validation, task: .classification,
                                            parameters: .init(rounds: 200, learningRate: 0.3, maxDepth: 6, earlyStoppingRounds: 5))
  #expect(model.validationLoss.count < 200)
  let best = model.validationLoss.indices.min { model.validationLoss[$0] < model.validationLoss[$1] }!
  #expect(model.bestIteration == best + 1)
  #expect(model.validationLoss.count == best + 1 + 5)
}

@Test func squaredErrorBoostingFitsRegression() throws {
  var g = SeededGenerator(seed: 4)
  let x0 = (0..<3_000).map { _ in g.nextDouble() }, x1 = (0..<3_000).map { _ in g.nextDouble() }
  let y = zip(x0, x1).map { 3 * $0 - 2 * $1 * $1 + 1 }
  let data = Dataset(featureNames: ["a", "b"], features: [x0, x1], target: y)
  let model = try GradientBoostingModel.fit(data, task: .regression, parameters: .init(rounds: 200, learningRate: 0.2, maxDepth: 4))
  #expect(model.trainingLoss.last! < 0.001)
  #expect(abs(model.baseScore - y.reduce(0, +) / 3_000) < 1e-12)
  #expect(model.featureImportance[0] > model.featureImportance[1])
}

#if canImport(Glibc)
import Glibc
private func _log(_ x: Double) -> Double { Glibc.log(x) }
private func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Darwin
private func _log(_ x: Double) -> Double { Darwin.log(x) }
#endif

/// The training-loss history (the learning curve of the `train` cell) is the mean log-loss of the training scores
/// after each round, although the kernel takes one log per 512 rows (log of products of `1 + e^{-|f|}`).
@Test func trainingLossEqualsDirectLogLoss() throws {
  let data = TreeTestData.synthetic(rows: 5_000, seed: 11)
  let one = try GradientBoostingModel.fit(data, task: .classification, parameters: .init(rounds: 1, maxDepth: 3))
  let two = try GradientBoostingModel.fit(data, task: .classification, parameters: .init(rounds: 2, maxDepth: 3))
  func directLoss(_ scores: [Double]) -> Double {
    zip(scores, data.target).map { f, y in max(f, 0) + _log(1 + _exp(-abs(f))) - y * f }.reduce(0, +) / Double(scores.count)
  }
  // After round k the history holds the loss at the scores of the first k trees.
  let first = directLoss(one.predictRaw(data))
  let second = directLoss(two.predictRaw(data))
  #expect(abs(one.trainingLoss[0] - first) <= 1e-12 * first)
  #expect(abs(two.trainingLoss[1] - second) <= 1e-12 * second)
}

/// Large enough (100k rows) for the fit to grow subtrees as separate tasks on the spinning helpers: the model,
/// node numbering included, and its predictions are still identical with 1 and 2 threads.
@Test func boostingWithSubtreeTasksIsIdenticalWithOneAndTwoThreads() throws {
  let data = TreeTestData.synthetic(rows: 100_000, seed: 21)
  let parameters = GradientBoostingParameters(rounds: 6, maxDepth: 6, seed: 9)
  let one = try GradientBoostingModel.fit(data, task: .classification, parameters: parameters, threads: 1)
  let two = try GradientBoostingModel.fit(data, task: .classification, parameters: parameters, threads: 2)
  #expect(one == two)
  #expect(one.trees.allSatisfy { $0.leafCount > 16 })
  #expect(one.predictRaw(data, threads: 1).map(\.bitPattern) == two.predictRaw(data, threads: 2).map(\.bitPattern))
  #expect(TreeTestData.modelFileBytes(one, data) == TreeTestData.modelFileBytes(two, data))
}
