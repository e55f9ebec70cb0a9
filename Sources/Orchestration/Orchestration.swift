import Foundation

/// Executing a workbook plan elsewhere: Slurm, Airflow (see docs/scale-out.md, docs/orchestration.md).
public enum Orchestration {
  /// The absolute path of the running binary: what Slurm jobs and Airflow tasks run (the same path must hold the same
  /// build on every node).
  public static var currentExecutable: String {
    let link = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    if link != "/proc/self/exe", FileManager.default.isExecutableFile(atPath: link) { return link }
    let argument0 = CommandLine.arguments.first ?? "workbench"
    return Bundle.main.executablePath ?? URL(fileURLWithPath: argument0).standardizedFileURL.path
  }
}
