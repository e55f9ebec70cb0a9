import Engine
import Foundation
import Testing
import TestSupport

/// The project root is found from the workbook's folder: nearest `.workbench/`, else nearest `Workbooks/` or
/// `.git`, else the workbook's folder; shared temporary folders never count.
@Suite("project root")
struct ProjectRootTests {
  func make(_ base: URL, _ paths: [String]) throws {
    for p in paths {
      try FileManager.default.createDirectory(at: base.appendingPathComponent(p), withIntermediateDirectories: true)
    }
  }

  @Test func theNearestMarkerFromTheWorkbookWins() throws {
    let base = try makeTemporaryDirectory("wb-root"); defer { try? FileManager.default.removeItem(at: base) }
    try make(base, ["proj/.git", "proj/Workbooks/sub", "elsewhere"])
    let root = ProjectLayout.projectRoot(forWorkbookAt: "../proj/Workbooks/sub/wb.yaml", relativeTo: base.appendingPathComponent("elsewhere"))
    #expect(root.path == base.appendingPathComponent("proj").standardizedFileURL.path)
  }

  @Test func aProjectThatRanBeforeWinsOverANearerRepository() throws {
    let base = try makeTemporaryDirectory("wb-root"); defer { try? FileManager.default.removeItem(at: base) }
    try make(base, ["outer/.workbench", "outer/inner/.git"])
    let root = ProjectLayout.projectRoot(forWorkbookAt: base.appendingPathComponent("outer/inner/wb.yaml").path, relativeTo: base)
    #expect(root.path == base.appendingPathComponent("outer").standardizedFileURL.path)
  }

  @Test func withoutMarkersTheWorkbooksFolderIsTheRootAndTmpNeverIs() throws {
    let base = try makeTemporaryDirectory("wb-root"); defer { try? FileManager.default.removeItem(at: base) }
    try make(base, ["lonely"])
    // The walk up passes the shared temporary folder (/tmp), which is never a project root.
    let root = ProjectLayout.projectRoot(forWorkbookAt: base.appendingPathComponent("lonely/wb.yaml").path, relativeTo: base)
    #expect(root.path == base.appendingPathComponent("lonely").standardizedFileURL.path)
  }
}
