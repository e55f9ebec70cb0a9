import Engine
import Testing
import WorkbookModel

/// The non-optional reads take a missing option's value from the descriptor's declared default.
@Suite struct CellOptionsDeclaredTests {
  let cell = SourceLocation(file: "w.yaml", line: 3, column: 5)

  func options(_ values: [String: JSONValue], defaults: [String: JSONValue]) -> CellOptions {
    CellOptions(values: values, locations: values.mapValues { _ in SourceLocation(file: "w.yaml", line: 4, column: 10) },
                cellLocation: cell, defaults: defaults)
  }

  enum Language: String { case en, fr }

  @Test func missingOptionsTakeTheDeclaredDefault() throws {
    let o = options([:], defaults: ["top": 5, "share": 0.5, "plots": true, "method": "pearson", "formats": ["svg"],
                                    "lambdas": [0.1, 1], "language": "fr", "timeout": 2.5])
    #expect(try o.integer("top") == 5)
    #expect(try o.number("share") == 0.5)
    #expect(try o.boolean("plots"))
    #expect(try o.text("method") == "pearson")
    #expect(try o.texts("formats") == ["svg"])
    #expect(try o.numbers("lambdas") == [0.1, 1])
    #expect(try o.choice("language", as: Language.self) == .fr)
    #expect(try o.duration("timeout") == .milliseconds(2500))
  }

  @Test func writtenValuesWin() throws {
    let o = options(["top": 9, "formats": "png"], defaults: ["top": 5, "formats": ["svg"]])
    #expect(try o.integer("top") == 9)
    #expect(try o.texts("formats") == ["png"])
  }

  @Test func anOptionWithNeitherValueNorDefaultIsAnErrorNamingIt() {
    let o = options([:], defaults: [:])
    do {
      _ = try o.integer("top")
      Issue.record("expected an error")
    } catch let error as CellError {
      #expect(error.message == "missing option `top`")
      #expect(error.location == cell)
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func aValueOutsideTheChoicesIsAnErrorAtTheOption() {
    let o = options(["language": "de"], defaults: [:])
    #expect(throws: CellError.self) { _ = try o.choice("language", as: Language.self) }
  }
}
