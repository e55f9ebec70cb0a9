import ArgumentParser
import Engine
import Foundation
import WorkbookModel

/// `--expect-workbook-sha256` of `cell run` and `cell items`: an exported Airflow DAG passes the SHA-256 of the
/// workbook it was made from, so a task refuses to compute something the DAG does not describe.
struct WorkbookDigestArguments: ParsableArguments {
  @Option(name: .customLong("expect-workbook-sha256"), help: ArgumentHelp(
    "Refuse to run (exit code 4) unless the workbook file's SHA-256 is this one (an exported Airflow DAG passes the digest of the workbook it was made from).",
    valueName: "hex"))
  var expected: String?

  /// Throws exit code 4 (after saying why, and printing the `--json` line when asked) when the workbook differs.
  func check(_ workbook: WorkbookArguments, cell: String, json: Bool) throws {
    guard let expected else { return }
    let actual = Digest.sha256(try Data(contentsOf: URL(fileURLWithPath: workbook.workbookPath)))
    guard actual != expected.lowercased() else { return }
    let message = "\(workbook.workbook) changed since it was exported (SHA-256 \(actual.prefix(12))…, the DAG expects "
      + "\(expected.prefix(12))…): nothing was run; re-export the DAG (`workbench export airflow`) or restore the workbook"
    if json {
      printOut(JSONValue.object(["cell": .string(cell), "status": .string("plan_mismatch"), "message": .string(message),
                                 "exit_code": .int(Int(CellRunExitCode.planMismatch))]).serialized(pretty: false))
    }
    printError(Terminal.standardError.red("error: ") + message)
    throw ExitCode(CellRunExitCode.planMismatch)
  }
}
