import Engine
import Foundation

/// Every cell kind Workbench ships. Adding a kind = one file defining `implementation` + one line here.
public enum CellRegistry {
  public static let standard: KindRegistry = {
    var r = KindRegistry()
    r.register(LoadCell.implementation)
    r.register(DescribeCell.implementation)
    r.register(PlotCell.implementation)
    r.register(CorrelateCell.implementation)
    r.register(NoteCell.implementation)
    r.register(SplitCell.implementation)
    r.register(TrainCell.implementation)
    r.register(SweepCell.implementation)
    r.register(EvaluateCell.implementation)
    r.register(PredictCell.implementation)
    r.register(TransformCell.implementation)
    r.register(SQLCell.implementation)
    r.register(FetchCell.implementation)
    r.register(CoachCell.implementation)
    r.register(ImpactCell.implementation)
    r.register(ShotCoachingCell.implementation)
    r.register(DriftCell.implementation)
    r.register(AlertCell.implementation, externalEffects: true)
    r.register(TrackCell.implementation, externalEffects: true)
    r.register(PromoteCell.implementation, externalEffects: true)
    if TestingCells.enabled {
      r.register(TestingCells.sleep)
      r.register(TestingCells.random)
    }
    r.registerTool("gnuplot") { ToolVersions.version(of: "gnuplot", arguments: ["--version"]) }
    return r
  }()
}

/// Version text of external tools (part of the cache key of the kinds that use them).
public enum ToolVersions {
  /// The first line `tool arguments…` prints, or "not installed".
  public static func version(of tool: String, arguments: [String]) -> String {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
      .map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let path else { return "\(tool) not installed" }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = Pipe()
    do { try p.run() } catch { return "\(tool) not runnable" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "\(tool) (no version)"
  }
}
