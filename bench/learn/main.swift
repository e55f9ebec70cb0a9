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

#if canImport(Glibc)
let RUSAGE_SELF_ID = __rusage_who_t(RUSAGE_SELF.rawValue)
#else
let RUSAGE_SELF_ID = RUSAGE_SELF
#endif

/// Process CPU time (user + system, all threads) in seconds.
func cpuSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF_ID, &usage)
  return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

/// Best wall and CPU time of `repeats` runs of `fit`, and the last fitted value.
func measure<T>(_ repeats: Int, _ fit: () throws -> T) rethrows -> (wall: Double, cpu: Double, value: T) {
  var best = Double.infinity, bestCPU = Double.infinity
  var value: T? = nil
  let clock = ContinuousClock()
  for _ in 0..<max(repeats, 1) {
    let c0 = cpuSeconds()
    let t0 = clock.now
    value = try fit()
    best = min(best, seconds(clock.now - t0))
    bestCPU = min(bestCPU, cpuSeconds() - c0)
  }
  return (best, bestCPU, value!)
}

let args = CommandLine.arguments
let threads = Int(ProcessInfo.processInfo.environment["THREADS"] ?? "2") ?? 2
let repeats = Int(ProcessInfo.processInfo.environment["REPEAT"] ?? "3") ?? 3
let train = try readCSV(args[1]), test = try readCSV(args[2])
let xgbLike = GradientBoostingParameters(rounds: 100, learningRate: 0.1, maxDepth: 6)
let lgbLike = GradientBoostingParameters.lightGBM(rounds: 100, learningRate: 0.1, leaves: 31)
let forestParameters = RandomForestParameters(treeCount: 100, maxDepth: 12, seed: 42)

func report(_ name: String, _ m: (wall: Double, cpu: Double, value: [Double])) {
  print("{\"model\": \"\(name)\", \"fit_seconds\": \(r(m.wall, 1000)), \"cpu_seconds\": \(r(m.cpu, 1000)), \"auc\": \(r(auc(m.value, test.target), 10000))}")
}
/// MODELS=boosting,leaves,forest (default all) picks which fits run, e.g. to profile one of them.
let models = Set((ProcessInfo.processInfo.environment["MODELS"] ?? "boosting,leaves,forest").split(separator: ",").map(String.init))
if models.contains("boosting") {
let boost = try measure(repeats) { try GradientBoostingModel.fit(train, task: .classification, parameters: xgbLike, threads: threads) }
report("workbench_boosting_depth6", (boost.wall, boost.cpu, boost.value.predictProbability(test)))
}
if models.contains("leaves") {
let leaf = try measure(repeats) { try GradientBoostingModel.fit(train, task: .classification, parameters: lgbLike, threads: threads) }
report("workbench_boosting_31_leaves", (leaf.wall, leaf.cpu, leaf.value.predictProbability(test)))
}
if models.contains("forest") {
let forest = try measure(repeats) { try RandomForestModel.fit(train, task: .classification, parameters: forestParameters, threads: threads) }
report("workbench_random_forest", (forest.wall, forest.cpu, forest.value.predict(test, threads: threads)))
}

if args.count > 3 {
  let big = try readCSV(args[3])
  for rows in [50_000, 100_000, 200_000, 500_000, 1_000_000] where rows <= big.rowCount {
    let part = big.subset(Array(0..<rows))
    let b = try measure(1) { try GradientBoostingModel.fit(part, task: .classification, parameters: xgbLike, threads: threads) }
    let f = try measure(1) { try RandomForestModel.fit(part, task: .classification, parameters: forestParameters, threads: threads) }
    print("{\"scaling\": \"workbench\", \"rows\": \(rows), \"boosting_seconds\": \(r(b.wall, 1000)), \"boosting_cpu_seconds\": \(r(b.cpu, 1000)), \"forest_seconds\": \(r(f.wall, 1000)), \"forest_cpu_seconds\": \(r(f.cpu, 1000))}")
  }
}
