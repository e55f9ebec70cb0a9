// Benchmark driver for the Stats library (built in release by bench/stats/run.sh).
// Reads the inputs written by peers.py, times describe / correlation / drift, prints one JSON line.
import Foundation
import Stats

let numeric = ["LOC_X", "LOC_Y", "SHOT_DISTANCE", "QUARTER", "MINS_LEFT", "SECS_LEFT", "SHOT_MADE"]
let driftNumeric = ["LOC_X", "LOC_Y", "SHOT_DISTANCE", "SECONDS_LEFT", "QUARTER", "SHOT_MADE"]
let driftCategorical = ["SHOT_TYPE", "BASIC_ZONE", "ZONE_RANGE", "ACTION_TYPE"]

let arguments = CommandLine.arguments
guard arguments.count >= 3, let repeats = Int(arguments[2]) else {
  FileHandle.standardError.write(Data("usage: stats-bench DATA_FOLDER REPEATS\n".utf8))
  exit(2)
}
let folder = URL(fileURLWithPath: arguments[1])

func doubles(_ path: String) throws -> [Double] {
  let data = try Data(contentsOf: folder.appendingPathComponent(path))
  return data.withUnsafeBytes { raw in
    (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
  }
}

func strings(_ path: String) throws -> [String?] {
  let text = try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
  return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0 == "\u{1}" ? nil : String($0) }
}

/// Process CPU seconds (all threads).
func cpuSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Best wall time and best CPU time of `repeats` runs, in seconds (recorded under `name`), and the last result.
var cpuTimes: [String: Double] = [:]
@MainActor func best<T>(_ name: String, _ repeats: Int, _ body: () throws -> T) rethrows -> (Double, T) {
  var bestTime = Double.infinity, bestCPU = Double.infinity
  var result: T? = nil
  for _ in 0..<max(repeats, 1) {
    let start = DispatchTime.now().uptimeNanoseconds
    let cpu = cpuSeconds()
    result = try body()
    bestCPU = min(bestCPU, cpuSeconds() - cpu)
    bestTime = min(bestTime, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  cpuTimes[name] = bestCPU
  return (bestTime, result!)
}

func json(_ x: Double) -> Any { x.isFinite ? x : NSNull() }

var out: [String: Any] = [:]
let columns = try numeric.map { try doubles("describe/\($0).f64") }
out["describe_rows"] = columns[0].count
let (describeTime, profiles) = try best("describe_swift", repeats) { try NumericProfile.profiles(columns, names: numeric) }
out["describe_swift"] = describeTime
var values: [String: Any] = [:]
for (name, p) in zip(numeric, profiles) {
  values[name] = ["mean": json(p.mean), "std": json(p.std), "p1": json(p.p1), "median": json(p.median), "p99": json(p.p99), "skew": json(p.skew), "kurtosis": json(p.kurtosis)]
}
out["describe_values"] = values
let (pearsonTime, pearson) = try best("pearson_swift", repeats) { try Correlation.matrix(columns, method: .pearson) }
let (spearmanTime, spearman) = try best("spearman_swift", max(1, repeats / 2)) { try Correlation.matrix(columns, method: .spearman) }
out["pearson_swift"] = pearsonTime
out["spearman_swift"] = spearmanTime
out["pearson_values"] = pearson.map { $0.map(json) }
out["spearman_values"] = spearman.map { $0.map(json) }

// Drift: the load is outside the timed region, as for the Python peers.
var reference: [(String, DriftColumn)] = [], current: [(String, DriftColumn)] = []
for c in driftNumeric {
  reference.append((c, .numerical(try doubles("drift/ref_\(c).f64"))))
  current.append((c, .numerical(try doubles("drift/cur_\(c).f64"))))
}
for c in driftCategorical {
  reference.append((c, .categorical(try strings("drift/ref_\(c).txt"))))
  current.append((c, .categorical(try strings("drift/cur_\(c).txt"))))
}
out["drift_rows"] = [reference[0].1.count, current[0].1.count]
let pairs = zip(reference, current).map { r, c in Drift.ColumnPair(name: r.0, reference: r.1, current: c.1) }
let (driftTime, driftResults) = try best("drift_swift", repeats) { try Drift.evaluateAll(pairs) }
let drift = zip(pairs.map(\.name), driftResults).map { ($0, $1) }
out["drift_swift"] = driftTime
var driftValues: [String: Any] = [:]
for (name, r) in drift { driftValues[name] = [r.test.rawValue, json(r.score), r.drifted] }
out["drift_values"] = driftValues
let (ksTime, _) = try best("drift_swift_ks_wasserstein", repeats) {
  try driftNumeric.indices.map { i -> (Double, Double) in
    guard case .numerical(let a) = reference[i].1, case .numerical(let b) = current[i].1 else { return (.nan, .nan) }
    let ks = try KolmogorovSmirnov.test(a, b)
    let w = DriftStatistics.wassersteinDistance(sorted: RadixSort.sortedDroppingNaN(a).sorted, sorted: RadixSort.sortedDroppingNaN(b).sorted)
    return (ks.pValue, w)
  }
}
out["drift_swift_ks_wasserstein"] = ksTime

out["cpu"] = cpuTimes
out["threads"] = ProcessInfo.processInfo.activeProcessorCount
let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
print(String(decoding: data, as: UTF8.self))

extension DriftColumn {
  var count: Int {
    switch self {
    case .numerical(let v), .categoricalNumbers(let v): return v.count
    case .categorical(let v): return v.count
    }
  }
}
