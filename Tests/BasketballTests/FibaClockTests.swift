import Foundation
import Simulation
import Testing
@testable import Basketball
import TestSupport

/// Play-by-play clocks that are not clocks (issue 11) are errors naming the file and the event's JSON path, not a
/// silent 0 or a silent fall-back to `gt`.
@Suite struct FibaClockTests {
  func game(clock: Any) throws -> FibaGame {
    let data = try GameSimulator(seed: 3).liveStatsJSON()
    var tree = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    var pbp = try #require(tree["pbp"] as? [Any])
    var event = try #require(pbp[4] as? [String: Any])
    event["clock"] = clock
    pbp[4] = event
    tree["pbp"] = pbp
    return try FibaLiveStatsParser.parse(data: JSONSerialization.data(withJSONObject: tree), fileName: "data_x.json")
  }

  @Test(arguments: ["xx", "-5:00:00", "5:-1", "1:2:3:4"])
  func malformedClocksNameTheEvent(_ clock: String) throws {
    let error = #expect(throws: FibaParseError.self) { try game(clock: clock) }
    #expect(error?.file == "data_x.json")
    #expect(error?.path == "$.pbp.4.clock", "\(String(describing: error))")
    #expect(error?.message.contains("expected \"M:SS\"") == true)
  }

  @Test func blankOrNullClockFallsBackToGameTime() throws {
    _ = try game(clock: "")
    _ = try game(clock: NSNull())
    _ = try game(clock: "04:12:00")
  }
}
