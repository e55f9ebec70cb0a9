import Engine
import Foundation
import Frame
import Testing
import TestSupport
import WorkbookModel

/// `fetch` against a real HTTP server on 127.0.0.1 in this process (``InProcessHTTPServer``).
@Suite struct FetchCellTests {
  static let csv = "player,made\nP1,1\nP2,0\nP3,1\n"

  @Test func fetchDownloadsPinnedBytesAndParsesThem() async throws {
    let server = try InProcessHTTPServer(routes: ["/shots.csv": .init(Self.csv)])
    defer { server.stop() }
    let output = try await CellHarness().run("""
      id: download
      kind: fetch
      url: \(server.url("/shots.csv"))
      sha256: \(Digest.sha256(Self.csv))
      format: csv
      """).succeeded()
    #expect(try output.file("shots.csv") == Array(Self.csv.utf8))
    #expect(try output.table().rowCount == 3)
    #expect(try output.table().columnNames == ["player", "made"])
    #expect(output.result.value(atPath: ["sha256"]) == .string(Digest.sha256(Self.csv)))
    #expect(output.result.value(atPath: ["pinned"]) == .bool(true))
    #expect(server.requests == ["/shots.csv"])
  }

  @Test func twoDownloadsOfTheSameBytesGiveTheSameOutputs() async throws {
    let server = try InProcessHTTPServer(routes: ["/shots.csv": .init(Self.csv)])
    defer { server.stop() }
    let spec = """
      id: download
      kind: fetch
      url: \(server.url("/shots.csv"))
      format: csv
      """
    let first = try await CellHarness().run(spec).succeeded()
    let second = try await CellHarness().run(spec).succeeded()
    #expect(first.result == second.result)
    #expect(try first.file("shots.csv") == second.file("shots.csv"))
    #expect(server.requests.count == 2)  // a fresh project each time: no local copy to reuse
  }

  @Test func anHTTPErrorFailsTheCellAtTheURLWithoutRetrying() async throws {
    let server = try InProcessHTTPServer(routes: [:])
    defer { server.stop() }
    let failure = try await CellHarness().run("""
      id: download
      kind: fetch
      url: \(server.url("/missing.csv"))
      """).failed()
    #expect(failure.code == .networkFailed)
    #expect(failure.line == 3)
    #expect(failure.message.hasPrefix("cannot download \(server.url("/missing.csv")): "), "\(failure.message)")
    #expect(failure.message.contains("404"), "\(failure.message)")
    #expect(server.requests == ["/missing.csv"])  // 404 is not retried
  }

  @Test func aMalformedPinIsRefusedBeforeAnythingRuns() async throws {
    let failure = try await CellHarness().run("""
      id: download
      kind: fetch
      url: http://127.0.0.1:9/shots.csv
      sha256: abc
      """).failed()
    #expect(failure.message == "`sha256` must be 64 hexadecimal digits, got `abc`")
    #expect(failure.line == 4)
    #expect(failure.code == nil)
  }

  @Test func aTimeoutThroughAParamIsCheckedBeforeTheDownload() async throws {
    var harness = CellHarness()
    harness.params["wait"] = 30
    harness.overrides = ["wait": "0"]
    let failure = try await harness.run("""
      id: download
      kind: fetch
      url: http://127.0.0.1:9/shots.csv
      timeout: ${wait}
      """).failed()
    #expect(failure.message == "`timeout` must be > 0, got 0")
    #expect(failure.code == .optionInvalid)
    #expect(failure.line == 4)
  }
}

/// `impact` on FIBA LiveStats games loaded by a real `load` cell.
@Suite struct ImpactCellTests {
  /// `load` (format fiba_livestats) over the first `count` real games, as an upstream cell.
  static func loadedGames(_ count: Int) async throws -> GivenCell {
    let folder = try #require(try Oracles.sharedDataset("fiba_livestats"))
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
    var harness = CellHarness()
    for name in names.prefix(count) {
      harness.files["games/\(name)"] = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }
    let games = try await harness.run("""
      id: league
      kind: load
      source: games
      format: fiba_livestats
      """).succeeded()
    return GivenCell(tables: games.tables, result: games.result, files: games.files)
  }

  static let spec = """
    id: impact
    kind: impact
    input: league
    folds: 3
    lambdas: [1, 100]
    """

  @Test(.needsDataset("fiba_livestats"), .needsTool("gnuplot", package: "gnuplot-nox"))
  func impactFitsByGameFoldsAndIsReproducible() async throws {
    var harness = CellHarness()
    harness.upstream["league"] = try await Self.loadedGames(9)
    let output = try await harness.run(Self.spec).succeeded()
    #expect(output.result.value(atPath: ["status"]) == .string("fitted"))
    #expect(output.result.value(atPath: ["games"]) == .int(9))
    #expect(output.result.value(atPath: ["folds"]) == .int(3))
    #expect(output.result.value(atPath: ["seed"]) == .int(42))  // the declared default
    #expect(output.result.value(atPath: ["grouped_by_game"]) == .bool(true))
    #expect(output.result.value(atPath: ["fold_r2"])?.arrayValue?.count == 3)
    #expect(output.tables.map(\.name).prefix(3) == ["players", "predictions", "features"])
    // Same games, same seed: the same result and tables.
    let again = try await harness.run(Self.spec).succeeded()
    #expect(again.result == output.result)
    #expect(try again.table("predictions") == output.table("predictions"))
  }

  @Test func oneGameIsNotEnoughAndSaysSoWithoutFailing() async throws {
    var harness = CellHarness()
    harness.upstream["league"] = try await BasketballAndAlertCellsTests.loadedGame()
    let output = try await harness.run(Self.spec).succeeded()
    #expect(output.result.value(atPath: ["status"]) == .string("not_enough_data"))
    #expect(output.result.value(atPath: ["games"]) == .int(1))
    #expect(output.warnings.count == 1)
    #expect(output.tables.isEmpty)
  }

  @Test func oneFoldIsRefusedAtItsLine() async throws {
    var harness = CellHarness()
    harness.upstream["league"] = try await BasketballAndAlertCellsTests.loadedGame()
    let failure = try await harness.run(Self.spec.replacingOccurrences(of: "folds: 3", with: "folds: 1")).failed()
    #expect(failure.message == "`folds` must be ≥ 2, got 1")
    #expect(failure.line == 4)
    #expect(failure.code == nil)
  }

  @Test func aNegativePenaltyIsRefusedAtItsLine() async throws {
    var harness = CellHarness()
    harness.upstream["league"] = try await BasketballAndAlertCellsTests.loadedGame()
    let failure = try await harness.run(Self.spec.replacingOccurrences(of: "[1, 100]", with: "[1, -100]")).failed()
    #expect(failure.message == "`lambdas` must be > 0, got -100")
    #expect(failure.line == 5)
  }
}

/// The `r` kind: R code run by `Rscript` with the `wb` prelude (tables as CSV: R's arrow package is not installed here).
@Suite struct RCellTests {
  @Test(.needsTool("Rscript", package: "r-base-core"))
  func rCellReadsATableAndWritesATableAndAMetric() async throws {
    let output = try await CellHarness(input: "shots", tinyShots).run("""
      id: zones
      kind: r
      inputs: {shots: shots}
      outputs: {tables: [by_zone], metrics: [made]}
      table_format: csv
      code: |
        shots <- wb$table("shots")
        wb$metric("made", sum(shots$made))
        by_zone <- aggregate(made ~ zone, data = shots, FUN = sum)
        wb$save_table("by_zone", by_zone[order(by_zone$zone), ])
      """).succeeded()
    #expect(output.result.value(atPath: ["metrics", "made"])?.intValue == 3)
    let byZone = try output.table("by_zone")
    #expect(texts(byZone, "zone") == ["mid", "paint", "three"])
    #expect(texts(byZone, "made") == ["0", "2", "1"])
  }

  @Test(.needsTool("Rscript", package: "r-base-core"))
  func theSameSeedDrawsTheSameNumbers() async throws {
    let spec = """
      id: draw
      kind: r
      outputs: {metrics: [draw]}
      seed: SEED
      code: |
        wb$metric("draw", runif(1))
      """
    let first = try await CellHarness().run(spec.replacingOccurrences(of: "SEED", with: "7")).succeeded()
    let second = try await CellHarness().run(spec.replacingOccurrences(of: "SEED", with: "7")).succeeded()
    let other = try await CellHarness().run(spec.replacingOccurrences(of: "SEED", with: "8")).succeeded()
    let draw = try #require(first.result.value(atPath: ["metrics", "draw"]))
    #expect(second.result.value(atPath: ["metrics", "draw"]) == draw)
    #expect(other.result.value(atPath: ["metrics", "draw"]) != draw)
  }

  @Test(.needsTool("Rscript", package: "r-base-core"))
  func anRErrorFailsTheCellAtItsLine() async throws {
    let failure = try await CellHarness().run("""
      id: broken
      kind: r
      code: |
        x <- 1
        stop("no shots")
      """).failed()
    #expect(failure.message.contains("no shots"), "\(failure.message)")
    #expect(failure.line == 5, "the `stop` line of the spec")
  }

  @Test func aMisspelledOutputGroupIsRefusedWithASuggestion() async throws {
    let failure = try await CellHarness().run("""
      id: zones
      kind: r
      outputs:
        tabels: [by_zone]
      code: wb$metric("x", 1)
      """).failed()
    #expect(failure.message == "unknown option `tabels` in `outputs`")
    #expect(failure.hint == "did you mean `tables`?")
    #expect(failure.line == 4)
    #expect(failure.code == nil)
  }
}
