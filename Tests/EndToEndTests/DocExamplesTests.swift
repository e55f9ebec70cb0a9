import Foundation
import Testing
import TestSupport
import WorkbookModel

/// Every fenced example in README.md and docs/ runs, so the documentation cannot rot (conventions:
/// docs/contributing.md). Failures are reported as `page.md:line`.
@Suite(.serialized) struct DocExamplesTests {
  @Test func markdownBlocksAreFoundWithTheirDirectives() {
    let page = """
      Text
      <!-- doc-test: exit 2 -->
      ```sh
      workbench run broken.yaml \\
        --param x=1   # a comment
      ```
      <!-- doc-test: output -->
      ```text
      error: …
      ```
      ```yaml
      - id: a
      ```
      """
    let blocks = DocBlock.blocks(in: page, file: "page.md")
    #expect(blocks.map(\.language) == ["sh", "text", "yaml"])
    #expect(blocks.map(\.line) == [3, 8, 11])
    #expect(blocks[0].directive == .exit(2))
    #expect(blocks[1].directive == .output(exact: false))
    #expect(blocks[2].directive == nil)
    #expect(ShellLine.commands(in: blocks[0].body).map(\.text) == ["workbench run broken.yaml --param x=1"])
  }

  @Test func expectedOutputMatchesWithWildcardsInOrder() {
    let output = "ran     bronze (load) 3 ms\nran     profile (describe) 21 ms\ndemo: 2 executed, 0 cached\n"
    #expect(ExpectedOutput.mismatch(expected: "ran     bronze (load) … ms\ndemo: 2 executed, 0 cached", actual: output, exact: false) == nil)
    #expect(ExpectedOutput.mismatch(expected: "demo: 2 executed, 0 cached\nran     bronze (load) … ms", actual: output, exact: false) != nil)
    #expect(ExpectedOutput.mismatch(expected: "ran     bronze (load) … ms", actual: output, exact: true) != nil)
  }

  /// The runner itself: a mistyped option in a fragment is reported at its page line and column (its missing
  /// upstream cell is not), a whole workbook runs and its output is compared, bad YAML and a failing command fail,
  /// other programs are skipped.
  @Test func brokenExamplesAreReportedAtTheirPageLine() throws {
    let exe = TestPaths.workbenchExecutable
    guard FileManager.default.isExecutableFile(atPath: exe.path) else {
      throw MissingResource("the workbench executable is not built at \(exe.path): run `swift build` first")
    }
    let page = """
      Intro
      ```yaml
      - id: profile
        kind: describe
        input: bronze
        topp: 3
      ```
      ```yaml
      workbook: ok
      cells:
        - id: a
          kind: load
          source: datasets/nba_shots_sample.csv
      ```
      <!-- doc-test: output -->
      ```text
      ran     a (load) … ms
      ```
      ```yaml
      key: [unclosed
      ```
      ```sh
      workbench frobnicate
      pip install something
      ```
      """
    let runner = try DocRunner(executable: exe)
    defer { runner.remove() }
    let outcome = try runner.run(page: "fake.md", blocks: DocBlock.blocks(in: page, file: "fake.md"))
    #expect(outcome.failures.count == 3, "\(outcome.failures)")
    #expect(outcome.failures.first?.contains("fake.md:6:3: error: cell 'profile': unknown option `topp`") == true, "\(outcome.failures)")
    #expect(outcome.failures.first?.contains("bronze") == false)
    #expect(outcome.failures.contains { $0.hasPrefix("fake.md:19: not valid YAML") }, "\(outcome.failures)")
    #expect(outcome.failures.contains { $0.hasPrefix("fake.md:23: `workbench frobnicate` exited") }, "\(outcome.failures)")
    #expect(outcome.skipped == ["fake.md:24 (not a workbench command: `pip`)"])
  }

  /// Every relative link of README.md and docs/ points at a file of the repository, and nothing outside it is
  /// cited but the real datasets (`../shared/datasets`).
  @Test func relativeLinksResolveInTheRepository() throws {
    let root = TestPaths.repositoryRoot
    var broken: [String] = []
    var checked = 0
    for page in DocRunner.pages() {
      let text = try String(contentsOf: root.appendingPathComponent(page), encoding: .utf8)
      let folder = root.appendingPathComponent(page).deletingLastPathComponent()
      for (n, line) in text.components(separatedBy: "\n").enumerated() {
        for match in line.matches(of: /\]\(([^)\s]+)\)/) {
          let target = String(match.1)
          if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("mailto:") || target.hasPrefix("#") { continue }
          let path = String(target.split(separator: "#", maxSplits: 1)[0])
          checked += 1
          let resolved = folder.appendingPathComponent(path).standardizedFileURL
          if !resolved.path.hasPrefix(root.path) || !FileManager.default.fileExists(atPath: resolved.path) {
            broken.append("\(page):\(n + 1): link `\(target)` does not resolve to a file of the repository")
          }
        }
        for match in line.matches(of: /(?:^|[^\w.\/-])((?:Sources|Tests|Workbooks|scripts|bench)\/[\w.\/*+-]+)/) {
          let path = String(match.1).trimmingCharacters(in: CharacterSet(charactersIn: ".,)"))
          checked += 1
          if !RepositoryPath.exists(path, under: root) {
            broken.append("\(page):\(n + 1): `\(path)` names no file of the repository")
          }
        }
        for match in line.matches(of: /\.\.\/shared\/[^\s`)'"]*/) where !match.0.hasPrefix("../shared/datasets") {
          broken.append("\(page):\(n + 1): `\(match.0)` is outside the repository (only ../shared/datasets may be cited)")
        }
      }
    }
    #expect(checked > 30, "the link pattern found only \(checked) links")
    for b in broken { Issue.record(Comment(rawValue: b)) }
  }

  /// Runs every example of every page, in page order, in one temporary project.
  @Test func everyExampleInTheDocsRuns() throws {
    let exe = TestPaths.workbenchExecutable
    guard FileManager.default.isExecutableFile(atPath: exe.path) else {
      throw MissingResource("the workbench executable is not built at \(exe.path): run `swift build` first")
    }
    let runner = try DocRunner(executable: exe)
    defer { runner.remove() }
    var failures: [String] = []
    var skipped: [String] = []
    var ran = 0
    for page in DocRunner.pages() {
      let text = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent(page), encoding: .utf8)
      let outcome = try runner.run(page: page, blocks: DocBlock.blocks(in: text, file: page))
      failures += outcome.failures
      skipped += outcome.skipped
      ran += outcome.ran
    }
    print("doc examples: \(ran) checked, \(skipped.count) skipped, \(failures.count) failed")
    for s in skipped { print("  skipped \(s)") }
    for f in failures { Issue.record(Comment(rawValue: f)) }
  }
}

/// The README's claims about its tour, checked on the tour's own workbook.
@Suite struct ReadmeTourTests {
  @Test func rerunsAreWhatTheReadmeSays() throws {
    let readme = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let blocks = DocBlock.blocks(in: readme, file: "README.md")
    let tourBlock = blocks.first { $0.language == "yaml" && $0.body.first?.hasPrefix("workbook: demo") == true }
    let tour = try #require(tourBlock, "the README's tour (a yaml block starting `workbook: demo`) is missing")
    let workbook = tour.body.joined(separator: "\n") + "\n"
    let project = try Project()
    defer { project.remove() }
    let csv = try Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("datasets/nba_shots_sample.csv"))
    try project.write("tour.yaml", workbook)
    try FileManager.default.createDirectory(at: project.root.appendingPathComponent("datasets"), withIntermediateDirectories: true)
    let csvURL = project.root.appendingPathComponent("datasets/nba_shots_sample.csv")
    try csv.write(to: csvURL)
    func run(_ extra: [String] = []) throws -> Set<String> {
      let out = try project.workbench(["run", "tour.yaml"] + extra)
      #expect(out.status == 0, "\(out.stderr)")
      return try project.executed("demo")
    }
    #expect(try run() == ["bronze", "profile", "summary"])
    #expect(try project.read("outputs/demo/cells/summary/note.md").contains("5,000 shots; "))
    // "Change `top` and only `profile` and `summary` rerun."
    #expect(try run(["--param", "top=6"]) == ["profile", "summary"])
    #expect(try run() == [])  // back to top 5: every output comes from the cache
    // "Edit a title or a comment and nothing reruns."
    try project.write("tour.yaml", workbook.replacingOccurrences(of: "title: Shots at a glance", with: "title: Shots, renamed  # and a comment"))
    #expect(try run() == [])
    // "A byte-identical copy of the CSV reruns nothing."
    try FileManager.default.removeItem(at: csvURL)
    try csv.write(to: csvURL)
    #expect(try run() == [])
    // "Re-save it with other bytes but the same rows (CRLF line endings) and only `bronze` reruns."
    let crlf = String(decoding: csv, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
    try Data(crlf.utf8).write(to: csvURL)
    #expect(try run() == ["bronze"])
  }
}

/// The bundled simulated samples are what datasets/README.md's commands regenerate, byte for byte.
@Suite struct BundledSamplesTests {
  @Test(arguments: [
    ("fiba_game_sample.json", ["simulate", "game", "--seed", "7"]),
    ("nba_shots_sample.csv", ["simulate", "shots", "--rows", "5000", "--seed", "42", "--season", "2019"]),
  ])
  func sampleRegeneratesByteForByte(file: String, command: [String]) throws {
    let project = try Project()
    defer { project.remove() }
    let out = try project.workbench(command + ["-o", file])
    #expect(out.status == 0, "\(out.stderr)")
    let made = try Data(contentsOf: project.root.appendingPathComponent(file))
    let bundled = try Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("datasets/\(file)"))
    #expect(made == bundled, "`workbench \(command.joined(separator: " "))` no longer reproduces datasets/\(file) (datasets/README.md says it does): regenerate the file with it, or fix the generator")
  }
}

extension BundledSamplesTests {
  /// The NBA.com-layout seasons: simulate, map with datasets/nba-com-layout.yaml, gzip (datasets/README.md's recipe).
  @Test(.needsTool("gzip", package: "gzip"), arguments: [2004, 2021])
  func nbaComSeasonRegeneratesByteForByte(season: Int) throws {
    _ = try #require(try Oracles.tool("gzip", package: "gzip"))
    let project = try Project()
    defer { project.remove() }
    try FileManager.default.createDirectory(at: project.root.appendingPathComponent("Workbooks"), withIntermediateDirectories: true)
    try project.write("datasets/nba-com-layout.yaml",
                      try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("datasets/nba-com-layout.yaml"), encoding: .utf8))
    let simulate = try project.workbench(["simulate", "shots", "--rows", "4000", "--seed", "\(season)", "--season", "\(season)", "-o", "s.csv"])
    #expect(simulate.status == 0, "\(simulate.stderr)")
    let run = try project.workbench(["run", "datasets/nba-com-layout.yaml", "--param", "source=s.csv"])
    #expect(run.status == 0, "\(run.stderr)")
    let zip = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "gzip -n -9 -c outputs/nba-com-layout/cells/nba_com/table.csv > s.csv.gz"],
                             currentDirectory: project.root)
    #expect(zip.status == 0, "\(zip.stderr)")
    let made = try Data(contentsOf: project.root.appendingPathComponent("s.csv.gz"))
    let bundled = try Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("datasets/nba_com_\(season)_sim.csv.gz"))
    #expect(made == bundled, "datasets/README.md's recipe no longer reproduces datasets/nba_com_\(season)_sim.csv.gz")
  }
}

/// A path the docs cite (`Sources/Frame/Expressions/Expression*.swift`): a file or folder, or a `*` pattern in its last
/// component that matches at least one.
enum RepositoryPath {
  static func exists(_ path: String, under root: URL) -> Bool {
    let url = root.appendingPathComponent(path)
    guard path.contains("*") else { return FileManager.default.fileExists(atPath: url.path) }
    let folder = url.deletingLastPathComponent()
    let pattern = url.lastPathComponent
    guard !folder.path.contains("*"), let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return false }
    return names.contains { fnmatch(pattern, $0, 0) == 0 }
  }
}

/// A fenced code block of a Markdown page, with the `<!-- doc-test: … -->` directive on the line before it.
struct DocBlock {
  enum Directive: Equatable {
    case skip(String)
    case output(exact: Bool)
    case exit(Int32)
    case file(String)
    case invalid(String)
  }
  var file: String
  /// 1-based line of the opening fence.
  var line: Int
  var language: String
  var body: [String]
  var directive: Directive?
  var location: String { "\(file):\(line)" }
  var isExpectedOutput: Bool {
    if case .output = directive { return true }
    return false
  }
  /// The exit code an executed example must end with (`exit N`, else 0).
  var expectedExit: Int32 {
    if case .exit(let code) = directive { return code }
    return 0
  }

  static func blocks(in text: String, file: String) -> [DocBlock] {
    let lines = text.components(separatedBy: "\n")
    var blocks: [DocBlock] = []
    var i = 0
    while i < lines.count {
      let trimmed = lines[i].trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix("```") else { i += 1; continue }
      let indent = lines[i].prefix { $0 == " " }.count
      let language = String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces).lowercased()
      let directive = i > 0 ? parseDirective(lines[i - 1]) : nil
      var body: [String] = []
      var j = i + 1
      while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces) != "```" {
        body.append(String(lines[j].dropFirst(min(indent, lines[j].prefix { $0 == " " }.count))))
        j += 1
      }
      blocks.append(DocBlock(file: file, line: i + 1, language: language, body: body, directive: directive))
      i = j + 1
    }
    return blocks
  }

  static func parseDirective(_ line: String) -> Directive? {
    let t = line.trimmingCharacters(in: .whitespaces)
    guard t.hasPrefix("<!-- doc-test:"), t.hasSuffix("-->") else { return nil }
    let body = t.dropFirst("<!-- doc-test:".count).dropLast(3).trimmingCharacters(in: .whitespaces)
    let word = body.prefix { !$0.isWhitespace }
    let rest = body.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
    switch word {
    case "skip":
      let reason = rest.hasPrefix("(") && rest.hasSuffix(")") ? String(rest.dropFirst().dropLast()) : rest
      return reason.isEmpty ? .invalid("`skip` needs a reason: <!-- doc-test: skip (why) -->") : .skip(reason)
    case "output": return rest == "exact" ? .output(exact: true) : rest.isEmpty ? .output(exact: false) : .invalid("`output` or `output exact`")
    case "exit": return Int32(rest).map { .exit($0) } ?? .invalid("`exit N` needs a number")
    case "file": return rest.isEmpty || rest.hasPrefix("/") || rest.contains("..") ? .invalid("`file PATH` needs a relative path") : .file(rest)
    default: return .invalid("unknown directive `\(body)` (skip (reason), output, output exact, exit N, file PATH)")
    }
  }
}

/// One command of a shell example (continuation lines joined, trailing comment removed).
struct ShellLine {
  var text: String
  /// Offset of its first line in the block body.
  var offset: Int

  static func commands(in body: [String]) -> [ShellLine] {
    var commands: [ShellLine] = []
    var current = "", start = 0
    for (k, raw) in body.enumerated() {
      if current.isEmpty { start = k }
      var line = stripComment(raw).trimmingCharacters(in: .whitespaces)
      if current.isEmpty, line.hasPrefix("$ ") { line.removeFirst(2) }  // a prompt
      if line.hasSuffix("\\") {
        current += line.dropLast().trimmingCharacters(in: .whitespaces) + " "
        continue
      }
      current += line
      let command = current.trimmingCharacters(in: .whitespaces)
      if !command.isEmpty { commands.append(ShellLine(text: command, offset: start)) }
      current = ""
    }
    return commands
  }

  /// The line without a `#` comment (a `#` at the start or after a space, outside quotes).
  static func stripComment(_ line: String) -> String {
    var quote: Character?
    var previous: Character = " "
    for (k, c) in line.enumerated() {
      if let q = quote { if c == q { quote = nil } } else if c == "'" || c == "\"" { quote = c } else if c == "#", previous == " " || previous == "\t" {
        return String(line.prefix(k))
      }
      previous = c
    }
    return line
  }

  /// The command with a `.build/…/workbench` path shortened to `workbench`, or nil when it does not run
  /// workbench (after optional `NAME=value` environment words).
  var workbenchCommand: String? {
    var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    var env: [String] = []
    while let w = words.first, w.contains("="), !w.hasPrefix("-"), w.first?.isLetter == true { env.append(w); words.removeFirst() }
    guard let program = words.first else { return nil }
    guard program == "workbench" || program.hasSuffix("/workbench") else { return nil }
    return (env + ["workbench"] + words.dropFirst()).joined(separator: " ")
  }
}

/// Compares a command's output with an expected-output block: every expected line appears in order (or, with
/// `exact`, the lines are the same); `…` in an expected line matches any text.
enum ExpectedOutput {
  static func mismatch(expected: String, actual: String, exact: Bool) -> String? {
    let want = lines(expected), have = lines(actual)
    if exact {
      guard want.count == have.count, zip(want, have).allSatisfy({ matches($1, $0) }) else {
        return "expected exactly:\n\(want.joined(separator: "\n"))\ngot:\n\(have.joined(separator: "\n"))"
      }
      return nil
    }
    var k = 0
    for w in want where !w.isEmpty {
      guard let found = have[k...].firstIndex(where: { matches($0, w) }) else {
        return "expected line not found (in order): \(w)\ngot:\n\(have.joined(separator: "\n"))"
      }
      k = found + 1
    }
    return nil
  }

  static func lines(_ s: String) -> [String] {
    var l = s.components(separatedBy: "\n").map { String($0.reversed().drop { $0 == " " || $0 == "\r" }.reversed()) }
    while l.last?.isEmpty == true { l.removeLast() }
    return l
  }

  static func matches(_ line: String, _ pattern: String) -> Bool {
    let pieces = pattern.components(separatedBy: "…")
    guard pieces.count > 1 else { return line == pattern }
    guard line.hasPrefix(pieces[0]), line.hasSuffix(pieces.last!), line.count >= pieces[0].count + pieces.last!.count else { return false }
    var rest = Substring(line.dropFirst(pieces[0].count))
    for p in pieces.dropFirst().dropLast() {
      guard let r = rest.range(of: p) else { return false }
      rest = rest[r.upperBound...]
    }
    return rest.hasSuffix(pieces.last!)
  }
}

/// Runs doc examples in one temporary project: `project/` holds copies of the repository's `datasets/` and
/// `Workbooks/`; `shared/datasets` beside it links to the real datasets (when present), so the docs'
/// `../shared/datasets/…` paths resolve.
struct DocRunner {
  let base: URL
  let project: URL
  let bin: URL
  let hasSharedData: Bool

  struct Outcome {
    var failures: [String] = []
    var skipped: [String] = []
    var ran = 0
  }

  /// README.md and every page under docs/, sorted.
  static func pages() -> [String] {
    let root = TestPaths.repositoryRoot
    var pages = ["README.md"]
    let docs = root.appendingPathComponent("docs")
    if let e = FileManager.default.enumerator(atPath: docs.path) {
      for case let p as String in e where p.hasSuffix(".md") { pages.append("docs/" + p) }
    }
    return [pages[0]] + pages.dropFirst().sorted()
  }

  init(executable: URL) throws {
    base = try makeTemporaryDirectory("wb-doc-examples")
    project = base.appendingPathComponent("project")
    bin = base.appendingPathComponent("bin")
    let fm = FileManager.default
    try fm.createDirectory(at: project, withIntermediateDirectories: true)
    try fm.createDirectory(at: bin, withIntermediateDirectories: true)
    try fm.createSymbolicLink(at: bin.appendingPathComponent("workbench"), withDestinationURL: executable)
    for folder in ["datasets", "Workbooks"] {
      try fm.copyItem(at: TestPaths.repositoryRoot.appendingPathComponent(folder), to: project.appendingPathComponent(folder))
    }
    hasSharedData = fm.fileExists(atPath: TestPaths.sharedDatasets.path)
    if hasSharedData {
      try fm.createDirectory(at: base.appendingPathComponent("shared"), withIntermediateDirectories: true)
      try fm.createSymbolicLink(at: base.appendingPathComponent("shared/datasets"), withDestinationURL: TestPaths.sharedDatasets)
    }
  }

  func remove() { try? FileManager.default.removeItem(at: base) }

  func run(page: String, blocks: [DocBlock]) throws -> Outcome {
    var outcome = Outcome()
    /// Output of the last executed example, for a following `output` block.
    var lastOutput: (location: String, text: String)?
    for block in blocks {
      if case .invalid(let why) = block.directive {
        outcome.failures.append("\(block.location): bad doc-test directive: \(why)")
        continue
      }
      if case .skip(let reason) = block.directive {
        outcome.skipped.append("\(block.location) (\(reason))")
        continue
      }
      if case .file(let path) = block.directive {
        try write(block.body.joined(separator: "\n") + "\n", to: path)
        continue
      }
      switch block.language {
      case "yaml", "yml":
        outcome.ran += 1
        let result = try runYAML(block)
        if let failure = result.failure { outcome.failures.append(failure) }
        lastOutput = result.output.map { (block.location, $0) }
      case "sh", "bash", "shell", "console":
        let result = try runShell(block)
        outcome.ran += result.ran
        outcome.failures += result.failures
        outcome.skipped += result.skipped
        lastOutput = result.ran > 0 ? (block.location, result.output) : nil
      case "text" where block.isExpectedOutput:
        outcome.ran += 1
        guard let last = lastOutput else {
          outcome.failures.append("\(block.location): an output block must follow an executed example")
          continue
        }
        let exact = block.directive == .output(exact: true)
        if let why = ExpectedOutput.mismatch(expected: block.body.joined(separator: "\n"), actual: last.text, exact: exact) {
          outcome.failures.append("\(block.location): output of \(last.location) differs: \(why)")
        }
      default:
        if block.isExpectedOutput {
          outcome.failures.append("\(block.location): an expected output must be a ```text block")
        }
      }
    }
    return outcome
  }

  func write(_ text: String, to path: String) throws {
    let url = project.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
  }

  /// What a YAML block is: a whole workbook (run), cells or a workbook without its name (checked by
  /// `workbench status`, unresolved references to cells and params outside the example allowed), transform
  /// steps (checked inside a transform cell), or anything else (parsed).
  func runYAML(_ block: DocBlock) throws -> (failure: String?, output: String?) {
    let text = block.body.joined(separator: "\n") + "\n"
    let node: SpecNode
    do {
      node = try YAMLReader.parse(text, file: "example.yaml")
    } catch {
      return ("\(block.location): not valid YAML: \(relocate(error.description, file: "example.yaml", block: block, lineOffset: 0, columnOffset: 0))", nil)
    }
    let name = "doc-examples/" + block.file.replacingOccurrences(of: "/", with: "_") + "-\(block.line).yaml"
    if node.entries?.first?.key == "workbook" {
      try write(text, to: name)
      let out = try shell("workbench run \(name)")
      let expected = block.expectedExit
      let combined = out.stdout + out.stderr
      let located = relocate(combined, file: name, block: block, lineOffset: 0, columnOffset: 0)
      if out.status != expected {
        return ("\(block.location): workbook exited \(out.status) (expected \(expected)):\n\(located)", located)
      }
      return (nil, located)
    }
    var wrapped: String
    var lineOffset = 0, columnOffset = 0
    let firstItem = node.list?.first
    if node.entries?.contains(where: { $0.key == "cells" }) == true {
      wrapped = "workbook: doc-fragment\n" + text
      lineOffset = 1
    } else if firstItem?["kind"] != nil {
      wrapped = "workbook: doc-fragment\ncells:\n" + indent(block.body, by: 2)
      (lineOffset, columnOffset) = (2, 2)
    } else if node["kind"] != nil, node["id"] != nil {
      wrapped = "workbook: doc-fragment\ncells:\n  -\n" + indent(block.body, by: 4)
      (lineOffset, columnOffset) = (3, 4)
    } else if let step = firstItem?.entries?.first?.key, TransformStepNames.all.contains(step) {
      wrapped = "workbook: doc-fragment\ncells:\n  - id: steps\n    kind: transform\n    input: source\n    steps:\n" + indent(block.body, by: 6)
      (lineOffset, columnOffset) = (6, 6)
    } else {
      return (nil, nil)
    }
    try write(wrapped, to: name)
    let out = try shell("workbench status \(name)")
    let located = relocate(out.stdout + out.stderr, file: name, block: block, lineOffset: lineOffset, columnOffset: columnOffset)
    let errors = located.components(separatedBy: "\n").filter { $0.contains(": error: ") }
    let real = errors.filter { line in !FragmentContext.allowedErrors.contains { line.range(of: $0, options: .regularExpression) != nil } }
    if !real.isEmpty || (out.status != 0 && errors.isEmpty) {
      return ("\(block.location): example does not validate (`workbench status` exit \(out.status)):\n\(real.isEmpty ? located : real.joined(separator: "\n"))", nil)
    }
    return (nil, nil)
  }

  func indent(_ lines: [String], by n: Int) -> String {
    lines.map { $0.isEmpty ? "" : String(repeating: " ", count: n) + $0 }.joined(separator: "\n") + "\n"
  }

  /// Rewrites `file:line:col` of the generated workbook into the page's line and column.
  func relocate(_ output: String, file: String, block: DocBlock, lineOffset: Int, columnOffset: Int) -> String {
    var result = ""
    for line in output.components(separatedBy: "\n") {
      var l = line
      if let r = l.range(of: #"[^\s:]*"# + NSRegularExpression.escapedPattern(for: file) + #":(\d+):(\d+)"#, options: .regularExpression) {
        let parts = l[r].split(separator: ":")
        if parts.count >= 3, let ln = Int(parts[parts.count - 2]), let col = Int(parts[parts.count - 1]) {
          l.replaceSubrange(r, with: "\(block.file):\(block.line + ln - lineOffset):\(max(1, col - columnOffset))")
        }
      }
      result += l + "\n"
    }
    return result
  }

  /// Runs the workbench commands of a shell block; other commands are skipped with the reason.
  func runShell(_ block: DocBlock) throws -> (ran: Int, failures: [String], skipped: [String], output: String) {
    var ran = 0
    var failures: [String] = [], skipped: [String] = []
    var output = ""
    let expected = block.expectedExit
    for command in ShellLine.commands(in: block.body) {
      let at = "\(block.file):\(block.line + 1 + command.offset)"
      guard let line = command.workbenchCommand else {
        let program = command.text.split(separator: " ").first.map(String.init) ?? ""
        skipped.append("\(at) (not a workbench command: `\(program)`)")
        continue
      }
      if line.contains("../shared/datasets"), !hasSharedData {
        if Oracles.required { failures.append("\(at): needs ../shared/datasets, which is absent") }
        skipped.append("\(at) (../shared/datasets is absent)")
        continue
      }
      ran += 1
      let out = try shell(line)
      output += out.stdout + out.stderr
      if out.status != expected {
        failures.append("\(at): `\(line)` exited \(out.status) (expected \(expected)):\n\(out.stdout)\(out.stderr)")
      }
    }
    return (ran, failures, skipped, output)
  }

  /// Runs `line` with /bin/sh in the project, `workbench` first on PATH.
  func shell(_ line: String) throws -> ProcessOutput {
    let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    return try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", line], currentDirectory: project,
                          environment: ["PATH": path, "NO_COLOR": "1"])
  }
}

/// Errors a fragment may have because the cells and params it uses are defined elsewhere in a workbook.
enum FragmentContext {
  static let allowedErrors = [
    #"error: (cell '[^']*': )?unknown cell `[^`]*` in (table|model|run) reference"#,
    #"error: (cell '[^']*': )?unknown cell `[^`]*` in `\$\{"#,
    #"error: (cell '[^']*': )?undefined param `\$\{[^}]*\}`"#,
    #"error: (cell '[^']*': )?`\$\{[^}]*\}` names cell `[^`]*` but no field"#,
  ]
}

/// The step kinds of the transform cell (a YAML list starting with one of them is a list of steps).
enum TransformStepNames {
  static let all: Set<String> = ["select", "drop", "rename", "cast", "filter", "derive", "map", "bin", "dedupe", "impute",
                                 "join", "group_by", "sort", "sample", "if_columns"]
}
