import Foundation

/// Bandwidth rule for ``KernelDensity``, matching `scipy.stats.gaussian_kde` (one dimension):
/// the kernel standard deviation is `h = factor · s`, where `s` is the sample standard deviation (n − 1).
public enum Bandwidth: Sendable, Equatable {
  /// Scott's rule: factor = n^(−1/5).
  case scott
  /// Silverman's rule: factor = (3n/4)^(−1/5).
  case silverman
  /// A fixed kernel standard deviation `h`, in data units.
  case fixed(Double)
}

/// Gaussian kernel density estimate: f(x) = 1/(n·h·√(2π)) · Σᵢ exp(−½((x − xᵢ)/h)²).
public struct KernelDensity: Sendable, Equatable {
  public let samples: [Double]
  /// Kernel standard deviation.
  public let bandwidth: Double

  /// Builds the estimate from the finite values of `values` (at least 2 distinct values for a rule).
  public init(_ values: [Double], bandwidth rule: Bandwidth = .scott) throws(PlottingError) {
    let xs = values.filter(\.isFinite)
    guard !xs.isEmpty else { throw .invalidChart("density: no finite values") }
    samples = xs
    switch rule {
    case .fixed(let h):
      guard h > 0, h.isFinite else { throw .invalidChart("density: bandwidth must be positive, got \(h)") }
      bandwidth = h
    case .scott, .silverman:
      let n = Double(xs.count)
      guard xs.count >= 2 else { throw .invalidChart("density: need at least 2 values for a bandwidth rule, got \(xs.count)") }
      let mean = xs.reduce(0, +) / n
      let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
      guard variance > 0 else { throw .invalidChart("density: all values are equal (\(mean)); use a fixed bandwidth") }
      let factor = rule == .scott ? pow(n, -0.2) : pow(n * 3 / 4, -0.2)
      bandwidth = factor * variance.squareRoot()
    }
  }

  /// Density at `x`.
  public func density(at x: Double) -> Double {
    let h = bandwidth
    let norm = 1 / (Double(samples.count) * h * (2 * Double.pi).squareRoot())
    return samples.withUnsafeBufferPointer { buf in
      var sum = 0.0
      for xi in buf {
        let z = (x - xi) / h
        sum += exp(-0.5 * z * z)
      }
      return sum * norm
    }
  }

  /// `points` evenly spaced grid values from min − 3h to max + 3h and the density at each.
  public func curve(points: Int) throws(PlottingError) -> (x: [Double], y: [Double]) {
    guard points >= 2, points <= 100_000 else { throw .invalidChart("density: points must be in 2...100000, got \(points)") }
    let lo = (samples.min() ?? 0) - 3 * bandwidth, hi = (samples.max() ?? 0) + 3 * bandwidth
    let xs = (0..<points).map { lo + (hi - lo) * Double($0) / Double(points - 1) }
    return (xs, xs.map(density(at:)))
  }
}
