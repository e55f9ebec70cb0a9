import Foundation
import WorkbookModel

/// The workbook's `orchestration: slurm:` block (`partition`, `account`, `time`, `sbatch_options`); command-line flags
/// override it. Every key is checked: a typo is an error with a suggestion, never ignored.
public enum SlurmSettings {
  static let keys = ["partition", "account", "time", "sbatch_options"]

  /// Reads `orchestration.slurm` of a workbook (absent: no settings).
  public static func parse(_ orchestration: SpecNode?) throws(Diagnostics) -> SlurmSubmitOptions {
    var options = SlurmSubmitOptions()
    guard let node = orchestration?["slurm"], !node.isNull else { return options }
    guard let entries = node.entries else {
      throw Diagnostics([.error("`orchestration.slurm` must be a mapping (\(keys.joined(separator: ", ")))", at: node.location)])
    }
    var d = Diagnostics()
    for e in entries {
      let v = e.value
      switch e.key {
      case "partition", "account", "time":
        guard let s = v.string ?? v.int.map(String.init), !s.isEmpty else {
          d.error("`slurm.\(e.key)` must be a non-empty string", at: v.location); continue
        }
        if e.key == "partition" { options.partition = s } else if e.key == "account" { options.account = s } else { options.time = s }
      case "sbatch_options":
        guard let list = v.list, list.allSatisfy({ $0.string?.hasPrefix("-") == true }) else {
          d.error("`slurm.sbatch_options` must be a list of sbatch options, each starting with `-` (e.g. [\"--mem=4G\"])", at: v.location)
          continue
        }
        options.extraOptions = list.compactMap(\.string)
      default:
        d.error("unknown key `\(e.key)` in `orchestration.slurm`", at: e.keyLocation,
                hint: Suggest.hint(for: e.key, in: keys) ?? "allowed: \(keys.joined(separator: ", "))")
      }
    }
    try d.throwIfErrors()
    return options
  }

  /// The workbook's settings with the command line's on top (a flag replaces the workbook's value; extra sbatch
  /// options add to the workbook's).
  public static func merged(_ workbook: SlurmSubmitOptions, partition: String?, account: String?, time: String?,
                            extraOptions: [String]) -> SlurmSubmitOptions {
    SlurmSubmitOptions(partition: partition ?? workbook.partition, account: account ?? workbook.account,
                       time: time ?? workbook.time, extraOptions: workbook.extraOptions + extraOptions)
  }
}
