import Learn
import Testing
import WorkbenchCore

@Suite struct ImportanceTests {
  @Test func informativeFeatureMattersAndResultsAreSeeded() throws {
    var data = LogisticRegressionTests.synthetic(rows: 600, seed: 4)
    var rng = SeededGenerator(seed: 8)
    data.featureNames.append("noise")
    data.features.append((0..<600).map { _ in rng.nextGaussian() })
    data.isCategorical.append(false)
    let model = try LogisticRegression.fit(data)
    let run = {
      try PermutationImportance.compute(
        data: data, repeats: 4, seed: 42, predict: { model.predictProbability($0) },
        score: { try Metrics.rocAUC(truth: $0, score: $1) })
    }
    let first = try run(), second = try run()
    #expect(first == second)
    #expect(first.map(\.feature) == ["a", "b", "noise"])
    #expect(first[0].mean > 0.05)
    #expect(abs(first[2].mean) < 0.02)
    #expect(first.allSatisfy { $0.drops.count == 4 && $0.standardDeviation >= 0 })
  }

  @Test func rejectsUnlabelledData() {
    let data = Dataset(featureNames: ["a"], features: [[1, 2]])
    #expect(throws: ValidationError.self) {
      try PermutationImportance.compute(data: data, seed: 1, predict: { $0.features[0] }, score: { _, _ in 0 })
    }
  }
}
