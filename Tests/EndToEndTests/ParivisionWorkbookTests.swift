import Foundation
import Testing
import TestSupport

/// The shipped PariVision workbook, run as a user would (bundled simulated sample), then read back with the real
/// MLflow 3 client: the runs, metrics and the `champion` alias are exactly what the cells' result.json say.
@Suite("PariVision workbook", .serialized)
struct ParivisionWorkbookTests {
  @Test(.needsPython("mlflow3")) func runsEndToEndAndMLflowReadsWhatResultJSONSays() throws {
    let p = try Project(); defer { p.remove() }
    let repo = TestPaths.repositoryRoot
    try FileManager.default.createDirectory(at: p.root.appendingPathComponent("Workbooks"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: p.root.appendingPathComponent("datasets"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: repo.appendingPathComponent("Workbooks/parivision.yaml"),
                                     to: p.root.appendingPathComponent("Workbooks/parivision.yaml"))
    try FileManager.default.copyItem(at: repo.appendingPathComponent("datasets/nba_shots_sample.csv"),
                                     to: p.root.appendingPathComponent("datasets/nba_shots_sample.csv"))
    let run = try p.workbench(["run", "Workbooks/parivision.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try p.statuses("parivision").values.allSatisfy { $0 == "executed" })
    #expect(try p.workbench(["run", "Workbooks/parivision.yaml"]).status == 0)
    #expect(try p.executed("parivision").isEmpty, "a second run executes nothing")

    let sweep = try TrackingE2E.result(p, "parivision", "sweep")
    let best = try #require(sweep["best"] as? [String: Any])
    let test = try #require(best["test"] as? [String: Any])
    #expect((test["roc_auc"] as? Double ?? 0) > 0.5, "held-out AUC is reported")
    let track = try TrackingE2E.result(p, "parivision", "track")
    let champion = try TrackingE2E.result(p, "parivision", "champion")
    #expect(champion["decision"] as? String == "promoted", "first model becomes champion")
    #expect(champion["challenger_value"] as? Double == (track["metrics"] as? [String: Any])?["test_roc_auc"] as? Double)

    let py3 = try #require(try Oracles.python("mlflow3"))
    let back = try TrackingE2E.read(py3, uri: p.root.appendingPathComponent("mlruns").path, experiment: "parivision",
                                    model: "parivision")
    let runs = try #require(back["runs"] as? [String: [String: Any]])
    let runId = try #require(track["run_id"] as? String)
    let logged = try #require(runs[runId], "the refit model's run is readable by MLflow")
    #expect(logged["params"] as? [String: String] == track["params"] as? [String: String])
    #expect(TrackingE2E.sameMetrics(track["metrics"] as? [String: Any] ?? [:], logged["metrics"] as? [String: Any] ?? [:]))
    let alias = try #require(back["champion"] as? [String: Any])
    #expect(alias["run_id"] as? String == runId)
    #expect(alias["version"] as? Int == champion["version"] as? Int)
  }
}
