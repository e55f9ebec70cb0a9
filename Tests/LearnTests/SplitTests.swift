import Foundation
import Learn
import Testing
import TestSupport
import WorkbenchCore

@Suite struct SplitTests {
  static func labels(positives: Int, negatives: Int) -> [Double] {
    // Interleaved so that class membership does not follow row order.
    var rng = SeededGenerator(seed: 7)
    var y = [Double](repeating: 1, count: positives) + [Double](repeating: 0, count: negatives)
    rng.shuffle(&y)
    return y
  }

  @Test func trainTestSizesFollowScikitLearnRounding() throws {
    for (n, fraction) in [(1000, 0.2), (10, 0.25), (7, 0.5), (101, 0.3)] {
      let split = try Split.trainTest(rowCount: n, testFraction: fraction, seed: 1)
      let expectedTest = Int((fraction * Double(n)).rounded(.up))
      #expect(split.test.count == expectedTest)
      #expect(split.train.count == n - expectedTest)
      #expect(Set(split.train + split.test) == Set(0..<n))
      #expect(Set(split.train).isDisjoint(with: split.test))
    }
  }

  @Test func sameSeedSameSplitDifferentSeedDifferentSplit() throws {
    let y = Self.labels(positives: 440, negatives: 560)
    let a = try Split.trainTest(rowCount: 1000, testFraction: 0.2, stratifyBy: y, seed: 42)
    let b = try Split.trainTest(rowCount: 1000, testFraction: 0.2, stratifyBy: y, seed: 42)
    let c = try Split.trainTest(rowCount: 1000, testFraction: 0.2, stratifyBy: y, seed: 43)
    #expect(a == b)
    #expect(a != c)
    #expect(try Split.kFold(rowCount: 50, k: 5, seed: 3) == Split.kFold(rowCount: 50, k: 5, seed: 3))
    #expect(try Split.stratifiedKFold(labels: y, k: 5, seed: 3) == Split.stratifiedKFold(labels: y, k: 5, seed: 3))
  }

  @Test(.needsPython("anchors")) func stratifiedClassCountsMatchScikitLearn() throws {
    let python = try #require(try Oracles.python("anchors"))
    let cases = [(440, 560, 0.2), (7, 13, 0.25), (30, 970, 0.1), (50, 51, 0.33), (4170, 5830, 0.2)]
    let code = """
      import sys, json, numpy as np
      from sklearn.model_selection import train_test_split
      out = []
      for pos, neg, f in json.loads(sys.argv[1]):
          y = np.array([1] * pos + [0] * neg)
          tr, te = train_test_split(y, test_size=f, stratify=y, random_state=0)
          out.append([int(te.sum()), int(len(te) - te.sum()), int(tr.sum()), int(len(tr) - tr.sum())])
      print(json.dumps(out))
      """
    let argument = "[" + cases.map { "[\($0.0), \($0.1), \($0.2)]" }.joined(separator: ",") + "]"
    let reference = try JSONDecoder().decode([[Int]].self, from: Data(try runPython(python, code, arguments: [argument]).utf8))
    for ((pos, neg, fraction), expected) in zip(cases, reference) {
      let y = Self.labels(positives: pos, negatives: neg)
      let split = try Split.trainTest(rowCount: y.count, testFraction: fraction, stratifyBy: y, seed: 0)
      let testPositives = split.test.filter { y[$0] == 1 }.count
      let trainPositives = split.train.filter { y[$0] == 1 }.count
      #expect([testPositives, split.test.count - testPositives, trainPositives, split.train.count - trainPositives] == expected,
              "\(pos)/\(neg) at \(fraction)")
    }
  }

  @Test func testFractionLeavingAClassEmptyIsAnError() {
    let y = Self.labels(positives: 2, negatives: 98)
    let error = #expect(throws: SplitError.self) {
      try Split.trainTest(rowCount: 100, testFraction: 0.01, stratifyBy: y, seed: 1)
    }
    #expect(error?.description.contains("class") == true)
    #expect(throws: SplitError.self) { try Split.trainTest(rowCount: 100, testFraction: 1.2, seed: 1) }
    #expect(throws: SplitError.self) { try Split.trainTest(rowCount: 1, testFraction: 0.5, seed: 1) }
    #expect(throws: SplitError.self) {
      try Split.trainTest(rowCount: 3, testFraction: 0.5, stratifyBy: [0, 0, 1], seed: 1)
    }
    #expect(throws: SplitError.self) {
      try Split.trainTest(rowCount: 2, testFraction: 0.5, stratifyBy: [0, .nan], seed: 1)
    }
  }

  @Test func kFoldPartitionsRows() throws {
    let folds = try Split.kFold(rowCount: 23, k: 5, seed: 9)
    #expect(folds.map(\.test.count) == [5, 5, 5, 4, 4])
    #expect(folds.flatMap(\.test).sorted() == Array(0..<23))
    for fold in folds {
      #expect(fold.train.count + fold.test.count == 23)
      #expect(Set(fold.train).isDisjoint(with: fold.test))
    }
    let unshuffled = try Split.kFold(rowCount: 10, k: 3, shuffle: false)
    #expect(unshuffled.map(\.test) == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]])
    #expect(throws: SplitError.self) { try Split.kFold(rowCount: 3, k: 4) }
    #expect(throws: SplitError.self) { try Split.kFold(rowCount: 3, k: 1) }
  }

  @Test func stratifiedKFoldKeepsProportions() throws {
    let y = Self.labels(positives: 44, negatives: 56)
    let folds = try Split.stratifiedKFold(labels: y, k: 5, seed: 1)
    #expect(folds.flatMap(\.test).sorted() == Array(0..<100))
    for fold in folds {
      let positives = fold.test.filter { y[$0] == 1 }.count
      #expect(fold.test.count == 20)
      #expect((8...9).contains(positives))
    }
    #expect(throws: SplitError.self) { try Split.stratifiedKFold(labels: Self.labels(positives: 3, negatives: 50), k: 4) }
  }

  @Test func groupKFoldNeverSplitsAGroup() throws {
    var rng = SeededGenerator(seed: 11)
    let groups = (0..<500).map { _ in rng.nextInt(below: 37) }
    let folds = try Split.groupKFold(groups: groups, k: 5)
    #expect(folds.flatMap(\.test).sorted() == Array(0..<500))
    for fold in folds {
      let testGroups = Set(fold.test.map { groups[$0] }), trainGroups = Set(fold.train.map { groups[$0] })
      #expect(testGroups.isDisjoint(with: trainGroups))
    }
    let sizes = folds.map(\.test.count)
    #expect(sizes.max()! - sizes.min()! <= 30)
    #expect(try Split.groupKFold(groups: groups, k: 5) == folds)
    #expect(throws: SplitError.self) { try Split.groupKFold(groups: [1, 1, 2, 2], k: 3) }
  }
}

@Suite struct SplitCrossValidationTests {
  @Test func crossValidatesLogisticRegressionDeterministically() throws {
    let data = LogisticRegressionTests.synthetic(rows: 400, seed: 6)
    let folds = try Split.stratifiedKFold(labels: data.target, k: 4, seed: 42)
    let run = {
      try Split.crossValidate(data, folds: folds) { train, test in
        let model = try LogisticRegression.fit(train, options: .init(C: 1, standardize: true))
        return try Metrics.rocAUC(truth: test.target, score: model.predictProbability(test))
      }
    }
    let result = try run()
    #expect(result.scores.count == 4)
    #expect(result.mean > 0.7)
    #expect(result == (try run()))
    #expect(throws: SplitError.self) {
      try Split.crossValidate(data, folds: [IndexSplit(train: [0], test: [400])]) { _, _ in 0 }
    }
  }
}
