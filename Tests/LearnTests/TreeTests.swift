import Testing
@testable import Learn
import WorkbenchCore

@Test func pureTargetGivesASingleLeaf() throws {
  let data = Dataset(featureNames: ["a"], features: [[1, 2, 3, 4]], target: [1, 1, 1, 1])
  let model = try DecisionTreeModel.fit(data, task: .classification)
  #expect(model.tree.nodeCount == 1)
  #expect(model.predictProbability(data) == [1, 1, 1, 1])
}

@Test func perfectlySeparableDataIsClassifiedExactly() throws {
  let x: [Double] = (0..<100).map { Double($0) }
  let y: [Double] = x.map { $0 >= 37 ? 1 : 0 }
  let noise: [Double] = x.map { Double((Int($0) * 7919) % 13) }
  let data = Dataset(featureNames: ["noise", "x"], features: [noise, x], target: y)
  let model = try DecisionTreeModel.fit(data, task: .classification)
  #expect(model.predictProbability(data) == y)
  #expect(model.tree.feature[0] == 1)
  #expect(model.tree.threshold[0] == 36.5)
  #expect(model.featureImportance == [0, 1])
}

@Test func regressionTreeFitsAStepFunctionAndRespectsLimits() throws {
  let x: [Double] = (0..<200).map { Double($0) }
  let y: [Double] = x.map { $0 < 50 ? 1 : ($0 < 120 ? 5 : -2) }
  let data = Dataset(featureNames: ["x"], features: [x], target: y)
  let model = try DecisionTreeModel.fit(data, task: .regression)
  #expect(model.predict(data) == y)
  #expect(model.tree.leafCount == 3)
  let stump = try DecisionTreeModel.fit(data, task: .regression, parameters: .init(maxDepth: 1))
  #expect(stump.tree.leafCount == 2)
  let big = try DecisionTreeModel.fit(data, task: .regression, parameters: .init(minSamplesLeaf: 90))
  #expect(big.tree.leafCount == 2)
}

@Test func missingValuesLearnTheirDirection() throws {
  // Missing x behaves like large x (target 1): the split must send NaN right.
  let x: [Double] = [1, 2, 3, 4, 10, 11, 12, .nan, .nan, .nan]
  let y: [Double] = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
  let data = Dataset(featureNames: ["x"], features: [x], target: y)
  let model = try DecisionTreeModel.fit(data, task: .classification)
  #expect(model.predictProbability(data) == y)
  #expect(model.tree.missingLeft[0] == false)
}

@Test func categoricalSplitFindsTheRightPartition() throws {
  // Categories {1, 4, 6} are mostly made, the others mostly missed: one categorical split separates them.
  var g = SeededGenerator(seed: 3)
  var code: [Double] = [], y: [Double] = []
  for _ in 0..<2_000 {
    let c = g.nextInt(below: 8)
    code.append(Double(c))
    let p = [1, 4, 6].contains(c) ? 0.9 : 0.1
    y.append(g.nextDouble() < p ? 1 : 0)
  }
  let data = Dataset(featureNames: ["zone"], features: [code], isCategorical: [true], target: y)
  let model = try DecisionTreeModel.fit(data, task: .classification, parameters: .init(maxDepth: 1))
  let tree = model.tree
  #expect(tree.categorySlot[0] == 0)
  let words = tree.categoryWords[0..<4]
  let left = (0..<8).filter { words[words.startIndex + $0 >> 6] & (1 << UInt64($0 & 63)) != 0 }
  #expect(left == [1, 4, 6] || left == [0, 2, 3, 5, 7])
  let boosted = try GradientBoostingModel.fit(data, task: .classification,
                                              parameters: .init(rounds: 1, maxDepth: 1, lambda: 0, categorySmoothing: 0))
  let bw = boosted.trees[0].categoryWords[0..<4]
  let bl = (0..<8).filter { bw[bw.startIndex + $0 >> 6] & (1 << UInt64($0 & 63)) != 0 }
  #expect(bl == [1, 4, 6] || bl == [0, 2, 3, 5, 7])
  // An unseen category (9) and a missing value go right.
  let probe = Dataset(featureNames: ["zone"], features: [[9, .nan]])
  let right = tree.value[Int(tree.right[0])]
  #expect(model.predictProbability(probe) == [right, right])
}

@Test func decisionTreeRoundTripsThroughTheModelFile() throws {
  let data = TreeTestData.synthetic(rows: 500, seed: 11)
  let model = try DecisionTreeModel.fit(data, task: .classification, parameters: .init(maxDepth: 5))
  let file = ModelFile(model: model, featureNames: data.featureNames, isCategorical: data.isCategorical)
  let reloaded: DecisionTreeModel = try ModelFile(decoding: file.encoded()).model()
  #expect(reloaded == model)
  #expect(reloaded.predictProbability(data).map(\.bitPattern) == model.predictProbability(data).map(\.bitPattern))
}

@Test func badInputIsAClearError() {
  let data = Dataset(featureNames: ["a"], features: [[1, 2, 3]], target: [0, 2, 1])
  #expect(throws: TreeModelError.self) { try DecisionTreeModel.fit(data, task: .classification) }
  let unlabeled = Dataset(featureNames: ["a"], features: [[1, 2, 3]])
  #expect(throws: TreeModelError.self) { try RandomForestModel.fit(unlabeled, task: .regression) }
  let ok = Dataset(featureNames: ["a"], features: [[1, 2, 3]], target: [0, 1, 1])
  #expect(throws: TreeModelError.self) {
    try RandomForestModel.fit(ok, task: .classification, parameters: .init(maxFeatures: .count(3)))
  }
  #expect(throws: TreeModelError.self) {
    try GradientBoostingModel.fit(ok, task: .classification, parameters: .init(earlyStoppingRounds: 3))
  }
  var r = ByteReader([1, 2, 3])
  #expect(throws: (any Error).self) { try GradientBoostingModel(from: &r) }
}
