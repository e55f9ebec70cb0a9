import Engine
import Foundation
import Frame
import Learn
import Reporting
import WorkbookModel

/// `split`: a seeded train/test split (stratified by class, or group-aware so no group straddles the parts).
enum SplitCell {
  static let descriptor = KindDescriptor(
    name: "split", version: 1,
    summary: "Split a table into `train` and `test` tables (seeded; stratified by the target, or by groups such as games).",
    options: [
      OptionSpec("input", .table, required: true, doc: "The table to split."),
      OptionSpec("target", .string, required: true, doc: "The column to predict (checked here: no missing value, not constant, both classes in each part)."),
      OptionSpec("test_fraction", .number, default: 0.2, range: OptionRange(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false),
                 doc: "Share of rows in the test part, strictly between 0 and 1 (test rows = ceil(n × fraction))."),
      OptionSpec("stratify", .boolean, doc: "Keep the class proportions in both parts (default: true for a 0/1 target)."),
      OptionSpec("groups", .string, doc: "A column (e.g. a game id): all rows of a group go to the same part."),
      OptionSpec("seed", .integer, default: 42, doc: "Seed of the random split."),
    ])

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let o = context.options
    let table = try context.table(try o.requiredString("input"))
    let target = try o.requiredString("target")
    let targetLocation = o.location(of: "target")
    let y = try LearningData.targetValues(table, name: target, at: targetLocation)
    guard table.rowCount >= 2 else { throw CellError("the table has \(table.rowCount) row(s); a split needs at least 2", hint: "check the upstream cell") }
    if let i = y.firstIndex(where: { !$0.isFinite }) {
      let missing = y.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
      throw CellError("target column `\(target)` has \(missing) missing value(s), the first at row \(i + 1)", at: targetLocation,
                      hint: "drop those rows before splitting (a `filter` / transform cell)")
    }
    let task = LearningData.inferTask(y)
    try LearningData.checkTarget(y, name: target, task: task, part: "input", at: targetLocation)
    let fraction = try o.number("test_fraction")
    let seedValue = try o.integer("seed")
    let seed = UInt64(bitPattern: Int64(seedValue))
    let groupsName = try o.string("groups")
    var stratify = try o.bool("stratify") ?? (task == .classification && groupsName == nil)
    var warnings: [String] = []
    if stratify, task == .regression {
      throw CellError("`stratify: true` needs a 0/1 target; `\(target)` is numeric (regression)", at: o.location(of: "stratify"),
                      hint: "remove `stratify`")
    }
    if stratify, groupsName != nil {
      warnings.append("`stratify` is ignored with `groups`: whole groups are drawn at random; class balance per part is reported")
      stratify = false
    }

    let split: IndexSplit
    var groupCounts: (train: Int, test: Int)?
    if let groupsName {
      let column = try LearningData.column(groupsName, in: table, role: "groups", at: o.location(of: "groups"))
      let codes = LearningData.groupCodesOf(column)
      let (s, counts) = try groupSplit(codes, fraction: fraction, seed: seed, location: o.location(of: "groups"), name: groupsName)
      split = s
      groupCounts = counts
    } else {
      do {
        split = try Split.trainTest(rowCount: table.rowCount, testFraction: fraction, stratifyBy: stratify ? y : nil, seed: seed)
      } catch {
        throw CellError("\(error)", at: o.location(of: "test_fraction"))
      }
    }
    let trainY = split.train.map { y[$0] }, testY = split.test.map { y[$0] }
    if task == .classification {
      for (part, values) in [("train", trainY), ("test", testY)] {
        for c in [0.0, 1.0] where !values.contains(c) {
          throw CellError("test fraction \(fraction) leaves class \(Int(c)) of `\(target)` with no row in the \(part) part",
                          at: o.location(of: groupsName == nil ? "test_fraction" : "groups"),
                          hint: "use a \(part == "test" ? "larger" : "smaller") test fraction\(groupsName == nil ? " or `stratify: true`" : ", or another seed")")
        }
      }
    }
    let trainFrame = table.gathering(split.train), testFrame = table.gathering(split.test)

    func balance(_ v: [Double]) -> JSONValue {
      if task == .classification {
        let pos = Int(v.reduce(0, +))
        return .object(["rows": .int(v.count), "positives": .int(pos), "negatives": .int(v.count - pos),
                        "positive_rate": TableOps.json(v.isEmpty ? .nan : Double(pos) / Double(v.count))])
      }
      return .object(["rows": .int(v.count), "mean": TableOps.json(v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count))])
    }
    var result: [String: JSONValue] = [
      "target": .string(target), "task": .string(task.rawValue), "test_fraction": .double(fraction),
      "stratified": .bool(stratify), "seed": .int(seedValue),
      "rows": .object(["total": .int(table.rowCount), "train": .int(split.train.count), "test": .int(split.test.count)]),
      "class_balance": .object(["all": balance(y), "train": balance(trainY), "test": balance(testY)]),
      "groups": .null,
    ]
    if let groupsName, let groupCounts {
      result["groups"] = .object(["column": .string(groupsName), "train": .int(groupCounts.train), "test": .int(groupCounts.test)])
    }
    let rate: ([Double]) -> String = { v in
      task == .classification ? String(format: "%.1f %%", 100 * v.reduce(0, +) / Double(max(v.count, 1)))
        : TableOps.formatNumber(v.reduce(0, +) / Double(max(v.count, 1)))
    }
    let report: [ReportBlock] = [
      .facts([.init("rows", "\(TableOps.formatCount(split.train.count)) train · \(TableOps.formatCount(split.test.count)) test"),
              .init("method", groupsName.map { "by groups of \($0) (\(groupCounts?.train ?? 0) train / \(groupCounts?.test ?? 0) test groups)" }
                      ?? (stratify ? "stratified by \(target)" : "random")),
              .init("seed", String(seedValue))]),
      .table(caption: task == .classification ? "Class balance (share of 1s)" : "Target mean", columns: ["part", "rows", task == .classification ? "positive rate" : "mean"],
             rows: [["all", TableOps.formatCount(y.count), rate(y)], ["train", TableOps.formatCount(trainY.count), rate(trainY)],
                    ["test", TableOps.formatCount(testY.count), rate(testY)]], note: nil),
    ]
    return CellOutput(result: .object(result), tables: [("train", trainFrame), ("test", testFrame)], report: report, warnings: warnings)
  }

  /// Whole groups to the test part (in a seeded random order) until it holds at least ceil(n × fraction) rows.
  static func groupSplit(_ codes: [Int], fraction: Double, seed: UInt64, location: SourceLocation, name: String) throws
    -> (IndexSplit, (train: Int, test: Int))
  {
    guard fraction > 0, fraction < 1 else {
      throw CellError("test fraction \(fraction) must be strictly between 0 and 1", at: location)
    }
    let groupCount = (codes.max() ?? -1) + 1
    guard groupCount >= 2 else {
      throw CellError("column `\(name)` has a single group; a group split needs at least 2", at: location, hint: "choose another `groups` column")
    }
    var order = Array(0..<groupCount)
    var rng = SeededGenerator(seed: seed)
    rng.shuffle(&order)
    var size = [Int](repeating: 0, count: groupCount)
    for c in codes { size[c] += 1 }
    let wanted = Int((fraction * Double(codes.count)).rounded(.up))
    var inTest = [Bool](repeating: false, count: groupCount)
    var rows = 0, testGroups = 0
    for g in order where rows < wanted && testGroups < groupCount - 1 {
      inTest[g] = true
      rows += size[g]
      testGroups += 1
    }
    var train: [Int] = [], test: [Int] = []
    for (i, c) in codes.enumerated() { if inTest[c] { test.append(i) } else { train.append(i) } }
    return (IndexSplit(train: train, test: test), (groupCount - testGroups, testGroups))
  }
}
