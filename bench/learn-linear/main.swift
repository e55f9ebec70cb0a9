// Benchmark driver for Learn's logistic regression (built in release mode by bench/learn-linear/run.sh).
// Usage: learn-linear-bench TRAIN_CSV TEST_CSV [SCALING_CSV]
// Prints one JSON object per measurement: fit seconds (best of 3; validation, standardisation and the design
// matrix included), solver iterations, test AUC (Metrics.rocAUC) and standardised coefficients.
import Foundation
import Learn

/// Numeric CSV with a header; the last column is the target.
func readCSV(_ path: String) throws -> Dataset {
  let data = try Data(contentsOf: URL(fileURLWithPath: path))
  var columns: [[Double]] = []
  var names: [String] = []
  data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
    let bytes = raw.bindMemory(to: UInt8.self)
    var i = 0
    var header: [UInt8] = []
    while i < bytes.count && bytes[i] != 10 { header.append(bytes[i]); i += 1 }
    i += 1
    names = String(decoding: header, as: UTF8.self).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    columns = Array(repeating: [], count: names.count)
    var field = [CChar](repeating: 0, count: 64)
    var j = 0, k = 0
    while i < bytes.count {
      let b = bytes[i]
      if b == 44 || b == 10 {
        field[k] = 0
        if j < columns.count { columns[j].append(k == 0 ? .nan : strtod(field, nil)) }
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

func now() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func json(_ pairs: [(String, String)]) -> String {
  "{" + pairs.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
  FileHandle.standardError.write(Data("usage: learn-linear-bench TRAIN_CSV TEST_CSV [SCALING_CSV]\n".utf8))
  exit(2)
}
let train = try readCSV(arguments[1]), test = try readCSV(arguments[2])
let options = LogisticRegression.Options(penalty: .l2, C: 1, standardize: true, tolerance: 1e-8)

func bestFit(_ data: Dataset, options: LogisticRegression.Options) throws -> (Double, LogisticRegression) {
  var best = Double.infinity
  var model: LogisticRegression?
  for _ in 0..<3 {
    let start = now()
    let m = try LogisticRegression.fit(data, options: options)
    best = min(best, now() - start)
    model = m
  }
  return (best, model!)
}

for (name, penalty, c) in [("workbench_newton_l2", LogisticRegression.Penalty.l2, 1.0), ("workbench_prox_newton_l1", .l1, 1.0)] {
  var o = options
  o.penalty = penalty
  o.C = c
  let (seconds, model) = try bestFit(train, options: o)
  let auc = try Metrics.rocAUC(truth: test.target, score: model.predictProbability(test))
  let coefficients = (model.standardizedCoefficients ?? []).map { String(format: "%.6f", $0) }.joined(separator: ", ")
  print(json([("model", "\"\(name)\""), ("fit_seconds", String(format: "%.4f", seconds)),
              ("n_iter", "\(model.iterations)"), ("converged", "\(model.converged)"),
              ("auc", String(format: "%.6f", auc)), ("coef", "[\(coefficients)]")]))
}

if arguments.count > 3 {
  let big = try readCSV(arguments[3])
  for rows in [50_000, 100_000, 200_000, 500_000, 1_000_000] where rows <= big.rowCount {
    let (seconds, _) = try bestFit(big.subset(Array(0..<rows)), options: options)
    print(json([("scaling", "\"workbench_newton_l2\""), ("rows", "\(rows)"), ("fit_seconds", String(format: "%.4f", seconds))]))
  }
}
