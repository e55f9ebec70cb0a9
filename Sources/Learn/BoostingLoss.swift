#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Loss, gradients and hessians of the boosting objectives, computed over fixed row blocks whose partial
/// sums are added in block order (identical for any thread count).
enum LossKernel {
  @inline(__always) static func sigmoid(_ f: Double) -> Double {
    let e = exp(-abs(f))
    return f >= 0 ? 1 / (1 + e) : e / (1 + e)
  }

  /// Mean loss at `scores`; also writes the gradients and hessians there.
  static func evaluate(scores: [Double], targets: [Double], classification: Bool, threads: Int,
                       gradients: inout [Double], hessians: inout [Double]) -> Double {
    let n = scores.count
    let blockSize = 16_384
    let blocks = (n + blockSize - 1) / blockSize
    var partial = [Double](repeating: 0, count: blocks)
    scores.withUnsafeBufferPointer { s in
      targets.withUnsafeBufferPointer { y in
        gradients.withUnsafeMutableBufferPointer { gb in
          hessians.withUnsafeMutableBufferPointer { hb in
            partial.withUnsafeMutableBufferPointer { pb in
              let box = UncheckedBox((s, y, gb, hb, pb))
              TreeParallel.forEach(blocks, threads: threads) { b in
                let (s, y, g, h, p) = box.value
                let lo = b * blockSize, hi = min(n, lo + blockSize)
                var sum = 0.0
                if classification {
                  for i in lo..<hi {
                    let f = s[i]
                    let e = exp(-abs(f))
                    let prob = f >= 0 ? 1 / (1 + e) : e / (1 + e)
                    sum += max(f, 0) + log(1 + e) - y[i] * f
                    g[i] = prob - y[i]
                    h[i] = max(prob * (1 - prob), 1e-16)
                  }
                } else {
                  for i in lo..<hi {
                    let d = s[i] - y[i]
                    sum += d * d
                    g[i] = d
                    h[i] = 1
                  }
                }
                p[b] = sum
              }
            }
          }
        }
      }
    }
    return partial.reduce(0, +) / Double(max(n, 1))
  }

  /// Mean loss only (validation set).
  static func loss(scores: [Double], targets: [Double], classification: Bool) -> Double {
    var sum = 0.0
    for i in 0..<scores.count {
      let f = scores[i]
      if classification {
        sum += max(f, 0) + log1p(exp(-abs(f))) - targets[i] * f
      } else {
        let d = f - targets[i]
        sum += d * d
      }
    }
    return sum / Double(max(scores.count, 1))
  }
}
