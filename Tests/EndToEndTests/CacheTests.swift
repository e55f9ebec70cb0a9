import Foundation
import Testing
import TestSupport

/// The incremental-cache contract of issue 2, exercised through the real executable.
@Suite("cache and reruns", .serialized)
struct CacheTests {
  static let workbook = """
    workbook: demo
    title: Demo
    params:
      data: shots.csv
      top: 3
      label: first
    cells:
      - id: bronze
        kind: load
        source: ${data}
      - id: profile
        kind: describe
        input: bronze
        top: ${top}
      - id: other
        kind: test_sleep
        ms: 1
        value: ${label}
      - id: summary
        kind: note
        text: "Rows: {{ bronze.rows }}; profiled {{ profile.rows }}."
    """

  @Test func secondRunExecutesNothing() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    #expect(try p.workbench(["run", "demo.yaml"]).status == 0)
    #expect(try p.executed("demo") == ["bronze", "profile", "other", "summary"])
    #expect(try p.workbench(["run", "demo.yaml"]).status == 0)
    #expect(try p.executed("demo").isEmpty)
    #expect(try p.statuses("demo").values.allSatisfy { $0 == "cached" })
  }

  @Test func paramChangeRerunsExactlyItsUsersAndDependents() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    try p.workbench(["run", "demo.yaml"])
    let status = try p.workbench(["status", "demo.yaml", "--param", "top=4"])
    #expect(status.stdout.contains("param top 3→4"))
    #expect(try p.workbench(["run", "demo.yaml", "--param", "top=4"]).status == 0)
    #expect(try p.executed("demo") == ["profile", "summary"])
    #expect(try p.workbench(["run", "demo.yaml", "--param", "label=second"]).status == 0)
    // top is back to its default 3 (cached from the first run) and only `other` uses `label`.
    #expect(try p.executed("demo") == ["other"])
  }

  @Test func cosmeticEditsRerunNothing() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    try p.workbench(["run", "demo.yaml"])
    let edited = "# a comment\n" + Self.workbook
      .replacingOccurrences(of: "title: Demo", with: "title: Demo, renamed")
      .replacingOccurrences(of: "  - id: profile\n", with: "  - id: profile\n    title: Profile of the shots   # display only\n")
      .replacingOccurrences(of: "top: ${top}", with: "top:    ${top}     # same value")
    try p.write("demo.yaml", edited)
    #expect(try p.workbench(["run", "demo.yaml"]).status == 0)
    #expect(try p.executed("demo").isEmpty)
    #expect(try p.read("outputs/demo/index.html").contains("Profile of the shots"))
  }

  @Test func earlyCutoffKeepsDependentsCached() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    try p.workbench(["run", "demo.yaml"])
    // Same rows, different bytes (a trailing blank line): bronze reruns, its table is identical, so its
    // dependents stay cached.
    try p.write("shots.csv", sampleCSV() + "\n")
    let status = try p.workbench(["status", "demo.yaml"])
    #expect(status.stdout.contains("input shots.csv changed"))
    #expect(try p.workbench(["run", "demo.yaml"]).status == 0)
    #expect(try p.executed("demo") == ["bronze"])
    #expect(try p.statuses("demo")["profile"] == "cached")
  }

  @Test func corruptedBlobIsDetectedAndRecomputed() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    try p.workbench(["run", "demo.yaml"])
    let before = try p.read("outputs/demo/cells/profile/result.json")
    // Flip one byte of the describe cell's result blob.
    let run = try p.runJSON("demo")
    let profile = try #require((run["cells"] as? [[String: Any]])?.first { $0["id"] as? String == "profile" })
    let digest = try #require((profile["outputs"] as? [String: String])?["result.json"])
    let blob = p.root.appendingPathComponent(".workbench/cache/blobs/\(digest.prefix(2))/\(digest)")
    var bytes = try Data(contentsOf: blob)
    bytes[bytes.count / 2] ^= 0x20
    try bytes.write(to: blob)
    let out = try p.workbench(["run", "demo.yaml"])
    #expect(out.status == 0)
    #expect(out.stderr.contains("corrupted"))
    #expect(try p.executed("demo").contains("profile"))
    #expect(try p.read("outputs/demo/cells/profile/result.json") == before)
  }

  @Test func failureSkipsDependentsRunsOthersAndKeepsLastGoodOutput() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    try p.workbench(["run", "demo.yaml"])
    let lastGood = try p.read("outputs/demo/cells/bronze/result.json")
    let out = try p.workbench(["run", "demo.yaml", "--param", "data=missing.csv", "--param", "label=x"])
    #expect(out.status == 1)
    let s = try p.statuses("demo")
    #expect(s["bronze"] == "failed")
    #expect(s["profile"] == "skipped")
    #expect(s["summary"] == "skipped")
    #expect(s["other"] == "executed")
    #expect(out.stderr.contains("missing.csv"))
    #expect(try p.read("outputs/demo/cells/bronze/result.json") == lastGood)
    let run = try p.runJSON("demo")
    let profile = try #require((run["cells"] as? [[String: Any]])?.first { $0["id"] as? String == "profile" })
    #expect((profile["reason"] as? String)?.contains("upstream cell `bronze` failed") == true)
    // Nothing of the failure was cached: fixing the input reruns bronze and everything is as before.
    #expect(try p.workbench(["run", "demo.yaml"]).status == 0)
    #expect(try p.read("outputs/demo/cells/bronze/result.json") == lastGood)
  }

  @Test func verifyPassesOnDeterministicAndFailsOnPlantedNondeterminism() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV())
    try p.write("demo.yaml", Self.workbook)
    try p.workbench(["run", "demo.yaml"])
    let ok = try p.workbench(["verify", "demo.yaml"])
    #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
    #expect(ok.stdout.contains("identical"))
    try p.write("noisy.yaml", """
      workbook: noisy
      cells:
        - id: stable
          kind: test_sleep
          ms: 1
          value: 7
        - id: dice
          kind: test_random
      """)
    try p.workbench(["run", "noisy.yaml"])
    let bad = try p.workbench(["verify", "noisy.yaml"])
    #expect(bad.status == 1)
    let lines = bad.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("DIFFERS") && $0.contains(" dice") })
    #expect(lines.contains { $0.hasPrefix("identical") && $0.contains(" stable") })
  }
}
