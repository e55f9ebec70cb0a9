import Foundation
@testable import Basketball
import TestSupport

/// Real games loaded once per test process (nil when ../shared/datasets is absent).
enum Fixtures {
  static let realGames: Result<[FibaGame]?, any Error> = Result {
    guard let folder = try Oracles.sharedDataset("fiba_livestats") else { return nil }
    return try FibaLiveStatsParser.load(folder)
  }

  static func games() throws -> [FibaGame]? { try realGames.get() }
}
