/// One player's box-score line (`tm[t].pl[pno]`); players who did not play are kept with ``didNotPlay`` set.
public struct FibaPlayer: Sendable, Equatable, Codable {
  public var gameID: String
  public var teamNumber: Int
  /// Player id within the team: the key in `pl`, used by play-by-play and shots.
  public var pno: Int
  /// Display name, e.g. "N. Woolfolk".
  public var name: String
  public var firstName: String
  public var familyName: String
  /// Kept as text ("0" and "00" are different numbers).
  public var shirtNumber: String
  public var starter: Bool
  public var captain: Bool
  public var playingPosition: String
  /// Playing time in seconds (from `sMinutes` "M:SS").
  public var seconds: Double
  /// `sMinutes` == "0:00".
  public var didNotPlay: Bool
  public var counts: BoxCounts
  public var plusMinus: Int
  /// Vendor values as written: `eff_1` (FIBA EFF), `eff_3` (Game Score), `eff_5` (PIR with technical penalty).
  public var vendorEFF: Double?, vendorGameScore: Double?, vendorPIR: Double?

  public var minutes: Double { seconds / 60 }
}
