import WorkbenchCore

/// Centred cross-product sums Σ(xᵢ − x̄ᵢ)(xⱼ − x̄ⱼ) of several equal-length, NaN-free columns, computed
/// in one blocked pass: rows are processed 2048 at a time, centred into a small buffer that stays in cache,
/// and every pair's block sum (8 SIMD lanes) is added to a compensated total. Memory is read once whatever
/// the number of pairs.
struct CrossProducts {
  let k: Int
  /// Upper-triangular (i ≤ j) sums, row-major.
  private var sums: [Double]

  init(_ columns: [[Double]]) {
    k = columns.count
    sums = [Double](repeating: 0, count: k * k)
    guard k > 0, let n = columns.first?.count, n > 0 else { return }
    let means = columns.map { c in c.withUnsafeBufferPointer { PairwiseSum.sum($0) } / Double(n) }
    let block = 2048
    var buffer = [Double](repeating: 0, count: k * block)
    var totals = [CompensatedSum](repeating: CompensatedSum(), count: k * k)
    var start = 0
    while start < n {
      let length = Swift.min(block, n - start)
      buffer.withUnsafeMutableBufferPointer { b in
        for c in 0..<k {
          let m = means[c]
          columns[c].withUnsafeBufferPointer { src in
            for r in 0..<length { b[c * block + r] = src[start + r] - m }
          }
        }
        guard let base = b.baseAddress else { return }
        for i in 0..<k {
          for j in i..<k {
            totals[i * k + j].add(Self.blockDot(base + i * block, base + j * block, length))
          }
        }
      }
      start += length
    }
    for i in 0..<(k * k) { sums[i] = totals[i].value }
  }

  /// Σ a[r]·b[r] over one block in 8 SIMD lanes.
  @inline(__always)
  static func blockDot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var acc0 = SIMD8<Double>(), acc1 = SIMD8<Double>()
    var r = 0
    while r + 16 <= n {
      acc0 += ra.loadUnaligned(fromByteOffset: r * 8, as: SIMD8<Double>.self) * rb.loadUnaligned(fromByteOffset: r * 8, as: SIMD8<Double>.self)
      acc1 += ra.loadUnaligned(fromByteOffset: (r + 8) * 8, as: SIMD8<Double>.self) * rb.loadUnaligned(fromByteOffset: (r + 8) * 8, as: SIMD8<Double>.self)
      r += 16
    }
    var total = (acc0 + acc1).sum()
    while r < n {
      total += a[r] * b[r]
      r += 1
    }
    return total
  }

  func sum(_ i: Int, _ j: Int) -> Double { i <= j ? sums[i * k + j] : sums[j * k + i] }

  /// Pearson's r of columns i and j (NaN when either has zero variance).
  func correlation(_ i: Int, _ j: Int) -> Double {
    let sxx = sum(i, i), syy = sum(j, j)
    let divisor = (sxx * syy).squareRoot()
    return divisor != 0 ? sum(i, j) / divisor : .nan
  }
}
