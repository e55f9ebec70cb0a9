import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Issue 11's crash and silent-loss reproducers through the real executable: each exits 1 or 2 with a message that
/// names the file and line (or the cell), never a trap, a hang or unbounded memory. Big inputs are generated here.
@Suite("hostile workbooks", .serialized)
struct HostileWorkbookTests {
  static let base = """
    workbook: bad
    params:
      data: shots.csv
      n: 5
    cells:
      - id: bronze
        kind: load
        source: ${data}

    """

  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var arguments: [String] = []
    var status: Int32
    /// `line:col` expected after `bad.yaml:`, and a message fragment.
    var position: String
    var message: String
    var testDescription: String { name }
  }

  static func when(_ condition: String) -> String {
    base + "  - id: x\n    kind: describe\n    input: bronze\n    when: \"\(condition)\"\n"
  }

  static func step(_ step: String) -> String {
    base + "  - id: x\n    kind: transform\n    input: bronze\n    steps:\n      - \(step)\n"
  }

  static func train(_ model: String, _ params: String) -> String {
    base + """
        - id: split
          kind: split
          input: bronze
          target: made
          test_fraction: 0.25
          seed: 3
        - id: fit
          kind: train
          input: split
          features: [distance, angle]
          plots: false
          model: \(model)
          params: \(params)

      """
  }

  static let cases: [Case] = [
    Case(name: "when: 10,000 nested parentheses",
         yaml: when(String(repeating: "(", count: 10_000) + "1 > 0" + String(repeating: ")", count: 10_000)),
         status: 2, position: "12:", message: "the condition is nested too deeply"),
    Case(name: "when: 30,000 not", yaml: when(String(repeating: "not ", count: 30_000) + "true"),
         status: 2, position: "12:", message: "the condition is nested too deeply"),
    Case(name: "when: 50,000 and", yaml: when(Array(repeating: "true", count: 50_000).joined(separator: " and ")),
         status: 2, position: "12:", message: "the condition is too long or nested too deeply"),
    Case(name: "derive of 50,000 + terms",
         yaml: step("derive: {c: \"" + Array(repeating: "distance", count: 50_000).joined(separator: " + ") + "\"}"),
         status: 2, position: "13:", message: "the expression is too long or nested too deeply"),
    Case(name: "filter of 50,000 and terms",
         yaml: step("filter: \"" + Array(repeating: "distance > 0", count: 50_000).joined(separator: " and ") + "\""),
         status: 2, position: "13:", message: "the expression is too long or nested too deeply"),
    Case(name: "trees: Int64.max", yaml: train("random_forest", "{trees: 9223372036854775807}"),
         status: 2, position: "", message: "`trees` must be an integer from 1 to 10000, got `9223372036854775807`"),
    Case(name: "trees: 100000000000", yaml: train("random_forest", "{trees: 100000000000}"),
         status: 2, position: "", message: "`trees` must be an integer from 1 to 10000"),
    Case(name: "trees: 2^62", yaml: train("random_forest", "{trees: 4611686018427387904}"),
         status: 2, position: "", message: "`trees` must be an integer from 1 to 10000"),
    Case(name: "min_samples_leaf: 2^62", yaml: train("random_forest", "{min_samples_leaf: 4611686018427387904}"),
         status: 2, position: "", message: "`min_samples_leaf` must be an integer from 1 to 1000000000"),
    Case(name: "rounds: Int64.max", yaml: train("gradient_boosting", "{rounds: 9223372036854775807}"),
         status: 2, position: "", message: "`rounds` must be an integer from 1 to 100000"),
    Case(name: "trees through ${param}", yaml: train("random_forest", "{trees: \"${n}\"}"),
         arguments: ["--param", "n=4611686018427387904"], status: 1, position: "", message: "`trees` must be an integer from 1 to 10000"),
    Case(name: "min_samples_leaf above the training rows", yaml: train("random_forest", "{min_samples_leaf: 5000}"),
         status: 1, position: "", message: "`min_samples_leaf` is 5000 but the model trains on 75 rows"),
    Case(name: "sweep trees", yaml: base + """
        - id: s
          kind: sweep
          input: bronze
          target: made
          features: [distance]
          models: {random_forest: {trees: [10, 100000000000]}}

      """, status: 2, position: "", message: "`trees` must be an integer from 1 to 10000"),
  ]

  @Test(arguments: cases)
  func exitsCleanlyWithLocation(_ c: Case) throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", signalShotsCSV(rows: 100))
    try p.write("bad.yaml", c.yaml)
    let out = try p.workbench(["run", "bad.yaml"] + c.arguments)
    #expect(out.status == c.status, "\(out.stderr.prefix(2000))")
    let text = out.stdout + out.stderr
    #expect(text.contains(c.message), "\(text.prefix(2000))")
    #expect(text.contains("bad.yaml:\(c.position)"), "\(text.prefix(2000))")
  }

  @Test func substrWithExtremeIntegersRuns() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", "s,n\nhello,-9223372036854775808\nab,9223372036854775807\n")
    try p.write("bad.yaml", Self.base + """
        - id: x
          kind: transform
          input: bronze
          steps:
            - derive: {a: "substr(s, 2, 9223372036854775807)", b: "substr(s, n, 5)", c: "n + 1", d: "abs(n)"}

      """)
    let out = try p.workbench(["run", "bad.yaml"])
    #expect(out.status == 0, "\(out.stderr)")
  }

  @Test func billionLaughsFailsEvenForStatus() throws {
    let p = try Project(); defer { p.remove() }
    var text = "workbook: lol\na0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    for i in 1..<10 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ",") + "]\n" }
    try p.write("lol.yaml", text + "cells: []\n")
    for command in ["status", "run"] {
      let out = try p.workbench([command, "lol.yaml"])
      #expect(out.status == 2)
      #expect(out.stderr.contains("lol.yaml:6:"), "\(out.stderr)")
      #expect(out.stderr.contains("YAML aliases expand the document"), "\(out.stderr)")
    }
  }

  /// Devices, pipes and an empty path are refused by `status` and `run` without reading a byte.
  @Test func onlyRegularFilesAreSources() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("shots.csv", "a\n1\n")
    try p.write("src.yaml", Self.base)
    let fifo = p.root.appendingPathComponent("pipe.csv").path
    #expect(mkfifo(fifo, 0o600) == 0)
    for source in ["/dev/zero", "/dev/urandom", "pipe.csv"] {
      let status = try p.workbench(["status", "src.yaml", "--param", "data=\(source)"])
      #expect(status.stdout.contains("is not a regular file"), "\(source): \(status.stdout) \(status.stderr)")
      let run = try p.workbench(["run", "src.yaml", "--param", "data=\(source)"])
      #expect(run.status == 1, "\(source): \(run.stderr)")
      #expect((run.stdout + run.stderr).contains("src.yaml:8:"), "\(source): \(run.stdout)")
      #expect((run.stdout + run.stderr).contains("is not a regular file (a device, pipe or socket)"), "\(source)")
    }
    // /dev/stdin on a pipe: refused, so nothing is cached under the real content's key.
    let stdinRun = try runProcess(TestPaths.workbenchExecutable, ["run", "src.yaml", "--param", "data=/dev/stdin"],
                                  currentDirectory: p.root, environment: ["NO_COLOR": "1"], stdin: "a\n1\n2\n")
    #expect(stdinRun.status == 1)
    #expect((stdinRun.stdout + stdinRun.stderr).contains("is not a regular file"), "\(stdinRun.stdout)")
    let emptyStatus = try p.workbench(["status", "src.yaml", "--param", "data="])
    #expect(emptyStatus.stdout.contains("the input path is empty"), "\(emptyStatus.stdout) \(emptyStatus.stderr)")
    let empty = try p.workbench(["run", "src.yaml", "--param", "data="])
    #expect(empty.status == 1)
    #expect((empty.stdout + empty.stderr).contains("src.yaml:8:"))
    #expect((empty.stdout + empty.stderr).contains("the input path is empty"))
  }

  /// A 2 GiB gzip bomb (32 concatenated members of 64 MiB of zeros) stops at the default 1 GiB limit, and at a
  /// lower `max_megabytes`; the message names the file, the limit and the option that raises it.
  @Test func gzipBombStopsAtTheLimit() throws {
    let p = try Project(); defer { p.remove() }
    let member = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "head -c 67108864 /dev/zero | gzip -1 > member.gz"],
                                currentDirectory: p.root)
    try #require(member.status == 0)
    let bytes = try Data(contentsOf: p.root.appendingPathComponent("member.gz"))
    var bomb = Data()
    for _ in 0..<32 { bomb.append(bytes) }
    #expect(bomb.count < 10 << 20)
    try bomb.write(to: p.root.appendingPathComponent("bomb.csv.gz"))
    try p.write("bomb.yaml", Self.base)
    let out = try p.workbench(["run", "bomb.yaml", "--param", "data=bomb.csv.gz"])
    #expect(out.status == 1)
    let text = out.stdout + out.stderr
    #expect(text.contains("bomb.yaml:8:"), "\(text)")
    #expect(text.contains("bomb.csv.gz: decompresses to more than 1024 MiB, the size limit"), "\(text)")
    #expect(text.contains("raise the limit with `max_megabytes: 4096` on the load cell"), "\(text)")

    try p.write("small.yaml", Self.base.replacingOccurrences(of: "source: ${data}", with: "source: ${data}\n    max_megabytes: 8"))
    let small = try p.workbench(["run", "small.yaml", "--param", "data=bomb.csv.gz"])
    #expect(small.status == 1)
    #expect((small.stdout + small.stderr).contains("decompresses to more than 8 MiB"), "\(small.stdout)")
  }

  /// Silent data loss made loud: CR-only line ends are read; Latin-1 bytes and integers beyond Int64 are warnings
  /// naming the file and the place.
  @Test func textProblemsAreReadOrWarned() throws {
    let p = try Project(); defer { p.remove() }
    try p.write("mac.csv", "a,b\r1,2\r3,4\r")
    var latin1 = Data("name,city\nx,caf".utf8)
    latin1.append(0xE9)
    latin1.append(contentsOf: Array("\n".utf8))
    try latin1.write(to: p.root.appendingPathComponent("latin1.csv"))
    try p.write("big.csv", "id,v\n1,2\n2,99999999999999999999\n")
    try p.write("w.yaml", """
      workbook: w
      cells:
        - {id: mac, kind: load, source: mac.csv}
        - {id: latin, kind: load, source: latin1.csv}
        - {id: big, kind: load, source: big.csv}

      """)
    let out = try p.workbench(["run", "w.yaml"])
    #expect(out.status == 0, "\(out.stderr)")
    let run = try p.runJSON("w")
    let cells = try #require(run["cells"] as? [[String: Any]])
    func warnings(_ id: String) -> String {
      (cells.first { $0["id"] as? String == id }?["warnings"] as? [String] ?? []).joined(separator: "\n")
    }
    let mac = try String(contentsOf: p.root.appendingPathComponent("outputs/w/cells/mac/result.json"), encoding: .utf8)
    #expect(mac.contains("\"rows\": 2"), "\(mac)")
    #expect(warnings("latin").contains("latin1.csv: 1 byte(s) are not valid UTF-8 and were replaced with U+FFFD (first at line 2, column 6)"),
            "\(run)")
    #expect(warnings("big").contains("big.csv: column `v`: integer `99999999999999999999` (row 2) does not fit 64 bits"), "\(run)")
  }
}
