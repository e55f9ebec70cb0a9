import Foundation
import Testing
import WorkbookModel

/// Hostile workbook text (issue 11): alias bombs, deep nesting and huge `when:` conditions are diagnostics with a
/// line, never a stack overflow or unbounded memory. The fuzz corpus (Tests/FuzzCorpus/workbook) is replayed too.
@Suite("hostile inputs: workbook YAML and conditions")
struct HostileYAMLTests {
  func diagnostics(_ text: String) -> Diagnostics? {
    do {
      _ = try Workbook.parse(text, file: "bad.yaml")
      return nil
    } catch {
      return error as? Diagnostics
    }
  }

  /// A 600-byte "billion laughs": ten levels of ten aliases each.
  static let billionLaughs: String = {
    var text = "workbook: lol\na0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    for i in 1..<10 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ",") + "]\n" }
    return text + "cells: []\n"
  }()

  @Test func billionLaughsIsRefusedBeforeExpanding() throws {
    #expect(Self.billionLaughs.utf8.count < 700)
    let d = try #require(diagnostics(Self.billionLaughs))
    #expect(d.description.contains("bad.yaml:6:"), "\(d)")
    #expect(d.description.contains("YAML aliases expand the document by more than 100000 values"), "\(d)")
    // A key that is an alias bomb is refused too (Yams would hash it while checking duplicate keys).
    let keyBomb = Self.billionLaughs.replacingOccurrences(of: "cells: []\n", with: "? *a9\n: 1\ncells: []\n")
    #expect(diagnostics(keyBomb) != nil)
  }

  /// The bound is on what aliases add: a large workbook written out in full (generated per game or per player)
  /// is read, however many values it holds.
  @Test func largeWorkbookWithoutAliasesIsRead() throws {
    var text = "workbook: big\ncells:\n"
    for i in 0..<10_000 { text += "  - id: c\(i)\n    kind: note\n    title: Cell \(i)\n    text: value \(i)\n    extra: [\(i), \(i + 1)]\n" }
    let node = try YAMLReader.parse(text, file: "big.yaml")
    #expect(node["cells"]?.list?.count == 10_000)
  }

  @Test func smallAliasesStillWork() throws {
    let node = try YAMLReader.parse("a: &x [1, 2]\nb: *x\n", file: "ok.yaml")
    #expect(node["b"]?.list?.count == 2)
  }

  @Test func deepNestingIsADiagnostic() throws {
    for text in [String(repeating: "[", count: 100_000), "a: " + String(repeating: "{b: ", count: 5_000) + "1" + String(repeating: "}", count: 5_000)] {
      let d = try #require(diagnostics(text))
      #expect(d.description.contains("bad.yaml:1:"), "\(d)")
    }
  }

  @Test(arguments: [
    String(repeating: "(", count: 10_000) + "1 > 0" + String(repeating: ")", count: 10_000),
    String(repeating: "not ", count: 30_000) + "true",
    Array(repeating: "true", count: 50_000).joined(separator: " and "),
    Array(repeating: "${a.b} == 1", count: 50_000).joined(separator: " or "),
  ])
  func hugeConditionsAreDiagnostics(_ text: String) throws {
    let location = SourceLocation(file: "bad.yaml", line: 7, column: 11)
    let error = #expect(throws: Diagnostics.self) { try Condition.parse(SpecNode(.string(text), at: location)) }
    let message = error?.description ?? ""
    #expect(message.contains("bad.yaml:7:"), "\(message.prefix(300))")
    #expect(message.contains("too deeply") || message.contains("too long"), "\(message.prefix(300))")
  }

  @Test func fuzzCorpusNeverTraps() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("FuzzCorpus")
    for target in ["workbook", "expression"] {
      let dir = folder.appendingPathComponent(target)
      let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
      #expect(!names.isEmpty)
      for name in names {
        let text = String(decoding: try Data(contentsOf: dir.appendingPathComponent(name)), as: UTF8.self)
        // Either it parses, or it is Diagnostics whose every error points into this file.
        // YAML ends a line at \n, \r\n, a lone \r, and (YAML 1.1) NEL, LS and PS.
        let lineCount = 1 + text.unicodeScalars.filter { "\n\r\u{85}\u{2028}\u{2029}".unicodeScalars.contains($0) }.count
        do {
          if target == "workbook" {
            _ = try Workbook.parse(text, file: name)
          } else {
            _ = try Condition.parse(SpecNode(.string(text), at: SourceLocation(file: name, line: 1, column: 1)))
          }
        } catch let error as Diagnostics {
          #expect(!error.errors.isEmpty, "\(name)")
          for d in error.errors {
            let location = try #require(d.location, "\(name): \(d.message) has no location")
            #expect(location.file == name && location.line >= 1 && location.line <= lineCount + 1, "\(name): \(d)")
          }
        } catch {
          Issue.record("\(name): \(type(of: error)) instead of Diagnostics: \(error)")
        }
      }
    }
  }
}
