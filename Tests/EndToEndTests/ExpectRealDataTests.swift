import Foundation
import Testing
import TestSupport

/// The shipped PariVision workbook on every real NBA.com season (../shared/datasets/nba_shots/nba_com_2004_2024):
/// its per-season contract passes once 2019-20 and 2020-21 are rescaled, and the same checks over the naive mapping
/// (the coordinates as given) fail exactly those two seasons, with the failing-row counts pandas finds.
@Suite("expect cell on the real NBA.com seasons", .serialized)
struct ExpectRealDataTests {
  /// The relation the shipped contract states (kept identical: the test checks the shipped text contains it).
  static let relation = "abs(sqrt(`X Location` * `X Location` + `Y Location` * `Y Location`) / 10 - `Shot Distance`) <= 1.5"

  static let naiveCells = """

      - id: naive_conformed
        kind: transform
        title: The coordinates as given (no unit detection)
        input: bronze
        steps:
          - derive:
              Season: "to_int(SEASON_1)"
              X Location: "to_int(round(-10 * LOC_X))"
              Y Location: "to_int(round(10 * (LOC_Y - 5.25)))"
              Shot Distance: "SHOT_DISTANCE"
          - select: [Season, X Location, Y Location, Shot Distance]

      - id: naive_contract
        kind: expect
        input: naive_conformed
        by: [Season]
        checks:
          - between: {column: X Location, min: -250, max: 250}
          - between: {column: Y Location, min: -55, max: 890}
          - expression: "\(relation)"
            name: coordinates agree with Shot Distance (within 1.5 ft)

    """

  @Test(.needsDataset("nba_shots/nba_com_2004_2024"), .needsPython("anchors")) func theContractCatchesTheUnitChangeWithoutTheFixAndPassesWithItPerSeason() throws {
    let folder = try #require(try Oracles.sharedDataset("nba_shots/nba_com_2004_2024"))
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix("_Shots.csv.gz") }.sorted()
    let seasons = files.compactMap { Int($0.split(separator: "_")[1]) }
    #expect(seasons.count == files.count && seasons.count >= 17, "\(files)")

    let shipped = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("Workbooks/parivision.yaml"), encoding: .utf8)
    #expect(shipped.contains(Self.relation), "the shipped contract states the same relation")
    let p = try Project()
    defer { p.remove() }
    try p.write("Workbooks/parivision.yaml", shipped + Self.naiveCells)
    let run = try p.workbench(["run", "Workbooks/parivision.yaml", "--param", "shots=\(folder.path)",
                               "--cell", "contract", "--cell", "raw_units", "--cell", "naive_contract"])
    #expect(run.status == 1, "the naive contract fails: \(run.stderr)")
    let statuses = try p.statuses("parivision")
    #expect(statuses["contract"] == "executed")
    #expect(statuses["raw_units"] == "executed")
    #expect(statuses["naive_contract"] == "failed")

    // With the fix: every check holds in every season.
    let fixed = try Self.result(p, "contract")
    #expect(fixed["failed"] as? Int == 0)
    #expect(fixed["warned"] as? Int == 0)
    for check in try #require(fixed["checks"] as? [[String: Any]]) {
      #expect(check["passed"] as? Bool == true, "\(check["name"] ?? "")")
      #expect(check["groups_total"] as? Int == seasons.count)
      #expect(Self.groupSeasons(check) == seasons, "every season is checked on its own")
    }

    // The unit detection names the two seasons (a warning: they are rescaled).
    let units = try Self.result(p, "raw_units")
    #expect(units["warned"] as? Int == 1)
    let detection = try #require((units["checks"] as? [[String: Any]])?.first)
    #expect(Self.failingSeasons(detection) == [2020, 2021])

    // Without it: the ranges still hold (the values are merely small) but the distance relation fails in exactly
    // 2019-20 and 2020-21, every other season passing.
    let naive = try Self.result(p, "naive_contract")
    #expect(naive["failed"] as? Int == 1)
    let checks = try #require(naive["checks"] as? [[String: Any]])
    let relation = try #require(checks.first { $0["type"] as? String == "expression" })
    #expect(relation["groups_failed"] as? Int == 2)
    #expect(Self.failingSeasons(relation) == [2020, 2021])
    for check in checks where check["type"] as? String == "between" { #expect(check["passed"] as? Bool == true) }

    // The failing-row counts of the two seasons are what pandas finds.
    let python = try #require(try Oracles.python("anchors"))
    let counts = try runPython(python, """
      import sys, json, numpy as np, pandas as pd
      out = {}
      for season in (2020, 2021):
          d = pd.read_csv(f"{sys.argv[1]}/NBA_{season}_Shots.csv.gz", usecols=["LOC_X", "LOC_Y", "SHOT_DISTANCE"])
          half_away = lambda v: np.sign(v) * np.floor(np.abs(v) + 0.5)
          x = half_away(-10 * d.LOC_X); y = half_away(10 * (d.LOC_Y - 5.25))
          out[str(season)] = int((np.abs(np.sqrt(x * x + y * y) / 10 - d.SHOT_DISTANCE) > 1.5).sum())
      print(json.dumps(out))
      """, arguments: [folder.path])
    let expected = try #require(try JSONSerialization.jsonObject(with: Data(counts.utf8)) as? [String: Int])
    let groups = try #require(relation["groups"] as? [[String: Any]])
    for season in [2020, 2021] {
      let g = groups.first { ($0["group"] as? [String: Any])?["Season"] as? Int == season }
      #expect(g?["failing_rows"] as? Int == expected[String(season)], "season \(season)")
      #expect((g?["sample"] as? [[String: Any]])?.isEmpty == false, "failing rows are sampled")
    }
  }

  /// shot-drift.yaml, 2003-04 vs 2020-21: after the rescale the court coordinates no longer "drift" by a unit change.
  /// X Location's Wasserstein score (0.653 when mapped naively) is 0.095, as 2003-04 vs 2017-18 (0.096): not drifted;
  /// Y Location keeps its genuine drift (0.363; 0.350 against 2017-18) instead of 0.710.
  @Test(.needsDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"), .needsDataset("nba_shots/nba_com_2004_2024/NBA_2021_Shots.csv.gz"))
  func theDriftReportDoesNotPresentTheUnitChangeAsDrift() throws {
    let reference = try #require(try Oracles.sharedDataset("nba_shots/nba_com_2004_2024/NBA_2004_Shots.csv.gz"))
    let current = try #require(try Oracles.sharedDataset("nba_shots/nba_com_2004_2024/NBA_2021_Shots.csv.gz"))
    let p = try Project()
    defer { p.remove() }
    try p.write("Workbooks/shot-drift.yaml",
                try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("Workbooks/shot-drift.yaml"), encoding: .utf8))
    let run = try p.workbench(["run", "Workbooks/shot-drift.yaml", "--param", "reference=\(reference.path)",
                               "--param", "current=\(current.path)", "--cell", "data_drift"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try p.statuses("shot-drift")["cur_contract"] == "executed", "the rescaled season meets the contract")
    let data = try Data(contentsOf: p.root.appendingPathComponent("outputs/shot-drift/cells/data_drift/result.json"))
    let drift = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let columns = try #require(drift["columns"] as? [String: [String: Any]])
    let x = try #require(columns["X Location"]), y = try #require(columns["Y Location"])
    #expect(x["drifted"] as? Bool == false)
    #expect((x["score"] as? Double ?? 1) < 0.1, "\(x)")
    #expect((y["score"] as? Double ?? 1) < 0.4, "\(y)")
    let units = try Data(contentsOf: p.root.appendingPathComponent("outputs/shot-drift/cells/cur_units/table.csv"))
    #expect(String(decoding: units, as: UTF8.self).split(separator: "\n").last?.hasSuffix(",10") == true, "2020-21 is rescaled ×10")
  }

  static func result(_ p: Project, _ cell: String) throws -> [String: Any] {
    let data = try Data(contentsOf: p.root.appendingPathComponent("outputs/parivision/cells/\(cell)/result.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func season(_ group: [String: Any]) -> Int? {
    (group["group"] as? [String: Any])?.values.first as? Int
  }

  static func groupSeasons(_ check: [String: Any]) -> [Int] {
    (check["groups"] as? [[String: Any]] ?? []).compactMap(season)
  }

  static func failingSeasons(_ check: [String: Any]) -> [Int] {
    (check["groups"] as? [[String: Any]] ?? []).filter { $0["passed"] as? Bool == false }.compactMap(season)
  }
}
