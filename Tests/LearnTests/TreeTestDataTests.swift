import Foundation
import Testing
@testable import Learn
import WorkbenchCore

/// Small helpers for the tree-model tests: synthetic data, a tiny CSV reader and a rank-based ROC AUC.
enum TreeTestData {
  /// The model file bytes of `model` trained on `data` (what determinism tests compare).
  static func modelFileBytes<Model: PersistableModel>(_ model: Model, _ data: Dataset) -> [UInt8] {
    ModelFile(model: model, featureNames: data.featureNames, isCategorical: data.isCategorical).encoded()
  }

  /// Reads a numeric CSV with a header; the last column is the target.
  static func readCSV(_ url: URL) throws -> Dataset {
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline)
    let header = lines.removeFirst().split(separator: ",").map(String.init)
    var columns = [[Double]](repeating: [], count: header.count)
    for line in lines {
      let cells = line.split(separator: ",", omittingEmptySubsequences: false)
      for (j, c) in cells.enumerated() where j < header.count { columns[j].append(Double(c) ?? .nan) }
    }
    let target = columns.removeLast()
    return Dataset(featureNames: Array(header.dropLast()), features: columns, target: target)
  }

  /// ROC AUC via the Mann–Whitney statistic with mid-ranks for ties.
  static func auc(_ scores: [Double], _ labels: [Double]) -> Double {
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var ranks = [Double](repeating: 0, count: scores.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
      let r = Double(i + j) / 2 + 1
      for k in i...j { ranks[order[k]] = r }
      i = j + 1
    }
    let positives = labels.filter { $0 == 1 }.count
    let negatives = labels.count - positives
    let sum = zip(ranks, labels).filter { $0.1 == 1 }.map(\.0).reduce(0, +)
    return (sum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
  }

  /// Noisy binary data: y = 1 when x0 + 0.5·x1 + noise > 0; x2 is pure noise; some x1 missing.
  static func synthetic(rows: Int, seed: UInt64, missing: Bool = true) -> Dataset {
    var g = SeededGenerator(seed: seed)
    var x0: [Double] = [], x1: [Double] = [], x2: [Double] = [], y: [Double] = []
    for _ in 0..<rows {
      let a = g.nextGaussian(), b = g.nextGaussian(), c = g.nextGaussian()
      x0.append(a); x1.append(missing && g.nextDouble() < 0.1 ? .nan : b); x2.append(c)
      y.append(a + 0.5 * b + 0.8 * g.nextGaussian() > 0 ? 1 : 0)
    }
    return Dataset(featureNames: ["x0", "x1", "x2"], features: [x0, x1, x2], target: y)
  }
}

@Test func aucHelperMatchesHandComputedValue() {
  #expect(TreeTestData.auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75)
}
