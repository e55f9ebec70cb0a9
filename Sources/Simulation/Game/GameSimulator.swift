import Basketball
import Foundation
import Learn
import WorkbenchCore

/// Writes a fictional game (fictional teams and players) in the FIBA LiveStats `data.json` format read by
/// ``FibaLiveStatsParser``, with a box score, play-by-play and shot chart that agree: every identity of
/// ``Reconciliation`` holds by construction (box lines are accumulated from the generated events).
///
/// Possession model (documented in docs/basketball.md): alternating possessions of 8–24 s (3–12 s after an offensive rebound); outcome turnover
/// (14 %, a third with a steal, 8 % team turnovers), shooting foul → two free throws (10 %), non-shooting foul
/// (6 %, possession kept), else a field-goal attempt (35 % threes; make probability by zone and shooter skill;
/// 6 % of missed twos blocked; 60 % of makes assisted); misses rebounded by the offence 28 % of the time (8 % of
/// rebounds are team rebounds). Substitutions happen at dead balls; tied games go to 5-minute overtimes.
/// Feed quirks are reproduced on purpose: newest-first play-by-play, scores as strings or ints (by seed), some
/// swapped in/out substitution pairs, "M:SS" minutes, `tot_sMinutes` "199:60", dead-ball team rebounds, two
/// did-not-play players per team, trailing spaces and accents in names.
public struct GameSimulator: Sendable {
  public let seed: UInt64

  public init(seed: UInt64) { self.seed = seed }

  /// The game id written in ``fileName`` (`data_<id>_sim.json`).
  public var gameID: String { String(9_000_000 + Int(seed % 1_000_000)) }
  public var fileName: String { "data_\(gameID)_sim.json" }

  /// The game as canonical pretty-printed JSON (WorkbenchCore's writer: sorted keys; byte-identical for a seed).
  public func liveStatsJSON() throws -> Data {
    var state = SimulationState(seed: seed)
    return Data(state.run().serializedBytes())
  }

  /// Writes ``liveStatsJSON()`` into `folder` under ``fileName``; returns the file URL.
  @discardableResult
  public func write(into folder: URL) throws -> URL {
    let url = folder.appendingPathComponent(fileName)
    try liveStatsJSON().write(to: url)
    return url
  }
}
