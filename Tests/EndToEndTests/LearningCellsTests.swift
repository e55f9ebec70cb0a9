import Foundation
import Testing
import TestSupport

/// The learning cells (split, train, sweep, evaluate, predict) through the real executable.
@Suite("learning cells", .serialized)
struct LearningCellsTests {
  /// Shots with a real signal (see `signalShotsCSV`); `game` groups rows.
  static func shotsCSV(rows: Int = 400, seed: UInt64 = 7) -> String { signalShotsCSV(rows: rows, seed: seed) }

  static let header = """
    workbook: learn
    params:
      data: shots.csv
    cells:
    \(loadAndSplitCells)

    """

  static let features = "[zone, distance, angle]"

  static let pipeline = header + """
      - id: lr
        kind: train
        input: split
        features: \(features)
        categorical: [zone]
        model: logistic_regression
        params: {C: 1}
      - id: rf
        kind: train
        input: split
        features: \(features)
        categorical: [zone]
        model: random_forest
        params: {trees: 20, max_depth: 6}
      - id: gb
        kind: train
        input: split
        features: \(features)
        categorical: [zone]
        model: gradient_boosting
        params: {rounds: 30, learning_rate: 0.1, max_depth: 3}
      - id: search
        kind: sweep
        input: split
        features: \(features)
        categorical: [zone]
        folds: 3
        models:
          logistic_regression: {C: [0.1, 1]}
          gradient_boosting: {rounds: [20], max_depth: [2]}
        published: {source: PariVision, accuracy: "0.62–0.63", roc_auc: "0.62–0.63", note: "chosen by training accuracy"}
      - id: check
        kind: evaluate
        model: search
        input: split.test
      - id: scored
        kind: predict
        model: gb
        input: split.test

    """

  func json(_ p: Project, _ cell: String) throws -> [String: Any] {
    let data = try Data(contentsOf: p.root.appendingPathComponent("outputs/learn/cells/\(cell)/result.json"))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }

  func bytes(_ p: Project, _ cell: String, _ file: String) throws -> Data {
    try Data(contentsOf: p.root.appendingPathComponent("outputs/learn/cells/\(cell)/\(file)"))
  }

  @Test func fullPipeline() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", Self.shotsCSV())
    try p.write("learn.yaml", Self.pipeline)
    let run = try p.workbench(["run", "learn.yaml"])
    #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")

    let split = try json(p, "split")
    let rows = split["rows"] as? [String: Any]
    #expect(rows?["train"] as? Int == 300)
    #expect(rows?["test"] as? Int == 100)
    #expect(split["stratified"] as? Bool == true)
    #expect((split["class_balance"] as? [String: Any])?["test"] != nil)

    for cell in ["lr", "rf", "gb"] {
      let r = try json(p, cell)
      let test = try #require(r["test"] as? [String: Any], "\(cell) has held-out metrics")
      let auc = try #require(test["roc_auc"] as? Double)
      #expect(auc > 0.6, "\(cell) AUC \(auc)")
      for key in ["accuracy", "precision", "recall", "f1", "pr_auc", "log_loss", "brier", "confusion_matrix", "calibration"] {
        #expect(test[key] != nil, "\(cell) test.\(key)")
      }
      #expect(r["train"] is [String: Any])
      #expect(p.exists("outputs/learn/cells/\(cell)/model.wbm"))
      #expect(p.exists("outputs/learn/cells/\(cell)/roc.svg"))
      #expect(p.exists("outputs/learn/cells/\(cell)/roc.gp"))
      #expect(p.exists("outputs/learn/cells/\(cell)/importance.svg"))
      let modelBytes = try bytes(p, cell, "model.wbm")
      #expect(modelBytes.starts(with: Array("WBMODEL".utf8)))
    }
    #expect((try json(p, "lr")["coefficients"] as? [[String: Any]])?.count == 3)
    let history = try #require(try json(p, "gb")["history"] as? [String: Any])
    #expect((history["train_loss"] as? [Any])?.count == 30)
    #expect((history["validation_loss"] as? [Any])?.count == 30)
    let importance = try #require(try json(p, "rf")["importance"] as? [String: Any])
    #expect((importance["features"] as? [[String: Any]])?.first?["gain"] is Double)

    let sweep = try json(p, "search")
    #expect(sweep["trials_total"] as? Int == 3)
    #expect(try sweepNote(p) == "3 trial(s) run, 0 reused from the trial cache")
    let best = try #require(sweep["best"] as? [String: Any])
    #expect(best["cv_score"] is Double)
    #expect((best["test"] as? [String: Any])?["roc_auc"] is Double)
    #expect(p.exists("outputs/learn/cells/search/comparison.svg"))
    #expect(p.exists("outputs/learn/cells/search/trials.csv"))

    // evaluate on the same test part reproduces the sweep's held-out metrics exactly.
    let evaluated = try #require(try json(p, "check")["metrics"] as? [String: Any])
    #expect(evaluated["roc_auc"] as? Double == (best["test"] as? [String: Any])?["roc_auc"] as? Double)

    let predictions = try p.read("outputs/learn/cells/scored/predictions.csv")
    let head = predictions.split(separator: "\n").first.map(String.init) ?? ""
    #expect(head.hasSuffix("score,predicted"), "\(head)")
    #expect(predictions.split(separator: "\n").count == 101)
    #expect(try p.read("outputs/learn/index.html").contains("Held-out test vs PariVision"))
  }

  /// The workbook of the trial-cache tests: shots → split → a 3-fold `search` sweep over `models` (family, grid).
  static func searchWorkbook(_ models: [(family: String, grid: String)]) -> String {
    header + """
        - id: search
          kind: sweep
          input: split
          features: \(features)
          categorical: [zone]
          folds: 3
          plots: false
          models:

      """ + models.map { "      \($0.family): \($0.grid)\n" }.joined()
  }

  @Test func widenedGridRerunsOnlyNewTrials() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", Self.shotsCSV())
    let sweep = Self.searchWorkbook([("logistic_regression", "{C: [0.1, 1]}"), ("random_forest", "{trees: [10], max_depth: [4]}")])
    try p.write("learn.yaml", sweep)
    #expect(try p.workbench(["run", "learn.yaml"]).status == 0)
    let first = try json(p, "search")
    #expect(try sweepNote(p) == "3 trial(s) run, 0 reused from the trial cache")
    let firstTrials = try #require(first["trials"] as? [[String: Any]])

    try p.write("learn.yaml", sweep.replacingOccurrences(of: "C: [0.1, 1]", with: "C: [0.1, 1, 10]"))
    let rerun = try p.workbench(["run", "learn.yaml"])
    #expect(rerun.status == 0, "\(rerun.stderr)")
    let second = try json(p, "search")
    #expect(second["trials_total"] as? Int == 4)
    #expect(try sweepNote(p) == "1 trial(s) run, 3 reused from the trial cache")
    // Reused trials keep their scores exactly.
    let secondTrials = try #require(second["trials"] as? [[String: Any]])
    let key: ([String: Any]) -> String = { trial in
      let params = (try? JSONSerialization.data(withJSONObject: trial["params"] ?? [:], options: .sortedKeys)) ?? Data()
      return "\(trial["model"] ?? "") \(String(decoding: params, as: UTF8.self))"
    }
    let before = Dictionary(uniqueKeysWithValues: firstTrials.map { (key($0), $0["cv_mean"] as? Double) })
    for t in secondTrials where before[key(t)] != nil {
      #expect(before[key(t)] == t["cv_mean"] as? Double)
    }

    // A corrupt cache entry is recomputed, with the same score.
    let folder = p.root.appendingPathComponent(".workbench/cache/trials")
    // Trial entries are named by their key (the engine's `trials` sub-cache); hidden names are temporary files.
    let entries = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    try #require(entries.count == 4)
    try Data("{\"key\": \"garbage".utf8).write(to: folder.appendingPathComponent(entries[0]))
    try p.write("learn.yaml", sweep.replacingOccurrences(of: "C: [0.1, 1]", with: "C: [1, 10, 0.1]"))
    #expect(try p.workbench(["run", "learn.yaml"]).status == 0)
    let third = try json(p, "search")
    #expect(try sweepNote(p) == "1 trial(s) run, 3 reused from the trial cache")
    let thirdBest = third["best"] as? [String: Any]
    #expect(thirdBest?["cv_score"] as? Double == (second["best"] as? [String: Any])?["cv_score"] as? Double)
  }

  /// `gc` keeps the trial files of the kept sweep entry and deletes the others (and unused blobs/manifests).
  @Test func gcKeepsOnlyTheTrialsOfKeptEntries() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", Self.shotsCSV())
    let sweep = Self.searchWorkbook([("logistic_regression", "{C: [0.1, 1, 10]}")])
    try p.write("learn.yaml", sweep)
    #expect(try p.workbench(["run", "learn.yaml"]).status == 0)
    try p.write("learn.yaml", sweep.replacingOccurrences(of: "C: [0.1, 1, 10]", with: "C: [1]"))
    #expect(try p.workbench(["run", "learn.yaml"]).status == 0)
    #expect(try sweepNote(p) == "0 trial(s) run, 1 reused from the trial cache")
    let folder = p.root.appendingPathComponent(".workbench/cache/trials")
    func trialFiles() throws -> [String] {
      try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
    }
    #expect(try trialFiles().count == 3)
    let gc = try p.workbench(["gc"])
    #expect(gc.status == 0, "\(gc.stderr)")
    #expect(gc.stderr.contains("2 auxiliary file(s)"), "\(gc.stderr)")
    #expect(try trialFiles().count == 1)
    // Nothing the last state uses was removed: the rerun executes nothing.
    #expect(try p.workbench(["run", "learn.yaml"]).status == 0)
    #expect(try p.executed("learn").isEmpty)
    try p.write("learn.yaml", sweep.replacingOccurrences(of: "C: [0.1, 1, 10]", with: "C: [1, 10]"))
    #expect(try p.workbench(["run", "learn.yaml"]).status == 0)
    #expect(try sweepNote(p) == "1 trial(s) run, 1 reused from the trial cache")
  }

  @Test func sameSeedSameBytesWhateverTheJobs() throws {
    let a = try Project(), b = try Project()
    defer { a.remove(); b.remove() }
    for p in [a, b] {
      try p.write("shots.csv", Self.shotsCSV())
      try p.write("learn.yaml", Self.pipeline)
    }
    #expect(try a.workbench(["run", "learn.yaml", "--jobs", "1"]).status == 0)
    #expect(try b.workbench(["run", "learn.yaml", "--jobs", "2"]).status == 0)
    for cell in ["lr", "rf", "gb", "search"] {
      #expect(try bytes(a, cell, "model.wbm") == bytes(b, cell, "model.wbm"), "\(cell) model.wbm")
      #expect(try bytes(a, cell, "result.json") == bytes(b, cell, "result.json"), "\(cell) result.json")
      #expect(try bytes(a, cell, "roc.svg") == bytes(b, cell, "roc.svg"), "\(cell) roc.svg")
    }
    #expect(try bytes(a, "scored", "predictions.csv") == bytes(b, "scored", "predictions.csv"))
    #expect(try bytes(a, "split", "train.csv") == bytes(b, "split", "train.csv"))
  }

  @Test func groupSplitKeepsGamesWhole() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", Self.shotsCSV())
    try p.write("learn.yaml", Self.header.replacingOccurrences(of: "    seed: 3\n", with: "    seed: 3\n    groups: game\n") + """
        - id: search
          kind: sweep
          input: split
          features: \(Self.features)
          categorical: [zone]
          groups: game
          folds: 3
          plots: false
          models: {logistic_regression: {C: [1]}}

      """)
    let run = try p.workbench(["run", "learn.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let train = try p.read("outputs/learn/cells/split/train.csv"), test = try p.read("outputs/learn/cells/split/test.csv")
    func games(_ csv: String) -> Set<String> { Set(csv.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }) }
    #expect(games(train).isDisjoint(with: games(test)))
    #expect((try json(p, "split")["groups"] as? [String: Any])?["test"] as? Int == 10)
    #expect((try json(p, "search")["folds"] as? [String: Any])?["scheme"] as? String == "group")
  }

  // MARK: bad input: exit 1 (runtime) or 2 (static), with a message naming the column or option

  struct BadCase: CustomTestStringConvertible, Sendable {
    var name: String
    var csv: String? = nil
    var cells: String
    var status: Int32 = 1
    var message: String
    var testDescription: String { name }
  }

  static func train(_ extra: String, features: String = features, model: String = "logistic_regression") -> String {
    """
      - id: fit
        kind: train
        input: split
        features: \(features)
        categorical: [zone]
        model: \(model)
        plots: false
    \(extra)
    """
  }

  static let badCases: [BadCase] = [
    BadCase(name: "single-class target", csv: "x,made\n" + (0..<20).map { "\($0),1\n" }.joined(), cells: "",
            message: "target column \"made\" has a single class"),
    BadCase(name: "constant regression target", csv: "x,made\n" + (0..<20).map { "\($0),5\n" }.joined(), cells: "",
            message: "target column \"made\" is constant"),
    BadCase(name: "missing target column", cells: "", message: "target column `made` is not in the table"),
    BadCase(name: "missing target value", csv: "x,made\n1,0\n2,\n3,1\n4,0\n5,1\n6,0\n", cells: "",
            message: "target column `made` has 1 missing value(s)"),
    BadCase(name: "test fraction leaves a class empty",
            csv: "x,made\n" + (0..<50).map { "\($0),\($0 < 2 ? 1 : 0)\n" }.joined(), cells: "",
            message: "with no test row"),
    BadCase(name: "all-null feature", csv: nil, cells: train("", features: "[zone, distance, empty]"),
            message: "feature `empty` is entirely missing"),
    BadCase(name: "text feature not categorical", cells: train("", features: "[zone, distance, player]"),
            message: "feature `player` holds text but is not declared categorical"),
    BadCase(name: "NaN feature with missing: error", cells: train("", features: "[zone, distance, gappy]"),
            message: "feature \"gappy\" has a missing value"),
    BadCase(name: "unknown feature", cells: train("", features: "[zone, distanse]"),
            message: "feature column `distanse` is not in the table"),
    BadCase(name: "parameter typo", cells: train("    params: {tres: 10}", model: "random_forest"), status: 2,
            message: "unknown parameter `tres` for random_forest"),
    BadCase(name: "bad parameter value", cells: train("    params: {C: -1}"), status: 2,
            message: "`C` must be a number > 0"),
    BadCase(name: "sweep model typo", cells: """
        - id: s
          kind: sweep
          input: split
          features: [distance]
          models: {random_forrest: {trees: [10]}}

      """, status: 2, message: "unknown model `random_forrest` in `models`"),
    BadCase(name: "predict without the model's features", cells: train("") + """
        - id: other
          kind: load
          source: other.csv
        - id: p
          kind: predict
          model: fit
          input: other

      """, message: "lacks the model's feature column(s) `distance`"),
  ]

  @Test(arguments: badCases) func badInputIsAClearError(_ c: BadCase) throws {
    let p = try Project(); defer { p.remove() }
    var csv = c.csv ?? Self.shotsCSV(rows: 100)
    if c.csv == nil {
      // Extra columns for the feature checks: `empty` (all null) and `gappy` (one null).
      var lines = csv.split(separator: "\n").map(String.init)
      lines[0] += ",empty,gappy"
      for i in 1..<lines.count { lines[i] += ",," + (i == 5 ? "" : String(i)) }
      csv = lines.joined(separator: "\n") + "\n"
    }
    try p.write("shots.csv", csv)
    try p.write("other.csv", "zone,dist\npaint,1\n")
    var yaml = Self.header + c.cells
    if c.name == "missing target column" { try p.write("shots.csv", "x,mode\n1,0\n2,1\n3,0\n4,1\n") }
    if c.name == "constant regression target" { yaml = yaml.replacingOccurrences(of: "    test_fraction: 0.25\n", with: "") }
    if c.name == "test fraction leaves a class empty" { yaml = yaml.replacingOccurrences(of: "test_fraction: 0.25", with: "test_fraction: 0.05") }
    try p.write("learn.yaml", yaml)
    let run = try p.workbench(["run", "learn.yaml"])
    #expect(run.status == c.status, "\(run.stdout)\n\(run.stderr)")
    #expect((run.stdout + run.stderr).contains(c.message), "\(run.stdout)\n\(run.stderr)")
  }

  @Test func imputePolicyTrainsWhereErrorPolicyStops() throws {
    let p = try Project(); defer { p.remove() }
    var lines = Self.shotsCSV(rows: 120).split(separator: "\n").map(String.init)
    lines[0] += ",gappy"
    for i in 1..<lines.count { lines[i] += "," + (i % 7 == 0 ? "" : String(i % 5)) }
    try p.write("shots.csv", lines.joined(separator: "\n") + "\n")
    try p.write("learn.yaml", Self.header + Self.train("    missing: impute\n", features: "[zone, distance, gappy]"))
    let run = try p.workbench(["run", "learn.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let model = try p.read("outputs/learn/cells/fit/model.json")
    #expect(model.contains("\"medians\""))
  }

  /// PariVision's silver sample (1,000 shots, 7 features) through split → sweep, when the shared data is present.
  @Test func parivisionSilverSweep() throws {
    guard let url = try Oracles.sharedDataset("nba_shots/parivision_silver_1000.csv") else { return }
    let p = try Project(); defer { p.remove() }
    try p.write("pv.yaml", """
      workbook: learn
      cells:
        - id: silver
          kind: load
          source: \(url.path)
        - id: split
          kind: split
          input: silver
          target: Shot Made Flag
          test_fraction: 0.2
          seed: 42
        - id: sweep
          kind: sweep
          input: split
          features: [Player ID, X Location, Y Location, Total_Seconds_Remaining, Shot_Type_Encoded, Shot_Distance_Meters, Shot_Zone_Combined]
          folds: 3
          plots: false
          models:
            logistic_regression: {C: [0.01, 1]}
            random_forest: {trees: [30], max_depth: [6]}
            gradient_boosting: {rounds: [30], learning_rate: [0.1], max_depth: [3]}

      """)
    let run = try p.workbench(["run", "pv.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let result = try json(p, "sweep")
    #expect(result["trials_total"] as? Int == 4)
    let auc = ((result["best"] as? [String: Any])?["test"] as? [String: Any])?["roc_auc"] as? Double
    #expect((auc ?? 0) > 0.5)
  }
}

/// The execution note of the `search` sweep cell in run.json (trial reuse is a note, not an output).
func sweepNote(_ p: Project, cell: String = "search") throws -> String? {
  let cells = try p.runJSON("learn")["cells"] as! [[String: Any]]
  return (cells.first { $0["id"] as? String == cell }?["notes"] as? [String])?.first
}
