import Foundation
import Testing
import TestSupport

/// Helpers for the coaching cells' end-to-end tests.
enum CoachE2E {
  /// A project with the bundled simulated game at `datasets/fiba_game_sample.json` and the coaching workbook.
  static func project() throws -> Project {
    let p = try Project()
    let repo = TestPaths.repositoryRoot
    try p.write("datasets/fiba_game_sample.json",
                try String(contentsOf: repo.appendingPathComponent("datasets/fiba_game_sample.json"), encoding: .utf8))
    try p.write("Workbooks/coaching.yaml",
                try String(contentsOf: repo.appendingPathComponent("Workbooks/coaching.yaml"), encoding: .utf8))
    return p
  }

  static func result(_ p: Project, _ workbook: String, _ cell: String) throws -> [String: Any] {
    let data = try Data(contentsOf: p.root.appendingPathComponent("outputs/\(workbook)/cells/\(cell)/result.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func cellFile(_ p: Project, _ workbook: String, _ cell: String, _ file: String) -> URL {
    p.root.appendingPathComponent("outputs/\(workbook)/cells/\(cell)/\(file)")
  }

  static func round1(_ x: Any?) -> Double? { (x as? Double).map { ($0 * 10).rounded() / 10 } ?? (x as? Int).map(Double.init) }
}

@Suite("coaching workbook and FIBA cells")
struct CoachWorkbookTests {
  @Test func coachingWorkbookRunsOnTheBundledSimulatedGame() throws {
    let p = try CoachE2E.project()
    defer { p.remove() }
    let out = try p.workbench(["run", "Workbooks/coaching.yaml"])
    #expect(out.status == 0, "stderr: \(out.stderr)")
    let statuses = try p.statuses("coaching")
    #expect(statuses["match"] == "executed" && statuses["report"] == "executed" && statuses["impact"] == "executed")

    let load = try CoachE2E.result(p, "coaching", "match")
    #expect(load["games"] as? Int == 1)
    let rec = try #require(load["reconciliation"] as? [String: Any])
    #expect(rec["failed"] as? Int == 0)
    #expect(rec["all_acceptable"] as? Bool == true)
    let perGame = try #require((load["game_checks"] as? [[String: Any]])?.first)
    let checks = try #require(perGame["checks"] as? [[String: Any]])
    #expect(checks.count > 20)
    #expect(checks.allSatisfy { $0["name"] is String && $0["expected"] != nil && $0["actual"] != nil && $0["passed"] as? Bool == true })

    let report = try CoachE2E.result(p, "coaching", "report")
    #expect((report["teams"] as? [Any])?.count == 2)
    #expect(((report["findings"] as? [[String: Any]]) ?? []).allSatisfy {
      $0["value"] != nil && $0["reference"] != nil && ["strength", "weakness"].contains($0["verdict"] as? String ?? "")
    })
    let recs = try #require(report["recommendations"] as? [[String: Any]])
    for team in [1, 2] { #expect(recs.filter { $0["team"] as? Int == team && $0["player"] is NSNull }.count >= 2) }
    #expect((report["post_mortem"] as? [Any])?.count == 2)
    let llm = try #require(report["llm"] as? [String: Any])
    #expect(llm["status"] as? String == "disabled")
    let players = try #require(report["players"] as? [[String: Any]])
    #expect(players.allSatisfy { $0["eff"] != nil && $0["pir"] != nil && $0["game_score"] != nil && $0["pie"] != nil && $0["ts_pct"] != nil && $0["usg_pct"] != nil })
    // League reference and impact model need more than one game: skipped with warnings, not errors.
    #expect(report["league_reference"] is NSNull)
    let impact = try CoachE2E.result(p, "coaching", "impact")
    #expect(impact["status"] as? String == "not_enough_data")

    let markdown = try String(contentsOf: CoachE2E.cellFile(p, "coaching", "report", "report.md"), encoding: .utf8)
    let findings = try #require(markdown.range(of: "## Findings")), post = try #require(markdown.range(of: "## Post-mortem"))
    let training = try #require(markdown.range(of: "## Training recommendations"))
    #expect(findings.lowerBound < post.lowerBound && post.lowerBound < training.lowerBound)
    if edaGnuplotAvailable() {
      for f in ["quarters.svg", "shots_team1.svg", "shots_team2.svg"] {
        #expect(FileManager.default.fileExists(atPath: CoachE2E.cellFile(p, "coaching", "report", f).path), "\(f)")
      }
    }

    // Deterministic: a forced re-run gives the same report bytes; French on request.
    let first = try Data(contentsOf: CoachE2E.cellFile(p, "coaching", "report", "report.md"))
    #expect(try p.workbench(["run", "Workbooks/coaching.yaml", "--force"]).status == 0)
    #expect(try Data(contentsOf: CoachE2E.cellFile(p, "coaching", "report", "report.md")) == first)
    let verify = try p.workbench(["verify", "Workbooks/coaching.yaml"])
    #expect(verify.status == 0, "verify: \(verify.stdout) \(verify.stderr)")
    let fr = try p.workbench(["run", "Workbooks/coaching.yaml", "--param", "language=fr"])
    #expect(fr.status == 0, "stderr: \(fr.stderr)")
    let french = try String(contentsOf: CoachE2E.cellFile(p, "coaching", "report", "report.md"), encoding: .utf8)
    #expect(french.contains("## Constats") && french.contains("## Recommandations d'entraînement"))
  }

  @Test func malformedGameFileNamesTheFileAndJSONPath() throws {
    let p = try Project()
    defer { p.remove() }
    let repo = TestPaths.repositoryRoot
    var text = try String(contentsOf: repo.appendingPathComponent("datasets/fiba_game_sample.json"), encoding: .utf8)
    // Break one player's minutes.
    let range = try #require(text.range(of: "\"sMinutes\": \"") ?? text.range(of: "\"sMinutes\":\""))
    let end = try #require(text[range.upperBound...].firstIndex(of: "\""))
    text.replaceSubrange(range.upperBound..<end, with: "abc")
    try p.write("games/data_1_2024.json", text)
    try p.write("bad.yaml", """
      workbook: bad
      cells:
        - id: game
          kind: load
          source: games/data_1_2024.json
          format: fiba_livestats
      """)
    let out = try p.workbench(["run", "bad.yaml"])
    #expect(out.status == 1)
    let all = out.stdout + out.stderr
    #expect(all.contains("data_1_2024.json") && all.contains("sMinutes"), "output: \(all)")
  }

  @Test(.needsDataset("fiba_livestats/data_2648661_2024.json")) func realGameMatchesTheWorkedExample() throws {
    let file = try #require(try Oracles.sharedDataset("fiba_livestats/data_2648661_2024.json"))
    let p = try Project()
    defer { p.remove() }
    try p.write("real.yaml", """
      workbook: real
      cells:
        - id: game
          kind: load
          source: \(file.path)
          format: fiba_livestats
        - id: report
          kind: coach
          input: game
          focus: LANDERNEAU
        - id: visitors
          kind: coach
          input: game
          team: VIL
          language: fr
      """)
    let out = try p.workbench(["run", "real.yaml"])
    #expect(out.status == 0, "stderr: \(out.stderr)")
    let load = try CoachE2E.result(p, "real", "game")
    #expect((load["reconciliation"] as? [String: Any])?["failed"] as? Int == 0)
    let r = try CoachE2E.result(p, "real", "report")
    #expect(r["game_id"] as? String == "2648661")
    #expect(r["focus_team"] as? Int == 1)
    let teams = try #require(r["teams"] as? [[String: Any]])
    let ldn = try #require(teams.first { $0["team"] as? Int == 1 }), vil = try #require(teams.first { $0["team"] as? Int == 2 })
    #expect(ldn["points"] as? Int == 75 && vil["points"] as? Int == 73)
    let expected: [(String, Double, Double, Double)] = [
      ("possessions", 70.9, 70.6, 1), ("game_possessions", 70.8, 70.8, 1),
      ("offensive_rating", 106.0, 103.2, 1), ("defensive_rating", 103.2, 106.0, 1),
      ("efg_pct", 52.6, 52.5, 100), ("tov_pct", 18.5, 16.5, 100), ("orb_pct", 33.3, 22.9, 100),
      ("ft_rate", 24.1, 18.6, 100), ("ts_pct", 56.9, 55.6, 100),
    ]
    for (key, a, b, scale) in expected {
      #expect(CoachE2E.round1((ldn[key] as? Double).map { $0 * scale }) == a, "\(key) LDN")
      #expect(CoachE2E.round1((vil[key] as? Double).map { $0 * scale }) == b, "\(key) VIL")
    }
    let players = try #require(r["players"] as? [[String: Any]])
    let woolfolk = try #require(players.first { ($0["name"] as? String)?.contains("Woolfolk") == true })
    #expect(woolfolk["points"] as? Int == 23 && woolfolk["eff"] as? Int == 25 && woolfolk["pir"] as? Int == 30)
    #expect(woolfolk["plus_minus"] as? Int == -5)
    #expect(CoachE2E.round1(woolfolk["game_score"]) == 20.2)
    #expect(CoachE2E.round1((woolfolk["pie"] as? Double).map { $0 * 100 }) == 18.6)
    #expect(((woolfolk["minutes"] as? Double ?? 0) * 60).rounded() == 36 * 60 + 27)
    let akhator = try #require(players.first { ($0["name"] as? String)?.contains("Akhator") == true })
    #expect(akhator["points"] as? Int == 20 && akhator["rebounds"] as? Int == 12 && akhator["eff"] as? Int == 27)
    #expect(akhator["pir"] as? Int == 29 && akhator["plus_minus"] as? Int == 0)
    #expect(CoachE2E.round1((akhator["pie"] as? Double).map { $0 * 100 }) == 17.4)
    // The TOV% weakness of LDN (18.5 % > 18 %) is a finding with its threshold, and a measurable recommendation.
    let findings = try #require(r["findings"] as? [[String: Any]])
    #expect(findings.contains { $0["team"] as? Int == 1 && $0["player"] is NSNull && $0["verdict"] as? String == "weakness"
      && ($0["text"] as? String)?.contains("18.5") == true })
    let recs = try #require(r["recommendations"] as? [[String: Any]])
    #expect(recs.contains { $0["team"] as? Int == 1 && ($0["text"] as? String)?.contains("18.5 %") == true })
    // Focus: LANDERNEAU's post-mortem first.
    let pm = try #require(r["post_mortem"] as? [[String: Any]])
    #expect(pm.first?["team"] as? Int == 1)
    // `team`: one team only.
    let v = try CoachE2E.result(p, "real", "visitors")
    #expect(v["only_team"] as? Int == 2)
    #expect((v["post_mortem"] as? [[String: Any]])?.map { $0["team"] as? Int } == [2])
    #expect(((v["findings"] as? [[String: Any]]) ?? []).allSatisfy { $0["team"] as? Int == 2 })
    #expect(((v["recommendations"] as? [[String: Any]]) ?? []).allSatisfy { $0["team"] as? Int == 2 })
  }

  @Test(.needsDataset("fiba_livestats")) func leagueFolderReconcilesAndImpactIsGroupedByGame() throws {
    let folder = try #require(try Oracles.sharedDataset("fiba_livestats"))
    let p = try Project()
    defer { p.remove() }
    try p.write("league.yaml", """
      workbook: league
      cells:
        - id: league
          kind: load
          source: \(folder.path)
          format: fiba_livestats
        - id: game
          kind: load
          source: \(folder.path)/data_2648661_2024.json
          format: fiba_livestats
        - id: report
          kind: coach
          input: game
          league: league
        - id: impact
          kind: impact
          input: league
          folds: 5
          seed: 42
        - id: impact_run
          kind: track
          of: impact
          uri: mlruns
          experiment: coaching
      """)
    let out = try p.workbench(["run", "league.yaml"])
    #expect(out.status == 0, "stderr: \(out.stderr)")
    let load = try CoachE2E.result(p, "league", "league")
    #expect(load["games"] as? Int == 80)
    let rec = try #require(load["reconciliation"] as? [String: Any])
    #expect(rec["failed"] as? Int == 0, "every identity holds or is a documented exception")
    #expect((rec["documented_exceptions"] as? Int ?? 0) > 0)
    let games = try #require(load["game_checks"] as? [[String: Any]])
    #expect(games.count == 80 && games.allSatisfy { $0["all_acceptable"] as? Bool == true })

    let report = try CoachE2E.result(p, "league", "report")
    let league = try #require(report["league_reference"] as? [String: Any])
    #expect(league["games"] as? Int == 80)

    let impact = try CoachE2E.result(p, "league", "impact")
    #expect(impact["status"] as? String == "fitted")
    // Logged like any other model run: the run carries the cross-validated R², overall and per fold.
    let run = try CoachE2E.result(p, "league", "impact_run")
    let runMetrics = try #require(run["metrics"] as? [String: Any])
    #expect(runMetrics["cv_r2"] as? Double == impact["cross_validated_r2"] as? Double)
    #expect((run["params"] as? [String: String])?["cv_groups"] == "game")
    if let py3 = try Oracles.python("mlflow3") {
      let back = try TrackingE2E.read(py3, uri: p.root.appendingPathComponent("mlruns").path, experiment: "coaching", model: "impact")
      let runs = try #require(back["runs"] as? [String: [String: Any]])
      let logged = try #require(runs[run["run_id"] as? String ?? ""], "MLflow reads the impact run")
      #expect(TrackingE2E.sameMetrics(runMetrics, logged["metrics"] as? [String: Any] ?? [:]))
    }
    #expect(impact["grouped_by_game"] as? Bool == true)
    #expect(impact["games"] as? Int == 80)
    let r2 = try #require(impact["cross_validated_r2"] as? Double)
    #expect(r2 > 0.05 && r2 < 0.5, "honest R² is modest, not ≈ 0.995: \(r2)")
    #expect((impact["fold_r2"] as? [Any])?.count == 5)
    #expect(((impact["features"] as? [[String: Any]]) ?? []).count == 15)
    #expect(!((impact["out_performers"] as? [Any]) ?? []).isEmpty)
  }

  @Test func shotCoachingOnTheBundledNBAShots() throws {
    let p = try Project()
    defer { p.remove() }
    let repo = TestPaths.repositoryRoot
    try p.write("shots.csv", try String(contentsOf: repo.appendingPathComponent("datasets/nba_shots_sample.csv"), encoding: .utf8))
    try p.write("shots.yaml", shotsWorkbook("shots", """
        - id: coaching
          kind: shot_coaching
          input: shots
          player: Player Name
          zone: Shot Zone Basic
          made: Shot Made Flag
          shot_type: Shot Type
          minimum_attempts: 25
      """))
    let out = try p.workbench(["run", "shots.yaml"])
    #expect(out.status == 0, "stderr: \(out.stderr)")
    let r = try CoachE2E.result(p, "shots", "coaching")
    #expect(r["shots"] as? Int == 5000)
    let comparisons = try #require(r["comparisons"] as? [[String: Any]])
    #expect(!comparisons.isEmpty)
    #expect(comparisons.allSatisfy { $0["league_rate"] is Double && $0["rate"] is Double })
    #expect(FileManager.default.fileExists(atPath: CoachE2E.cellFile(p, "shots", "coaching", "report.md").path))

    // A wrong column is an error naming the option.
    try p.write("bad.yaml", shotsWorkbook("bad", """
        - id: coaching
          kind: shot_coaching
          input: shots
          zone: Shot Zone Basik
      """))
    let bad = try p.workbench(["run", "bad.yaml"])
    #expect(bad.status == 1)
    #expect((bad.stdout + bad.stderr).contains("Shot Zone Basik"))
  }
}
