import Testing
import WorkbookModel
@testable import Orchestration

/// The `orchestration:` section and the pieces of an Airflow export that need no Airflow.
@Suite("Airflow export settings")
struct AirflowSettingsTests {
  func settings(_ yaml: String) throws(Diagnostics) -> AirflowSettings {
    let node = try YAMLReader.parse(yaml, file: "w.yaml")
    return try AirflowSettings.parse(node["orchestration"])
  }

  @Test func readsEveryKey() throws {
    let s = try settings("""
      orchestration:
        airflow:
          dag_id: nightly.drift
          schedule: "0 3 * * 1-5"
          start_date: 2026-02-01
          catchup: true
          retries: 2
          retry_delay_minutes: 10
          max_active_runs: 1
          tags: [nba]
      """)
    #expect(s.dagId == "nightly.drift" && s.schedule == "0 3 * * 1-5" && s.startDate == "2026-02-01")
    #expect(s.catchup && s.retries == 2 && s.retryDelayMinutes == 10 && s.maxActiveRuns == 1 && s.tags == ["nba"])
  }

  @Test func aTypoIsAnErrorWithASuggestion() {
    do {
      _ = try settings("orchestration:\n  airflow:\n    schedul: \"@daily\"\n")
      Issue.record("a typo was accepted")
    } catch {
      let d = error.items[0]
      #expect(d.message.contains("unknown key `schedul`"))
      #expect(d.hint?.contains("schedule") == true)
      #expect(d.location?.line == 3)
    }
  }

  @Test(arguments: [
    ("orchestration:\n  airflow:\n    schedule: every day\n", "schedule `every day`"),
    ("orchestration:\n  airflow:\n    start_date: 2026-13-01\n", "start_date `2026-13-01`"),
    ("orchestration:\n  airflow:\n    retries: -1\n", "retries must be between 0 and 100"),
    ("orchestration:\n  airflow:\n    dag_id: \"my dag\"\n", "dag_id `my dag`"),
    ("orchestration:\n  airflow: [1]\n", "must be a mapping"),
  ])
  func badValuesAreRefused(yaml: String, expected: String) {
    do {
      _ = try settings(yaml)
      Issue.record("accepted: \(yaml)")
    } catch {
      #expect(error.items.contains { $0.message.contains(expected) }, "\(error)")
    }
  }

  @Test func shellQuotingSurvivesHostileText() {
    #expect(AirflowExport.shellQuote("Workbooks/x.yaml") == "Workbooks/x.yaml")
    #expect(AirflowExport.shellQuote("a b") == "'a b'")
    #expect(AirflowExport.shellQuote("it's; rm -rf /") == "'it'\\''s; rm -rf /'")
    #expect(AirflowExport.shellQuote("") == "''")
    #expect(AirflowExport.shellQuote("$(id)") == "'$(id)'")
  }

  @Test func defaultDagIdKeepsOnlyWhatAirflowAccepts() {
    #expect(AirflowExport.defaultDagId("shot-drift") == "workbench_shot-drift")
    #expect(AirflowExport.defaultDagId("é t") == "workbench___t")
  }
}
