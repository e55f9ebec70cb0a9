import Testing
import WorkbookModel

/// Kinds whose options carry declared constraints and typed references.
private let constrainedKinds: [String: KindDescriptor] = [
  "source": KindDescriptor(name: "source", version: 1, summary: "", options: [
    OptionSpec("top", .integer, default: 5, range: .atLeast(0), doc: ""),
    OptionSpec("share", .number, default: 0.5, range: OptionRange(lower: 0, lowerInclusive: false, upper: 1), doc: ""),
    OptionSpec("env", .string, pattern: OptionPattern("[A-Za-z_][A-Za-z0-9_]*", meaning: "an environment variable name"), doc: ""),
    OptionSpec("lambdas", .list(.number), range: .above(0), count: 1...Int.max, doc: ""),
    OptionSpec("language", .choice(["en", "fr"]), default: "en", doc: ""),
  ]),
  "train": KindDescriptor(name: "train", version: 1, summary: "", options: [OptionSpec("input", .table, doc: "")],
                          produces: [.model]),
  "predict": KindDescriptor(name: "predict", version: 1, summary: "", options: [
    OptionSpec("model", .modelReference, required: true, doc: ""),
    OptionSpec("input", .table, doc: ""),
  ]),
]

private func validate(_ text: String, _ overrides: [ParamOverride] = []) throws(Diagnostics) -> ValidatedWorkbook {
  let workbook: Workbook
  do { workbook = try Workbook.parse(text, file: "w.yaml") } catch { throw Diagnostics([.error("parse: \(error)")]) }
  return try WorkbookValidator.validate(workbook, kinds: constrainedKinds, overrides: overrides)
}

private func errors(_ text: String) -> [Diagnostic] {
  do { _ = try validate(text); return [] } catch { return error.errors }
}

@Suite struct OptionConstraintTests {
  @Test func writtenValueOutOfRangeIsAnErrorAtTheOption() {
    let found = errors("""
      workbook: w
      cells:
        - id: a
          kind: source
          top: -3
      """)
    #expect(found.count == 1)
    #expect(found.first?.message == "`top` must be ≥ 0, got -3")
    #expect(found.first?.location == SourceLocation(file: "w.yaml", line: 5, column: 10))
    #expect(found.first?.cell == "a")
  }

  @Test func eachConstraintKindHasItsMessage() {
    let found = errors("""
      workbook: w
      cells:
        - id: a
          kind: source
          share: 0
          env: https://hooks.example
          lambdas: [1, -2]
        - id: b
          kind: source
          lambdas: []
      """).map(\.message)
    #expect(found == [
      "`share` must be in (0, 1], got 0",
      "`env` must be an environment variable name, got `https://hooks.example`",
      "`lambdas` must be > 0, got -2",
      "`lambdas` must list at least 1 item, got 0",
    ])
  }

  @Test func aValueThroughAParamIsLeftToRunTimeAndThenGivesTheSameDiagnostic() throws {
    let text = """
      workbook: w
      params:
        n: 3
      cells:
        - id: a
          kind: source
          top: ${n}
      """
    let validated = try validate(text, [ParamOverride(name: "n", rawValue: "-3")])
    let cell = try #require(validated.cell("a"))
    let location = try #require(cell.spec.option("top")?.location)
    #expect(throws: Diagnostics.self) {
      try cell.kind.checkResolved(["top": validated.params["n"]!], locations: ["top": location], cell: "a")
    }
    do {
      try cell.kind.checkResolved(["top": .int(-3)], locations: ["top": location], cell: "a")
    } catch {
      let written = errors(text.replacingOccurrences(of: "${n}", with: "-3"))
      #expect(error.errors == written)
      #expect(error.errors.first?.description == "w.yaml:7:10: error: cell 'a': `top` must be ≥ 0, got -3")
    }
    try cell.kind.checkResolved(["top": .int(2)], locations: ["top": location], cell: "a")
  }

  @Test func aChoiceThroughAParamIsCheckedAtRunTime() {
    let spec = OptionSpec("language", .choice(["en", "fr"]), doc: "")
    let at = SourceLocation(file: "w.yaml", line: 3, column: 5)
    #expect(spec.check(.string("fr"), at: at, cell: "c") == nil)
    let problem = spec.check(.string("de"), at: at, cell: "c")
    #expect(problem?.message == "`de` is not a valid value for `language`; expected one of `en`, `fr`")
    #expect(problem?.location == at)
  }

  @Test func rangeDescriptions() {
    #expect(OptionRange.atLeast(1).description == "≥ 1")
    #expect(OptionRange.above(0).description == "> 0")
    #expect(OptionRange.from(100, to: 4000).description == "between 100 and 4000")
    #expect(OptionRange(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false).description == "in (0, 1)")
    #expect(OptionRange(lower: nil, upper: 300).description == "≤ 300")
    #expect(!OptionRange.atLeast(0).contains(.nan))
  }

  @Test func modelReferenceMustNameACellThatProducesAModel() {
    let found = errors("""
      workbook: w
      cells:
        - id: data
          kind: source
        - id: fit
          kind: train
          input: data
        - id: good
          kind: predict
          model: fit
          input: data
        - id: bad
          kind: predict
          model: data
      """)
    #expect(found.count == 1)
    #expect(found.first?.message == "`data` is a `source` cell, which produces no model")
    #expect(found.first?.hint == "name a cell of kind `train`")
    #expect(found.first?.cell == "bad")
  }

  @Test func malformedTableReferenceIsOneError() {
    let found = errors("""
      workbook: w
      cells:
        - id: data
          kind: source
        - id: p
          kind: predict
          model: data..x
      """)
    #expect(found.count == 1)
    #expect(found.first?.message.hasPrefix("malformed reference `data..x`") == true)
  }

  @Test func schemaCarriesConstraintsOnTheWrittenForm() {
    let schema = WorkbookSchema.jsonSchema(kinds: constrainedKinds)
    let cells = schema.objectValue?["properties"]?.objectValue?["cells"]?.objectValue?["items"]?.objectValue?["oneOf"]?.arrayValue ?? []
    let source = cells.first { $0.objectValue?["properties"]?.objectValue?["kind"]?.objectValue?["const"] == "source" }
    let options = source?.objectValue?["properties"]?.objectValue ?? [:]
    /// The first `anyOf` alternative of an option: the form written out (the second is a `${…}` reference).
    func written(_ name: String) -> [String: JSONValue] { options[name]?.objectValue?["anyOf"]?.arrayValue?.first?.objectValue ?? [:] }
    #expect(written("top")["minimum"] == .double(0))
    #expect(written("share")["exclusiveMinimum"] == .double(0))
    #expect(written("share")["maximum"] == .double(1))
    #expect(written("lambdas")["minItems"] == .int(1))
    #expect(written("env")["pattern"] == "^(?:[A-Za-z_][A-Za-z0-9_]*)$")
  }
}

@Suite struct CellReferenceTests {
  @Test(arguments: [
    ("split", "split", [String]()),
    ("split.train", "split", ["train"]),
    ("sweep.best.test.roc_auc", "sweep", ["best", "test", "roc_auc"]),
    ("profile.columns[\"Shot Made Flag\"].mean", "profile", ["columns", "Shot Made Flag", "mean"]),
    ("profile.`a.b`", "profile", ["a.b"]),
    ("runs[0]", "runs", ["0"]),
    ("my-cell_2.x", "my-cell_2", ["x"]),
  ])
  func parses(text: String, cell: String, path: [String]) throws {
    let reference = try CellReference.parse(text)
    #expect(reference.cell == cell)
    #expect(reference.path == path)
  }

  @Test(arguments: ["", "  ", ".train", "split.", "split..train", "split.train x", "a$b", "a[", "a[\"x", "a.b]"])
  func rejectsMalformed(text: String) {
    #expect(throws: Diagnostics.self) { _ = try CellReference.parse(text) }
    do { _ = try CellReference.parse(text) } catch {
      #expect(error.items.count == 1)
      #expect(error.items[0].message.hasPrefix("malformed reference `\(text)`"))
      #expect(error.items[0].hint?.contains("`cell` or `cell.field`") == true)
    }
  }

  @Test func tableReferenceNamesAnOutputWhoseNameMayHaveDots() throws {
    #expect(try CellReference.table("split.train").table == "train")
    #expect(try CellReference.table("split").table == nil)
    #expect(try CellReference.table("fit.model.json").table == "model.json")
    #expect(try CellReference.table("fit.model.json").cell == "fit")
  }

  @Test func aModelOrRunReferenceIsABareCellId() {
    #expect(throws: Diagnostics.self) { _ = try CellReference.parse("fit.model", maximumPath: 0) }
  }

  @Test func malformedReferencePointsAtTheCharacter() {
    let at = SourceLocation(file: "w.yaml", line: 4, column: 12)
    do {
      _ = try CellReference.parse("split..x", at: at)
      Issue.record("expected an error")
    } catch {
      #expect(error.items.first?.location == SourceLocation(file: "w.yaml", line: 4, column: 18))
    }
  }

  @Test func aConditionReferenceMayQuoteABrace() throws {
    let node = SpecNode(.string("${p.columns[\"a}b\"].n} > 1"), at: SourceLocation(file: "w.yaml", line: 2, column: 11))
    let condition = try Condition.parse(node)
    #expect(condition.references.map(\.path) == [["columns", "a}b", "n"]])
  }

  @Test func spelledBackCanonically() throws {
    #expect(try CellReference.parse("profile.`Shot Made`").description == "profile[\"Shot Made\"]")
  }
}
