import Testing
@testable import Learn
import WorkbenchCore

@Test func fewDistinctValuesGetOneBinEachWithMidpointEdges() throws {
  let binner = try FeatureBinner.fit(features: [[3, 1, 2, 2, .nan, 1]], isCategorical: [false])
  #expect(binner.upperEdges[0] == [1.5, 2.5])
  #expect(binner.valueBinCounts[0] == 3)
  let m = try binner.transform([[3, 1, 2, 2, .nan, 1]])
  #expect(m.bins == [2, 0, 1, 1, 3, 0])
  #expect(binner.bin(.infinity, feature: 0) == 2)
  #expect(binner.bin(-.infinity, feature: 0) == 0)
}

@Test func manyDistinctValuesGetQuantileEdges() throws {
  let values = (0..<10_000).map { Double($0) }
  let binner = try FeatureBinner.fit(features: [values], isCategorical: [false], maxBins: 10)
  #expect(binner.valueBinCounts[0] == 10)
  let m = try binner.transform([values])
  var counts = [Int](repeating: 0, count: 11)
  for b in m.bins { counts[Int(b)] += 1 }
  #expect(counts[0..<10].allSatisfy { $0 == 1000 })
  #expect(counts[10] == 0)
}

@Test func categoricalCodesMapToBinsAndUnseenCodesToMissing() throws {
  let binner = try FeatureBinner.fit(features: [[0, 4, 2, .nan]], isCategorical: [true])
  #expect(binner.valueBinCounts[0] == 5)
  #expect(try binner.transform([[0, 4, 2, .nan, 7, 1.5]]).bins == [0, 4, 2, 5, 5, 5])
  #expect(throws: TreeModelError.self) { try FeatureBinner.fit(features: [[0, 1.5]], isCategorical: [true]) }
  #expect(throws: TreeModelError.self) { try FeatureBinner.fit(features: [[0, 300]], isCategorical: [true]) }
}

@Test func subsampledBinningIsDeterministicForASeed() throws {
  var g = SeededGenerator(seed: 1)
  let values = (0..<5_000).map { _ in g.nextGaussian() }
  let a = try FeatureBinner.fit(features: [values], isCategorical: [false], sampleSize: 1_000, seed: 7)
  let b = try FeatureBinner.fit(features: [values], isCategorical: [false], sampleSize: 1_000, seed: 7)
  #expect(a == b)
  #expect(a.valueBinCounts[0] == 255)
  #expect(try a.transform([values], threads: 1) == (try a.transform([values], threads: 2)))
}

@Test func emptyDataBinsToAnEmptyMatrix() throws {
  let binner = try FeatureBinner.fit(features: [[1, 2, 3]], isCategorical: [false])
  let m = try binner.transform([[]])
  #expect(m.rowCount == 0 && m.bins.isEmpty)
  #expect(throws: TreeModelError.self) { try binner.transform([[1], [2]]) }
}
