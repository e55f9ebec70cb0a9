/// numpy's pairwise summation (`pairwise_sum_DOUBLE`: blocks of ≤ 128 values summed in 8 lanes, larger
/// ranges split in two at a multiple of 8), so sums — and the pandas means and moments built on them —
/// agree with numpy to the last bit for contiguous float64 data, with error O(ε log n).
///
/// Stats' `MomentSums` runs the same recursion over Σd², Σd³, Σd⁴ (d = x − mean) without materialising them,
/// which is what pandas' `nanvar` / `nanskew` / `nankurt` sum.
public enum PairwiseSum {
  public static let blockSize = 128

  /// Σ values (0 when empty).
  public static func sum(_ values: [Double]) -> Double {
    values.withUnsafeBufferPointer { sum($0) }
  }

  public static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
    guard let base = values.baseAddress else { return 0 }
    return sum(base, values.count)
  }

  public static func sum(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
    if n < 8 {
      var res = 0.0
      for i in 0..<n { res += a[i] }
      return res
    } else if n <= blockSize {
      var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
      var i = 8
      let end = n - n % 8
      while i < end {
        r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
        r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
        i += 8
      }
      var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
      while i < n { res += a[i]; i += 1 }
      return res
    } else {
      var n2 = n / 2
      n2 -= n2 % 8
      return sum(a, n2) + sum(a + n2, n - n2)
    }
  }

  /// Pairwise Σ a[i]·b[i] (numpy's `sum(a * b)`).
  public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    if n < 8 {
      var res = 0.0
      for i in 0..<n { res += a[i] * b[i] }
      return res
    } else if n <= blockSize {
      var r0 = a[0] * b[0], r1 = a[1] * b[1], r2 = a[2] * b[2], r3 = a[3] * b[3]
      var r4 = a[4] * b[4], r5 = a[5] * b[5], r6 = a[6] * b[6], r7 = a[7] * b[7]
      var i = 8
      let end = n - n % 8
      while i < end {
        r0 += a[i] * b[i]; r1 += a[i + 1] * b[i + 1]; r2 += a[i + 2] * b[i + 2]; r3 += a[i + 3] * b[i + 3]
        r4 += a[i + 4] * b[i + 4]; r5 += a[i + 5] * b[i + 5]; r6 += a[i + 6] * b[i + 6]; r7 += a[i + 7] * b[i + 7]
        i += 8
      }
      var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
      while i < n { res += a[i] * b[i]; i += 1 }
      return res
    } else {
      var n2 = n / 2
      n2 -= n2 % 8
      return dot(a, b, n2) + dot(a + n2, b + n2, n - n2)
    }
  }
}

extension PairwiseSum {
  /// Pairwise sum with NaN entries counted as 0 (pandas `putmask(values, mask, 0)` then `sum`), and the
  /// number of non-NaN entries and of exact zeros.
  public static func sumSkippingNaN(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
    if n < 8 {
      var res = 0.0
      for i in 0..<n where !a[i].isNaN { res += a[i] }
      return res
    } else if n <= blockSize {
      let raw = UnsafeRawPointer(a)
      @inline(__always) func lanes(_ i: Int) -> SIMD8<Double> {
        let x = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
        return x.replacing(with: 0, where: x .!= x)
      }
      var r = lanes(0)
      var i = 8
      let end = n - n % 8
      while i < end {
        r += lanes(i)
        i += 8
      }
      var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
      while i < n {
        if !a[i].isNaN { res += a[i] }
        i += 1
      }
      return res
    } else {
      var n2 = n / 2
      n2 -= n2 % 8
      return sumSkippingNaN(a, n2) + sumSkippingNaN(a + n2, n - n2)
    }
  }
}
