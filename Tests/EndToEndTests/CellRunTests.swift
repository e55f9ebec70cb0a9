import Foundation
import Testing
import TestSupport

/// `workbench cell run`, `workbench plan` and a cache shared by several state directories (issue 15), through the
/// real executable.
@Suite("cell run and shared caches", .serialized)
struct CellRunTests {
  static let workbook = """
    workbook: chain
    params:
      label: first
    cells:
      - id: a
        kind: test_sleep
        ms: 1
        value: ${label}
      - id: b
        kind: test_sleep
        ms: 400
        value: ${a.value}
    """

  func project() throws -> Project {
    let p = try Project()
    try p.write("chain.yaml", Self.workbook)
    return p
  }

  /// The `--json` result line of `cell run`.
  func result(_ output: ProcessOutput) throws -> [String: Any] {
    let line = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
      throw UnexpectedShape("cell run --json printed no JSON object: \(output.stdout) \(output.stderr)")
    }
    return object
  }

  func manifests(_ cache: URL) -> [String] {
    (FileManager.default.enumerator(atPath: cache.appendingPathComponent("manifests").path)?.compactMap { $0 as? String } ?? [])
      .filter { $0.hasSuffix(".json") }
  }

  @Test func missingUpstreamIsNamedWithItsExitCode() throws {
    let p = try project(); defer { p.remove() }
    let out = try p.workbench(["cell", "run", "chain.yaml", "--cell", "b", "--json"])
    #expect(out.status == 5, "\(out.stderr)")
    let r = try result(out)
    #expect(r["status"] as? String == "upstream_missing")
    #expect((r["message"] as? String)?.contains("upstream cell `a`") == true)
    #expect(!p.exists("outputs"))
    let unknown = try p.workbench(["cell", "run", "chain.yaml", "--cell", "bb"])
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("no cell `bb`") && unknown.stderr.contains("`b`"), "\(unknown.stderr)")
  }

  @Test func cellRunTwiceDoesNothingTheSecondTime() throws {
    let p = try project(); defer { p.remove() }
    let first = try p.workbench(["cell", "run", "chain.yaml", "--cell", "a", "--json"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(try result(first)["status"] as? String == "executed")
    let second = try p.workbench(["cell", "run", "chain.yaml", "--cell", "a"])
    #expect(second.status == 0)
    #expect(second.stderr.contains("already in the cache"), "\(second.stderr)")
    let b = try p.workbench(["cell", "run", "chain.yaml", "--cell", "b", "--json"])
    #expect(b.status == 0, "\(b.stderr)")
    #expect(try result(b)["status"] as? String == "executed")
    #expect(!p.exists("outputs"))
    // A run then finds both cells in the cache.
    #expect(try p.workbench(["run", "chain.yaml"]).status == 0)
    #expect(try p.statuses("chain") == ["a": "cached", "b": "cached"])
  }

  @Test func aChangedWorkbookIsRefused() throws {
    let p = try project(); defer { p.remove() }
    let plan = try p.workbench(["plan", "chain.yaml", "--json"])
    #expect(plan.status == 0, "\(plan.stderr)")
    guard let json = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any],
          let cells = json["cells"] as? [[String: Any]], let definition = cells.first?["definition"] as? String
    else { throw UnexpectedShape("plan --json has no cells with a definition: \(plan.stdout)") }
    #expect(cells.map { $0["decision"] as? String } == ["stale", "stale"])
    let same = try p.workbench(["cell", "run", "chain.yaml", "--cell", "a", "--expect-definition", definition])
    #expect(same.status == 0, "\(same.stderr)")
    let changed = try p.workbench(["cell", "run", "chain.yaml", "--cell", "a", "--expect-definition", definition, "--param", "label=other"])
    #expect(changed.status == 4)
    #expect(changed.stderr.contains("the workbook changed since the plan"), "\(changed.stderr)")
  }

  /// Two processes computing the same cell at once against one cache leave one valid entry, and both succeed.
  @Test func twoConcurrentCellRunsLeaveOneValidEntry() throws {
    let p = try project(); defer { p.remove() }
    let cache = p.root.appendingPathComponent("shared")
    #expect(try p.workbench(["cell", "run", "chain.yaml", "--cell", "a", "--cache", cache.path]).status == 0)
    let before = Set(manifests(cache))
    let outputs = Locked<[ProcessOutput]>([])
    let errors = Locked<[String]>([])
    DispatchQueue.concurrentPerform(iterations: 2) { i in
      do {
        // Separate state directories, as on two machines; b sleeps 400 ms so the two executions overlap.
        let out = try p.workbench(["cell", "run", "chain.yaml", "--cell", "b", "--cache", cache.path, "--json"],
                                  environment: ["WORKBENCH_STATE_DIR": p.root.appendingPathComponent("state-\(i)").path])
        outputs.withLock { $0.append(out) }
      } catch {
        errors.withLock { $0.append("\(error)") }
      }
    }
    #expect(errors.value.isEmpty)
    #expect(outputs.value.count == 2 && outputs.value.allSatisfy { $0.status == 0 }, "\(outputs.value.map(\.stderr))")
    let statuses = try outputs.value.map { try result($0)["status"] as? String }
    #expect(statuses.allSatisfy { $0 == "executed" || $0 == "cached" }, "\(statuses)")
    #expect(Set(manifests(cache)).subtracting(before).count == 1)
    // No temporary file left, and the entry verifies: a run with yet another state directory takes both from the cache.
    let leftovers = (FileManager.default.enumerator(atPath: cache.path)?.compactMap { $0 as? String } ?? [])
      .filter { ($0 as NSString).lastPathComponent.hasPrefix(".") }
    #expect(leftovers.isEmpty, "\(leftovers)")
    let run = try p.workbench(["run", "chain.yaml", "--cache", cache.path])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try p.statuses("chain") == ["a": "cached", "b": "cached"])
  }

  /// `run --cache DIR`, then a run with another state directory (another machine) and the same cache: all cached;
  /// `WORKBENCH_CACHE_DIR` and the workbook's `cache:` choose the same folder.
  @Test func runWithASharedCacheFromAnotherStateDirectoryIsAllCached() throws {
    let p = try project(); defer { p.remove() }
    #expect(try p.workbench(["run", "chain.yaml", "--cache", "shared"]).status == 0)
    #expect(try p.executed("chain") == ["a", "b"])
    #expect(manifests(p.root.appendingPathComponent("shared")).count == 2)
    #expect(manifests(p.root.appendingPathComponent(".workbench/cache")).isEmpty)
    let other = ["WORKBENCH_STATE_DIR": p.root.appendingPathComponent("elsewhere").path]
    #expect(try p.workbench(["run", "chain.yaml", "--cache", "shared"], environment: other).status == 0)
    #expect(try p.statuses("chain") == ["a": "cached", "b": "cached"])
    let status = try p.workbench(["status", "chain.yaml"], environment: other.merging(["WORKBENCH_CACHE_DIR": "shared"]) { a, _ in a })
    #expect(status.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("fresh") }, "\(status.stdout)")
    try p.write("chain.yaml", "cache: shared\n" + Self.workbook)
    #expect(try p.workbench(["run", "chain.yaml"], environment: ["WORKBENCH_STATE_DIR": p.root.appendingPathComponent("third").path]).status == 0)
    #expect(try p.statuses("chain") == ["a": "cached", "b": "cached"])
    try p.write("bad.yaml", "cache: ''\n" + Self.workbook.replacingOccurrences(of: "workbook: chain", with: "workbook: bad"))
    let bad = try p.workbench(["run", "bad.yaml"])
    #expect(bad.status == 2 && bad.stderr.contains("`cache` must be a folder path"), "\(bad.stderr)")
  }

  /// `gc` on a shared cache keeps what a run uses, keeps a young blob nobody references (a job elsewhere may be
  /// writing its entry), and deletes it once it is older than the grace period.
  @Test func gcOnASharedCacheKeepsYoungForeignBlobs() throws {
    let p = try project(); defer { p.remove() }
    let cache = p.root.appendingPathComponent("shared")
    #expect(try p.workbench(["run", "chain.yaml", "--cache", cache.path]).status == 0)
    let text = "written by a job on another machine"
    let digest = try FetchTests.sha256(text)
    let foreign = cache.appendingPathComponent("blobs/\(digest.prefix(2))/\(digest)")
    try FileManager.default.createDirectory(at: foreign.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: foreign)
    let gc = try p.workbench(["gc", "--cache", cache.path])
    #expect(gc.status == 0, "\(gc.stderr)")
    #expect(FileManager.default.fileExists(atPath: foreign.path))
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -2 * 24 * 3600)], ofItemAtPath: foreign.path)
    #expect(try p.workbench(["gc", "--cache", cache.path]).status == 0)
    #expect(!FileManager.default.fileExists(atPath: foreign.path))
    // What the recorded state uses stays: a run is still all cached.
    #expect(try p.workbench(["run", "chain.yaml", "--cache", cache.path]).status == 0)
    #expect(try p.statuses("chain") == ["a": "cached", "b": "cached"])
  }
}

/// A value behind a lock (results gathered from concurrent processes).
final class Locked<Value>: @unchecked Sendable {
  private var stored: Value
  private let lock = NSLock()
  init(_ value: Value) { stored = value }
  var value: Value { lock.withLock { stored } }
  func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&stored) } }
}
