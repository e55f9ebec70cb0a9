import Learn

/// Ridge regression solved in closed form: features standardised (training mean and standard deviation),
/// target centred, β = (ZᵀZ + λI)⁻¹ Zᵀ(y − ȳ) by Cholesky; the intercept is ȳ (not penalised).
///
/// Written here because Learn had no linear model when this module was written; `X` is row-major `n × p`.
public struct RidgeRegression: Sendable, Codable, Equatable {
  public var lambda: Double
  public var means: [Double]
  public var scales: [Double]
  /// Coefficients on standardised features.
  public var coefficients: [Double]
  public var intercept: Double

  public enum FitError: Error, Equatable, CustomStringConvertible {
    case shape(String)
    case notPositiveDefinite
    public var description: String {
      switch self {
      case .shape(let m): return "ridge regression: \(m)"
      case .notPositiveDefinite: return "ridge regression: ZᵀZ + λI is not positive definite (use λ > 0)"
      }
    }
  }

  /// Fits on `x` (row-major, `rows × columns`) and `y`.
  public static func fit(x: [Double], rows: Int, columns: Int, y: [Double], lambda: Double) throws -> RidgeRegression {
    guard rows > 0, columns > 0, x.count == rows * columns, y.count == rows else {
      throw FitError.shape("x has \(x.count) values for \(rows)×\(columns), y has \(y.count)")
    }
    guard lambda >= 0, lambda.isFinite else { throw FitError.shape("λ must be ≥ 0, got \(lambda)") }
    let p = columns
    var means = [Double](repeating: 0, count: p), scales = [Double](repeating: 0, count: p)
    x.withUnsafeBufferPointer { xb in
      for i in 0..<rows { for j in 0..<p { means[j] += xb[i * p + j] } }
      for j in 0..<p { means[j] /= Double(rows) }
      for i in 0..<rows { for j in 0..<p { let d = xb[i * p + j] - means[j]; scales[j] += d * d } }
    }
    for j in 0..<p {
      let sd = (scales[j] / Double(rows)).squareRoot()
      scales[j] = sd > 1e-12 ? sd : 1
    }
    let yMean = y.reduce(0, +) / Double(rows)
    var gram = [Double](repeating: 0, count: p * p), rhs = [Double](repeating: 0, count: p)
    var z = [Double](repeating: 0, count: p)
    x.withUnsafeBufferPointer { xb in
      for i in 0..<rows {
        for j in 0..<p { z[j] = (xb[i * p + j] - means[j]) / scales[j] }
        let r = y[i] - yMean
        for a in 0..<p {
          rhs[a] += z[a] * r
          let za = z[a]
          for b in a..<p { gram[a * p + b] += za * z[b] }
        }
      }
    }
    for a in 0..<p {
      for b in 0..<a { gram[a * p + b] = gram[b * p + a] }
      gram[a * p + a] += lambda
    }
    guard let beta = Cholesky.solve(gram, rhs, size: p) else { throw FitError.notPositiveDefinite }
    return RidgeRegression(lambda: lambda, means: means, scales: scales, coefficients: beta, intercept: yMean)
  }

  /// Standardised feature values of one row.
  public func standardise(_ row: ArraySlice<Double>) -> [Double] {
    var out = [Double](repeating: 0, count: coefficients.count)
    for (j, v) in row.enumerated() where j < out.count { out[j] = (v - means[j]) / scales[j] }
    return out
  }

  public func predict(_ row: ArraySlice<Double>) -> Double {
    var s = intercept
    for (j, v) in row.enumerated() where j < coefficients.count { s += coefficients[j] * (v - means[j]) / scales[j] }
    return s
  }

  /// Coefficients per unit of the original features.
  public var rawCoefficients: [Double] { zip(coefficients, scales).map { $0 / $1 } }
}
