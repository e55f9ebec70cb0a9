/// numpy's pairwise summation (`pairwise_sum_DOUBLE`: blocks of ≤ 128 values summed in 8 lanes, larger
/// ranges split in two at a multiple of 8), so sums — and the pandas means and moments built on them —
/// agree with numpy to the last bit for contiguous float64 data, with error O(ε log n).
///
/// `MomentSums` runs the same recursion over Σd², Σd³, Σd⁴ (d = x − mean) without materialising them,
/// which is what pandas' `nanvar` / `nanskew` / `nankurt` sum.
enum PairwiseSum {
  static let blockSize = 128

  static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
    guard let base = values.baseAddress else { return 0 }
    return sum(base, values.count)
  }

  static func sum(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
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
  static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
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

/// Pairwise sums of the 2nd, 3rd and 4th powers of deviations from `mean`; NaN entries contribute 0
/// (pandas zeroes masked deviations before summing, so the block structure is that of the full array).
struct MomentSums {
  var m2 = 0.0, m3 = 0.0, m4 = 0.0

  static func + (l: MomentSums, r: MomentSums) -> MomentSums {
    MomentSums(m2: l.m2 + r.m2, m3: l.m3 + r.m3, m4: l.m4 + r.m4)
  }

  static func compute(_ values: UnsafeBufferPointer<Double>, mean: Double) -> MomentSums {
    guard let base = values.baseAddress else { return MomentSums() }
    return compute(base, values.count, mean)
  }

  @inline(__always) static func deviation(_ x: Double, _ mean: Double) -> Double { x.isNaN ? 0 : x - mean }

  static func compute(_ a: UnsafePointer<Double>, _ n: Int, _ mean: Double) -> MomentSums {
    if n < 8 {
      var s = MomentSums()
      for i in 0..<n {
        let d = deviation(a[i], mean)
        let d2 = d * d
        s.m2 += d2; s.m3 += d2 * d; s.m4 += d2 * d2
      }
      return s
    } else if n <= PairwiseSum.blockSize {
      let raw = UnsafeRawPointer(a)
      let m = SIMD8<Double>(repeating: mean)
      @inline(__always) func lanes(_ i: Int) -> (SIMD8<Double>, SIMD8<Double>, SIMD8<Double>) {
        let x = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
        let d = (x - m).replacing(with: 0, where: x .!= x)
        let d2 = d * d
        return (d2, d2 * d, d2 * d2)
      }
      var (r2, r3, r4) = lanes(0)
      var i = 8
      let end = n - n % 8
      while i < end {
        let (p2, p3, p4) = lanes(i)
        r2 += p2; r3 += p3; r4 += p4
        i += 8
      }
      @inline(__always) func fold(_ r: SIMD8<Double>) -> Double {
        ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
      }
      var s = MomentSums(m2: fold(r2), m3: fold(r3), m4: fold(r4))
      while i < n {
        let d = deviation(a[i], mean)
        let d2 = d * d
        s.m2 += d2; s.m3 += d2 * d; s.m4 += d2 * d2
        i += 1
      }
      return s
    } else {
      var n2 = n / 2
      n2 -= n2 % 8
      return compute(a, n2, mean) + compute(a + n2, n - n2, mean)
    }
  }
}

extension PairwiseSum {
  /// Pairwise sum with NaN entries counted as 0 (pandas `putmask(values, mask, 0)` then `sum`), and the
  /// number of non-NaN entries and of exact zeros.
  static func sumSkippingNaN(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
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
