import Engine
import Foundation
import Reporting
import WorkbookModel

/// `note`: Markdown prose with `{{ cell.field }}` values from upstream results (and `{{ param }}`),
/// optionally formatted: `{{ sweep.best.roc_auc | %.3f }}`, `{{ load.rows | count }}`, `{{ x.rate | percent }}`.
enum NoteCell {
  static let descriptor = KindDescriptor(
    name: "note", version: 2,
    summary: "Markdown prose with {{ cell.field }} values taken from upstream results.",
    options: [OptionSpec("text", .string, required: true, doc: "Markdown; `{{ cell.path | format }}` inserts a value.")],
    validate: { cell, diagnostics in
      guard let node = cell.option("text"), let text = node.string else { return }
      do { _ = try NoteTemplate.parse(text, at: node.location) } catch let error as Diagnostics {
        diagnostics.append(contentsOf: error)
      } catch {}
    },
    references: { cell in
      guard let node = cell.option("text"), let text = node.string,
            let template = try? NoteTemplate.parse(text, at: node.location) else { return [] }
      return template.parts.compactMap {
        if case .value(let path, _, let location) = $0 {
          return TemplateReference(root: path[0], path: Array(path.dropFirst()), location: location)
        }
        return nil
      }
    })

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    // `{{ }}` references were turned into `${…}` dependencies at validation; here their values are read.
    let text = try context.options.requiredString("text")
    let template = try NoteTemplate.parse(text, at: context.options.location(of: "text"))
    var rendered = ""
    var values: [String: JSONValue] = [:]
    for part in template.parts {
      switch part {
      case .literal(let s): rendered += s
      case .value(let path, let format, let location):
        let root = path[0]
        let value: JSONValue
        if path.count == 1 {
          guard let v = context.params[root] else {
            throw CellError("`{{ \(root) }}` is not a param of this workbook", at: location)
          }
          value = v
        } else {
          let result = try context.result(of: root)
          guard let v = result.value(atPath: Array(path.dropFirst())) else {
            throw CellError("`{{ \(path.joined(separator: ".")) }}`: cell `\(root)` has no such field", at: location,
                            hint: result.objectValue.map { "fields: \($0.keys.sorted().prefix(12).joined(separator: ", "))" })
          }
          value = v
        }
        values[path.joined(separator: ".")] = value
        // Data is text, not markup: escaped so a value like `<img onerror=…>` or `snake_case` prints as written.
        rendered += markdownEscape(try NoteTemplate.format(value, format, at: location))
      }
    }
    return CellOutput(result: .object(["markdown": .string(rendered), "values": .object(values)]),
                      files: [("note.md", Array(rendered.utf8))], report: [.markdown(rendered)])
  }
}

/// The `{{ path | format }}` template language of note cells.
struct NoteTemplate {
  enum Part {
    case literal(String)
    case value(path: [String], format: String?, location: SourceLocation)
  }
  var parts: [Part]

  static func parse(_ text: String, at location: SourceLocation) throws(Diagnostics) -> NoteTemplate {
    var parts: [Part] = []
    var rest = Substring(text)
    var line = location.line
    while let open = rest.range(of: "{{") {
      let before = rest[..<open.lowerBound]
      parts.append(.literal(String(before)))
      line += before.filter { $0 == "\n" }.count
      guard let close = rest[open.upperBound...].range(of: "}}") else {
        throw Diagnostics([.error("`{{` without a closing `}}` in note text", at: SourceLocation(file: location.file, line: line, column: 1))])
      }
      let inner = rest[open.upperBound..<close.lowerBound]
      let pieces = inner.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      let path = pieces[0].split(separator: ".").map(String.init)
      let here = SourceLocation(file: location.file, line: line, column: 1)
      guard !path.isEmpty, path.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) else {
        throw Diagnostics([.error("invalid value reference `{{\(inner)}}`", at: here, hint: "write `{{ cell.field }}` or `{{ param }}`")])
      }
      let format = pieces.count > 1 ? pieces[1] : nil
      if let format, !isValidFormat(format) {
        throw Diagnostics([.error("unknown format `\(format)` in `{{\(inner)}}`", at: here,
                                  hint: "use %.Nf, percent, percent1, count or round")])
      }
      parts.append(.value(path: path, format: format, location: here))
      rest = rest[close.upperBound...]
    }
    parts.append(.literal(String(rest)))
    return NoteTemplate(parts: parts)
  }

  static func isValidFormat(_ f: String) -> Bool {
    if ["percent", "percent1", "count", "round"].contains(f) { return true }
    return f.hasPrefix("%.") && f.hasSuffix("f") && Int(f.dropFirst(2).dropLast()).map { (0...12).contains($0) } == true
  }

  static func format(_ value: JSONValue, _ format: String?, at location: SourceLocation) throws -> String {
    guard let format else { return value.displayText }
    guard let x = value.doubleValue else {
      throw CellError("format `\(format)` needs a number, got `\(value.displayText)`", at: location)
    }
    switch format {
    case "percent": return String(format: "%.0f %%", x * 100)
    case "percent1": return String(format: "%.1f %%", x * 100)
    case "count": return TableOps.formatCount(Int(x.rounded()))
    case "round": return String(Int64(x.rounded()))
    default: return String(format: format, x)
    }
  }

  /// The `${…}` references a note's text implies (so the engine orders it after the cells it quotes).
  var references: [[String]] { parts.compactMap { if case .value(let p, _, _) = $0 { p } else { nil } } }
}
