import Engine
import Foundation
import Frame
import Reporting
import WorkbookModel

/// `load`: reads a CSV/TSV file (plain or gzip), or every such file of a folder or glob, into a table.
enum LoadCell {
  static let descriptor = KindDescriptor(
    name: "load", version: 2,
    summary: "Read CSV/TSV, JSON or JSON Lines files (plain or gzip; a file, a folder or a glob) into a typed table.",
    options: [
      OptionSpec("source", .inputPath, required: true,
                 doc: "A file, a folder (every file in it) or a glob such as `data/*.csv.gz`; relative to the project root."),
      OptionSpec("format", .choice(["auto", "csv", "tsv", "json", "jsonl", "sqlite", "fiba_livestats"]), default: "auto",
                 doc: "File format; `auto` goes by the name: .tsv/.tab → TSV, .json → JSON array of records, .jsonl/.ndjson → JSON Lines, .sqlite/.db → a SQLite table (`table`), otherwise CSV (a .gz suffix is ignored). `fiba_livestats`: FIBA LiveStats data.json game files → tables games, teams, players, pbp, shots, stints (docs/cells/load-fiba.md)."),
      OptionSpec("table", .string, doc: "SQLite only: the table to read (default `requests`, the table of `workbench serve`'s request log)."),
      OptionSpec("nested", .choice(["error", "text"]), default: "error",
                 doc: "JSON only: a nested array/object value is an error naming its JSON path (`error`) or kept as JSON text (`text`)."),
      OptionSpec("delimiter", .string, doc: "Field separator (one character) overriding the format's."),
      OptionSpec("schema", .dictionary(.choice(["int", "float", "string", "bool"])),
                 doc: "Column types that override inference, e.g. `{Game ID: string}`."),
      OptionSpec("bad_rows", .choice(["fail", "skip", "quarantine"]), default: "fail",
                 doc: "Malformed rows: stop (`fail`), drop and count them (`skip`), or drop them into the `rejected` table (`quarantine`)."),
      OptionSpec("null_values", .list(.string), doc: "Text values read as null (default: empty, NA, NaN, nan, null, NULL, N/A)."),
      OptionSpec("source_column", .boolean, doc: "Add a `source_file` column (default: true when several files are read)."),
      OptionSpec("max_megabytes", .integer, default: .int(ReadLimits.defaultMaximumBytes >> 20), range: .from(1, to: Double(1 << 30)),
                 doc: "Size limit per file after decompression, in MiB: a larger file (or a gzip bomb) is an error, not exhausted memory."),
      OptionSpec("max_rows", .integer, default: .int(ReadLimits.defaultMaximumRows), range: .atLeast(1),
                 doc: "Row limit per file: a file with more data rows is an error."),
    ])

  static let implementation = CellImplementation(descriptor: descriptor) { context in
    if try context.options.string("format") == "fiba_livestats" { return try FibaLoad.run(context) }
    let o = context.options
    let source = try o.requiredString("source")
    let files = try InputFiles.expand(source, root: context.projectRoot, location: o.location(of: "source"))
    var csv = CSVOptions()
    csv.limits = try Self.limits(o)
    csv.badRows = try o.choice("bad_rows", as: BadRowPolicy.self)
    if let nulls = try o.strings("null_values") { csv.nullTokens = nulls }
    if let schema = o["schema"]?.objectValue {
      for (column, type) in schema {
        guard let t = type.stringValue.flatMap(DataType.init(rawValue:)) else {
          throw CellError("schema type for `\(column)` must be int, float, string or bool", at: o.location(of: "schema"))
        }
        csv.schema[column] = t
      }
    }
    let format = try o.text("format")
    if let d = try o.string("delimiter") {
      guard d.utf8.count == 1 else { throw CellError("`delimiter` must be one character", at: o.location(of: "delimiter")) }
      csv.delimiter = d.utf8.first
    }

    var frames: [Frame] = []
    var rejected: [(file: String, row: BadRow)] = []
    var perFile: [JSONValue] = []
    var warnings: [String] = []
    for (i, file) in files.enumerated() {
      let display = Self.display(file, root: context.projectRoot)
      if Self.isParquet(file) {
        let stem = display.range(of: #"\.(parquet|parq|pq)$"#, options: [.regularExpression, .caseInsensitive])
          .map { String(display[..<$0.lowerBound]) } ?? (display as NSString).deletingPathExtension + "-converted"
        let csvName = stem + ".csv"
        throw CellError("`\(display)` is a Parquet file; Parquet is not supported (load reads CSV/TSV and JSON)",
                        at: o.location(of: "source"),
                        hint: "convert it to CSV: python3 -c \"import pandas as pd; pd.read_parquet('\(display)').to_csv('\(csvName)', index=False)\" "
                          + "(or python3 -c \"import polars as pl; pl.read_parquet('\(display)').write_csv('\(csvName)')\"), then load `\(csvName)`")
      }
      var options = csv
      if options.delimiter == nil {
        let lower = file.lowercased()
        if format == "tsv" || (format == "auto" && (lower.hasSuffix(".tsv") || lower.hasSuffix(".tsv.gz") || lower.hasSuffix(".tab"))) {
          options.delimiter = UInt8(ascii: "\t")
        } else if format == "csv" {
          options.delimiter = UInt8(ascii: ",")
        }
      }
      let lowerName = file.lowercased().replacingOccurrences(of: ".gz", with: "")
      if format == "sqlite" || (format == "auto" && (lowerName.hasSuffix(".sqlite") || lowerName.hasSuffix(".db"))) {
        let frame = try SQLiteTableSource.read(file, table: try o.string("table") ?? "requests", display: display, at: o.location(of: "source"))
        frames.append(frame)
        perFile.append(.object(["file": .string(display), "rows": .int(frame.rowCount), "bad_rows": .int(0)]))
        continue
      }
      let jsonFormat = format == "json" || format == "jsonl"
        || (format == "auto" && (lowerName.hasSuffix(".json") || lowerName.hasSuffix(".jsonl") || lowerName.hasSuffix(".ndjson")))
      if jsonFormat {
        let lines = format == "jsonl" || (format != "json" && !lowerName.hasSuffix(".json"))
        let jsonOptions = JSONReadOptions(nestedAsJSONText: (try o.string("nested")) == "text", limits: csv.limits)
        do {
          var bytes = try CSVReader.readFile(file, limits: csv.limits)
          if Gzip.isGzip(bytes) { bytes = try Gzip.inflate(bytes, source: display, limits: csv.limits) }
          let frame = lines ? try JSONTableReader.readLines(bytes: bytes, source: display, options: jsonOptions)
            : try JSONTableReader.readArray(bytes: bytes, source: display, options: jsonOptions)
          frames.append(frame)
          perFile.append(.object(["file": .string(display), "rows": .int(frame.rowCount), "bad_rows": .int(0)]))
        } catch let error as ReadError {
          var e = error
          e.source = display
          throw CellError(e.description, code: .dataUnreadable, at: o.location(of: "source"), cause: error)
        }
        context.progress(Double(i + 1) / Double(files.count), "file \(i + 1)/\(files.count) \(display): \(frames.reduce(0) { $0 + $1.rowCount }) rows loaded")
        continue
      }
      let result: CSVReadResult
      do {
        result = try CSVReader.read(path: file, options: options)
      } catch let error as ReadError {
        var e = error
        e.source = display
        throw CellError(e.description, code: .dataUnreadable, at: o.location(of: "source"), cause: error)
      }
      frames.append(result.frame)
      rejected += result.badRows.map { (display, $0) }
      for r in result.renamedColumns {
        warnings.append("\(display): column \(r.position + 1) `\(r.original)` renamed to `\(r.name)`")
      }
      if let invalid = result.invalidUTF8 { warnings.append("\(display): \(invalid)") }
      for overflow in result.integerOverflows { warnings.append("\(display): \(overflow)") }
      perFile.append(.object([
        "file": .string(display), "rows": .int(result.frame.rowCount), "bad_rows": .int(result.badRows.count),
      ]))
      context.progress(Double(i + 1) / Double(files.count), "file \(i + 1)/\(files.count) \(display): \(frames.reduce(0) { $0 + $1.rowCount }) rows loaded")
    }
    let addSource = try o.bool("source_column") ?? (files.count > 1)
    var table: Frame
    if files.count == 1 && !addSource {
      table = frames[0]
    } else {
      // Files read together must share their header: a differing one is an error, not null-filled columns.
      let names = files.map { Self.display($0, root: context.projectRoot) }
      for (i, f) in frames.enumerated().dropFirst() where Set(f.columnNames) != Set(frames[0].columnNames) {
        let differing = Set(frames[0].columnNames).symmetricDifference(f.columnNames).sorted()
        throw CellError("file \(names[i]) has different columns than \(names[0]) (differs in: \(differing.prefix(5).joined(separator: ", ")))",
                        at: o.location(of: "source"), hint: "load files with the same header together, or load them separately")
      }
      table = try Frame.concatenating(frames, sourceColumn: addSource ? "source_file" : nil, sources: addSource ? names : [])
    }
    let policy = csv.badRows
    if !rejected.isEmpty {
      warnings.append("\(rejected.count) malformed row(s) \(policy == .skip ? "skipped" : "quarantined in table `rejected`") — first at \(rejected[0].file):\(rejected[0].row.line): \(rejected[0].row.reason)")
    }
    var tables: [(name: String, frame: Frame)] = [("table", table)]
    let rejectedFrame = try Frame(columns: [
      Column(name: "file", strings: rejected.map(\.file)),
      Column(name: "line", ints: rejected.map { Int64($0.row.line) }),
      Column(name: "reason", strings: rejected.map(\.row.reason)),
      Column(name: "text", strings: rejected.map(\.row.text)),
    ])
    if policy == .quarantine { tables.append(("rejected", rejectedFrame)) }

    let result: JSONValue = .object([
      "rows": .int(table.rowCount),
      "columns": TableOps.schemaJSON(table),
      "files": .array(perFile),
      "bad_rows": .object([
        "policy": .string(policy.rawValue), "count": .int(rejected.count),
        "skipped": .int(policy == .skip ? rejected.count : 0),
        "quarantined": .int(policy == .quarantine ? rejected.count : 0),
        "lines": .array(rejected.prefix(1000).map { .object(["file": .string($0.file), "line": .int($0.row.line), "reason": .string($0.row.reason)]) }),
      ]),
    ])
    var report: [ReportBlock] = [
      .facts([
        .init("rows", TableOps.formatCount(table.rowCount)), .init("columns", String(table.columns.count)),
        .init("files", files.count == 1 ? Self.display(files[0], root: context.projectRoot) : "\(files.count) files"),
        .init("malformed rows", rejected.isEmpty ? "none" : "\(rejected.count) (\(policy.rawValue))"),
      ]),
      TableOps.schemaBlock(table),
      TableOps.previewBlock(table, rows: 5),
    ]
    if policy == .skip, !rejected.isEmpty {
      report.append(.table(caption: "Skipped rows (first 20)", columns: ["file", "line", "reason"],
                           rows: rejected.prefix(20).map { [$0.file, String($0.row.line), $0.row.reason] }, note: nil))
    }
    return CellOutput(result: result, tables: tables, report: report, warnings: warnings)
  }

  /// `max_megabytes` and `max_rows` (their declared ranges are checked before the cell runs, `${param}` values too).
  static func limits(_ o: CellOptions) throws -> ReadLimits {
    let megabytes = try o.integer("max_megabytes")
    let rows = try o.integer("max_rows")
    return ReadLimits(maximumBytes: megabytes << 20, maximumRows: rows,
                      raiseBytesWith: "`max_megabytes: \(megabytes * 4)` on the load cell", raiseRowsWith: "`max_rows: \(rows.multipliedReportingOverflow(by: 4).overflow ? rows : rows * 4)` on the load cell")
  }

  /// A Parquet file, by its name (.parquet, .parq, .pq) or its `PAR1` magic at both ends: read as CSV it would
  /// give garbage.
  static func isParquet(_ file: String) -> Bool {
    let lower = file.lowercased()
    if lower.hasSuffix(".parquet") || lower.hasSuffix(".parq") || lower.hasSuffix(".pq") { return true }
    guard let handle = FileHandle(forReadingAtPath: file) else { return false }
    defer { try? handle.close() }
    let magic = Array("PAR1".utf8)
    guard let head = try? handle.read(upToCount: 4), Array(head) == magic,
          let end = try? handle.seekToEnd(), end >= 12 else { return false }
    try? handle.seek(toOffset: end - 4)
    return (try? handle.read(upToCount: 4)).map { Array($0) } == magic
  }

  static func display(_ path: String, root: URL) -> String {
    let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
  }
}
