import Foundation
import Testing
import TestSupport

/// `workbench render`: the outputs folder rebuilt from the cache alone, byte for byte, executing nothing; stale
/// cells are named, make the exit code 1, and leave the published outputs as they were.
@Suite("render")
struct RenderTests {
  static let workbook = """
    workbook: r
    params:
      top: 3
    cells:
      - {id: shots, kind: load, source: shots.csv, publish: true}
      - {id: profile, kind: describe, input: shots, top: "${top}"}
      - id: words
        kind: note
        text: "{{ shots.rows | count }} shots."

    """

  /// Every file under `outputs/r/cells` with its bytes.
  func cellFiles(_ p: Project) throws -> [String: Data] {
    let root = p.root.appendingPathComponent("outputs/r/cells")
    var out: [String: Data] = [:]
    guard let files = FileManager.default.enumerator(atPath: root.path) else { return out }
    for case let relative as String in files {
      let url = root.appendingPathComponent(relative)
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
        out[relative] = try Data(contentsOf: url)
      }
    }
    return out
  }

  @Test func rebuildsOutputsFromTheCacheAndNamesStaleCells() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", sampleCSV(rows: 300))
    try p.write("r.yaml", Self.workbook)
    let run = try p.workbench(["run", "r.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    let original = try cellFiles(p)
    #expect(!original.isEmpty)

    // Outputs deleted: render restores them from the cache, identical, without executing anything.
    try FileManager.default.removeItem(at: p.root.appendingPathComponent("outputs"))
    let render = try p.workbench(["render", "r.yaml"])
    #expect(render.status == 0, "\(render.stderr)")
    #expect(render.stderr.contains("3 rendered from the cache"), "\(render.stderr)")
    #expect(try cellFiles(p) == original)
    #expect(p.exists("outputs/r/index.html") && p.exists("outputs/r/report.md") && p.exists("outputs/r/warehouse.sqlite"))
    #expect(Set(try p.statuses("r").values) == ["cached"])

    // A changed param: the describe cell is stale; it is named with the reason, the exit code is 1, and nothing
    // is published: the outputs of the last complete rendering stay as they were.
    let publishedRun = try p.read("outputs/r/run.json")
    let stale = try p.workbench(["render", "r.yaml", "--param", "top=5"])
    #expect(stale.status == 1)
    #expect(stale.stderr.contains("1 stale (not rendered): profile") && stale.stderr.contains("nothing published"), "\(stale.stderr)")
    #expect(stale.stderr.contains("param top 3→5"), "\(stale.stderr)")
    #expect(try p.read("outputs/r/run.json") == publishedRun)
    #expect(try cellFiles(p) == original)
    // Still nothing executed: the run that computes it reports one executed cell.
    let rerun = try p.workbench(["run", "r.yaml", "--param", "top=5"])
    #expect(rerun.status == 0)
    #expect(try p.executed("r") == ["profile"])
  }
}
