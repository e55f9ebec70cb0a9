/// Counting stats of one box-score line (a player or a team total).
public struct BoxCounts: Sendable, Equatable, Hashable, Codable {
  public var points = 0
  public var fieldGoalsMade = 0, fieldGoalsAttempted = 0
  public var twoPointersMade = 0, twoPointersAttempted = 0
  public var threePointersMade = 0, threePointersAttempted = 0
  public var freeThrowsMade = 0, freeThrowsAttempted = 0
  public var offensiveRebounds = 0, defensiveRebounds = 0, rebounds = 0
  public var assists = 0, turnovers = 0, steals = 0, blocks = 0, blocksReceived = 0
  public var personalFouls = 0, foulsDrawn = 0
  public var pointsSecondChance = 0, pointsFastBreak = 0, pointsInThePaint = 0

  public init() {}

  /// Adds `other` field by field.
  public static func + (a: BoxCounts, b: BoxCounts) -> BoxCounts {
    var r = a
    r.points += b.points
    r.fieldGoalsMade += b.fieldGoalsMade; r.fieldGoalsAttempted += b.fieldGoalsAttempted
    r.twoPointersMade += b.twoPointersMade; r.twoPointersAttempted += b.twoPointersAttempted
    r.threePointersMade += b.threePointersMade; r.threePointersAttempted += b.threePointersAttempted
    r.freeThrowsMade += b.freeThrowsMade; r.freeThrowsAttempted += b.freeThrowsAttempted
    r.offensiveRebounds += b.offensiveRebounds; r.defensiveRebounds += b.defensiveRebounds; r.rebounds += b.rebounds
    r.assists += b.assists; r.turnovers += b.turnovers; r.steals += b.steals; r.blocks += b.blocks
    r.blocksReceived += b.blocksReceived; r.personalFouls += b.personalFouls; r.foulsDrawn += b.foulsDrawn
    r.pointsSecondChance += b.pointsSecondChance; r.pointsFastBreak += b.pointsFastBreak
    r.pointsInThePaint += b.pointsInThePaint
    return r
  }

  /// Reads the `s…` (player) or `tot_s…` (team) keys.
  init(_ c: JSONCursor, prefix: String) throws {
    func v(_ k: String) throws -> Int { try c.int(prefix + k) }
    points = try v("sPoints")
    fieldGoalsMade = try v("sFieldGoalsMade"); fieldGoalsAttempted = try v("sFieldGoalsAttempted")
    twoPointersMade = try v("sTwoPointersMade"); twoPointersAttempted = try v("sTwoPointersAttempted")
    threePointersMade = try v("sThreePointersMade"); threePointersAttempted = try v("sThreePointersAttempted")
    freeThrowsMade = try v("sFreeThrowsMade"); freeThrowsAttempted = try v("sFreeThrowsAttempted")
    offensiveRebounds = try v("sReboundsOffensive"); defensiveRebounds = try v("sReboundsDefensive")
    rebounds = try v("sReboundsTotal")
    assists = try v("sAssists"); turnovers = try v("sTurnovers"); steals = try v("sSteals"); blocks = try v("sBlocks")
    blocksReceived = try c.int(prefix + "sBlocksReceived", default: 0)
    personalFouls = try v("sFoulsPersonal")
    foulsDrawn = try c.int(prefix + "sFoulsOn", default: 0)
    pointsSecondChance = try c.int(prefix + "sPointsSecondChance", default: 0)
    pointsFastBreak = try c.int(prefix + "sPointsFastBreak", default: 0)
    pointsInThePaint = try c.int(prefix + "sPointsInThePaint", default: 0)
  }
}
