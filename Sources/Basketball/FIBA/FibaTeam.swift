/// One team's box score in a game (`tm["1"]` or `tm["2"]`; by FIBA convention team 1 is the home side).
public struct FibaTeam: Sendable, Equatable, Codable {
  public var gameID: String
  /// 1 or 2, the key in `tm` and the `tno` of play-by-play events.
  public var teamNumber: Int
  /// Name as written in the file (may carry trailing spaces or accents).
  public var rawName: String
  /// Name trimmed, upper-cased, accents folded, inner spaces collapsed.
  public var name: String
  public var shortName: String
  public var code: String
  /// Stable identity across files: the code, or the folded name when the code is empty;
  /// ``TeamNameNormalizer`` rewrites it across a folder so aliases (e.g. ESBVA/VIL) share one key.
  public var teamKey: String
  public var coach: String
  public var score: Int
  /// Points per regulation quarter (p1…p4) then the summed overtime score (only when overtime was played).
  public var quarterScores: [Int]
  public var overtimeScore: Int?
  /// Team totals `tot_s…` (include team rebounds and team turnovers).
  public var totals: BoxCounts
  public var teamRebounds: Int, teamOffensiveRebounds: Int, teamDefensiveRebounds: Int
  public var teamTurnovers: Int
  public var foulsTotal: Int
  public var pointsFromTurnovers: Int, benchPoints: Int
  public var biggestLead: Int?, biggestScoringRun: Int?, leadChanges: Int?, timesTied: Int?
  /// `tot_sMinutes` as written ("199:60", ":35"… — not reliable).
  public var reportedMinutes: String
  /// Σ player seconds (the reliable team playing time).
  public var playedSeconds: Double
  /// Vendor team efficiency `tot_eff_1` when present (= Σ player EFF + team rebounds − team turnovers).
  public var vendorEFF: Double? = nil
}
