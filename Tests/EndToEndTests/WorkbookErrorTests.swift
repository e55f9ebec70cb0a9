import Foundation
import Testing
import TestSupport

/// Every malformed-workbook case exits 2 with a `file:line:col: error:` diagnostic and runs nothing.
@Suite("malformed workbooks")
struct WorkbookErrorTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var arguments: [String] = []
    /// Expected `line:col` (nil = the command line) and message fragment.
    var position: String?
    var message: String
    var testDescription: String { name }
  }

  static let base = """
    workbook: bad
    params:
      data: shots.csv
      seed: 42
    cells:
      - id: bronze
        kind: load
        source: ${data}

    """

  static let cases: [Case] = [
    Case(name: "unknown kind", yaml: base + "  - id: x\n    kind: describ\n    input: bronze\n",
         position: "10:11", message: "unknown cell kind `describ` (did you mean `describe`?)"),
    Case(name: "unknown option", yaml: base + "  - id: x\n    kind: describe\n    input: bronze\n    topp: 3\n",
         position: "12:5", message: "unknown option `topp` (did you mean `top`?)"),
    Case(name: "unknown table reference", yaml: base + "  - id: x\n    kind: describe\n    input: bronz\n",
         position: "11:12", message: "unknown cell `bronz` in table reference `bronz` (did you mean `bronze`?)"),
    Case(name: "unknown cell field reference", yaml: base + "  - id: x\n    kind: test_sleep\n    ms: 1\n    value: ${bronzee.rows}\n",
         position: "12:12", message: "unknown cell `bronzee` in `${bronzee.rows}` (did you mean `bronze`?)"),
    Case(name: "cycle", yaml: base + "  - id: a\n    kind: describe\n    input: b\n  - id: b\n    kind: describe\n    input: a\n",
         position: "9:5", message: "dependency cycle"),
    Case(name: "duplicate id", yaml: base + "  - id: bronze\n    kind: describe\n    input: bronze\n",
         position: "9:5", message: "duplicate cell id `bronze`"),
    Case(name: "unused --param", yaml: base, arguments: ["--param", "seed=7"], position: nil,
         message: "--param seed: no cell uses param `seed`"),
    Case(name: "unknown --param", yaml: base, arguments: ["--param", "dta=x.csv"], position: nil,
         message: "--param dta: the workbook has no param `dta` (did you mean `data`?)"),
    Case(name: "undefined ${param}", yaml: base + "  - id: x\n    kind: test_sleep\n    ms: ${delay}\n",
         position: "11:9", message: "undefined param `${delay}`"),
    Case(name: "wrong type", yaml: base + "  - id: x\n    kind: describe\n    input: bronze\n    top: many\n",
         position: "12:10", message: "option `top` expects an integer, found string `many`"),
    Case(name: "wrong param value type", yaml: base + "  - id: x\n    kind: test_sleep\n    ms: ${seed}\n",
         arguments: ["--param", "seed=abc"], position: nil, message: "--param seed=abc: expects an integer, got `abc`"),
    Case(name: "param type mismatch", yaml: base + "  - id: x\n    kind: describe\n    input: bronze\n    top: ${data}\n",
         position: "12:10", message: "option `top` expects an integer, but param `data` is string"),
    Case(name: "missing required option", yaml: base + "  - id: x\n    kind: describe\n",
         position: "9:5", message: "missing required option `input`"),
    Case(name: "YAML syntax", yaml: "workbook: bad\ncells:\n  - id: a\n    kind: [load\n", position: nil, message: "invalid YAML"),
    Case(name: "unknown top-level key", yaml: "workbook: bad\ncels: []\n", position: "2:1",
         message: "unknown top-level key `cels` (did you mean `cells`?)"),
    Case(name: "bad when", yaml: base + "  - id: x\n    kind: describe\n    input: bronze\n    when: \"${bronze.rows} >\"\n",
         position: nil, message: "in `when`"),
  ]

  @Test(arguments: cases)
  func exitsTwoWithLocation(_ c: Case) throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV(rows: 5))
    try p.write("bad.yaml", c.yaml)
    let out = try p.workbench(["run", "bad.yaml"] + c.arguments)
    #expect(out.status == 2, "\(out.stderr)")
    #expect(out.stderr.contains(c.message), "\(out.stderr)")
    if let position = c.position {
      #expect(out.stderr.contains("bad.yaml:\(position): error:"), "\(out.stderr)")
    } else if !c.arguments.isEmpty {
      #expect(out.stderr.contains("error:"))
    } else {
      #expect(out.stderr.contains("bad.yaml:"), "\(out.stderr)")
    }
    #expect(!p.exists("outputs/bad/run.json"), "nothing may run")
  }

  @Test func schemaIsValidJSONListingEveryKind() throws {
    let p = try Project(); defer { p.remove() }
    let out = try p.workbench(["schema"])
    #expect(out.status == 0)
    let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
    #expect(json["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
    for kind in ["load", "describe", "note"] { #expect(out.stdout.contains("\"const\": \"\(kind)\"")) }
  }

  @Test func usageErrorsExitTwo() throws {
    let p = try Project(); defer { p.remove() }
    #expect(try p.workbench(["run"]).status == 2)
    #expect(try p.workbench(["frobnicate"]).status == 2)
    #expect(try p.workbench(["run", "missing.yaml"]).status == 2)
    #expect(try p.workbench(["run", "x.yaml", "--jobs", "0"]).status == 2)
  }
}
