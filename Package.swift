// swift-tools-version:6.0
import PackageDescription

/// Layers depend downward only (see docs/architecture.md):
/// workbench → WorkbenchCLI → Cells → (Engine, WorkbookModel, Frame, Stats, Learn, Tracking, Plotting, Reporting, Basketball)
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]
/// Numeric libraries are optimised even in debug builds: the test suite runs them on real data.
let numeric: [SwiftSetting] = strict + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
  name: "Workbench",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "workbench", targets: ["workbench"]),
    // Libraries exported for the benchmark package in bench/ (not a stable API).
    .library(name: "WorkbenchLibraries", targets: ["Frame", "Stats", "Learn", "Plotting", "Tracking", "Basketball", "Simulation"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
  ],
  targets: [
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

    // Science and I/O libraries: no knowledge of workbooks or the terminal.
    .target(name: "Frame", dependencies: ["CZlib"], swiftSettings: numeric),
    .target(name: "Stats", swiftSettings: numeric),
    .target(name: "Learn", swiftSettings: numeric),
    /// posix_spawn + waitpid (Foundation's Process.waitUntilExit can hang when other code also watches children).
    .target(name: "ProcessRunner", swiftSettings: strict),
    .target(name: "Plotting", dependencies: ["ProcessRunner"], swiftSettings: strict),
    .target(name: "Reporting", swiftSettings: strict),
    .target(name: "Tracking", swiftSettings: strict),
    .target(name: "Basketball", dependencies: ["Stats", "Learn"], swiftSettings: numeric),
    .target(name: "Simulation", dependencies: ["Learn"], swiftSettings: strict),
    /// Scripted cells' runtime: context file, per-language preludes, process group with timeout, environment probe.
    .target(name: "Scripting", dependencies: ["ProcessRunner", "Frame"], swiftSettings: strict),

    // Workbook format and execution engine.
    .target(name: "WorkbookModel", dependencies: ["Yams"], swiftSettings: strict),
    .target(
      name: "Engine",
      dependencies: ["WorkbookModel", "Frame", "Reporting", "CSQLite", "ProcessRunner", .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: strict),

    // One file per cell kind, binding specs to the libraries above.
    .target(
      name: "Cells",
      dependencies: ["Engine", "WorkbookModel", "Frame", "Stats", "Learn", "Plotting", "Reporting", "Tracking", "Basketball", "Simulation", "CSQLite", "ProcessRunner", "Scripting"],
      swiftSettings: strict),

    .target(
      name: "WorkbenchCLI",
      dependencies: ["Cells", "Engine", "WorkbookModel", "Reporting", "Simulation", "Basketball", "Tracking", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: strict),
    .executableTarget(name: "workbench", dependencies: ["WorkbenchCLI"], swiftSettings: strict),
    /// Fuzz targets for the parsers of untrusted text: scripts/fuzz.sh builds them with libFuzzer.
    .executableTarget(name: "workbench-fuzz", dependencies: ["Frame", "WorkbookModel"], path: "Sources/WorkbenchFuzz", swiftSettings: strict),

    .target(name: "TestSupport", dependencies: ["ProcessRunner"], path: "Tests/TestSupport", swiftSettings: strict),
    .testTarget(name: "FrameTests", dependencies: ["Frame", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "StatsTests", dependencies: ["Stats", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "LearnTests", dependencies: ["Learn", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "PlottingTests", dependencies: ["Plotting", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "ReportingTests", dependencies: ["Reporting"], swiftSettings: strict),
    .testTarget(name: "TrackingTests", dependencies: ["Tracking", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "BasketballTests", dependencies: ["Basketball", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "WorkbookModelTests", dependencies: ["WorkbookModel", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "EngineTests", dependencies: ["Engine", "Cells", "Frame", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "SimulationTests", dependencies: ["Simulation", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "ScriptingTests", dependencies: ["Scripting", "Frame", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "WorkbookModel"], swiftSettings: strict),
  ],
  swiftLanguageModes: [.v6]
)
