import Foundation
import Testing
@testable import Frame
import WorkbenchCore

/// Parser, type checker and evaluator of the expression language.
@Suite("expressions")
struct ExpressionTests {
  static let frame = try! Frame(columns: [
    Column(name: "Shot Distance", ints: [1, 17, 25, 0, 30], validity: [true, true, true, true, false]),
    Column(name: "x", floats: [1.5, -2.5, 0, 4, 10]),
    Column(name: "zone", strings: ["Restricted Area", "Mid-Range", nil, "Left Corner 3", "Backcourt"]),
    Column(name: "made", bools: [true, false, true, false, true], validity: [true, true, false, true, true]),
    Column(name: "minutes", strings: ["9", "3", "x", " 11 ", "2.0"]),
  ])

  func eval(_ text: String) throws -> [Value] {
    let c = try RowExpression(text).evaluate(on: Self.frame, name: "out")
    return (0..<c.count).map { c.value(at: $0) }
  }

  @Test func arithmeticPromotesAndDividesToFloat() throws {
    #expect(try eval("`Shot Distance` * 2 + 1") == [.int(3), .int(35), .int(51), .int(1), .null])
    #expect(try eval("`Shot Distance` * 0.5") == [.float(0.5), .float(8.5), .float(12.5), .float(0), .null])
    #expect(try eval("7 / 2") == Array(repeating: .float(3.5), count: 5))
    #expect(try eval("`Shot Distance` / 0") == Array(repeating: .null, count: 5))
    #expect(try eval("-7 % 3") == Array(repeating: .int(2), count: 5))    // floored, like Python
    #expect(try eval("7 % -3") == Array(repeating: .int(-2), count: 5))
    #expect(try eval("x % 0") == Array(repeating: .null, count: 5))
    #expect(try eval("9223372036854775807 + 1") == Array(repeating: .null, count: 5))  // overflow → null
    #expect(try eval("-x")[1] == .float(2.5))
    #expect(try eval("2 + 3 * 4 - (1 + 1)")[0] == .int(12))
  }

  @Test func comparisonsAndThreeValuedLogic() throws {
    #expect(try eval("`Shot Distance` > 10") == [.bool(false), .bool(true), .bool(true), .bool(false), .null])
    #expect(try eval("zone = 'Mid-Range'") == [.bool(false), .bool(true), .null, .bool(false), .bool(false)])
    #expect(try eval("zone <> 'Mid-Range'")[0] == .bool(true))
    // false and null = false; true or null = true; otherwise null.
    #expect(try eval("made and false") == Array(repeating: .bool(false), count: 5))
    #expect(try eval("made or true") == Array(repeating: .bool(true), count: 5))
    #expect(try eval("made and true") == [.bool(true), .bool(false), .null, .bool(false), .bool(true)])
    #expect(try eval("not made") == [.bool(false), .bool(true), .null, .bool(true), .bool(false)])
    #expect(try eval("zone is null") == [.bool(false), .bool(false), .bool(true), .bool(false), .bool(false)])
    #expect(try eval("`Shot Distance` is not null")[4] == .bool(false))
    #expect(try eval("zone in ('Mid-Range', 'Backcourt')") == [.bool(false), .bool(true), .null, .bool(false), .bool(true)])
    #expect(try eval("zone not in ('Mid-Range')")[0] == .bool(true))
    #expect(try eval("`Shot Distance` in (1, 25.0)") == [.bool(true), .bool(false), .bool(true), .bool(false), .null])
    #expect(try eval("x >= 0 AND x < 5")[4] == .bool(false))
  }

  @Test func caseWhenPicksTheFirstTrueBranch() throws {
    let text = """
      case when zone = 'Restricted Area' then 1 when contains(zone, 'Corner 3') then 6
           when zone = 'Backcourt' then 7 else 0 end
      """
    #expect(try eval(text) == [.int(1), .int(0), .int(0), .int(6), .int(7)])
    #expect(try eval("case when x > 1 then 'big' end") == [.string("big"), .null, .null, .string("big"), .string("big")])
    #expect(try eval("case when x > 1 then 1 else 0.5 end")[1] == .float(0.5))
    #expect(try eval("case when made then zone else 'no' end") == [.string("Restricted Area"), .string("no"), .string("no"), .string("no"), .string("Backcourt")])
  }

  @Test func functions() throws {
    #expect(try eval("coalesce(zone, 'none')")[2] == .string("none"))
    #expect(try eval("coalesce(`Shot Distance`, -1)")[4] == .int(-1))
    #expect(try eval("abs(x)")[1] == .float(2.5))
    #expect(try eval("round(x)") == [.float(2), .float(-3), .float(0), .float(4), .float(10)])  // half away from zero
    #expect(try eval("round(x * 0.3048, 2)")[0] == .float(0.46))
    #expect(try eval("floor(x)")[1] == .float(-3))
    #expect(try eval("ceil(x)")[1] == .float(-2))
    #expect(try eval("sqrt(x)")[1] == .null)
    #expect(try eval("log(x)")[2] == .null)
    #expect(try eval("exp(0)")[0] == .float(1))
    #expect(try eval("max(`Shot Distance`, 5)") == [.int(5), .int(17), .int(25), .int(5), .int(5)])
    #expect(try eval("min(x, 1, `Shot Distance`)")[4] == .float(1))
    #expect(try eval("lower(zone)")[1] == .string("mid-range"))
    #expect(try eval("upper(zone)")[4] == .string("BACKCOURT"))
    #expect(try eval("trim(minutes)")[3] == .string("11"))
    #expect(try eval("length(zone)")[4] == .int(9))
    #expect(try eval("substr(zone, 1, 3)")[1] == .string("Mid"))
    #expect(try eval("substr(zone, 6)")[3] == .string("Corner 3"))
    #expect(try eval("starts_with(zone, 'Left')")[3] == .bool(true))
    #expect(try eval("replace(zone, ' ', '_')")[0] == .string("Restricted_Area"))
    #expect(try eval("concat(zone, '#', `Shot Distance`)")[0] == .string("Restricted Area#1"))
    #expect(try eval("concat(zone, '#')")[2] == .null)
    #expect(try eval("to_int(minutes)") == [.int(9), .int(3), .null, .int(11), .int(2)])
    #expect(try eval("to_float(minutes)")[4] == .float(2))
    #expect(try eval("to_int(x)")[1] == .int(-2))            // truncates toward zero
    #expect(try eval("to_int(made)")[0] == .int(1))
    #expect(try eval("to_string(x)")[0] == .string("1.5"))
    #expect(try eval("to_string(`Shot Distance`)")[1] == .string("17"))
    #expect(try eval("to_int(null)") == Array(repeating: .null, count: 5))
  }

  @Test func unknownColumnSuggestsTheClosestName() throws {
    let e = try RowExpression("`Shot Distnace` * 0.3048")
    let error = #expect(throws: ExpressionError.self) { try e.evaluate(on: Self.frame, name: "m") }
    #expect(error?.message == "unknown column `Shot Distnace`")
    #expect(error?.hint == "did you mean `Shot Distance`?")
    #expect(error?.offset == 0)
    let bare = #expect(throws: ExpressionError.self) { try RowExpression("1 + Shot").evaluate(on: Self.frame, name: "m") }
    #expect(bare?.offset == 4)
    #expect(bare?.hint?.contains("backquotes") == true)
  }

  @Test func typeErrorsAreLocated() throws {
    let cases: [(String, Int, String)] = [
      ("zone + 1", 0, "`+` needs numbers"),
      ("x and made", 0, "`and` needs true/false"),
      ("zone > 3", 0, "cannot compare"),
      ("frobnicate(x)", 0, "unknown function"),
      ("substr(zone)", 0, "takes 2 to 3"),
      ("case when x then 1 end", 10, "condition must be true/false"),
      ("case when made then 'a' else 2 end", 29, "`else` gives int"),
    ]
    for (text, offset, message) in cases {
      let error = #expect(throws: ExpressionError.self) { try RowExpression(text).evaluate(on: Self.frame, name: "m") }
      #expect(error?.offset == offset, "\(text)")
      #expect(error?.message.contains(message) == true, "\(text): \(error?.message ?? "")")
    }
    #expect(throws: ExpressionError.self) { try RowExpression("x + 1").mask(on: Self.frame) }
  }

  @Test func syntaxErrors() throws {
    let cases: [(String, Int)] = [
      ("", 0), ("1 +", 3), ("(1 + 2", 6), ("'open", 0), ("`open", 0), ("1 2", 2), ("a < b < c", 6),
      ("case x end", 5), ("\"text\"", 0), ("x & y", 2), ("in (1)", 0), ("x in ()", 6), ("x is 3", 5), ("2pt", 1),
    ]
    for (text, offset) in cases {
      let error = #expect(throws: ExpressionError.self) { try RowExpression(text) }
      #expect(error?.offset == offset, "\(text): \(error?.description ?? "")")
    }
  }

  @Test func referencedColumnsAndEscapes() throws {
    let e = try RowExpression("`a``b` + c + `a``b` * coalesce(d, 1)")
    #expect(e.referencedColumns == ["a`b", "c", "d"])
    let s = try RowExpression("'it''s'").evaluate(on: Self.frame, name: "s")
    #expect(s.value(at: 0) == .string("it's"))
    #expect(try RowExpression("TRUE or NULL").evaluate(on: Self.frame, name: "b").value(at: 0) == .bool(true))
  }

  @Test func filterMaskDropsFalseAndNull() throws {
    #expect(try RowExpression("`Shot Distance` >= 1").mask(on: Self.frame) == [true, true, true, false, false])
  }

  /// Random strings and random token soups never trap: they parse or throw ExpressionError.
  @Test func parserFuzz() throws {
    var g = SplitMix64(state: 20_260_421)
    let alphabet = Array("abxyz_ 019.+-*/%()=<>!,'`\"\n\té&|")
    let words = ["case", "when", "then", "else", "end", "and", "or", "not", "in", "is", "null", "(", ")", ",", "x", "zone",
                 "`Shot Distance`", "'a'", "1", "2.5", "+", "-", "*", "/", "%", "=", "<", "coalesce(", "substr(", "true"]
    for round in 0..<3000 {
      var text = ""
      let length = Int(g.next(below: 40))
      if round % 2 == 0 {
        for _ in 0..<length { text.append(alphabet[Int(g.next(below: UInt64(alphabet.count)))]) }
      } else {
        for _ in 0..<length / 3 { text += words[Int(g.next(below: UInt64(words.count)))] + " " }
      }
      if let e = try? RowExpression(text) {
        // Whatever parses must type-check or fail cleanly, and evaluate without trapping.
        _ = try? e.evaluate(on: Self.frame, name: "f")
        _ = try? e.mask(on: Self.frame)
      }
    }
    let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
    #expect(throws: ExpressionError.self) { try RowExpression(deep) }
    let deepNot = String(repeating: "not ", count: 5000) + "true"
    #expect(throws: ExpressionError.self) { try RowExpression(deepNot) }
  }

  /// Large enough to exercise the vectorised paths (the 1M-row timing is measured in release, docs/expressions.md).
  @Test func evaluatesManyRows() throws {
    let n = 100_000
    let frame = try Frame(columns: [
      Column(name: "m", ints: (0..<n).map { Int64($0 % 12) }),
      Column(name: "s", ints: (0..<n).map { Int64($0 % 60) }),
      Column(name: "z", strings: (0..<n).map { ["Mid-Range", "Restricted Area", "Left Corner 3"][$0 % 3] }),
    ])
    let total = try RowExpression("m * 60 + s").evaluate(on: frame, name: "t")
    #expect(total.value(at: 61) == .int(1 * 60 + 1))
    let zone = try RowExpression("case when z = 'Restricted Area' then 1 when contains(z, 'Corner 3') then 6 else 4 end").evaluate(on: frame, name: "c")
    #expect(zone.value(at: 2) == .int(6))
  }
}
