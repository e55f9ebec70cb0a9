import Foundation
import Testing
@testable import Frame
import WorkbenchCore

/// Every table operation behind the `transform` steps.
@Suite("table operations")
struct TableOperationsTests {
  static let shots = try! Frame(columns: [
    Column(name: "player", strings: ["A", "B", "A", "C", "B", "A"]),
    Column(name: "zone", strings: ["paint", "mid", "paint", nil, "three", "paint"]),
    Column(name: "distance", ints: [2, 15, 2, 30, 25, 4], validity: [true, true, true, false, true, true]),
    Column(name: "made", ints: [1, 0, 1, 0, 1, 0]),
    Column(name: "minutes", strings: ["9", "3", "9", "x", "11", "1"]),
  ])

  func values(_ f: Frame, _ column: String) -> [Value] {
    guard let c = f.column(named: column) else { return [] }
    return (0..<c.count).map { c.value(at: $0) }
  }

  @Test func selectDropRename() throws {
    let s = try TableOperations.select(Self.shots, ["made", "player"])
    #expect(s.columnNames == ["made", "player"])
    let d = try TableOperations.drop(Self.shots, ["zone", "minutes"])
    #expect(d.columnNames == ["player", "distance", "made"])
    let r = try TableOperations.rename(Self.shots, [("made", "Shot Made Flag")])
    #expect(r.columnNames.last == "minutes" && r.columnNames[3] == "Shot Made Flag")
    let e = #expect(throws: TableOperationError.self) { try TableOperations.select(Self.shots, ["distanse"]) }
    #expect(e?.hint == "did you mean `distance`?")
    #expect(throws: TableOperationError.self) { try TableOperations.rename(Self.shots, [("made", "zone")]) }
  }

  @Test func castCountsFailuresOrFails() throws {
    let (f, failures) = try TableOperations.cast(Self.shots, [("minutes", .int), ("made", .bool), ("distance", .float)], onError: .null)
    #expect(values(f, "minutes") == [.int(9), .int(3), .int(9), .null, .int(11), .int(1)])
    #expect(failures.first { $0.column == "minutes" }?.count == 1)
    #expect(failures.first { $0.column == "distance" }?.count == 0)  // an existing null is not a failure
    #expect(values(f, "made")[0] == .bool(true))
    #expect(values(f, "distance")[1] == .float(15))
    let error = #expect(throws: TableOperationError.self) {
      try TableOperations.cast(Self.shots, [("minutes", .float)], onError: .fail)
    }
    #expect(error?.message.contains("`x` (row 4)") == true)
    let back = try TableOperations.cast(f, [("distance", .string), ("made", .int)], onError: .fail).frame
    #expect(values(back, "distance")[0] == .string("2.0"))
    #expect(values(back, "made")[1] == .int(0))
  }

  @Test func filterAndDerive() throws {
    let f = try TableOperations.filter(Self.shots, RowExpression("distance < 20 and zone = 'paint'"))
    #expect(f.rowCount == 3)
    let d = try TableOperations.derive(Self.shots, [("m", RowExpression("to_int(minutes) * 60")), ("m2", RowExpression("m + 1"))])
    #expect(values(d, "m2") == [.int(541), .int(181), .int(541), .null, .int(661), .int(61)])
    let e = #expect(throws: TableOperationError.self) { try TableOperations.filter(Self.shots, RowExpression("distanc > 1")) }
    #expect(e?.expressionError?.offset == 0)
    #expect(throws: TableOperationError.self) { try TableOperations.filter(Self.shots, RowExpression("distance + 1")) }
  }

  @Test func mapWithDefault() throws {
    let m = try TableOperations.map(Self.shots, column: "zone", values: [("paint", .int(1)), ("mid", .int(2))],
                                    defaultValue: .int(0), into: "zone_code")
    #expect(values(m, "zone_code") == [.int(1), .int(2), .int(1), .int(0), .int(0), .int(1)])
    let n = try TableOperations.map(Self.shots, column: "made", values: [("1", .string("yes"))], defaultValue: nil, into: nil)
    #expect(values(n, "made") == [.string("yes"), .null, .string("yes"), .null, .string("yes"), .null])
    #expect(throws: TableOperationError.self) {
      try TableOperations.map(Self.shots, column: "zone", values: [("paint", .int(1)), ("mid", .string("x"))], defaultValue: nil, into: nil)
    }
  }

  @Test func binLikePandasCut() throws {
    let b = try TableOperations.bin(Self.shots, column: "distance", edges: [0, 2, 16, 24], labels: ["short", "mid", "long"], into: "band")
    #expect(values(b, "band") == [.string("short"), .string("mid"), .string("short"), .null, .null, .string("mid")])
    let d = try TableOperations.bin(Self.shots, column: "distance", edges: [0, 10, 40], labels: nil, into: "band")
    #expect(values(d, "band")[1] == .string("(10, 40]"))
    let left = try TableOperations.bin(Self.shots, column: "distance", edges: [0, 2, 16], labels: nil, right: false, into: "b")
    #expect(values(left, "b")[0] == .string("[2, 16)"))
    #expect(throws: TableOperationError.self) { try TableOperations.bin(Self.shots, column: "zone", edges: [0, 1], labels: nil, into: nil) }
  }

  @Test func dedupeKeepsFirst() throws {
    let all = try TableOperations.dedupe(Self.shots, columns: nil)
    #expect(all.rowCount == 5)
    let byPlayer = try TableOperations.dedupe(Self.shots, columns: ["player"])
    #expect(values(byPlayer, "player") == [.string("A"), .string("B"), .string("C")])
    #expect(values(byPlayer, "distance") == [.int(2), .int(15), .null])
  }

  /// The hash-based grouper agrees with a naive reference (rows keyed by their rendered values) on random frames
  /// with nulls, NaN, ±0, repeated dictionary entries and key spaces both small (direct table) and large (hashing).
  @Test(arguments: [1, 2, 3, 4, 5, 6])
  func dedupeMatchesNaiveReference(seed: UInt64) throws {
    var rng = SplitMix64(state: seed)
    let n = 20_000
    let spread = [2, 50, 5_000][Int(seed % 3)]
    func validity() -> [Bool] { (0..<n).map { _ in Int.random(in: 0..<10, using: &rng) != 0 } }
    let floats = (0..<n).map { _ -> Double in
      switch Int.random(in: 0..<20, using: &rng) {
      case 0: return .nan
      case 1: return -0.0
      case 2: return 0.0
      default: return Double(Int.random(in: 0..<spread, using: &rng)) / 4
      }
    }
    // A dictionary with a repeated entry ("b" twice), as concatenated frames can have.
    let dictionary = ["a", "b", "c", "b"]
    let frame = try Frame(columns: [
      Column(name: "i", ints: (0..<n).map { _ in Int64.random(in: 0..<Int64(spread), using: &rng) }, validity: validity()),
      Column(name: "f", floats: floats, validity: validity()),
      Column(name: "s", storage: .string(codes: (0..<n).map { _ in UInt32.random(in: 0..<4, using: &rng) }, dictionary: dictionary),
             validity: validity()),
      Column(name: "b", bools: (0..<n).map { _ in Bool.random(using: &rng) }, validity: validity()),
      Column(name: "j", ints: (0..<n).map { _ in Int64.random(in: 0..<Int64(spread), using: &rng) }),
    ])
    func rendered(_ row: Int, _ columns: [String]) -> String {
      columns.map { name -> String in
        let v = frame.column(named: name)!.value(at: row)
        switch v {
        case .float(let x) where x.isNaN: return "nan"
        case .float(let x) where x == 0: return "f0"
        default: return "\(v)"
        }
      }.joined(separator: "|")
    }
    for columns in [["i"], ["f"], ["s", "b"], ["i", "f", "s", "b", "j"], ["j", "i"]] {
      var seen = Set<String>()
      var expectedRows: [Int] = []
      for row in 0..<n where seen.insert(rendered(row, columns)).inserted { expectedRows.append(row) }
      let grouper = RowGrouper(columns: columns.map { frame.column(named: $0)! }, rowCount: n)
      #expect(grouper.firstRow == expectedRows, "columns \(columns)")
      let deduped = try TableOperations.dedupe(frame, columns: columns)
      #expect(deduped.rowCount == expectedRows.count)
    }
  }

  /// Rows whose hashes collide but whose values differ stay in different groups (the table compares values).
  @Test func groupTableSeparatesHashCollisions() {
    var table = GroupTable()
    var first: [Int] = []
    let values = [7, 8, 7, 9, 8]
    let groups = (0..<values.count).map { row in
      table.group(hash: 42, row: row, firstRow: &first) { values[$0] == values[$1] }
    }
    #expect(groups == [0, 1, 0, 2, 1])
    #expect(first == [0, 1, 3])
    // Growth keeps every group findable.
    for row in 5..<5_000 { _ = table.group(hash: UInt64(row % 1_000), row: row, firstRow: &first) { _, _ in false } }
    #expect(first.count == 3 + 4_995)
  }

  @Test func imputeMethods() throws {
    let frame = try Frame(columns: [
      Column(name: "a", ints: [1, 2, 0, 4], validity: [true, true, false, true]),
      Column(name: "b", ints: [1, 2, 0, 10], validity: [true, true, false, true]),
      Column(name: "z", strings: ["x", nil, "y", "y"]),
    ])
    let (f, outcomes) = try TableOperations.impute(frame, [("a", .median), ("b", .mean), ("z", .mode)])
    #expect(values(f, "a") == [.int(1), .int(2), .int(2), .int(4)])       // median 2 stays int
    #expect(values(f, "b")[2] == .float(13.0 / 3.0))                        // mean not whole → float column
    #expect(values(f, "z")[1] == .string("y"))
    #expect(outcomes.map(\.filled) == [1, 1, 1])
    let allNull = try Frame(columns: [Column(name: "e", floats: [0, 0], validity: [false, false])])
    let (g, o) = try TableOperations.impute(allNull, [("e", .median)])
    #expect(o[0].value == nil && o[0].filled == 0 && g.columns[0].nullCount == 2)
    let (h, _) = try TableOperations.impute(allNull, [("e", .constant(.int(-1)))])
    #expect(values(h, "e") == [.float(-1), .float(-1)])
    #expect(throws: TableOperationError.self) { try TableOperations.impute(frame, [("z", .median)]) }
  }

  @Test func joinInnerAndLeft() throws {
    let players = try Frame(columns: [
      Column(name: "id", strings: ["A", "B", "D"]),
      Column(name: "name", strings: ["Ann", "Bob", "Dan"]),
      Column(name: "made", ints: [7, 8, 9]),
    ])
    let inner = try TableOperations.join(Self.shots, players, on: [("player", "id")], how: .inner)
    #expect(inner.rowCount == 5)
    #expect(inner.columnNames == ["player", "zone", "distance", "made", "minutes", "name", "made_right"])
    #expect(values(inner, "name") == [.string("Ann"), .string("Bob"), .string("Ann"), .string("Bob"), .string("Ann")])
    let left = try TableOperations.join(Self.shots, players, on: [("player", "id")], how: .left)
    #expect(left.rowCount == 6)
    #expect(values(left, "name")[3] == .null)
    // int keys against float keys compare numerically.
    let a = try Frame(columns: [Column(name: "k", ints: [1, 2, 3])])
    let b = try Frame(columns: [Column(name: "k", floats: [2, 3, 3]), Column(name: "v", strings: ["x", "y", "z"])])
    let j = try TableOperations.join(a, b, on: [("k", "k")], how: .left)
    #expect(values(j, "v") == [.null, .string("x"), .string("y"), .string("z")])
  }

  @Test func groupByAggregates() throws {
    let g = try TableOperations.groupBy(Self.shots, keys: ["player"], aggregates: [
      ("n", Aggregate(parsing: "count()")), ("dist", Aggregate(parsing: "count(distance)")),
      ("rate", Aggregate(parsing: "mean(made)")), ("total", Aggregate(parsing: "sum(made)")),
      ("far", Aggregate(parsing: "max(distance)")), ("near", Aggregate(parsing: "min(zone)")),
      ("med", Aggregate(parsing: "median(distance)")), ("sd", Aggregate(parsing: "std(distance)")),
      ("zones", Aggregate(parsing: "count_distinct(zone)")),
    ])
    #expect(values(g, "player") == [.string("A"), .string("B"), .string("C")])
    #expect(values(g, "n") == [.int(3), .int(2), .int(1)])
    #expect(values(g, "dist") == [.int(3), .int(2), .int(0)])
    #expect(values(g, "rate")[0] == .float(2.0 / 3.0))
    #expect(values(g, "total") == [.int(2), .int(1), .int(0)])
    #expect(values(g, "far") == [.int(4), .int(25), .null])
    #expect(values(g, "near")[1] == .string("mid"))
    #expect(values(g, "med") == [.float(2), .float(20), .null])
    #expect(values(g, "sd")[1] == .float((50.0).squareRoot()))
    #expect(values(g, "zones") == [.int(1), .int(2), .int(0)])
    #expect(throws: TableOperationError.self) { try Aggregate(parsing: "avg(x)") }
    #expect(try Aggregate(parsing: "mean(`Shot Made Flag`)").column == "Shot Made Flag")
    let all = try TableOperations.groupBy(Self.shots, keys: [], aggregates: [("n", Aggregate(parsing: "count(*)"))])
    #expect(values(all, "n") == [.int(6)])
  }

  @Test func sortIsStableWithNullsLast() throws {
    let s = try TableOperations.sort(Self.shots, by: [("zone", false), ("distance", true)])
    #expect(values(s, "zone") == [.string("mid"), .string("paint"), .string("paint"), .string("paint"), .string("three"), .null])
    #expect(values(s, "distance")[1...3] == [.int(4), .int(2), .int(2)])
    #expect(values(s, "minutes")[2...3] == [.string("9"), .string("9")])
    let d = try TableOperations.sort(Self.shots, by: [("distance", true)])
    #expect(values(d, "distance").last == .null)
  }

  @Test func sampleIsSeededAndOrdered() throws {
    let n = 1000
    let frame = try Frame(columns: [Column(name: "i", ints: (0..<Int64(n)).map { $0 })])
    let a = try TableOperations.sample(frame, rows: 100, fraction: nil, seed: 7)
    let b = try TableOperations.sample(frame, rows: 100, fraction: nil, seed: 7)
    let c = try TableOperations.sample(frame, rows: nil, fraction: 0.1, seed: 8)
    #expect(a == b)
    #expect(a != c && c.rowCount == 100)
    let ids = values(a, "i").compactMap { if case .int(let x) = $0 { x } else { nil } }
    #expect(ids == ids.sorted() && Set(ids).count == 100)
    #expect(try TableOperations.sample(frame, rows: 5000, fraction: nil, seed: 1).rowCount == n)
    #expect(throws: TableOperationError.self) { try TableOperations.sample(frame, rows: nil, fraction: 1.5, seed: 1) }
    // SplitMix64 reference values (seed 1234567, Vigna's splitmix64.c).
    var g = SplitMix64(state: 1_234_567)
    #expect(g.next() == 6_457_827_717_110_365_317)
    #expect(g.next() == 3_203_168_211_198_807_973)
  }
}
