import Foundation
import Scripting
import Testing

/// The context contract: JSON file, R literals and shell variables carry the same typed values.
@Suite struct ScriptContextTests {
  func context() -> ScriptContext {
    ScriptContext(
      cell: "calib", workbook: "w", seed: 7,
      params: [("bins", .int(10)), ("label", .string("a \"b\"\n")), ("on", .bool(true)), ("xs", .array([.double(0.5), .null]))],
      inputs: [.init(name: "shots", kind: .table, path: "/x/in/shots.arrow", format: .arrow, columns: [("made", "bool")], rows: 3)],
      tables: ["calib"], figures: ["fig.svg"], files: [], metrics: ["brier"], tableFormat: .arrow,
      codePath: "/x/code.py", codeDisplayName: "<cell calib>", searchPath: [], directory: URL(fileURLWithPath: "/x"))
  }

  @Test func jsonContextParses() throws {
    let json = try JSONSerialization.jsonObject(with: Data(context().json.utf8)) as? [String: Any]
    let params = json?["params"] as? [String: Any]
    #expect(params?["bins"] as? Int == 10)
    #expect(params?["label"] as? String == "a \"b\"\n")
    #expect((json?["outputs"] as? [String: Any])?["metrics"] as? [String] == ["brier"])
  }

  @Test func rLiteralsAndShellVariables() {
    #expect(ScriptValue.object([("a", .int(1)), ("b", .bool(false)), ("c", .null)]).rLiteral == "list(`a` = 1L, `b` = FALSE, `c` = NULL)")
    let vars = context().shellVariables
    #expect(vars["WB_INPUT_SHOTS"] == "/x/in/shots.arrow")
    #expect(vars["WB_OUTPUT_CALIB"] == "/x/out/calib.arrow")
    #expect(vars["WB_OUTPUT_FIG_SVG"] == "/x/out/fig.svg")
    #expect(vars["WB_PARAM_XS"] == "[0.5, null]")
  }
}
