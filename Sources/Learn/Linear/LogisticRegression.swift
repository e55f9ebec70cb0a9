#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Binary logistic regression with scikit-learn's parameterisation.
///
/// Minimises, over intercept `b` and coefficients `w` (the intercept is never penalised),
///
///     (1/S) Σᵢ sᵢ·[log(1 + e^{mᵢ}) − yᵢ·mᵢ]  +  (1/(C·S))·P(w),     mᵢ = b + w·vᵢ,  S = Σᵢ sᵢ
///
/// with `P(w) = ½‖w‖²` (L2) or `‖w‖₁` (L1), `sᵢ` = sample weight × class weight, and `vᵢ` the features
/// (standardised like `StandardScaler` when `standardize` is on). This is sklearn's `LogisticRegression(C=…)`
/// objective, so coefficients agree with it at convergence.
///
/// Solver: the problem is solved in an internally centred and scaled basis (an exact reparametrisation, for
/// numerical conditioning). L2 and no penalty use Newton's method with the exact Hessian, a Cholesky solve and
/// Armijo backtracking; L1 uses proximal Newton (coordinate descent on the local quadratic model, then a line
/// search). Convergence: the largest absolute (sub)gradient component, in the internal basis, ≤ `tolerance`.
public struct LogisticRegression: PersistableModel, ProbabilisticClassifier, Equatable {
  public enum Penalty: String, Sendable, Equatable {
    case none, l2, l1
  }

  /// Per-class weights multiplying each row's weight (sklearn `class_weight`).
  public enum ClassWeight: Sendable, Equatable {
    case none
    /// `n / (2 · count(class))`, as sklearn's `"balanced"`.
    case balanced
    case explicit(negative: Double, positive: Double)
  }

  public struct Options: Sendable, Equatable {
    public var penalty: Penalty
    /// Inverse regularisation strength (sklearn `C`); larger means weaker penalty.
    public var C: Double
    public var classWeight: ClassWeight
    /// Standardise features (population standard deviation) before fitting, like a `StandardScaler` pipeline;
    /// the penalty then applies to standardised coefficients.
    public var standardize: Bool
    public var fitIntercept: Bool
    public var tolerance: Double
    public var maxIterations: Int

    public init(penalty: Penalty = .l2, C: Double = 1, classWeight: ClassWeight = .none, standardize: Bool = false,
                fitIntercept: Bool = true, tolerance: Double = 1e-8, maxIterations: Int = 100) {
      self.penalty = penalty
      self.C = C
      self.classWeight = classWeight
      self.standardize = standardize
      self.fitIntercept = fitIntercept
      self.tolerance = tolerance
      self.maxIterations = maxIterations
    }
  }

  public static let kind = "logistic_regression"

  public var featureNames: [String]
  /// Coefficients in the original units of each feature (what multiplies the raw value).
  public var coefficients: [Double]
  /// Intercept in original units.
  public var intercept: Double
  /// When standardised: coefficients and intercept of the standardised features (sklearn pipeline `coef_`).
  public var standardizedCoefficients: [Double]?
  public var standardizedIntercept: Double?
  /// The standardiser used (means and scales), when `standardize` was on.
  public var standardizer: Standardizer?
  public var options: Options
  /// Solver iterations (Newton / proximal Newton steps) and whether the tolerance was reached.
  public var iterations: Int
  public var converged: Bool
  /// Final value of the objective above, and the largest (sub)gradient component.
  public var objective: Double
  public var gradientNorm: Double

  public init(featureNames: [String], coefficients: [Double], intercept: Double, options: Options = Options(),
              standardizer: Standardizer? = nil, standardizedCoefficients: [Double]? = nil,
              standardizedIntercept: Double? = nil, iterations: Int = 0, converged: Bool = true,
              objective: Double = .nan, gradientNorm: Double = .nan) {
    self.featureNames = featureNames
    self.coefficients = coefficients
    self.intercept = intercept
    self.options = options
    self.standardizer = standardizer
    self.standardizedCoefficients = standardizedCoefficients
    self.standardizedIntercept = standardizedIntercept
    self.iterations = iterations
    self.converged = converged
    self.objective = objective
    self.gradientNorm = gradientNorm
  }

  // MARK: prediction

  /// `b + Σ wⱼ·xⱼ` per row (original units). Rows of a dataset with the wrong number of features give NaN.
  public func decisionFunction(_ data: Dataset) -> [Double] {
    let n = data.rowCount
    guard data.featureCount == coefficients.count else { return [Double](repeating: .nan, count: n) }
    var out = [Double](repeating: intercept, count: n)
    out.withUnsafeMutableBufferPointer { o in
      for (j, column) in data.features.enumerated() {
        let w = coefficients[j]
        column.withUnsafeBufferPointer { x in
          for i in 0..<min(n, x.count) { o[i] += w * x[i] }
        }
      }
    }
    return out
  }

  /// P(y = 1) = 1 / (1 + e^{−m}) per row.
  public func predictProbability(_ data: Dataset) -> [Double] {
    decisionFunction(data).map { 1 / (1 + exp(-$0)) }
  }

  /// Class labels: 1 where the probability exceeds `threshold` (sklearn's `predict` is threshold 0.5).
  public func predict(_ data: Dataset, threshold: Double = 0.5) -> [Double] {
    predictProbability(data).map { $0 > threshold ? 1 : 0 }
  }

  // MARK: fitting

  /// Fits on `data` (features and 0/1 target). Throws ``ValidationError`` on bad input or options; a run that
  /// hits `maxIterations` returns a model with `converged == false`.
  public static func fit(_ data: Dataset, options: Options = Options(), sampleWeights: [Double]? = nil) throws(ValidationError) -> LogisticRegression {
    guard options.C > 0, !options.C.isNaN else {
      throw ValidationError(column: nil, "C = \(options.C) must be positive (C is the inverse regularisation strength; e.g. 1)")
    }
    guard options.tolerance > 0, options.maxIterations >= 1 else {
      throw ValidationError(column: nil, "tolerance must be positive and max iterations at least 1")
    }
    _ = try Validation.validateFeatures(data, policy: .error)
    try Validation.validateTarget(data.target, kind: .binaryClassification)
    let n = data.rowCount, p = data.featureCount
    let y = data.target

    // Row weights: sample weight × class weight.
    var weights = sampleWeights ?? [Double](repeating: 1, count: n)
    guard weights.count == n else {
      throw ValidationError(column: nil, "\(weights.count) sample weights for \(n) rows")
    }
    if let i = weights.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
      throw ValidationError(column: nil, "sample weight at row \(i) is \(weights[i]); weights must be finite and ≥ 0")
    }
    let classWeights: (Double, Double)
    switch options.classWeight {
    case .none: classWeights = (1, 1)
    case .balanced:
      let positives = y.reduce(0, +)
      classWeights = (Double(n) / (2 * (Double(n) - positives)), Double(n) / (2 * positives))
    case .explicit(let negative, let positive):
      guard negative > 0, positive > 0, negative.isFinite, positive.isFinite else {
        throw ValidationError(column: nil, "class weights (\(negative), \(positive)) must be finite and positive")
      }
      classWeights = (negative, positive)
    }
    if classWeights != (1, 1) {
      for i in 0..<n { weights[i] *= y[i] == 1 ? classWeights.1 : classWeights.0 }
    }
    let weightSum = weights.reduce(0, +)
    guard weightSum > 0 else { throw ValidationError(column: nil, "all sample weights are zero") }

    // Model space v = (x − a)/t; internal basis u = (x − c)/s; penalty weight ρⱼ = tⱼ/sⱼ.
    let modelSpace = options.standardize ? Standardizer.fit(data.features) : nil
    var active: [Int] = [], centres: [Double] = [], scales: [Double] = [], rho: [Double] = []
    for j in 0..<p {
      let column = data.features[j]
      let a = modelSpace?.means[j] ?? 0, t = modelSpace?.scales[j] ?? 1
      let c: Double
      if options.fitIntercept {
        // A constant column is absorbed by the (unpenalised) intercept: its coefficient is exactly 0.
        guard let lo = column.min(), let hi = column.max(), lo < hi else { continue }
        c = column.reduce(0, +) / Double(n)
      } else {
        c = a
      }
      var ss = 0.0
      for v in column { let d = v - c; ss += d * d }
      let s = (ss / Double(n)).squareRoot()
      guard s > 0, s.isFinite else { continue }
      active.append(j); centres.append(c); scales.append(s); rho.append(t / s)
    }

    let hasIntercept = options.fitIntercept
    let k = active.count
    let d = k + (hasIntercept ? 1 : 0)
    // Row-major internal design matrix, intercept column last.
    var design = [Double](repeating: 1, count: n * d)
    design.withUnsafeMutableBufferPointer { z in
      for (q, j) in active.enumerated() {
        let c = centres[q], s = scales[q]
        data.features[j].withUnsafeBufferPointer { x in
          for i in 0..<n { z[i * d + q] = (x[i] - c) / s }
        }
      }
    }
    guard d > 0 else {
      // No intercept and every feature identically zero: the only model is m = 0 (p = ½ everywhere).
      return LogisticRegression(
        featureNames: data.featureNames, coefficients: [Double](repeating: 0, count: p), intercept: 0,
        options: options, standardizer: modelSpace,
        standardizedCoefficients: modelSpace.map { _ in [Double](repeating: 0, count: p) },
        standardizedIntercept: modelSpace.map { _ in 0 }, iterations: 0, converged: true,
        objective: log(2), gradientNorm: 0)
    }
    let problem = LogisticProblem(
      design: design, rows: n, columns: d, penalized: k, target: y, weights: weights, weightSum: weightSum,
      lambda: options.penalty == .none ? 0 : 1 / (options.C * weightSum), penaltyWeights: rho)
    let result = options.penalty == .l1
      ? problem.solveL1(tolerance: options.tolerance, maxIterations: options.maxIterations)
      : problem.solveNewton(tolerance: options.tolerance, maxIterations: options.maxIterations)
    let beta = result.beta

    // Back to original units: m = β₀ + Σ βⱼ (xⱼ − cⱼ)/sⱼ.
    var coefficients = [Double](repeating: 0, count: p)
    var intercept = hasIntercept ? beta[k] : 0
    for (q, j) in active.enumerated() {
      coefficients[j] = beta[q] / scales[q]
      intercept -= beta[q] * centres[q] / scales[q]
    }
    var standardizedCoefficients: [Double]?, standardizedIntercept: Double?
    if let modelSpace {
      // Model-space coefficients wⱼ = βⱼ tⱼ/sⱼ; b = β₀ − Σ wⱼ (cⱼ − aⱼ)/tⱼ.
      var w = [Double](repeating: 0, count: p)
      var b = hasIntercept ? beta[k] : 0
      for (q, j) in active.enumerated() {
        w[j] = beta[q] * rho[q]
        b -= w[j] * (centres[q] - modelSpace.means[j]) / modelSpace.scales[j]
      }
      standardizedCoefficients = w
      standardizedIntercept = hasIntercept ? b : 0
    }
    return LogisticRegression(
      featureNames: data.featureNames, coefficients: coefficients, intercept: intercept, options: options,
      standardizer: modelSpace, standardizedCoefficients: standardizedCoefficients,
      standardizedIntercept: standardizedIntercept, iterations: result.iterations, converged: result.converged,
      objective: result.objective, gradientNorm: result.gradientNorm)
  }

  // MARK: persistence

  public func encode(into w: inout ByteWriter) {
    w.write(UInt32(1))  // payload version
    w.write(UInt64(featureNames.count))
    for name in featureNames { w.write(name) }
    w.write(coefficients)
    w.write(intercept)
    w.write(options.penalty.rawValue)
    w.write(options.C)
    switch options.classWeight {
    case .none: w.write(UInt8(0))
    case .balanced: w.write(UInt8(1))
    case .explicit(let negative, let positive):
      w.write(UInt8(2)); w.write(negative); w.write(positive)
    }
    w.write(options.standardize)
    w.write(options.fitIntercept)
    w.write(options.tolerance)
    w.write(options.maxIterations)
    w.write(standardizer != nil)
    if let standardizer {
      w.write(standardizer.means); w.write(standardizer.scales)
      w.write(standardizedCoefficients ?? []); w.write(standardizedIntercept ?? 0)
    }
    w.write(iterations)
    w.write(converged)
    w.write(objective)
    w.write(gradientNorm)
  }

  public init(from r: inout ByteReader) throws {
    let version = try r.readUInt32()
    guard version == 1 else { throw ModelFileError("logistic regression payload version \(version) is not supported") }
    let count = try r.readCount(elementSize: 8)
    var names: [String] = []
    for _ in 0..<count { names.append(try r.readString()) }
    let coefficients = try r.readDoubles()
    guard coefficients.count == names.count else {
      throw ModelFileError("logistic regression has \(coefficients.count) coefficients for \(names.count) features")
    }
    let intercept = try r.readDouble()
    let penaltyName = try r.readString()
    guard let penalty = Penalty(rawValue: penaltyName) else { throw ModelFileError("unknown penalty \"\(penaltyName)\"") }
    let C = try r.readDouble()
    let classWeight: ClassWeight
    switch try r.readUInt8() {
    case 0: classWeight = .none
    case 1: classWeight = .balanced
    case 2: classWeight = .explicit(negative: try r.readDouble(), positive: try r.readDouble())
    case let tag: throw ModelFileError("unknown class weight tag \(tag)")
    }
    var options = Options(penalty: penalty, C: C, classWeight: classWeight)
    options.standardize = try r.readBool()
    options.fitIntercept = try r.readBool()
    options.tolerance = try r.readDouble()
    options.maxIterations = try r.readInt()
    var standardizer: Standardizer?, sCoefficients: [Double]?, sIntercept: Double?
    if try r.readBool() {
      let means = try r.readDoubles(), scales = try r.readDoubles()
      guard means.count == names.count, scales.count == names.count else {
        throw ModelFileError("standardiser size does not match the \(names.count) features")
      }
      standardizer = Standardizer(means: means, scales: scales)
      sCoefficients = try r.readDoubles()
      sIntercept = try r.readDouble()
    }
    self.init(
      featureNames: names, coefficients: coefficients, intercept: intercept, options: options,
      standardizer: standardizer, standardizedCoefficients: sCoefficients, standardizedIntercept: sIntercept,
      iterations: try r.readInt(), converged: try r.readBool(), objective: try r.readDouble(),
      gradientNorm: try r.readDouble())
  }
}
