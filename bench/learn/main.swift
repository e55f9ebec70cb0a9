// Benchmark driver for the Learn tree models (built in release mode by bench/learn/run.sh).
// Usage: learn-bench TRAIN_CSV TEST_CSV [SCALING_CSV]
// Prints one JSON object per measurement: whole fit (binning included) on 2 threads, test AUC.
import Foundation
import Learn

func readCSV(_ path: String) throws -> Dataset {
  let data = try Data(contentsOf: URL(fileURLWithPath: path))
  var columns: [[Double]] = []
  var names: [String] = []
  data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
    let bytes = raw.bindMemory(to: UInt8.self)
    var i = 0
    var header = ""
    while i < bytes.count && bytes[i] != 10 { header.append(Character(UnicodeScalar(bytes[i]))); i += 1 }
    i += 1
    names = header.split(separator: ",").map(String.init)
    columns = Array(repeating: [], count: names.count)
    var field = [CChar](repeating: 0, count: 64)
    var j = 0, k = 0
    while i < bytes.count {
      let b = bytes[i]
      if b == 44 || b == 10 {
        field[k] = 0
        columns[j].append(k == 0 ? .nan : strtod(field, nil))
        k = 0
        j = b == 10 ? 0 : j + 1
      } else if b != 13, k < 63 {
        field[k] = CChar(bitPattern: b); k += 1
      }
      i += 1
    }
  }
  let target = columns.removeLast()
  return Dataset(featureNames: Array(names.dropLast()), features: columns, target: target)
}

func auc(_ scores: [Double], _ labels: [Double]) -> Double {
  let order = scores.indices.sorted { scores[$0] < scores[$1] }
  var rankSum = 0.0, i = 0
  while i < order.count {
    var j = i
    while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
    let r = Double(i + j) / 2 + 1
    for k in i...j where labels[order[k]] == 1 { rankSum += r }
    i = j + 1
  }
  let p = Double(labels.filter { $0 == 1 }.count), n = Double(labels.count) - p
  return (rankSum - p * (p + 1) / 2) / (p * n)
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
func r(_ x: Double, _ digits: Double) -> Double { (x * digits).rounded() / digits }

let args = CommandLine.arguments
let threads = 2
let train = try readCSV(args[1]), test = try readCSV(args[2])
let clock = ContinuousClock()
let xgbLike = GradientBoostingParameters(rounds: 100, learningRate: 0.1, maxDepth: 6)
let lgbLike = GradientBoostingParameters.lightGBM(rounds: 100, learningRate: 0.1, leaves: 31)
let forestParameters = RandomForestParameters(treeCount: 100, maxDepth: 12, seed: 42)

var boosting: GradientBoostingModel? = nil
let tBoost = clock.measure { boosting = try! GradientBoostingModel.fit(train, task: .classification, parameters: xgbLike, threads: threads) }
print("{\"model\": \"workbench_boosting_depth6\", \"fit_seconds\": \(r(seconds(tBoost), 1000)), \"auc\": \(r(auc(boosting!.predictProbability(test), test.target), 10000))}")
var leafWise: GradientBoostingModel? = nil
let tLeaf = clock.measure { leafWise = try! GradientBoostingModel.fit(train, task: .classification, parameters: lgbLike, threads: threads) }
print("{\"model\": \"workbench_boosting_31_leaves\", \"fit_seconds\": \(r(seconds(tLeaf), 1000)), \"auc\": \(r(auc(leafWise!.predictProbability(test), test.target), 10000))}")
var forest: RandomForestModel? = nil
let tForest = clock.measure { forest = try! RandomForestModel.fit(train, task: .classification, parameters: forestParameters, threads: threads) }
print("{\"model\": \"workbench_random_forest\", \"fit_seconds\": \(r(seconds(tForest), 1000)), \"auc\": \(r(auc(forest!.predict(test, threads: threads), test.target), 10000))}")

if args.count > 3 {
  let big = try readCSV(args[3])
  for rows in [50_000, 100_000, 200_000, 500_000, 1_000_000] where rows <= big.rowCount {
    let part = big.subset(Array(0..<rows))
    let b = clock.measure { _ = try! GradientBoostingModel.fit(part, task: .classification, parameters: xgbLike, threads: threads) }
    let f = clock.measure { _ = try! RandomForestModel.fit(part, task: .classification, parameters: forestParameters, threads: threads) }
    print("{\"scaling\": \"workbench\", \"rows\": \(rows), \"boosting_seconds\": \(r(seconds(b), 1000)), \"forest_seconds\": \(r(seconds(f), 1000))}")
  }
}
