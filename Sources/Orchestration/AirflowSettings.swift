import Foundation
import WorkbookModel

/// How a workbook runs as an Airflow DAG: the workbook's `orchestration: airflow:` block, overridden by
/// `workbench export airflow` flags. Every key is checked (a typo is an error with a suggestion, never ignored).
/// The cache the tasks share is the workbook's own `cache:` setting (or `export --cache`).
public struct AirflowSettings: Sendable, Equatable {
  /// The DAG id (default `workbench_<workbook>`).
  public var dagId: String?
  /// `@daily`, `@hourly`, … , a five-field cron expression, or nil for a DAG triggered by hand.
  public var schedule: String?
  /// The first logical date, `YYYY-MM-DD` (UTC).
  public var startDate = "2026-01-01"
  /// Whether Airflow runs the intervals between `startDate` and now.
  public var catchup = false
  public var retries = 0
  public var retryDelayMinutes = 5
  /// At most this many runs of the DAG at once (1: a retraining is never promoted by two runs at the same time).
  public var maxActiveRuns = 1
  /// The cache folder the tasks pass as `--cache` (from `export --cache`); nil: the workbook's `cache:` setting or
  /// the project's `.workbench/cache`, as `workbench run` would use.
  public var cache: String?
  public var tags: [String] = []
  /// A sweep becomes dynamically mapped tasks, one per trial (`workbench cell items`), instead of one task.
  public var mapSweeps = false

  public init() {}

  static let keys = ["dag_id", "schedule", "start_date", "catchup", "retries", "retry_delay_minutes", "max_active_runs",
                     "tags", "map_sweeps"]
  static let presets = ["@once", "@hourly", "@daily", "@weekly", "@monthly", "@yearly"]

  /// Reads `orchestration.airflow` of a workbook (absent: defaults); errors point at the offending key or value.
  public static func parse(_ orchestration: SpecNode?) throws(Diagnostics) -> AirflowSettings {
    var settings = AirflowSettings()
    guard let node = orchestration?["airflow"], !node.isNull else { return settings }
    var d = Diagnostics()
    guard let entries = node.entries else {
      throw Diagnostics([.error("`orchestration.airflow` must be a mapping (\(keys.joined(separator: ", ")))", at: node.location)])
    }
    for e in entries {
      let v = e.value
      switch e.key {
      case "dag_id":
        if let s = v.string { settings.dagId = s } else { d.error("`dag_id` must be a string", at: v.location) }
      case "schedule":
        if v.isNull { settings.schedule = nil } else if let s = v.string { settings.schedule = s } else {
          d.error("`schedule` must be a preset such as @daily, a cron expression, or null", at: v.location)
        }
      case "start_date":
        if let s = v.string { settings.startDate = s } else { d.error("`start_date` must be a date YYYY-MM-DD", at: v.location) }
      case "catchup":
        if let b = v.bool { settings.catchup = b } else { d.error("`catchup` must be true or false", at: v.location) }
      case "retries":
        if let i = v.int { settings.retries = i } else { d.error("`retries` must be an integer", at: v.location) }
      case "retry_delay_minutes":
        if let i = v.int { settings.retryDelayMinutes = i } else { d.error("`retry_delay_minutes` must be an integer", at: v.location) }
      case "max_active_runs":
        if let i = v.int { settings.maxActiveRuns = i } else { d.error("`max_active_runs` must be an integer", at: v.location) }
      case "tags":
        if let l = v.list, l.allSatisfy({ $0.string != nil }) { settings.tags = l.compactMap(\.string) } else {
          d.error("`tags` must be a list of strings", at: v.location)
        }
      case "map_sweeps":
        if let b = v.bool { settings.mapSweeps = b } else { d.error("`map_sweeps` must be true or false", at: v.location) }
      default:
        d.error("unknown key `\(e.key)` in `orchestration.airflow`", at: e.keyLocation,
                hint: Suggest.hint(for: e.key, in: keys) ?? "allowed: \(keys.joined(separator: ", "))")
      }
    }
    try d.throwIfErrors()
    if let problem = settings.problem() { throw Diagnostics([.error(problem, at: node.location)]) }
    return settings
  }

  /// What is wrong with these settings (after flags were applied), or nil.
  public func problem() -> String? {
    if let dagId, !Self.isValidDagId(dagId) {
      return "dag_id `\(dagId)` must be 1–250 letters, digits, `_`, `-` or `.`"
    }
    if let schedule, !Self.isValidSchedule(schedule) {
      return "schedule `\(schedule)` is neither a preset (\(Self.presets.joined(separator: ", "))) nor a five-field cron expression"
    }
    if !Self.isValidDate(startDate) { return "start_date `\(startDate)` is not a date YYYY-MM-DD" }
    if !(0...100).contains(retries) { return "retries must be between 0 and 100, got \(retries)" }
    if !(0...10_080).contains(retryDelayMinutes) { return "retry_delay_minutes must be between 0 and 10080, got \(retryDelayMinutes)" }
    if !(1...64).contains(maxActiveRuns) { return "max_active_runs must be between 1 and 64, got \(maxActiveRuns)" }
    if let cache, cache.isEmpty { return "cache must be a folder path, not empty" }
    return nil
  }

  static func isValidDagId(_ s: String) -> Bool {
    !s.isEmpty && s.count <= 250 && s.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) }
  }

  static func isValidSchedule(_ s: String) -> Bool {
    if presets.contains(s) { return true }
    let fields = s.split(separator: " ", omittingEmptySubsequences: true)
    let allowed = Set("0123456789*/,-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    return fields.count == 5 && fields.allSatisfy { $0.allSatisfy { allowed.contains($0) } }
  }

  static func isValidDate(_ s: String) -> Bool {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
          let y = Int(parts[0]), let m = Int(parts[1]), let day = Int(parts[2]) else { return false }
    return (1900...9999).contains(y) && (1...12).contains(m) && (1...31).contains(day)
  }
}
