import Foundation
import Learn
import Testing
import TestSupport
import WorkbenchCore

@Suite struct LogisticRegressionTests {
  /// sklearn configurations (name → model) fitted on the same features; lbfgs at tol 1e-10, saga at 1e-12.
  static let sklearnPython = PariVisionFixture.preparePython + """
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from sklearn.pipeline import make_pipeline
    f = prepare(sys.argv[1]); f.to_csv(sys.argv[2], index=False)
    X = f.iloc[:, :7].to_numpy(float); y = f['Shot_Made_Flag'].to_numpy()
    res = {}
    def record(name, model, standardize):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            m = make_pipeline(StandardScaler(), model) if standardize else model
            m.fit(X, y)
        lr = m[-1] if standardize else m
        res[name] = dict(coef=lr.coef_[0].tolist(), intercept=float(lr.intercept_[0]), n_iter=int(lr.n_iter_[0]))
    record('l2_std_C1', LogisticRegression(C=1.0, tol=1e-10, max_iter=10000), True)
    record('l2_std_C0.01', LogisticRegression(C=0.01, tol=1e-10, max_iter=10000), True)
    record('l2_std_balanced', LogisticRegression(C=0.5, class_weight='balanced', tol=1e-10, max_iter=10000), True)
    record('l1_std_C0.01', LogisticRegression(C=0.01, l1_ratio=1.0, solver='saga', tol=1e-12, max_iter=100000), True)
    record('l2_raw_C1', LogisticRegression(C=1.0, tol=1e-10, max_iter=100000), False)
    record('l2_std_no_intercept', LogisticRegression(C=0.1, fit_intercept=False, tol=1e-10, max_iter=10000), True)
    record('l1_std_weighted', LogisticRegression(C=0.05, l1_ratio=1.0, solver='saga', class_weight={0: 1.0, 1: 2.0},
                                                 tol=1e-12, max_iter=100000), True)
    print(json.dumps(res))
    """

  struct Reference: Decodable {
    var coef: [Double]
    var intercept: Double
    var n_iter: Int
  }

  @Test(.needsDataset("nba_shots/kaggle_random_10000.csv"), .needsPython("anchors")) func matchesScikitLearnOnPariVisionFeatures() throws {
    let source = try #require(try Oracles.sharedDataset("nba_shots/kaggle_random_10000.csv"))
    let python = try #require(try Oracles.python("anchors"))
    let csv = PariVisionFixture.temporaryURL("lr.csv")
    defer { try? FileManager.default.removeItem(at: csv) }
    let output = try runPython(python, Self.sklearnPython, arguments: [source.path, csv.path])
    let references = try JSONDecoder().decode([String: Reference].self, from: Data(output.utf8))
    let data = try PariVisionFixture.parseCSV(String(contentsOf: csv, encoding: .utf8))
    #expect(data.featureNames == PariVisionFixture.featureNames)
    #expect(data.rowCount > 9000)

    let cases: [(String, LogisticRegression.Options)] = [
      ("l2_std_C1", .init(penalty: .l2, C: 1, standardize: true)),
      ("l2_std_C0.01", .init(penalty: .l2, C: 0.01, standardize: true)),
      ("l2_std_balanced", .init(penalty: .l2, C: 0.5, classWeight: .balanced, standardize: true)),
      ("l1_std_C0.01", .init(penalty: .l1, C: 0.01, standardize: true)),
      ("l2_raw_C1", .init(penalty: .l2, C: 1, standardize: false)),
      ("l2_std_no_intercept", .init(penalty: .l2, C: 0.1, standardize: true, fitIntercept: false)),
      ("l1_std_weighted", .init(penalty: .l1, C: 0.05, classWeight: .explicit(negative: 1, positive: 2), standardize: true)),
    ]
    for (name, options) in cases {
      let reference = try #require(references[name])
      let model = try LogisticRegression.fit(data, options: options)
      #expect(model.converged, "\(name) did not converge")
      let coefficients = options.standardize ? try #require(model.standardizedCoefficients) : model.coefficients
      let intercept = options.standardize ? try #require(model.standardizedIntercept) : model.intercept
      for (j, (ours, theirs)) in zip(coefficients, reference.coef).enumerated() {
        #expect(abs(ours - theirs) <= 1e-4, "\(name) coefficient \(data.featureNames[j]): ours \(ours), sklearn \(theirs)")
      }
      #expect(abs(intercept - reference.intercept) <= 1e-4, "\(name) intercept: ours \(intercept), sklearn \(reference.intercept)")
      if options.penalty == .l1 {
        // Exact zeros where sklearn has exact zeros.
        for (ours, theirs) in zip(coefficients, reference.coef) where theirs == 0 { #expect(ours == 0) }
      }
    }
  }

  @Test func originalUnitsReproduceStandardisedModel() throws {
    let data = Self.synthetic(rows: 500, seed: 3)
    let model = try LogisticRegression.fit(data, options: .init(C: 0.3, standardize: true))
    let scaler = try #require(model.standardizer)
    let standardized = try #require(model.standardizedCoefficients)
    let z = scaler.transform(data.features)
    for i in stride(from: 0, to: data.rowCount, by: 37) {
      var viaStandardized = try #require(model.standardizedIntercept)
      for j in 0..<data.featureCount { viaStandardized += standardized[j] * z[j][i] }
      let viaOriginal = model.decisionFunction(data.subset([i]))[0]
      #expect(abs(viaStandardized - viaOriginal) < 1e-10)
    }
  }

  @Test func convergenceIsReported() throws {
    let data = Self.synthetic(rows: 300, seed: 5)
    let tight = try LogisticRegression.fit(data, options: .init(tolerance: 1e-12))
    #expect(tight.converged)
    #expect(tight.iterations > 0 && tight.iterations < 30)
    #expect(tight.gradientNorm <= 1e-12)
    let capped = try LogisticRegression.fit(data, options: .init(tolerance: 1e-14, maxIterations: 1))
    #expect(!capped.converged)
    #expect(capped.iterations == 1)
  }

  @Test func constantFeatureGetsZeroCoefficient() throws {
    var data = Self.synthetic(rows: 200, seed: 9)
    data.featureNames.append("constant")
    data.features.append([Double](repeating: 4, count: 200))
    data.isCategorical.append(false)
    let model = try LogisticRegression.fit(data, options: .init(penalty: .none))
    #expect(model.coefficients.last == 0)
    #expect(model.converged)
  }

  @Test func degenerateDesignsDoNotTrap() throws {
    let zeros = Dataset(featureNames: ["z"], features: [[0, 0, 0, 0]], target: [0, 1, 1, 0])
    let noIntercept = try LogisticRegression.fit(zeros, options: .init(fitIntercept: false))
    #expect(noIntercept.coefficients == [0])
    #expect(noIntercept.predictProbability(zeros) == [0.5, 0.5, 0.5, 0.5])
    let interceptOnly = try LogisticRegression.fit(zeros, options: .init(penalty: .l1))
    #expect(abs(interceptOnly.intercept) < 1e-9)
    // Perfectly separable data without a penalty: no trap, the run stops and says whether it converged.
    let separable = Dataset(featureNames: ["x"], features: [[-2, -1, 1, 2]], target: [0, 0, 1, 1])
    let model = try LogisticRegression.fit(separable, options: .init(penalty: .none, maxIterations: 50))
    #expect(model.coefficients[0] > 1)
    #expect(model.predictProbability(separable).allSatisfy { $0.isFinite })
  }

  @Test func rejectsBadInput() throws {
    var data = Self.synthetic(rows: 50, seed: 1)
    data.target = [Double](repeating: 1, count: 50)
    #expect(throws: ValidationError.self) { try LogisticRegression.fit(data) }
    data = Self.synthetic(rows: 50, seed: 1)
    data.features[1][7] = .nan
    let error = try #require(throws: ValidationError.self) { try LogisticRegression.fit(data) }
    #expect(error.column == "b")
    data = Self.synthetic(rows: 50, seed: 1)
    #expect(throws: ValidationError.self) { try LogisticRegression.fit(data, options: .init(C: 0)) }
  }

  @Test func wrongFeatureCountPredictsNaNWithoutTrapping() throws {
    let data = Self.synthetic(rows: 100, seed: 2)
    let model = try LogisticRegression.fit(data)
    let narrow = Dataset(featureNames: ["a"], features: [data.features[0]])
    #expect(model.predictProbability(narrow).allSatisfy { $0.isNaN })
  }

  /// Two informative Gaussian features with a logistic link.
  static func synthetic(rows: Int, seed: UInt64) -> Dataset {
    var rng = SeededGenerator(seed: seed)
    var a: [Double] = [], b: [Double] = [], y: [Double] = []
    for _ in 0..<rows {
      let x1 = rng.nextGaussian() * 3 + 10, x2 = rng.nextGaussian() * 0.01
      let m = 0.4 * (x1 - 10) - 80 * x2 + 0.2
      let p = 1 / (1 + Foundation.exp(-m))
      a.append(x1); b.append(x2); y.append(rng.nextDouble() < p ? 1 : 0)
    }
    return Dataset(featureNames: ["a", "b"], features: [a, b], target: y)
  }
}
