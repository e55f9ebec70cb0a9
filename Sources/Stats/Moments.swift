import Foundation
import WorkbenchCore

/// Central moment sums of non-missing values, computed in two passes as pandas' nanops do.
struct Moments {
  var count: Int
  var zeros = 0
  var mean = Double.nan
  /// Σ(x − mean)², Σ(x − mean)³, Σ(x − mean)⁴.
  var m2 = Double.nan, m3 = Double.nan, m4 = Double.nan

  /// Two passes over `values` (NaN = missing) with numpy's pairwise summation: mean = Σx / n, then the
  /// deviation power sums — exactly the sums pandas' `nanmean` / `nanvar` / `nanskew` / `nankurt` form.
  init(_ values: [Double]) {
    var n = 0, zeroCount = 0
    var total = 0.0
    values.withUnsafeBufferPointer { v in
      for x in v {
        if !x.isNaN { n += 1 }
        if x == 0 { zeroCount += 1 }
      }
      if let base = v.baseAddress { total = PairwiseSum.sumSkippingNaN(base, v.count) }
    }
    count = n
    zeros = zeroCount
    guard n > 0 else { return }
    let mu = total / Double(n)
    mean = mu
    let sums = values.withUnsafeBufferPointer { MomentSums.compute($0, mean: mu) }
    m2 = sums.m2; m3 = sums.m3; m4 = sums.m4
  }

  /// pandas `nanops` treats sums below 1e-14 in magnitude as floating-point noise.
  static func zeroOutNoise(_ x: Double) -> Double { abs(x) < 1e-14 ? 0 : x }

  /// pandas `Series.skew()`: n·√(n−1)/(n−2) · m3 / m2^1.5.
  var skew: Double {
    let n = Double(count)
    guard count >= 3 else { return .nan }
    let a2 = Self.zeroOutNoise(m2), a3 = Self.zeroOutNoise(m3)
    if a2 == 0 { return 0 }
    return (n * (n - 1).squareRoot() / (n - 2)) * (a3 / pow(a2, 1.5))
  }

  /// pandas `Series.kurt()`: n(n+1)(n−1)·m4 / ((n−2)(n−3)·m2²) − 3(n−1)²/((n−2)(n−3)).
  var kurtosis: Double {
    guard count >= 4 else { return .nan }
    let n = Double(count)
    let adj = 3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3))
    let numerator = Self.zeroOutNoise(n * (n + 1) * (n - 1) * m4)
    let denominator = Self.zeroOutNoise((n - 2) * (n - 3) * m2 * m2)
    if denominator == 0 { return 0 }
    return numerator / denominator - adj
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
