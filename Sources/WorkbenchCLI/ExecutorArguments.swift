import ArgumentParser
import Engine
import Foundation
import Orchestration
import WorkbookModel

/// Where `workbench run` executes stale cells: here (`local`, with `--jobs`) or as Slurm jobs (docs/scale-out.md).
enum ExecutorKind: String, ExpressibleByArgument, CaseIterable {
  case local, slurm
}

/// `--executor slurm` and its job settings (they override the workbook's `orchestration: slurm:` block).
struct ExecutorArguments: ParsableArguments {
  @Option(help: "Where stale cells execute: `local` (this process, --jobs) or `slurm` (one Slurm job per cell running `workbench cell run` against the cache; see docs/scale-out.md).")
  var executor: ExecutorKind = .local

  @Option(help: "Slurm partition of the run's jobs (--executor slurm; overrides orchestration.slurm.partition).")
  var partition: String?

  @Option(help: "Slurm account charged for the run's jobs (--executor slurm).")
  var account: String?

  @Option(help: ArgumentHelp("Wall-clock limit of each job, as sbatch --time takes it (--executor slurm).", valueName: "time"))
  var time: String?

  @Option(name: .customLong("sbatch-option"), parsing: .unconditionalSingleValue,
          help: ArgumentHelp("An extra sbatch option for every job, e.g. --sbatch-option --mem=4G (repeatable; --executor slurm).", valueName: "option"))
  var sbatchOptions: [String] = []

  func validate() throws {
    if executor == .local {
      let given = [("--partition", partition != nil), ("--account", account != nil), ("--time", time != nil), ("--sbatch-option", !sbatchOptions.isEmpty)]
      if let flag = given.first(where: \.1)?.0 { throw ValidationError("\(flag) applies to Slurm jobs: add --executor slurm") }
    }
    for option in sbatchOptions where !option.hasPrefix("-") {
      throw ValidationError("--sbatch-option `\(option)` is not an sbatch option (they start with `-`, e.g. --mem=4G)")
    }
  }

  /// The executor for `workbench run`: nil runs cells in this process.
  func executor(engine: Engine, workbook: ValidatedWorkbook) throws -> (any CellExecutor)? {
    guard executor == .slurm else { return nil }
    let settings = try SlurmSettings.parse(workbook.workbook.orchestration)
    let options = SlurmSettings.merged(settings, partition: partition, account: account, time: time, extraOptions: sbatchOptions)
    let itemKinds = engine.registry.itemKinds
    return SlurmExecutor(options: options, executable: Orchestration.currentExecutable,
                         logDirectory: engine.layout.stateDirectory.appendingPathComponent("slurm"), itemKinds: itemKinds)
  }
}
