import Learn
import Testing
import WorkbenchCore

@Suite struct ModelFileTests {
  static func trainedModel(options: LogisticRegression.Options = .init(C: 0.5, standardize: true)) throws -> (LogisticRegression, Dataset) {
    let data = LogisticRegressionTests.synthetic(rows: 400, seed: 21)
    return (try LogisticRegression.fit(data, options: options), data)
  }

  @Test(arguments: [
    LogisticRegression.Options(C: 0.5, standardize: true),
    LogisticRegression.Options(penalty: .l1, C: 0.2, classWeight: .balanced),
    LogisticRegression.Options(penalty: .none, classWeight: .explicit(negative: 1, positive: 2), fitIntercept: false),
  ])
  func roundTripPredictsBitIdentically(options: LogisticRegression.Options) throws {
    let (model, data) = try Self.trainedModel(options: options)
    let file = ModelFile(model: model, featureNames: data.featureNames, isCategorical: data.isCategorical)
    let bytes = file.encoded()
    #expect(Array(bytes.prefix(7)) == Array("WBMODEL".utf8))
    let decoded = try ModelFile(decoding: bytes)
    #expect(decoded == file)
    #expect(decoded.kind == "logistic_regression")
    let reloaded: LogisticRegression = try decoded.model()
    #expect(reloaded == model)
    let before = model.predictProbability(data).map(\.bitPattern)
    let after = reloaded.predictProbability(data).map(\.bitPattern)
    #expect(before == after)
    // Encoding is deterministic: the same model gives the same bytes.
    #expect(ModelFile(model: reloaded, featureNames: data.featureNames, isCategorical: data.isCategorical).encoded() == bytes)
  }

  @Test func sameSeedSameDataSameBytes() throws {
    let a = try Self.trainedModel().0, b = try Self.trainedModel().0
    let names = ["a", "b"], flags = [false, false]
    #expect(ModelFile(model: a, featureNames: names, isCategorical: flags).encoded()
            == ModelFile(model: b, featureNames: names, isCategorical: flags).encoded())
  }

  @Test func corruptInputThrowsNeverTraps() throws {
    let (model, data) = try Self.trainedModel()
    let bytes = ModelFile(model: model, featureNames: data.featureNames, isCategorical: data.isCategorical).encoded()
    #expect(throws: ModelFileError.self) { try ModelFile(decoding: []) }
    #expect(throws: ModelFileError.self) { try ModelFile(decoding: Array("WBMODEL".utf8)) }
    #expect(throws: ModelFileError.self) { try ModelFile(decoding: Array("NOTMODEL________________".utf8)) }
    // Every truncation, and seeded random byte flips, are rejected.
    for length in 0..<bytes.count {
      #expect(throws: ModelFileError.self) { try ModelFile(decoding: Array(bytes.prefix(length))) }
    }
    var rng = SeededGenerator(seed: 99)
    for _ in 0..<500 {
      var corrupt = bytes
      let flips = 1 + rng.nextInt(below: 4)
      for _ in 0..<flips {
        let i = rng.nextInt(below: corrupt.count)
        corrupt[i] ^= UInt8(1 + rng.nextInt(below: 255))
      }
      #expect(throws: ModelFileError.self) { try ModelFile(decoding: corrupt) }
    }
    // Payload garbage behind a valid container: the model decoder must throw, not trap.
    for _ in 0..<300 {
      let payload = (0..<rng.nextInt(below: 120)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      let file = ModelFile(kind: LogisticRegression.kind, featureNames: ["a"], isCategorical: [false], payload: payload)
      let decoded = try ModelFile(decoding: file.encoded())
      #expect(throws: (any Error).self) { let _: LogisticRegression = try decoded.model() }
    }
  }

  @Test func wrongKindAndNewerVersionAreClearErrors() throws {
    let (model, data) = try Self.trainedModel()
    var file = ModelFile(model: model, featureNames: data.featureNames, isCategorical: data.isCategorical)
    file.kind = "random_forest"
    let wrongKind = try ModelFile(decoding: file.encoded())
    let error = #expect(throws: ModelFileError.self) { let _: LogisticRegression = try wrongKind.model() }
    #expect(error?.description.contains("random_forest") == true)
    file.kind = LogisticRegression.kind
    file.formatVersion = ModelFile.currentVersion + 1
    #expect(throws: ModelFileError.self) { try ModelFile(decoding: file.encoded()) }
  }
}
