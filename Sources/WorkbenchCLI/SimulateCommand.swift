import ArgumentParser
import Basketball
import Foundation
import Simulation
import WorkbenchCore

struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write simulated sample data (clearly fictional) in the real formats.",
    subcommands: [Shots.self, Game.self])

  struct Shots: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Shots in the Kaggle bronze schema (22 columns) following published NBA tendencies for a season.")
    @Option(help: "Number of shots.") var rows: Int = 10_000
    @Option(help: "Seed of the generator (same seed, same bytes).") var seed: UInt64 = 42
    @Option(help: "Season (its starting year, 1997–2023) whose zone mix and 3-point share to follow.") var season: Int = 2019
    @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

    func validate() throws {
      guard rows >= 1, rows <= 50_000_000 else { throw ValidationError("--rows must be between 1 and 50,000,000") }
    }

    func run() throws {
      let simulator = try ShotSimulator(seed: seed, season: season)
      guard let output else {
        try simulator.writeCSV(count: rows) { FileHandle.standardOutput.write(Data($0.utf8)) }
        return
      }
      // Streamed into a temporary file, renamed when complete (never a half-written sample).
      let tmp = output + ".tmp-\(getpid())"
      guard FileManager.default.createFile(atPath: tmp, contents: nil), let handle = FileHandle(forWritingAtPath: tmp) else {
        throw ValidationError("cannot write \(output)")
      }
      do {
        try simulator.writeCSV(count: rows) { handle.write(Data($0.utf8)) }
        try handle.close()
        if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
        try FileManager.default.moveItem(atPath: tmp, toPath: output)
      } catch {
        try? FileManager.default.removeItem(atPath: tmp)
        throw error
      }
      printError("wrote \(rows) simulated shots of season \(season) (seed \(seed)) to \(output)")
    }
  }

  struct Game: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "A fictional FIBA LiveStats game (data.json format) whose box score and play-by-play agree.")
    @Option(help: "Seed of the generator.") var seed: UInt64 = 1
    @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

    func run() throws {
      let data = try GameSimulator(seed: seed).liveStatsJSON()
      if let output {
        try AtomicFile.write(data, to: output)
        printError("wrote simulated game (seed \(seed)) to \(output)")
      } else {
        FileHandle.standardOutput.write(data)
      }
    }
  }
}
