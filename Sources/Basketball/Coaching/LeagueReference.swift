/// League averages of the team metrics over a folder of games (one observation per team per game).
public struct LeagueReference: Sendable, Codable, Equatable {
  public var games: Int
  /// Mean and population standard deviation per ``TeamMetric`` raw value, in display units.
  public var mean: [String: Double]
  public var standardDeviation: [String: Double]
  public var observations: [String: Int]

  public init(games: Int, mean: [String: Double], standardDeviation: [String: Double], observations: [String: Int]) {
    self.games = games
    self.mean = mean
    self.standardDeviation = standardDeviation
    self.observations = observations
  }

  public func mean(_ m: TeamMetric) -> Double? { mean[m.rawValue] }
  public func spread(_ m: TeamMetric) -> Double? { standardDeviation[m.rawValue] }

  /// Averages over every team-game of `games` (games sorted by id first, so the result does not depend on order).
  public static func compute(_ games: [FibaGame]) -> LeagueReference {
    var values: [String: [Double]] = [:]
    for g in games.sorted(by: { $0.gameID < $1.gameID }) {
      for m in TeamGameMetrics.compute(g) {
        for metric in TeamMetric.allCases { if let v = metric.value(m) { values[metric.rawValue, default: []].append(v) } }
      }
    }
    var mean: [String: Double] = [:], sd: [String: Double] = [:], n: [String: Int] = [:]
    for (k, v) in values where !v.isEmpty {
      let mu = v.reduce(0, +) / Double(v.count)
      mean[k] = mu
      sd[k] = (v.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(v.count)).squareRoot()
      n[k] = v.count
    }
    return LeagueReference(games: games.count, mean: mean, standardDeviation: sd, observations: n)
  }
}
