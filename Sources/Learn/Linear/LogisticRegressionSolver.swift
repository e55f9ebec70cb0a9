#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The logistic-regression optimisation problem in the internal (centred, scaled) basis, and its solvers.
///
/// `design` is row-major `rows × columns`; columns `0..<penalized` are penalised with weights `penaltyWeights`,
/// a last unpenalised column of ones (if any) is the intercept. Objective:
/// `(1/S)·Σ sᵢ ℓᵢ + λ·Σ ½ρⱼ²βⱼ²` (Newton) or `+ λ·Σ ρⱼ|βⱼ|` (L1), with `λ = 1/(C·S)` (0 for no penalty).
struct LogisticProblem {
  let design: [Double]
  let rows: Int
  let columns: Int
  let penalized: Int
  let target: [Double]
  let weights: [Double]
  let weightSum: Double
  let lambda: Double
  let penaltyWeights: [Double]

  struct Result {
    var beta: [Double]
    var iterations: Int
    var converged: Bool
    var objective: Double
    var gradientNorm: Double
  }

  /// log(1 + e^m) without overflow.
  @inline(__always) static func softplus(_ m: Double) -> Double {
    m > 0 ? m + log1p(exp(-m)) : log1p(exp(m))
  }

  /// Data term (1/S)·Σ sᵢ ℓᵢ, its gradient and (if asked) its Hessian (row-major `columns × columns`).
  func evaluate(_ beta: [Double], hessian wantHessian: Bool) -> (loss: Double, gradient: [Double], hessian: [Double]) {
    let d = columns
    var gradient = [Double](repeating: 0, count: d)
    var upper = [Double](repeating: 0, count: wantHessian ? d * d : 0)
    var loss = 0.0
    design.withUnsafeBufferPointer { z in
      target.withUnsafeBufferPointer { y in
        weights.withUnsafeBufferPointer { s in
          beta.withUnsafeBufferPointer { b in
            gradient.withUnsafeMutableBufferPointer { g in
              upper.withUnsafeMutableBufferPointer { h in
                for i in 0..<rows {
                  let row = z.baseAddress! + i * d
                  var m = 0.0
                  for j in 0..<d { m += row[j] * b[j] }
                  let w = s[i]
                  // One exponential gives both log(1 + e^m) and the probability, without overflow.
                  let e = exp(-abs(m))
                  loss += w * ((m > 0 ? m : 0) + log1p(e) - y[i] * m)
                  let prob = m >= 0 ? 1 / (1 + e) : e / (1 + e)
                  let r = w * (prob - y[i])
                  for j in 0..<d { g[j] += r * row[j] }
                  if wantHessian {
                    let curvature = w * prob * (1 - prob)
                    for j in 0..<d {
                      let cj = curvature * row[j]
                      let hj = h.baseAddress! + j * d
                      for l in j..<d { hj[l] += cj * row[l] }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    let inv = 1 / weightSum
    for j in 0..<d { gradient[j] *= inv }
    if wantHessian {
      for j in 0..<d {
        for l in j..<d {
          let v = upper[j * d + l] * inv
          upper[j * d + l] = v
          upper[l * d + j] = v
        }
      }
    }
    return (loss * inv, gradient, upper)
  }

  func loss(_ beta: [Double]) -> Double {
    let d = columns
    var loss = 0.0
    design.withUnsafeBufferPointer { z in
      target.withUnsafeBufferPointer { y in
        weights.withUnsafeBufferPointer { s in
          beta.withUnsafeBufferPointer { b in
            for i in 0..<rows {
              let row = z.baseAddress! + i * d
              var m = 0.0
              for j in 0..<d { m += row[j] * b[j] }
              loss += s[i] * (Self.softplus(m) - y[i] * m)
            }
          }
        }
      }
    }
    return loss / weightSum
  }

  func l2Penalty(_ beta: [Double]) -> Double {
    var p = 0.0
    for j in 0..<penalized { let v = penaltyWeights[j] * beta[j]; p += 0.5 * v * v }
    return lambda * p
  }

  func l1Penalty(_ beta: [Double]) -> Double {
    var p = 0.0
    for j in 0..<penalized { p += penaltyWeights[j] * abs(beta[j]) }
    return lambda * p
  }

  /// Start: all coefficients 0, intercept at the weighted log-odds of the target.
  func initialBeta() -> [Double] {
    var beta = [Double](repeating: 0, count: columns)
    if columns > penalized {
      var positive = 0.0
      for i in 0..<rows { positive += weights[i] * target[i] }
      let mean = min(max(positive / weightSum, 1e-12), 1 - 1e-12)
      beta[columns - 1] = log(mean / (1 - mean))
    }
    return beta
  }

  /// Newton's method for the L2 (or unpenalised) objective. The full Newton step is evaluated together with the
  /// next gradient and Hessian (one data pass); only when it fails the Armijo test does backtracking run.
  func solveNewton(tolerance: Double, maxIterations: Int) -> Result {
    let d = columns
    var beta = initialBeta()
    var iterations = 0
    var converged = false
    func penalised(_ beta: [Double]) -> (objective: Double, gradient: [Double], hessian: [Double]) {
      var (loss, g, h) = evaluate(beta, hessian: true)
      for j in 0..<penalized {
        let r2 = lambda * penaltyWeights[j] * penaltyWeights[j]
        g[j] += r2 * beta[j]
        h[j * d + j] += r2
      }
      return (loss + l2Penalty(beta), g, h)
    }
    var (objective, g, h) = penalised(beta)
    var gradientNorm = g.reduce(0) { max($0, abs($1)) }
    while true {
      if gradientNorm <= tolerance { converged = true; break }
      if !gradientNorm.isFinite || iterations >= maxIterations { break }
      let step = Self.solveSymmetric(h, g.map { -$0 }, size: d)
      var decrease = 0.0
      for j in 0..<d { decrease += g[j] * step[j] }
      guard decrease < 0 else { break }
      iterations += 1
      let full = zip(beta, step).map { $0 + $1 }
      let next = penalised(full)
      if next.objective <= objective + 1e-4 * decrease || -decrease <= 1e-13 * max(1, abs(objective)) {
        beta = full
        (objective, g, h) = next
      } else {
        guard let accepted = lineSearch(beta: beta, step: step, objective: objective, decrease: decrease, firstStep: 0.5, {
          self.loss($0) + self.l2Penalty($0)
        }) else { break }
        beta = accepted
        (objective, g, h) = penalised(beta)
      }
      gradientNorm = g.reduce(0) { max($0, abs($1)) }
    }
    return Result(beta: beta, iterations: iterations, converged: converged, objective: objective, gradientNorm: gradientNorm)
  }

  /// Proximal Newton for the L1 objective.
  func solveL1(tolerance: Double, maxIterations: Int) -> Result {
    let d = columns
    var beta = initialBeta()
    var iterations = 0
    var converged = false
    var objective = Double.nan, optimality = Double.infinity
    while true {
      let (loss, g, h) = evaluate(beta, hessian: true)
      objective = loss + l1Penalty(beta)
      optimality = 0
      for j in 0..<d {
        let v: Double
        if j < penalized {
          let threshold = lambda * penaltyWeights[j]
          v = beta[j] != 0 ? abs(g[j] + (beta[j] > 0 ? threshold : -threshold)) : max(0, abs(g[j]) - threshold)
        } else {
          v = abs(g[j])
        }
        optimality = max(optimality, v)
      }
      if optimality <= tolerance { converged = true; break }
      if !optimality.isFinite || iterations >= maxIterations { break }
      // Coordinate descent on  g·δ + ½δᵀHδ + λΣρ|β+δ|.
      var delta = [Double](repeating: 0, count: d)
      var hDelta = [Double](repeating: 0, count: d)
      for _ in 0..<1000 {
        var maxChange = 0.0
        for j in 0..<d {
          let hjj = h[j * d + j]
          guard hjj > 0 else { continue }
          let current = beta[j] + delta[j]
          let z = current - (g[j] + hDelta[j]) / hjj
          let updated: Double
          if j < penalized {
            let threshold = lambda * penaltyWeights[j] / hjj
            updated = z > threshold ? z - threshold : (z < -threshold ? z + threshold : 0)
          } else {
            updated = z
          }
          let change = updated - current
          if change != 0 {
            delta[j] += change
            for l in 0..<d { hDelta[l] += change * h[l * d + j] }
            maxChange = max(maxChange, abs(change))
          }
        }
        if maxChange <= 1e-15 { break }
      }
      var decrease = 0.0
      for j in 0..<d { decrease += g[j] * delta[j] }
      for j in 0..<penalized {
        decrease += lambda * penaltyWeights[j] * (abs(beta[j] + delta[j]) - abs(beta[j]))
      }
      guard decrease < 0 else { break }
      let accepted = lineSearch(beta: beta, step: delta, objective: objective, decrease: decrease) {
        self.loss($0) + self.l1Penalty($0)
      }
      iterations += 1
      guard let accepted else { break }
      beta = accepted
    }
    return Result(beta: beta, iterations: iterations, converged: converged, objective: objective, gradientNorm: optimality)
  }

  /// Armijo backtracking from the full step; near the optimum (predicted decrease below rounding) the full step
  /// is taken. Returns nil when no step decreases the objective.
  func lineSearch(beta: [Double], step: [Double], objective: Double, decrease: Double, firstStep: Double = 1,
                  _ f: ([Double]) -> Double) -> [Double]? {
    if -decrease <= 1e-13 * max(1, abs(objective)) {
      return zip(beta, step).map { $0 + $1 }
    }
    var t = firstStep
    for _ in 0..<60 {
      let candidate = zip(beta, step).map { $0 + t * $1 }
      let value = f(candidate)
      if value <= objective + 1e-4 * t * decrease { return candidate }
      t *= 0.5
    }
    return nil
  }

  /// Solves `A x = b` for a symmetric positive (semi)definite `A` by Cholesky, adding a growing ridge if needed.
  static func solveSymmetric(_ a: [Double], _ b: [Double], size d: Int) -> [Double] {
    var ridge = 0.0
    var maxDiagonal = 0.0
    for j in 0..<d { maxDiagonal = max(maxDiagonal, abs(a[j * d + j])) }
    for _ in 0..<40 {
      if let x = Cholesky.solve(a, b, size: d, ridge: ridge) { return x }
      ridge = ridge == 0 ? max(maxDiagonal, 1) * 1e-12 : ridge * 10
    }
    return b.map { $0 / max(maxDiagonal, 1) }
  }
}
