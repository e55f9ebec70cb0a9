import Foundation
import Testing
import TestSupport
import WorkbookModel

/// The `{{ path | format }}` syntax of prose values: names with spaces, escapes, positions of errors.
@Suite struct ValueTemplateTests {
  let here = WorkbookModel.SourceLocation(file: "nofile.yaml", line: 3, column: 9)

  func values(_ text: String) throws -> [ValueReference] {
    try ValueTemplate.parse(text, at: here).values
  }

  func firstError(_ text: String, at location: WorkbookModel.SourceLocation? = nil) -> Diagnostic? {
    do throws(Diagnostics) {
      _ = try ValueTemplate.parse(text, at: location ?? here)
      return nil
    } catch {
      return error.items.first
    }
  }

  @Test func plainPathsAndFormats() throws {
    let v = try values("{{ bronze.rows | count }} shots, {{top}} top, {{ a.b-c.d_e.0 }}")
    #expect(v.map(\.path) == [["bronze", "rows"], ["top"], ["a", "b-c", "d_e", "0"]])
    #expect(v.map(\.format) == ["count", nil, nil])
  }

  @Test func namesWithSpacesInBracketsOrBackquotes() throws {
    let v = try values(#"{{ profile.columns["Shot Made Flag"].mean | percent1 }} {{ p.columns.`Shot Made Flag`.mean }} {{ x['it''s'] }}"#)
    #expect(v[0].path == ["profile", "columns", "Shot Made Flag", "mean"])
    #expect(v[0].format == "percent1")
    #expect(v[1].path == ["p", "columns", "Shot Made Flag", "mean"])
    #expect(v[0].text == #"profile.columns["Shot Made Flag"].mean"#)
  }

  @Test func escapesAndPunctuationInNames() throws {
    let v = try values(#"{{ t["a \"q\" }} b"].x }} {{ t.`tick``s`[2] }}"#)
    #expect(v[0].path == ["t", #"a "q" }} b"#, "x"])
    #expect(v[1].path == ["t", "tick`s", "2"])
    #expect(v[0].text == #"t["a \"q\" }} b"].x"#)
  }

  @Test func unquotedSpacesSuggestTheBracketedForm() throws {
    let d = try #require(firstError("n {{ profile.columns.Shot Made Flag.mean | percent1 }}"))
    #expect(d.message.contains("field name with spaces must be quoted"))
    #expect(d.hint?.contains(#"{{ profile.columns["Shot Made Flag"].mean | percent1 }}"#) == true)
    // The space after `Shot`: 2 + `{{ profile.columns.Shot` (23) columns past the scalar's start.
    #expect(d.location == WorkbookModel.SourceLocation(file: "nofile.yaml", line: 3, column: 9 + 25))
  }

  @Test func malformedValuesAreErrorsAtTheirCharacter() throws {
    #expect(firstError("{{ a.b")?.message.contains("without a closing") == true)
    #expect(firstError("{{ }}")?.message.contains("expected a param or cell id") == true)
    #expect(firstError("{{ a. }}")?.message.contains("expected a field name after `.`") == true)
    #expect(firstError(#"{{ a["b }}"#)?.message.contains("without a closing") == true)
    #expect(firstError("{{ a[x] }}")?.message.contains("quoted name or an index") == true)
    #expect(firstError("{{ a.b! }}")?.message.contains("unexpected `!`") == true)
    let format = try #require(firstError("x {{ a.b | percnt }}"))
    #expect(format.message.contains("unknown format `percnt`"))
    #expect(format.hint == "did you mean `percent`?")
    #expect(firstError("{{ a | %.13f }}") != nil)
    #expect(firstError("{{ a | %.3f }}") == nil)
  }

  @Test func blockScalarErrorsPointIntoTheFile() throws {
    let dir = try makeTemporaryDirectory("value-template")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("w.yaml").path
    let yaml = "cells:\n  - id: n\n    text: |\n      First line.\n      Rate {{ s.columns.Made Flag.mean }}.\n"
    try yaml.write(toFile: file, atomically: true, encoding: .utf8)
    // Yams marks a block scalar at its `|` (line 3, column 11).
    let d = try #require(firstError("First line.\nRate {{ s.columns.Made Flag.mean }}.\n",
                               at: WorkbookModel.SourceLocation(file: file, line: 3, column: 11)))
    #expect(d.location?.line == 5)
    #expect(d.location?.column == 7 + "Rate {{ s.columns.Made".count)
  }

  @Test func dollarReferencesTakeTheSamePathSyntax() throws {
    let t = try Template.parse(#"rate ${profile.columns["Shot Made Flag"].mean} of ${p.`a b`[2]}"#, at: here)
    #expect(t.references.map(\.path) == [["columns", "Shot Made Flag", "mean"], ["a b", "2"]])
    #expect(t.references[0].text == #"profile.columns["Shot Made Flag"].mean"#)
    do throws(Diagnostics) {
      _ = try Template.parse("${profile.columns.Shot Made Flag.mean}", at: here)
      Issue.record("a plain name with spaces should be an error")
    } catch {
      #expect(error.items.first?.hint?.contains(#"${profile.columns["Shot Made Flag"].mean}"#) == true)
    }
    #expect(throws: Diagnostics.self) { try Template.parse("${a.b | count}", at: here) }
  }

  @Test func lookupNamesTheMissingFieldWithASuggestion() throws {
    let result = JSONValue.object(["columns": .object(["Shot Made Flag": .object(["mean": .double(0.46)])])])
    guard case .success(let v) = ValueReference.lookup(["columns", "Shot Made Flag", "mean"], in: result, root: "p") else {
      Issue.record("lookup failed")
      return
    }
    #expect(v == .double(0.46))
    guard case .failure(let f) = ValueReference.lookup(["columns", "Shot Made Flg", "mean"], in: result, root: "p") else {
      Issue.record("lookup should fail")
      return
    }
    #expect(f.message == "`p.columns` has no field `Shot Made Flg`")
    #expect(f.hint == #"did you mean `p.columns["Shot Made Flag"]`?"#)
  }
}
