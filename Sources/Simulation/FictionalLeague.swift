/// Clearly fictional teams and players for simulated data (no real names, IDs outside the NBA's ranges:
/// team IDs 1699000001…, player IDs 9000000+). Fixed for every seed, so a player's ID always has the same name.
public enum FictionalLeague {
  public struct Team: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var abbreviation: String
  }

  static let cities = [
    "Harbor City", "Mesa Flats", "Cobalt Bay", "Pinecrest", "Ironvale", "Silver Lake", "Redstone", "Amber Falls",
    "Northgate", "Driftwood", "Granite Peak", "Willow Creek", "Sunhaven", "Frostmoor", "Copper Ridge", "Bluewater",
    "Ashford", "Stormport", "Elm Hollow", "Kestrel Point", "Marrow Glen", "Oakmont Isle", "Quarry Hill", "Ravenmere",
    "Saltmarsh", "Thornbury", "Upland Vale", "Vesper Heights", "Westwind", "Yarrow Bend",
  ]
  static let mascots = [
    "Herons", "Coyotes", "Mariners", "Owls", "Forgers", "Loons", "Rams", "Lynx", "Sentinels", "Otters", "Goats",
    "Foxes", "Suns of Sunhaven", "Yetis", "Miners", "Narwhals", "Badgers", "Petrels", "Stags", "Kestrels", "Moles",
    "Acorns", "Diggers", "Ravens", "Crabs", "Thistles", "Hawks of Upland", "Comets", "Gales", "Beavers",
  ]
  static let abbreviations = [
    "HCH", "MFC", "CBM", "PCO", "IVF", "SLL", "RSR", "AFL", "NGS", "DWO", "GPG", "WCF", "SHS", "FMY", "CRM", "BWN",
    "ASB", "STP", "EHS", "KPK", "MGM", "OIA", "QHD", "RVR", "SMC", "TBT", "UVH", "VHC", "WWG", "YBB",
  ]
  static let firstNames = [
    "Avery", "Bram", "Caius", "Dorian", "Ezra", "Florian", "Gideon", "Hollis", "Ignatius", "Jarek", "Kellan", "Lysander",
    "Marek", "Nico", "Orrin", "Pascal", "Quillon", "Rafferty", "Soren", "Tobiah", "Ulric", "Vance", "Wystan", "Xander",
    "Yorick", "Zebulon", "Anselm", "Benedikt", "Cosmo", "Dashiell",
  ]
  static let lastNames = [
    "Quillfeather", "Ashgrove", "Brightwater", "Cinderby", "Dunmore", "Everhart", "Fenwhistle", "Galloway", "Hartwell",
    "Ironside", "Jessop", "Kettleby", "Larkspur", "Merriweather", "Nettlefold", "O'Dallow", "Pennywhistle", "Quarrington",
    "Rookwood", "Stillwater", "Thistlewood", "Underhill", "Vantablack", "Wexley", "Yarborough", "Zellweger-Moss",
    "Applewhite", "Blackthorne", "Coldwell", "Driscombe",
  ]

  /// The 30 fictional teams.
  public static let teams: [Team] = (0..<30).map { i in
    Team(id: 1_699_000_001 + i, name: "\(cities[i]) \(mascots[i])", abbreviation: abbreviations[i])
  }

  public static let playersPerTeam = 14

  /// Every player, team-major: `roster[team * playersPerTeam + slot]`.
  public static let roster: [(id: Int, name: String)] = (0..<30 * playersPerTeam).map {
    player(team: $0 / playersPerTeam, slot: $0 % playersPerTeam)
  }

  /// Player `slot` (0..<14) of team `team` (0..<30): ID and name (unique across the league).
  public static func player(team: Int, slot: Int) -> (id: Int, name: String) {
    let k = team * playersPerTeam + slot  // 0..<420
    let first = firstNames[k % firstNames.count]
    let last = lastNames[(k / firstNames.count + k * 7) % lastNames.count]
    return (9_000_000 + team * 100 + slot, "\(first) \(last)")
  }
}
