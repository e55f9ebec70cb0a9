import Testing
@testable import Learn
import WorkbenchCore

@Test func forestIsIdenticalWithOneAndTwoThreads() throws {
  let data = TreeTestData.synthetic(rows: 1_500, seed: 5)
  let parameters = RandomForestParameters(treeCount: 12, maxDepth: 6, seed: 9)
  let one = try RandomForestModel.fit(data, task: .classification, parameters: parameters, threads: 1)
  let two = try RandomForestModel.fit(data, task: .classification, parameters: parameters, threads: 2)
  #expect(one == two)
  #expect(TreeTestData.modelFileBytes(one, data) == TreeTestData.modelFileBytes(two, data))
  #expect(one.predict(data, threads: 1).map(\.bitPattern) == two.predict(data, threads: 2).map(\.bitPattern))
  let other = try RandomForestModel.fit(data, task: .classification, parameters: .init(treeCount: 12, maxDepth: 6, seed: 10))
  #expect(other != one)
}

@Test func forestLearnsAndRoundTripsBitExactly() throws {
  let train = TreeTestData.synthetic(rows: 2_000, seed: 1)
  let test = TreeTestData.synthetic(rows: 1_000, seed: 2)
  let model = try RandomForestModel.fit(train, task: .classification, parameters: .init(treeCount: 30, maxDepth: 8))
  let p = model.predictProbability(test)
  #expect(p.allSatisfy { $0 >= 0 && $0 <= 1 })
  #expect(TreeTestData.auc(p, test.target) > 0.8)
  #expect(model.featureImportance[0] > model.featureImportance[2])
  #expect(abs(model.featureImportance.reduce(0, +) - 1) < 1e-12)
  let file = ModelFile(model: model, featureNames: train.featureNames, isCategorical: train.isCategorical)
  let reloaded: RandomForestModel = try ModelFile(decoding: file.encoded()).model()
  #expect(reloaded.predictProbability(test).map(\.bitPattern) == p.map(\.bitPattern))
}

@Test func regressionForestApproximatesASmoothFunction() throws {
  var g = SeededGenerator(seed: 4)
  let x = (0..<2_000).map { _ in g.nextDouble() * 6 }
  let y = x.map { _sin($0) }
  let data = Dataset(featureNames: ["x"], features: [x], target: y)
  let model = try RandomForestModel.fit(data, task: .regression, parameters: .init(treeCount: 20, minSamplesLeaf: 5))
  let probe = Dataset(featureNames: ["x"], features: [[0.5, 1.5, 3, 4.7]])
  let expected = [0.5, 1.5, 3, 4.7].map { _sin($0) }
  for (a, b) in zip(model.predict(probe), expected) { #expect(abs(a - b) < 0.05) }
}

#if canImport(Glibc)
import Glibc
private func _sin(_ x: Double) -> Double { Glibc.sin(x) }
#else
import Darwin
private func _sin(_ x: Double) -> Double { Darwin.sin(x) }
#endif
