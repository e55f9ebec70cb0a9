import Foundation
import Frame
import Serving
import Testing

/// MLflow's request formats decoded into the model's feature table, and every refusal with its status and message.
@Suite struct ScoringInputTests {
  let features = ["a", "b", "zone"]
  let categorical = [false, false, true]

  func table(_ body: String, _ format: ScoringInput.Format = .json) throws(ScoringError) -> Frame {
    try ScoringInput.table(Array(body.utf8), format: format, features: features, categorical: categorical)
  }

  func refusal(_ body: String, _ format: ScoringInput.Format = .json) -> ScoringError? {
    do { _ = try table(body, format); return nil } catch { return error }
  }

  @Test func contentTypesFollowMLflow() throws {
    #expect(try ScoringInput.format(contentType: "application/json") == .json)
    #expect(try ScoringInput.format(contentType: "application/json; charset=UTF-8") == .json)
    #expect(try ScoringInput.format(contentType: "text/csv") == .csv)
    #expect(try ScoringInput.format(contentType: "application/csv;charset=utf-8") == .csv)
    for refused in [nil, "", "text/plain", "application/json; charset=latin-1", "application/json; format=pandas-split", "application/xml"] {
      #expect(throws: ScoringError.self) { try ScoringInput.format(contentType: refused) }
      do { _ = try ScoringInput.format(contentType: refused) } catch { #expect(error.status == 415) }
    }
  }

  @Test func everyFormatGivesTheSameTable() throws {
    let expected = try table(#"{"dataframe_split": {"columns": ["a", "b", "zone"], "data": [[1, 2.5, "paint"], [3, null, 7]]}}"#)
    let bodies = [
      #"{"dataframe_split": {"index": [10, 11], "columns": ["zone", "b", "a"], "data": [["paint", 2.5, 1], [7, null, 3]]}}"#,
      #"{"dataframe_records": [{"a": 1, "b": 2.5, "zone": "paint"}, {"a": 3, "b": null, "zone": 7}]}"#,
      #"{"instances": [{"a": 1, "b": 2.5, "zone": "paint"}, {"a": 3, "b": null, "zone": 7}]}"#,
      #"{"inputs": {"a": [1, 3], "b": [2.5, null], "zone": ["paint", 7]}}"#,
      #"{"instances": [[1, 2.5, "paint"], [3, null, 7]], "params": {}}"#,
    ]
    for body in bodies { #expect(try table(body) == expected, "\(body)") }
    #expect(try table("a,b,zone\n1,2.5,paint\n3,,7\n", .csv) == expected)
    #expect(expected.rowCount == 2)
    #expect(expected.column(named: "b")?.isNull(1) == true)
  }

  @Test func schemaRefusalsNameTheColumnAndRow() {
    let missing = refusal(#"{"dataframe_records": [{"a": 1, "zone": "x"}]}"#)
    #expect(missing?.status == 400)
    #expect(missing?.code == "BAD_REQUEST")
    #expect(missing?.message.contains("missing column(s) `b`") == true)
    #expect(refusal(#"{"dataframe_records": [{"a": 1, "b": 2, "zone": "x", "c": 4}]}"#)?.message.contains("`c` are not features") == true)
    let mistyped = refusal(#"{"dataframe_split": {"columns": ["a", "b", "zone"], "data": [[1, 2, "x"], [1, "two", "y"]]}}"#)
    #expect(mistyped?.message == "column `b`, row 1: expected a number or null, got \"two\"")
    #expect(refusal(#"{"dataframe_records": [{"a": true, "b": 2, "zone": "x"}]}"#)?.message.contains("column `a`, row 0") == true)
    #expect(refusal(#"{"dataframe_records": [{"a": 1, "b": 2, "zone": "x"}, {"a": 1, "zone": "x"}]}"#)?.message.contains("row 1") == true)
    #expect(refusal("a,b,zone\n1,x,3\n", .csv)?.message.contains("column `b`, row 0") == true)
  }

  @Test func malformedBodiesAreRefusedWithAMessage() {
    let bodies = [
      "", "{", "[]", "null", "42", #"{"dataframe_split": 1}"#, #"{"foo": []}"#,
      #"{"dataframe_records": [], "instances": []}"#, #"{"dataframe_records": [1, 2]}"#,
      #"{"dataframe_split": {"columns": ["a", "a"], "data": []}}"#,
      #"{"dataframe_split": {"columns": ["a", "b", "zone"], "data": [[1, 2]]}}"#,
      #"{"dataframe_split": {"columns": ["a", "b", "zone"], "data": [[1, 2, 3]], "index": [1, 2]}}"#,
      #"{"inputs": {"a": [1], "b": [1, 2], "zone": [1]}}"#, #"{"instances": [[1, 2]]}"#, #"{"instances": [1, 2]}"#,
      #"{"inputs": [{"a": 1, "b": 2, "zone": 3}, [1, 2, 3]]}"#, #"{"instances": [[1, 2, 3]], "params": {"threshold": 0.3}}"#,
      #"{"instances": [[1, 2, 3]], "params": [1]}"#, #"{"instances": [[1, 2, {"x": 1}]]}"#,
      String(repeating: "[", count: 100_000),
    ]
    for body in bodies {
      let e = refusal(body)
      #expect(e?.status == 400, "\(body.prefix(80))")
      #expect(e?.message.isEmpty == false)
    }
    #expect(refusal("a,b\n1,2,3\n", .csv)?.status == 400)
    #expect(refusal("\u{FF}\u{FE}", .csv)?.status == 400)
  }

  /// Seeded random mutations of a valid body: each is decoded or refused with 400, never a trap.
  @Test func mutatedBodiesNeverCrash() {
    let valid = Array(#"{"dataframe_split": {"columns": ["a", "b", "zone"], "data": [[1, 2.5, "paint"], [3, null, 7]]}}"#.utf8)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
      state ^= state << 13; state ^= state >> 7; state ^= state << 17
      return state
    }
    let alphabet = Array(#"{}[]",:0123456789.eE+-nulltruefalse "#.utf8)
    for _ in 0..<3000 {
      var body = valid
      for _ in 0..<(1 + Int(next() % 4)) {
        let i = Int(next() % UInt64(body.count))
        switch next() % 3 {
        case 0: body[i] = alphabet[Int(next() % UInt64(alphabet.count))]
        case 1: body.remove(at: i)
        default: body.insert(alphabet[Int(next() % UInt64(alphabet.count))], at: i)
        }
      }
      for format in [ScoringInput.Format.json, .csv] {
        do { _ = try ScoringInput.table(body, format: format, features: features, categorical: categorical) } catch {
          #expect(error.status == 400)
        }
      }
    }
  }

  @Test func modelSelectorParsesNameAliasAndVersion() throws {
    #expect(try ModelSelector(parsing: "parivision") == ModelSelector(name: "parivision", alias: "champion"))
    #expect(try ModelSelector(parsing: "parivision@challenger").alias == "challenger")
    let pinned = try ModelSelector(parsing: "parivision@3")
    #expect(pinned.version == 3 && pinned.alias == nil)
    for bad in ["", "@champion", "parivision@", "parivision@0"] {
      #expect(throws: ScoringError.self) { try ModelSelector(parsing: bad) }
    }
  }
}
