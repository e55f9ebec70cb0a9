// The toy kind of docs/adding-a-cell-kind.md, step 1, verbatim (AddingACellKindTests checks they stay identical).
// In the product this file would be Sources/Cells/ClampCell.swift.

import Engine
import Frame
import WorkbookModel

/// `clamp`: limits a numeric column to [min, max] and counts the values it changed.
enum ClampCell {
  static let descriptor = KindDescriptor(
    name: "clamp", version: 1,  // bump `version` whenever the outputs for the same inputs change
    summary: "Limit a numeric column to [min, max]; count the values changed.",
    options: [
      OptionSpec("input", .table, required: true, doc: "The table (`cell` or `cell.table`)."),
      OptionSpec("column", .string, required: true, doc: "The numeric column to clamp."),
      OptionSpec("min", .number, default: 0, doc: "Lower bound."),
      OptionSpec("max", .number, required: true, doc: "Upper bound."),
    ],
    validate: { cell, diagnostics in  // static checks, with locations, before anything runs
      if let low = cell.option("min")?.double, let high = cell.option("max"), let highValue = high.double, highValue < low {
        diagnostics.error("`max` (\(highValue)) is below `min` (\(low))", at: high.location, cell: cell.id,
                          hint: "swap the bounds")
      }
    })

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    let options = context.options
    let table = try context.table(try options.text("input"))
    let name = try options.text("column")
    let low = try options.number("min"), high = try options.number("max")  // `min` absent: its declared default
    guard let column = table.column(named: name) else {
      throw CellError("no column `\(name)`", code: .dataInvalid, at: options.location(of: "column"),
                      hint: "columns: \(table.columnNames.joined(separator: ", "))")
    }
    var values: [Double] = []
    var validity: [Bool] = []
    var changed = 0
    for row in 0..<column.count {
      switch column.value(at: row) {
      case .null:
        values.append(0)
        validity.append(false)
      case .int(let i):
        let x = Double(i)
        values.append(Swift.min(Swift.max(x, low), high))
        validity.append(true)
        if x < low || x > high { changed += 1 }
      case .float(let x):
        values.append(Swift.min(Swift.max(x, low), high))
        validity.append(true)
        if x < low || x > high { changed += 1 }
      case .string, .bool:
        throw CellError("column `\(name)` is not numeric", code: .dataInvalid, at: options.location(of: "column"))
      }
    }
    let clamped = try table.setting(Column(name: name, floats: values, validity: validity))
    return CellOutput(
      result: .object(["rows": .int(table.rowCount), "changed": .int(changed)]),  // result.json
      tables: [("clamped", clamped)],  // the first table is the cell's main table
      warnings: changed == 0 ? ["no value of `\(name)` was outside [\(low), \(high)]"] : [])
  }
}
