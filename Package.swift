// swift-tools-version:6.0
import PackageDescription

/// Layers depend downward only (see docs/architecture.md):
/// workbench → WorkbenchCLI → (Serving, Orchestration) → Cells → Engine → WorkbookModel
///   → (Frame, Stats, Learn, Plotting, Reporting, Tracking, Basketball, Simulation, Scripting, ProcessRunner)
///   → WorkbenchHTTP → WorkbenchCore (Foundation only). Each target lists exactly the modules it imports.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]
/// Numeric libraries are optimised even in debug builds: the test suite runs them on real data.
let numeric: [SwiftSetting] = strict + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
  name: "Workbench",
  platforms: [.macOS(.v15)],  // Synchronization.Atomic needs macOS 15
  products: [
    .executable(name: "workbench", targets: ["workbench"]),
    // Libraries exported for the benchmark package in bench/ (not a stable API).
    .library(name: "WorkbenchLibraries", targets: ["Frame", "Stats", "Learn", "Plotting", "Tracking", "Basketball", "Simulation"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
  ],
  targets: [
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

    /// The one copy of the shared vocabulary: JSON value, seeded generator, number formatting, suggestions,
    /// pairwise summation, atomic file writing, CSV writing. Depends on nothing but Foundation.
    .target(name: "WorkbenchCore", swiftSettings: numeric),
    /// The one HTTP transport (async, one retry policy) used by tracking, fetch, alert and the LLM client.
    .target(name: "WorkbenchHTTP", dependencies: ["WorkbenchCore"], swiftSettings: strict),

    // Science and I/O libraries: no knowledge of workbooks or the terminal.
    .target(name: "Frame", dependencies: ["CZlib", "WorkbenchCore"], swiftSettings: numeric),
    .target(name: "Stats", dependencies: ["WorkbenchCore"], swiftSettings: numeric),
    .target(name: "Learn", dependencies: ["WorkbenchCore"], swiftSettings: numeric),
    /// posix_spawn + waitpid (Foundation's Process.waitUntilExit can hang when other code also watches children).
    .target(name: "ProcessRunner", swiftSettings: strict),
    .target(name: "Plotting", dependencies: ["ProcessRunner", "WorkbenchCore"], swiftSettings: strict),
    .target(name: "Reporting", swiftSettings: strict),
    .target(
      name: "Tracking", dependencies: ["WorkbenchCore", "WorkbenchHTTP", "Yams", .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: strict),
    .target(name: "Basketball", dependencies: ["Learn", "WorkbenchCore", "WorkbenchHTTP"], swiftSettings: numeric),
    /// Simulated data: NBA shots in the Kaggle schema, and FIBA LiveStats games (Game/, built on Basketball's box counts).
    .target(name: "Simulation", dependencies: ["Learn", "WorkbenchCore", "Basketball"], swiftSettings: strict),
    /// Scripted cells' runtime: context file, per-language preludes, process group with timeout, environment probe.
    .target(name: "Scripting", dependencies: ["ProcessRunner", "Frame", "WorkbenchCore"], swiftSettings: strict),

    // Workbook format and execution engine.
    .target(name: "WorkbookModel", dependencies: ["Yams", "WorkbenchCore"], swiftSettings: strict),
    .target(
      name: "Engine",
      dependencies: ["WorkbookModel", "Frame", "Reporting", "CSQLite", "ProcessRunner", .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: strict),

    // One file per cell kind, binding specs to the libraries above.
    .target(
      name: "Cells",
      dependencies: ["Engine", "WorkbookModel", "WorkbenchCore", "WorkbenchHTTP", "Frame", "Stats", "Learn", "Plotting", "Reporting", "Tracking", "Basketball", "Simulation", "ProcessRunner", "Scripting"],
      swiftSettings: strict),

    /// `workbench serve`: the champion behind MLflow's scoring protocol, Prometheus metrics, the reports app.
    .target(
      name: "Serving",
      dependencies: ["Cells", "Engine", "WorkbookModel", "WorkbenchCore", "Frame", "Tracking", "Reporting",
                     .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Prometheus", package: "swift-prometheus")],
      swiftSettings: strict),
    /// Running a plan elsewhere: the Slurm executor and the Airflow DAG exporter (both call `workbench cell run`).
    .target(name: "Orchestration", dependencies: ["Engine", "WorkbookModel", "WorkbenchCore", "ProcessRunner"], swiftSettings: strict),

    .target(
      name: "WorkbenchCLI",
      dependencies: ["Cells", "Engine", "WorkbookModel", "WorkbenchCore", "Simulation", "Basketball", "Tracking", "Serving", "Orchestration", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: strict),
    .executableTarget(name: "workbench", dependencies: ["WorkbenchCLI"], swiftSettings: strict),
    /// Fuzz targets for the parsers of untrusted text: scripts/fuzz.sh builds them with libFuzzer.
    .executableTarget(name: "workbench-fuzz", dependencies: ["Frame", "WorkbookModel"], path: "Sources/WorkbenchFuzz", swiftSettings: strict),

    .target(name: "TestSupport", dependencies: ["ProcessRunner"], path: "Tests/TestSupport", swiftSettings: strict),
    .testTarget(name: "WorkbenchCoreTests", dependencies: ["WorkbenchCore"], swiftSettings: strict),
    .testTarget(name: "WorkbenchHTTPTests", dependencies: ["WorkbenchHTTP", "WorkbenchCore", "TestSupport"], swiftSettings: strict),
    /// In-process tests of single cells (CellHarness: run one cell from a spec without launching the binary).
    .testTarget(name: "CellsTests", dependencies: ["Cells", "Engine", "WorkbookModel", "WorkbenchCore", "Frame", "TestSupport"], swiftSettings: strict),
    .testTarget(
      name: "ServingTests",
      dependencies: ["Serving", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird")], swiftSettings: strict),
    .testTarget(name: "OrchestrationTests", dependencies: ["Orchestration", "TestSupport", "WorkbookModel"], swiftSettings: strict),
    .testTarget(name: "FrameTests", dependencies: ["Frame", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "StatsTests", dependencies: ["Stats", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "LearnTests", dependencies: ["Learn", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "PlottingTests", dependencies: ["Plotting", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "ReportingTests", dependencies: ["Reporting"], swiftSettings: strict),
    .testTarget(name: "TrackingTests", dependencies: ["Tracking", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "BasketballTests", dependencies: ["Basketball", "Simulation", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "WorkbookModelTests", dependencies: ["WorkbookModel", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "EngineTests", dependencies: ["Engine", "Cells", "Frame", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "SimulationTests", dependencies: ["Simulation", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "ScriptingTests", dependencies: ["Scripting", "Frame", "TestSupport"], swiftSettings: strict),
    .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "WorkbookModel"], swiftSettings: strict),
  ],
  swiftLanguageModes: [.v6]
)
