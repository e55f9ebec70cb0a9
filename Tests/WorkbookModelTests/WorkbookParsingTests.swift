import Testing
import WorkbookModel

let kinds: [String: KindDescriptor] = [
  "load": KindDescriptor(name: "load", version: 1, summary: "", options: [
    OptionSpec("source", .inputPath, required: true, doc: ""),
    OptionSpec("bad_rows", .choice(["fail", "skip", "quarantine"]), default: "fail", doc: ""),
  ]),
  "describe": KindDescriptor(name: "describe", version: 1, summary: "", options: [
    OptionSpec("input", .table, required: true, doc: ""),
    OptionSpec("top", .integer, default: 5, doc: ""),
    OptionSpec("columns", .list(.string), doc: ""),
  ]),
]

@Suite struct WorkbookParsingTests {
  let text = """
    workbook: demo
    params:
      shots: data.csv
      top: 3
      rate: 0.5
      flag: true
    cells:
      - id: bronze
        kind: load
        source: ${shots}
      - id: stats
        kind: describe
        input: bronze
        top: ${top}
        when: "${bronze.rows} > 10 and not false"
    """

  @Test func parsesParamsCellsAndLocations() throws {
    let wb = try Workbook.parse(text, file: "demo.yaml")
    #expect(wb.name == "demo")
    #expect(wb.params.map(\.name) == ["shots", "top", "rate", "flag"])
    #expect(wb.params.map(\.type) == [.string, .integer, .number, .boolean])
    #expect(wb.cells.map(\.id) == ["bronze", "stats"])
    #expect(wb.cells[1].option("top")?.location == SourceLocation(file: "demo.yaml", line: 14, column: 10))
  }

  @Test func validationFindsDependenciesAndParams() throws {
    let v = try WorkbookValidator.validate(try Workbook.parse(text, file: "demo.yaml"), kinds: kinds,
                                           overrides: [ParamOverride(name: "top", rawValue: "9")])
    #expect(v.cell("stats")?.dependencies == ["bronze"])
    #expect(v.cell("stats")?.paramsUsed == ["top"])
    #expect(v.cell("bronze")?.paramsUsed == ["shots"])
    #expect(v.params["top"] == .int(9))
    #expect(v.order == ["bronze", "stats"])
    #expect(v.warnings.map(\.message).contains("param `rate` is not used by any cell"))
  }

  @Test func yamlCoreSchemaKeepsNorwayAString() throws {
    #expect(YAMLReader.resolvePlain("no") == .string("no"))
    #expect(YAMLReader.resolvePlain("yes") == .string("yes"))
    #expect(YAMLReader.resolvePlain("true") == .bool(true))
    #expect(YAMLReader.resolvePlain("1e3") == .float(1000))
    #expect(YAMLReader.resolvePlain("007") == .int(7))
    #expect(YAMLReader.resolvePlain("1.2.3") == .string("1.2.3"))
    let node = try YAMLReader.parse("a: '42'\nb: 42\n", file: "x")
    #expect(node["a"]?.string == "42")
    #expect(node["b"]?.int == 42)
  }

  @Test func templatesAndEscapes() throws {
    let loc = SourceLocation(file: "f", line: 1, column: 1)
    let t = try Template.parse("a ${x} b ${c.d.e} $${lit}", at: loc)
    #expect(t.references.map(\.text) == ["x", "c.d.e"])
    #expect(t.parts.last == .literal(" ${lit}"))
    #expect(try Template.parse("${only}", at: loc).soleReference?.root == "only")
    #expect(throws: Diagnostics.self) { try Template.parse("${unclosed", at: loc) }
    #expect(throws: Diagnostics.self) { try Template.parse("${a b}", at: loc) }
  }

  @Test func conditions() throws {
    let loc = SourceLocation(file: "f", line: 1, column: 1)
    func eval(_ s: String, _ values: [String: JSONValue]) throws -> Bool {
      try Condition.parse(SpecNode(.string(s), at: loc)).evaluate { values[$0.text] }
    }
    #expect(try eval("${d.drift}", ["d.drift": true]))
    #expect(try eval("${d.share} >= 0.5 and not ${d.small}", ["d.share": 0.5, "d.small": false]))
    #expect(try !eval("${a.x} == 'b' or (${a.y} < 2)", ["a.x": "c", "a.y": 3]))
    #expect(throws: ConditionError.self) { try eval("${a.x}", ["a.x": 3]) }
    #expect(throws: Diagnostics.self) { try Condition.parse(SpecNode(.string("${a.x} >"), at: loc)) }
  }

  @Test func canonicalJSONIsStable() {
    let v: JSONValue = ["b": [1, 2.5, "x<y"], "a": ["z": nil, "y": true], "c": 1.0]
    #expect(v.serialized(pretty: false) == #"{"a":{"y":true,"z":null},"b":[1,2.5,"x\u003cy"],"c":1.0}"#)
  }

  @Test func suggestions() {
    #expect(Suggest.closest(to: "descibe", in: ["describe", "load"]) == "describe")
    #expect(Suggest.closest(to: "zzz", in: ["describe", "load"]) == nil)
  }
}

/// Random mutations of a valid workbook must produce diagnostics or a workbook, never a trap.
@Suite struct WorkbookFuzzTests {
  @Test func mutatedWorkbooksNeverTrap() {
    let base = Array("""
      workbook: demo
      params: {shots: data.csv, top: 3}
      cells:
        - id: bronze
          kind: load
          source: ${shots}
        - {id: stats, kind: describe, input: bronze, top: "${top}", when: "${bronze.rows} > 1"}
        - id: n
          kind: describe
          input: stats
          columns: [a, 'b', "c"]
      """.utf8)
    let alphabet = Array("{}[]:,-'\"$#&*!|>%@` \n\tabc123.${}".utf8)
    var state: UInt64 = 0x1234_5678
    func next() -> UInt64 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return state >> 17
    }
    var parsed = 0, rejected = 0
    for _ in 0..<3000 {
      var bytes = base
      for _ in 0..<(1 + Int(next() % 4)) {
        let i = Int(next() % UInt64(bytes.count))
        switch next() % 3 {
        case 0: bytes[i] = alphabet[Int(next() % UInt64(alphabet.count))]
        case 1: bytes.insert(alphabet[Int(next() % UInt64(alphabet.count))], at: i)
        default: bytes.remove(at: i)
        }
      }
      let text = String(decoding: bytes, as: UTF8.self)
      do {
        let wb = try Workbook.parse(text, file: "fuzz.yaml")
        _ = try WorkbookValidator.validate(wb, kinds: kinds, overrides: [ParamOverride(name: "top", rawValue: "x")])
        parsed += 1
      } catch {
        #expect(!error.items.isEmpty)
        #expect(error.items.allSatisfy { $0.location != nil || $0.message.contains("--param") })
        rejected += 1
      }
    }
    #expect(parsed + rejected == 3000)
    #expect(rejected > 0)
  }
}

@Suite struct JSONParserTests {
  @Test func roundTripsCanonicalJSON() throws {
    let v: JSONValue = ["a": [1, -2, 3.5, 1e-300, "x\n\"é\u{1F600}<>&"], "b": ["c": nil, "d": false, "e": true], "f": 1.0]
    let text = v.serialized()
    #expect(try JSONValue.parse(Array(text.utf8)) == v)
    #expect(try JSONValue.parse(Array(#"{"s":"\ud83d\ude00\u00e9\/"}"#.utf8)) == ["s": "😀é/"])
  }

  @Test func rejectsMalformedJSONWithoutTrapping() {
    for bad in ["", "{", "[1,", "{\"a\" 1}", "tru", "\"abc", "[1]x", "{\"a\":\"\\q\"}", "-", "\"\\ud800\\u0041\""] {
      #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(bad.utf8)) }
    }
    var state: UInt64 = 99
    let base = Array(#"{"key":[1,2.5,{"x":"y\u0041"},true,null],"n":-3e2}"#.utf8)
    for _ in 0..<2000 {
      var b = base
      state = state &* 6364136223846793005 &+ 1
      b[Int(state >> 33) % b.count] = UInt8(truncatingIfNeeded: state >> 13)
      _ = try? JSONValue.parse(b)
    }
  }
}
