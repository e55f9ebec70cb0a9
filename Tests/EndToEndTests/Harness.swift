import Foundation
import Testing
import TestSupport

/// A throwaway project folder with workbooks, run through the real `workbench` executable.
struct Project {
  let root: URL

  init() throws {
    root = try makeTemporaryDirectory("wb-e2e")
  }

  func write(_ name: String, _ text: String) throws {
    let url = root.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
  }

  func read(_ name: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
  }

  func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path) }

  @discardableResult
  func workbench(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessOutput {
    let exe = TestPaths.workbenchExecutable
    guard FileManager.default.isExecutableFile(atPath: exe.path) else {
      throw MissingResource("the workbench executable is not built at \(exe.path): run `swift build` first (scripts/test.sh does)")
    }
    var env = ["WORKBENCH_TEST_KINDS": "1", "NO_COLOR": "1"]
    for (k, v) in environment { env[k] = v }
    return try runProcess(exe, arguments, currentDirectory: root, environment: env)
  }

  /// `run.json` of a workbook as a dictionary.
  func runJSON(_ workbook: String) throws -> [String: Any] {
    let path = "outputs/\(workbook)/run.json"
    let data = try Data(contentsOf: root.appendingPathComponent(path))
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw UnexpectedShape("\(path) is not a JSON object")
    }
    return object
  }

  /// Cell id → status from run.json (decoded by type: a missing or mistyped field is an error naming it).
  func statuses(_ workbook: String) throws -> [String: String] {
    struct RunFile: Decodable {
      struct Cell: Decodable { let id: String; let status: String }
      let cells: [Cell]
    }
    let path = "outputs/\(workbook)/run.json"
    let run: RunFile
    do {
      run = try JSONDecoder().decode(RunFile.self, from: Data(contentsOf: root.appendingPathComponent(path)))
    } catch let error as DecodingError {
      throw UnexpectedShape("\(path) does not list cells with `id` and `status`: \(error)")
    }
    var statuses: [String: String] = [:]
    for cell in run.cells {
      guard statuses.updateValue(cell.status, forKey: cell.id) == nil else {
        throw UnexpectedShape("\(path) lists cell `\(cell.id)` twice")
      }
    }
    return statuses
  }

  func executed(_ workbook: String) throws -> Set<String> {
    Set(try statuses(workbook).filter { $0.value == "executed" }.keys)
  }

  func remove() { try? FileManager.default.removeItem(at: root) }
}

/// A file the test reads does not have the shape the test expects (instead of a trap on a force cast).
struct UnexpectedShape: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// A small CSV that the tests generate themselves (no shared data needed).
func sampleCSV(rows: Int = 200, seed: Int = 1) -> String {
  var s = "player,zone,distance,made\n"
  var x = UInt64(seed)
  for i in 0..<rows {
    x = x &* 6364136223846793005 &+ 1442695040888963407
    let d = Int((x >> 33) % 30)
    s += "P\(i % 7),\(["paint", "mid", "three"][Int((x >> 20) % 3)]),\(d),\(d < 10 ? 1 : Int((x >> 40) % 2))\n"
  }
  return s
}

/// Shots with a real signal, for the learning and tracking tests: closer shots and the paint go in more often,
/// `angle` is noise; `game` (10 shots each) groups rows, `player` cycles over 9 players. Seeded, deterministic.
func signalShotsCSV(rows: Int = 400, seed: UInt64 = 7) -> String {
  var s = "game,player,zone,distance,angle,made\n"
  var x = seed
  func next() -> Double {
    x = x &* 6364136223846793005 &+ 1442695040888963407
    return Double(x >> 11) * 0x1.0p-53
  }
  let zones = ["paint", "mid", "three"]
  for i in 0..<rows {
    let zone = Int(next() * 3)
    let distance = ((Double(zone) * 3 + next() * 4) * 100).rounded() / 100
    let angle = Int(next() * 180) - 90
    let p = 1 / (1 + exp(-(1.2 - 0.35 * distance + (zone == 0 ? 0.6 : 0))))
    let made = next() < p ? 1 : 0
    s += "G\(i / 10),P\(i % 9),\(zones[zone]),\(distance),\(angle),\(made)\n"
  }
  return s
}

/// The first cells of the learning and tracking test workbooks (interpolate right under `cells:`): load the
/// `${data}` param, then a stratified 75/25 split on `made` with seed 3.
let loadAndSplitCells = """
    - id: shots
      kind: load
      source: ${data}
    - id: split
      kind: split
      input: shots
      target: made
      test_fraction: 0.25
      seed: 3
  """

/// A workbook `name` whose first cell loads `shots.csv` as `shots`, followed by `cells` (YAML list items indented
/// by two spaces, as under `cells:`).
func shotsWorkbook(_ name: String, _ cells: String) -> String {
  """
  workbook: \(name)
  cells:
    - id: shots
      kind: load
      source: shots.csv
  \(cells)

  """
}
