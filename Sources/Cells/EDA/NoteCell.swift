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
      do throws(Diagnostics) { _ = try ValueTemplate.parse(text, at: node.location, quoted: node.quoted) } catch {
        diagnostics.append(contentsOf: Diagnostics(error.items.map { var d = $0; d.cell = cell.id; return d }))
      }
    },
    references: { cell in
      guard let node = cell.option("text"), let text = node.string,
            let template = try? ValueTemplate.parse(text, at: node.location, quoted: node.quoted) else { return [] }
      return template.values.map(\.dependency)
    })

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    // `{{ }}` references were turned into `${…}` dependencies at validation; here their values are read.
    let text = try context.options.requiredString("text")
    let template = try ValueTemplate.parse(text, at: context.options.location(of: "text"), quoted: context.options.nodes["text"]?.quoted ?? false)
    var rendered = ""
    var values: [String: JSONValue] = [:]
    for part in template.parts {
      switch part {
      case .literal(let s): rendered += s
      case .value(let reference):
        let root = reference.root
        let value: JSONValue
        if reference.path.count == 1 {
          guard let v = context.params[root] else {
            throw CellError("`{{ \(root) }}` is not a param of this workbook", at: reference.location)
          }
          value = v
        } else {
          switch ValueReference.lookup(Array(reference.path.dropFirst()), in: try context.result(of: root), root: root) {
          case .success(let v): value = v
          case .failure(let failure):
            throw CellError("`{{ \(reference.text) }}`: \(failure.message)", at: reference.location, hint: failure.hint)
          }
        }
        values[reference.text] = value
        // Data is text, not markup: escaped so a value like `<img onerror=…>` or `snake_case` prints as written.
        rendered += markdownEscape(try NoteTemplate.format(value, reference.format, at: reference.location))
      }
    }
    return CellOutput(result: .object(["markdown": .string(rendered), "values": .object(values)]),
                      files: [("note.md", Array(rendered.utf8))], report: [.markdown(rendered)])
  }
}

/// Formatting of `{{ path | format }}` values (the syntax is `ValueTemplate`, in WorkbookModel).
enum NoteTemplate {
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
}
