import Foundation
import Frame
import WorkbookModel

/// Fuzz targets for the parsers that read untrusted text (see scripts/fuzz.sh and docs/fuzzing.md).
///
/// Each target must return normally or throw its documented error type for any input; a trap, a hang or runaway
/// memory is a bug. Built with `-sanitize=fuzzer -DWORKBENCH_FUZZ`, libFuzzer drives ``LLVMFuzzerTestOneInput``
/// and picks the target from the `WORKBENCH_FUZZ_TARGET` environment variable; built normally, the executable
/// replays files: `workbench-fuzz <target> <file or folder>…`.
enum FuzzTarget: String, CaseIterable {
  case expression, workbook, csv, json, jsonl

  /// Runs one input; errors of the kinds the parsers document are expected outcomes.
  func run(_ bytes: [UInt8]) {
    switch self {
    case .expression:
      guard let text = String(validating: bytes, as: UTF8.self) else { return }
      _ = try? RowExpression(text).evaluate(on: Self.frame, name: "out")
      _ = try? Condition.parse(SpecNode(.string(text), at: SourceLocation(file: "fuzz", line: 1, column: 1)))
    case .workbook:
      _ = try? Workbook.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
    case .csv:
      var options = CSVOptions(badRows: .skip, threads: 2, chunkBytes: 64)
      options.limits = ReadLimits(maximumBytes: 1 << 24, maximumRows: 100_000)
      _ = try? CSVReader.read(bytes: bytes, source: "fuzz.csv", options: options)
    case .json:
      _ = try? JSONTableReader.readArray(bytes: bytes, source: "fuzz.json", options: Self.jsonOptions)
    case .jsonl:
      _ = try? JSONTableReader.readLines(bytes: bytes, source: "fuzz.jsonl", options: Self.jsonOptions)
    }
  }

  static let jsonOptions = JSONReadOptions(nestedAsJSONText: true, limits: ReadLimits(maximumBytes: 1 << 24, maximumRows: 100_000))

  /// A small table the expressions run on: every column type, nulls and extreme integers.
  static let frame: Frame = {
    do {
      return try Frame(columns: [
        Column(name: "a", ints: [1, Int64.max, Int64.min, 0], validity: [true, true, true, false]),
        Column(name: "x", floats: [1.5, -0.0, .infinity, 3]),
        Column(name: "s", strings: ["hello", "", nil, "é😀"]),
        Column(name: "b", bools: [true, false, true, false], validity: [true, true, false, true]),
      ])
    } catch {
      fatalError("fuzz table: \(error)")
    }
  }()

  static let selected: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["WORKBENCH_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
      fatalError("set WORKBENCH_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
  }()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  FuzzTarget.selected.run(bytes)
  return 0
}

#if WORKBENCH_FUZZ
/// libFuzzer's driver (the runtime's own `main` is not linked: SwiftPM names the executable's entry point).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The entry point SwiftPM links as `main` for this executable: hands over to libFuzzer.
@_cdecl("workbench_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
/// Replays inputs (files, or every file of a folder) through a target without libFuzzer.
@main
struct FuzzReplay {
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard let first = arguments.first, let target = FuzzTarget(rawValue: first) else {
      print("usage: workbench-fuzz <\(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|"))> <file or folder>…")
      exit(2)
    }
    var count = 0
    for path in arguments.dropFirst() {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { print("no such file: \(path)"); exit(2) }
      let files = isFolder.boolValue
        ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" } : [path]
      for file in files {
        guard let data = FileManager.default.contents(atPath: file) else { continue }
        target.run([UInt8](data))
        count += 1
      }
    }
    print("\(count) input(s) ran through \(target.rawValue) without a crash")
  }
}
#endif
