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

  /// Mean loss at `scores`; also writes the gradient and hessian of row `i` at `gh[2i]`, `gh[2i+1]`.
  static func evaluate(scores: [Double], targets: [Double], classification: Bool, threads: Int, pool: SpinPool? = nil,
                       gradientsAndHessians: inout [Double]) -> Double {
    let n = scores.count
    let blockSize = 16_384
    let blocks = (n + blockSize - 1) / blockSize
    var partial = [Double](repeating: 0, count: blocks)
    scores.withUnsafeBufferPointer { s in
      targets.withUnsafeBufferPointer { y in
        gradientsAndHessians.withUnsafeMutableBufferPointer { ghb in
            partial.withUnsafeMutableBufferPointer { pb in
              let box = UncheckedBox((s, y, ghb, pb))
              TreeParallel.forEach(blocks, threads: threads, pool: pool) { b in
                let (s, y, gh, p) = box.value
                let lo = b * blockSize, hi = min(n, lo + blockSize)
                var sum = 0.0
                if classification {
                  // Σ log(1 + e) is taken as the log of products of 512 factors in (1, 2] (at most 2^512, no
                  // overflow): one log per 512 rows instead of one per row, within ~1e-13 relative.
                  var product = 1.0
                  for i in lo..<hi {
                    let f = s[i]
                    let e = exp(-abs(f))
                    let prob = f >= 0 ? 1 / (1 + e) : e / (1 + e)
                    sum += max(f, 0) - y[i] * f
                    product *= 1 + e
                    if (i - lo) & 511 == 511 { sum += log(product); product = 1 }
                    gh[2 &* i] = prob - y[i]
                    gh[2 &* i + 1] = max(prob * (1 - prob), 1e-16)
                  }
                  sum += log(product)
                } else {
                  for i in lo..<hi {
                    let d = s[i] - y[i]
                    sum += d * d
                    gh[2 &* i] = d
                    gh[2 &* i + 1] = 1
                  }
                }
                p[b] = sum
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
