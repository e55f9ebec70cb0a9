/// Sums tree outputs over rows (tree order fixed per row, rows split in fixed blocks → thread-count independent).
enum TreeEnsemblePrediction {
  static func sum(trees: [DecisionTree], features: [[Double]], rowCount n: Int, base: Double, scale: Double,
                  threads: Int) -> [Double] {
    var out = [Double](repeating: 0, count: n)
    let blockSize = 4096
    let blocks = (n + blockSize - 1) / blockSize
    withColumnPointers(features) { cols in
      let columns = UncheckedBox(cols)
      out.withUnsafeMutableBufferPointer { buffer in
        let o = UncheckedBox(buffer)
        TreeParallel.forEach(blocks, threads: threads) { b in
          let lo = b * blockSize, hi = min(n, lo + blockSize)
          for tree in trees {
            for i in lo..<hi { o.value[i] += tree.value[tree.leaf(columns: columns.value, row: i)] }
          }
          for i in lo..<hi { o.value[i] = base + scale * o.value[i] }
        }
      }
    }
    return out
  }
}
