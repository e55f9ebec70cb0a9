import Foundation

/// Survival functions of the Kolmogorov–Smirnov distributions, ported from scipy 1.17:
/// `scipy.stats.kstwo.sf` (`_ksstats._kolmogn`, Simard & L'Ecuyer's selection of the Ruben–Gambino,
/// Durbin–Marsaglia–Tsang–Wang, Pomeranz and Pelz–Good methods) and `scipy.special.smirnov`
/// (Birnbaum–Tingey sum, evaluated in log space).
public enum KolmogorovDistribution {
  /// P(Dₙ ≥ x) for the two-sided one-sample statistic Dₙ with n observations (`scipy.stats.kstwo.sf(x, n)`).
  public static func twoSidedSurvival(n: Int, x: Double) -> Double {
    guard n > 0, !x.isNaN else { return .nan }
    if x >= 1 { return 0 }
    if x <= 0 { return 1 }
    let nd = Double(n)
    let t = nd * x
    if t <= 1 {
      if t <= 0.5 { return 1 }
      let prob: Double
      if n <= 140 {
        var p = 1.0
        for i in 1...n { p *= Double(i) * (1.0 / nd) * (2 * t - 1) }
        prob = p
      } else {
        prob = exp(logFactorialOverPower(n) + nd * log(2 * t - 1))
      }
      return clip(1 - prob)
    }
    if t >= nd - 1 { return clip(2 * pow(1 - x, nd)) }
    if x >= 0.5 { return clip(2 * smirnovSurvival(n: n, x: x)) }
    let nxSquared = t * x
    if n <= 140 {
      if nxSquared <= 0.754693 { return clip(1 - durbinMatrixCDF(n: n, d: x)) }
      if nxSquared <= 4 { return clip(1 - pomeranzCDF(n: n, x: x)) }
      return clip(2 * smirnovSurvival(n: n, x: x))
    }
    if nxSquared >= 370 { return 0 }
    if nxSquared >= 2.2 { return clip(2 * smirnovSurvival(n: n, x: x)) }
    let cdf: Double
    if n <= 100_000 && nd * pow(x, 1.5) <= 1.4 {
      cdf = durbinMatrixCDF(n: n, d: x)
    } else {
      cdf = pelzGoodCDF(n: n, x: x)
    }
    return clip(1 - cdf)
  }

  static func clip(_ p: Double) -> Double { p.isNaN ? p : min(max(p, 0), 1) }

  /// log(n! / nⁿ) by Stirling's series (scipy `_log_nfactorial_div_n_pow_n`).
  static func logFactorialOverPower(_ n: Int) -> Double {
    let coefficients = [
      -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
      8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
      -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ]
    let nd = Double(n), rn = 1 / nd
    let u = rn / nd
    var poly = 0.0
    for c in coefficients { poly = poly * u + c }
    return log(nd) / 2 - nd + log(2 * Double.pi) / 2 + rn * poly
  }

  // MARK: Durbin matrix (Marsaglia, Tsang & Wang 2003)

  static func durbinMatrixCDF(n: Int, d: Double) -> Double {
    if d >= 1 { return 1 }
    let nd = Double(n) * d
    if nd <= 0.5 { return 0 }
    let k = Int(nd.rounded(.up))
    let h = Double(k) - nd
    let m = 2 * k - 1
    var v = [Double](repeating: 0, count: m)
    var w = [Double](repeating: 0, count: m)
    var fac = 1.0
    for j in 1...m {
      w[j - 1] = fac
      fac /= Double(j)
      v[j - 1] = (1 - pow(h, Double(j))) * fac
    }
    let tt = pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))
    v[m - 1] = (1 + tt) * fac
    var hMatrix = [Double](repeating: 0, count: m * m)
    if m > 1 {
      for i in 1..<m {
        for r in (i - 1)..<m { hMatrix[r * m + i] = w[r - (i - 1)] }
      }
    }
    for r in 0..<m { hMatrix[r * m] = v[r] }
    for c in 0..<m { hMatrix[(m - 1) * m + c] = v[m - 1 - c] }
    var power = [Double](repeating: 0, count: m * m)
    for i in 0..<m { power[i * m + i] = 1 }
    let scale = 0x1p128, inverseScale = 0x1p-128
    var exponent = 0, hExponent = 0
    var nn = n
    while nn > 0 {
      if nn % 2 == 1 {
        power = multiply(power, hMatrix, m)
        exponent += hExponent
      }
      hMatrix = multiply(hMatrix, hMatrix, m)
      hExponent *= 2
      if abs(hMatrix[(k - 1) * m + (k - 1)]) > scale {
        for i in 0..<(m * m) { hMatrix[i] /= scale }
        hExponent += 128
      }
      nn /= 2
    }
    var p = power[(k - 1) * m + (k - 1)]
    for i in 1...n {
      p = Double(i) * p / Double(n)
      if abs(p) < inverseScale {
        p *= scale
        exponent -= 128
      }
    }
    if exponent != 0 { p = scalbn(p, exponent) }
    return clip(p)
  }

  static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
    var c = [Double](repeating: 0, count: m * m)
    for i in 0..<m {
      for l in 0..<m {
        let ail = a[i * m + l]
        if ail == 0 { continue }
        for j in 0..<m { c[i * m + j] += ail * b[l * m + j] }
      }
    }
    return c
  }

  // MARK: Pomeranz (1974)

  static func pomeranzBounds(_ i: Int, _ n: Int, _ ll: Int, _ ceilf: Int, _ roundf: Int) -> (Int, Int) {
    var j1: Int, j2: Int
    if i == 0 {
      j1 = -ll - ceilf - 1
      j2 = ll + ceilf - 1
    } else {
      let half = (i + 1) / 2, odd = (i + 1) % 2 == 0
      if odd {
        if half == n + 1 {
          j1 = n - ll - ceilf - 1
          j2 = n + ll + ceilf - 1
        } else {
          j1 = half - 1 - ll - roundf - 1
          j2 = half + ll - 1 + ceilf - 1
        }
      } else {
        j1 = half - 1 - ll - 1
        j2 = half + ll + roundf - 1
      }
    }
    return (max(j1 + 2, 0), min(j2, n))
  }

  static func pomeranzCDF(n: Int, x: Double) -> Double {
    let nd = Double(n)
    let t = nd * x
    let ll = Int(t.rounded(.down))
    let f = t - Double(ll)
    let g = min(f, 1 - f)
    let ceilf = f > 0 ? 1 : 0, roundf = f > 0.5 ? 1 : 0
    let powers = 2 * (ll + 1)
    var gPower = [Double](repeating: 1, count: powers)
    var twoGPower = [Double](repeating: 1, count: powers)
    var oneMinusTwoGPower = [Double](repeating: 1, count: powers)
    for m in 1..<max(powers, 1) {
      gPower[m] = gPower[m - 1] * (g / nd) / Double(m)
      twoGPower[m] = twoGPower[m - 1] * (2 * g / nd) / Double(m)
      oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * ((1 - 2 * g) / nd) / Double(m)
    }
    let scale = 0x1p128, inverseScale = 0x1p-128
    var exponent = 0
    var v0 = [Double](repeating: 0, count: powers)
    var v1 = [Double](repeating: 0, count: powers)
    v1[0] = 1
    var v0Start = 0, v1Start = 0
    var (j1, j2) = pomeranzBounds(0, n, ll, ceilf, roundf)
    for i in 1..<(2 * n + 2) {
      let k1 = j1
      swap(&v0, &v1)
      swap(&v0Start, &v1Start)
      for z in 0..<powers { v1[z] = 0 }
      (j1, j2) = pomeranzBounds(i, n, ll, ceilf, roundf)
      let pw = (i == 1 || i == 2 * n + 1) ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower)
      let ln2 = j2 - k1 + 1
      if ln2 > 0 {
        let from = k1 - v0Start
        let lo = max(from, 0), hi = min(from + ln2, powers)
        let segment = lo < hi ? Array(v0[lo..<hi]) : []
        let kernel = Array(pw[0..<min(ln2, powers)])
        let convStart = j1 - k1, convLength = j2 - j1 + 1
        if !segment.isEmpty && !kernel.isEmpty {
          let total = segment.count + kernel.count - 1
          var out = 0
          var z = convStart
          while z < convStart + convLength && z < total && out < powers {
            if z >= 0 {
              var s = 0.0
              let aLo = max(0, z - kernel.count + 1), aHi = min(z, segment.count - 1)
              if aLo <= aHi { for a in aLo...aHi { s += segment[a] * kernel[z - a] } }
              v1[out] = s
            }
            out += 1
            z += 1
          }
        }
        let maxValue = v1.max() ?? 0
        if maxValue > 0 && maxValue < inverseScale {
          for z in 0..<powers { v1[z] *= scale }
          exponent -= 128
        }
        v1Start = v0Start + j1 - k1
      }
    }
    let at = n - v1Start
    guard at >= 0 && at < powers else { return .nan }
    var answer = v1[at]
    for m in 1...n {
      if abs(answer) > scale {
        answer *= inverseScale
        exponent += 128
      }
      answer *= Double(m)
    }
    if exponent != 0 { answer = scalbn(answer, exponent) }
    return clip(answer)
  }

  // MARK: Pelz–Good (1976)

  static func pelzGoodCDF(n: Int, x: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
    let sqrt2pi = (2 * Double.pi).squareRoot()
    let z = Double(n).squareRoot() * x
    let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
    let qlog = -pi2 / 8 / z2
    if qlog < -708 { return 0 }
    var q = exp(qlog)
    let k1a = -z2, k1b = pi2 / 4
    let k2a = 6 * z6 + 2 * z4
    let k2b = (2 * z4 - 5 * z2) * pi2 / 4
    let k2c = pi4 * (1 - 2 * z2) / 16
    let k3d = pi6 * (5 - 30 * z2) / 64
    let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
    let k3b = pi2 * (135 * z4 - 96 * z6) / 4
    let k3a = -30 * z6 - 90 * pow(z, 8)
    var terms = [0.0, 0.0, 0.0, 0.0]
    let maxK = Int((16 * z / Double.pi).rounded(.up))
    if maxK >= 1 {
      for k in stride(from: maxK, through: 1, by: -1) {
        let m = Double(2 * k - 1)
        let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
        let qPower = pow(q, Double(8 * k))
        let coefficients = [1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
        for i in 0..<4 { terms[i] = terms[i] * qPower + coefficients[i] }
      }
    }
    let divisors = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
    for i in 0..<4 { terms[i] = terms[i] * q * sqrt2pi / divisors[i] }
    q = exp(-pi2 / 2 / z2)
    var k2extra = 0.0, k3extra = 0.0
    let sqrt3z = 3.0.squareRoot() * z
    if maxK >= 1 {
      for k in stride(from: maxK, through: 1, by: -1) {
        let kd = Double(k), k2 = kd * kd
        let qp = pow(q, k2)
        k2extra += k2 * qp
        let kpi = Double.pi * kd
        k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qp
      }
    }
    terms[2] += k2extra * pi2 * sqrt2pi / (-36 * z3)
    terms[3] += k3extra * pi2 * sqrt2pi / (216 * z6)
    var total = 0.0
    for i in 0..<4 { total += terms[i] / pow(Double(n), Double(i) / 2) }
    return total
  }

  // MARK: Smirnov one-sided

  /// P(Dₙ⁺ ≥ x) for the one-sided statistic (`scipy.special.smirnov(n, x)`).
  public static func smirnovSurvival(n: Int, x: Double) -> Double {
    guard n > 0, x >= 0, x <= 1 else { return .nan }
    if n == 1 { return 1 - x }
    if x == 0 { return 1 }
    if x == 1 { return 0 }
    let nd = Double(n)
    let nx = nd * x
    var nxFloor = Int(nx.rounded(.down))
    var alpha = nx - Double(nxFloor)
    if alpha >= 1 { nxFloor += 1; alpha = 0 }
    if nxFloor == 0 || (nxFloor == 1 && alpha == 0) {
      // x ≤ 1/n: cdf = x (1 + x)^(n−1)
      return clip(1 - x * pow(1 + x, nd - 1))
    }
    if -2 * nd * x * x < -708.3964185322641 { return 0 }
    if nxFloor >= n - 1 { return pow(1 - x, nd) }
    if n > 1_000_000 {
      let logp = -pow(6 * nx + 1, 2) / 18 / nd
      return logp < -log(2.0) ? exp(logp) : 1 - (-expm1(logp))
    }
    // Lower Birnbaum–Tingey sum: Σ_{j=0}^{J} C(n, j) x (x + j/n)^(j−1) (1 − x − j/n)^(n−j), all terms positive.
    var lastTerm = n - nxFloor - (alpha == 0 ? 0 : 1)
    if alpha == 0 { lastTerm -= 1 }
    let termCount = lastTerm + 1
    var sum = pow(1 - x, nd)  // j = 0
    // log C(n, j) accumulated with compensation: a plain running sum loses ~1e-9 relative at n = 250 000.
    var logBinomial = CompensatedSum()
    let logX = log(x)
    let vmid = n / 2
    if termCount > 1 {
      for j in 1..<termCount {
        let jd = Double(j)
        logBinomial.add(log((nd - jd + 1) / jd))
        let base1 = x + jd / nd
        let base2 = 1 - base1
        guard base2 > 0 else { break }
        let logTerm = logBinomial.value + logX + (jd - 1) * log(base1) + (nd - jd) * log1p(-base1)
        let term = exp(logTerm)
        sum += term
        if term != 0 {
          if 4 * Double(termCount - j) * term < Double.ulpOfOne * sum && j != termCount - 1 { break }
        } else if j > vmid {
          break
        }
      }
    }
    return clip(sum)
  }
}
