import Learn
import Testing

@Suite struct ValidationTests {
  static func dataset(_ columns: [[Double]], target: [Double] = [0, 1, 0, 1]) -> Dataset {
    Dataset(featureNames: columns.indices.map { "f\($0)" }, features: columns, target: target)
  }

  @Test func targetProblemsAreNamed() {
    let cases: [([Double], TargetKind, String)] = [
      ([], .binaryClassification, "missing"),
      ([0, .nan, 1], .binaryClassification, "row 1"),
      ([1, 1, 1], .binaryClassification, "single class"),
      ([0, 2, 1], .binaryClassification, "0/1"),
      ([3, 3, 3], .regression, "constant"),
    ]
    for (target, kind, phrase) in cases {
      let error = #expect(throws: ValidationError.self) { try Validation.validateTarget(target, name: "Shot_Made_Flag", kind: kind) }
      #expect(error?.column == "Shot_Made_Flag")
      #expect(error?.description.contains(phrase) == true, "\(error?.description ?? "")")
    }
    #expect(throws: Never.self) { try Validation.validateTarget([0.5, 1.5], kind: .regression) }
  }

  @Test func featureProblemsNameTheColumn() throws {
    let allNull = #expect(throws: ValidationError.self) {
      try Validation.validateFeatures(Self.dataset([[1, 2, 3, 4], [.nan, .nan, .nan, .nan]]))
    }
    #expect(allNull?.column == "f1")
    #expect(allNull?.description.contains("entirely missing") == true)
    let infinite = #expect(throws: ValidationError.self) {
      try Validation.validateFeatures(Self.dataset([[1, .infinity, 3, 4]]))
    }
    #expect(infinite?.column == "f0")
    #expect(infinite?.description.contains("impute_median") == true)
    let text = #expect(throws: ValidationError.self) {
      try Validation.validateFeatureTypes(names: ["team", "x"], isString: [true, false], isCategorical: [false, false])
    }
    #expect(text?.column == "team")
    #expect(throws: Never.self) {
      try Validation.validateFeatureTypes(names: ["team"], isString: [true], isCategorical: [true])
    }
  }

  @Test func medianImputationReplacesNonFiniteValues() throws {
    let data = Self.dataset([[1, .nan, 3, 10], [5, 6, -.infinity, 8]])
    let imputed = try Validation.validateFeatures(data, policy: .imputeMedian)
    #expect(imputed.features[0] == [1, 3, 3, 10])
    #expect(imputed.features[1] == [5, 6, 6, 8])
    let imputer = try MedianImputer.fit(Self.dataset([[1, 2, 3, 4]]))
    #expect(imputer.medians == [2.5])
  }

  @Test func standardizerMatchesStandardScalerConventions() {
    let s = Standardizer.fit([[1, 2, 3, 4], [5, 5, 5, 5]])
    #expect(s.means == [2.5, 5])
    #expect(abs(s.scales[0] - (1.25).squareRoot()) < 1e-15)
    #expect(s.scales[1] == 1)
    #expect(s.transform([[2.5], [6]]) == [[0], [1]])
  }
}
