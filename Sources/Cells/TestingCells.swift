import Engine
import Foundation
import WorkbookModel

/// Cell kinds used only by the end-to-end tests, registered when `WORKBENCH_TEST_KINDS=1`:
/// `test_sleep` waits, then outputs a deterministic value (to kill a run mid-cell or hold the lock);
/// `test_random` outputs a different value on every execution (a planted nondeterminism for `verify`).
enum TestingCells {
  static var enabled: Bool { ProcessInfo.processInfo.environment["WORKBENCH_TEST_KINDS"] == "1" }

  static let sleep = CellImplementation(descriptor: KindDescriptor(
    name: "test_sleep", version: 1, summary: "Testing only: wait `ms` milliseconds, output `value`.",
    options: [OptionSpec("ms", .integer, required: true, doc: "Milliseconds to wait."),
              OptionSpec("value", .any, doc: "Value to output."),
              OptionSpec("input", .table, doc: "Optional upstream dependency.")])) { context in
    let ms = try context.options.integer("ms")
    try await Task.sleep(for: .milliseconds(ms))
    return CellOutput(result: .object(["value": context.options["value"] ?? .null]))
  }

  static let random = CellImplementation(descriptor: KindDescriptor(
    name: "test_random", version: 1, summary: "Testing only: output a fresh random number each execution.",
    options: [])) { _ in
    CellOutput(result: .object(["value": .int(Int.random(in: 0...Int.max))]))
  }
}
