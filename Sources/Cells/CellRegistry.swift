import Engine
import Foundation
import ProcessRunner

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
    r.register(ExpectCell.implementation)
    r.register(AlertCell.implementation, externalEffects: true)
    r.register(TrackCell.implementation, externalEffects: true)
    r.register(PromoteCell.implementation, externalEffects: true)
    for script in [ScriptCell.python, ScriptCell.r, ScriptCell.shell] { r.register(script) }
    if TestingCells.enabled {
      r.register(TestingCells.sleep)
      r.register(TestingCells.random)
    }
    r.registerErrorCodes(LibraryErrorCodes.explain)
    r.registerTool("gnuplot") { ToolVersions.version(of: "gnuplot", arguments: ["--version"]) }
    return r
  }()
}

/// Version text of external tools (part of the cache key of the kinds that use them).
public enum ToolVersions {
  /// The first line `tool arguments…` prints, or "not installed".
  public static func version(of tool: String, arguments: [String]) -> String {
    guard ChildProcess.resolve(tool) != nil else { return "\(tool) not installed" }
    guard let out = try? ChildProcess.run(tool, arguments) else { return "\(tool) not runnable" }
    return (out.stdoutText.isEmpty ? out.stderrText : out.stdoutText).split(separator: "\n").first.map(String.init)
      ?? "\(tool) (no version)"
  }
}
