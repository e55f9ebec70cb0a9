/// Dense Cholesky solve of the small normal-equation systems of the linear models (logistic regression's Newton
/// steps, the coaching impact model's ridge regression).
public enum Cholesky {
  /// Solves `(A + ridge·I) x = b` for symmetric positive-definite `A` (`d × d`, row-major; only the lower triangle
  /// is read). Returns nil when a pivot is not positive and finite (not positive definite).
  public static func solve(_ a: [Double], _ b: [Double], size d: Int, ridge: Double = 0) -> [Double]? {
    var l = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
      for j in 0...i {
        var sum = a[i * d + j] + (i == j ? ridge : 0)
        for k in 0..<j { sum -= l[i * d + k] * l[j * d + k] }
        if i == j {
          guard sum > 0, sum.isFinite else { return nil }
          l[i * d + i] = sum.squareRoot()
        } else {
          l[i * d + j] = sum / l[j * d + j]
        }
      }
    }
    var y = [Double](repeating: 0, count: d)
    for i in 0..<d {
      var sum = b[i]
      for k in 0..<i { sum -= l[i * d + k] * y[k] }
      y[i] = sum / l[i * d + i]
    }
    var x = [Double](repeating: 0, count: d)
    for i in stride(from: d - 1, through: 0, by: -1) {
      var sum = y[i]
      for k in (i + 1)..<d { sum -= l[k * d + i] * x[k] }
      x[i] = sum / l[i * d + i]
    }
    return x
  }
}
